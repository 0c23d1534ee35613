"""Offline: no page loads anything from outside the app (the README promises no CDN), the API
docs come from local static files, and /favicon.ico answers."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from chainboard.chains.demo import demo_step as chains_demo
from chainboard.demo.loader import demo_load
from chainboard.projects.demo import demo_step as projects_demo

pytestmark = pytest.mark.django_db

# Attributes that make a browser fetch or navigate.
URL_ATTRS = {"src", "href", "action", "srcset", "poster", "data"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in URL_ATTRS and value:
                self.urls.append((tag, name, value.strip()))


def external_urls(html: str) -> list[tuple[str, str, str]]:
    """Every (tag, attribute, url) in ``html`` that leaves the app: absolute or scheme-relative."""
    parser = _Links()
    parser.feed(html)
    return [
        (tag, name, url)
        for tag, name, url in parser.urls
        if url.lower().startswith(("http:", "https:", "//", "ftp:"))
    ]


def test_external_urls_are_detected() -> None:
    html = (
        '<link href="https://cdn.jsdelivr.net/x.css"><script src="//unpkg.com/a.js"></script>'
        '<img src="/static/a.png"><a href="?page=2">2</a><form action="HTTP://evil/"></form>'
    )
    assert external_urls(html) == [
        ("link", "href", "https://cdn.jsdelivr.net/x.css"),
        ("script", "src", "//unpkg.com/a.js"),
        ("form", "action", "HTTP://evil/"),
    ]


@pytest.fixture
def demo_admin(admin_user) -> Client:  # type: ignore[no-untyped-def]
    demo_load(n_firms=150, seed=5)  # a small city with chains and projects: every page has content
    chains_demo(stdout=io.StringIO())
    projects_demo(stdout=io.StringIO())
    client = Client()
    client.force_login(admin_user)
    return client


def _pages() -> list[str]:
    from chainboard.chains.models import Chain
    from chainboard.enterprises.models import Enterprise
    from chainboard.projects.models import Project

    chain = Chain.objects.order_by("pk").first()
    firm = Enterprise.objects.order_by("pk").first()
    project = Project.objects.order_by("pk").first()
    assert chain is not None and firm is not None and project is not None
    return [
        reverse("dashboards:home"),
        reverse("enterprises:list"),
        reverse("enterprises:detail", args=[firm.uscc]),
        reverse("chains:index"),
        reverse("chains:panorama", args=[chain.pk]),
        reverse("supply:chain", args=[chain.pk]),
        reverse("evaluation:index"),
        reverse("evaluation:tiers"),
        reverse("projects:home"),
        reverse("projects:list"),
        reverse("projects:detail", args=[project.code]),
        reverse("projects:map"),
        reverse("projects:ranking"),
        reverse("projects:alerts"),
        reverse("projects:targets"),
        reverse("strategy:index"),
        reverse("imports:upload"),
        "/api/docs",
    ]


def test_no_page_references_a_url_outside_the_app(demo_admin) -> None:  # type: ignore[no-untyped-def]
    found: dict[str, list[tuple[str, str, str]]] = {}
    for url in _pages():
        response = demo_admin.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<html" in html.lower(), url
        if external := external_urls(html):
            found[url] = external
    login = Client().get(reverse("accounts:login")).content.decode()
    if external := external_urls(login):
        found["login"] = external
    assert found == {}


def test_api_docs_load_swagger_from_local_static(demo_admin) -> None:  # type: ignore[no-untyped-def]
    html = demo_admin.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui.css" in html
    assert "cdn" not in html.lower()
    assert "/static/favicon.svg" in html  # our icon (templates/ninja/favicons.html), not ninja's
    for path in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        from django.contrib.staticfiles import finders

        assert finders.find(path), path


def test_favicon_is_served_and_linked(client) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.ico"
    ico = finders.find("favicon.ico")
    assert ico is not None
    with open(ico, "rb") as fh:
        assert fh.read(4) == b"\x00\x00\x01\x00"  # the ICO header
    login = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in login
    assert client.post("/favicon.ico").status_code == 405

"""Offline: no page loads anything from outside the app (the README promises no CDN), the API
docs come from local static files, and /favicon.ico answers."""

from __future__ import annotations

import io
import json
from html.parser import HTMLParser
from pathlib import Path

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


def local_asset_urls(html: str) -> list[str]:
    """Every script, stylesheet and icon ``html`` loads (the links a browser fetches itself)."""
    parser = _Links()
    parser.feed(html)
    return [
        url
        for tag, name, url in parser.urls
        if (tag, name) in {("script", "src"), ("link", "href")}
    ]


def test_api_docs_load_swagger_ui_from_the_npm_copy(client) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.staticfiles import finders

    html = client.get("/api/docs").content.decode()
    assets = local_asset_urls(html)
    # Swagger UI itself from static/vendor (npm swagger-ui-dist via `make assets`), our own
    # start-up script and icon; nothing from django-ninja's copy, nothing from outside
    assert sorted(assets) == [
        "/static/favicon.ico",
        "/static/favicon.svg",
        "/static/js/api-docs.js",
        "/static/vendor/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui.css",
    ]
    assert external_urls(html) == [] and "cdn" not in html.lower()
    assert "/static/ninja/" not in html
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), url
    # collectstatic's manifest storage follows the stylesheet's sourceMappingURL: the map is there
    assert finders.find("vendor/swagger-ui.css.map")
    # the settings Swagger UI starts on: this server's OpenAPI document, no online validator
    settings_json = html.split('id="swagger-settings" type="application/json">')[1].split("<")[0]
    settings = json.loads(settings_json)
    assert settings["url"] == "/api/openapi.json" and settings["validatorUrl"] is None


def test_swagger_ui_copy_is_the_locked_npm_version() -> None:
    """static/vendor/swagger-ui-bundle.js is the swagger-ui-dist of package-lock.json."""
    root = Path(__file__).resolve().parents[2]
    lock = json.loads((root / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    declared = json.loads((root / "package.json").read_text())["dependencies"]
    assert "swagger-ui-dist" in declared
    installed = root / "node_modules" / "swagger-ui-dist" / "package.json"
    if installed.exists():  # node_modules is there wherever `make assets` ran
        assert json.loads(installed.read_text())["version"] == version
        bundle = root / "src/chainboard/static/vendor/swagger-ui-bundle.js"
        source = installed.parent / "swagger-ui-bundle.js"
        assert bundle.read_bytes() == source.read_bytes()


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

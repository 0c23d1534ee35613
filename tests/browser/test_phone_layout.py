"""Every page a county officer opens, at a phone's 390 px: no sideways scrolling, no JavaScript
error, no request leaving the server (issue 15, "Phone").

The pages come from the route table (``tests/web/test_route_access.py``): every page route the
county user may open (200 in the table), its URL arguments filled with the 宁晋 objects of the
table's world; routes that answer with a file (xlsx, CSV, PDF, SVG, JSON) are left out.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import STILL_CHARTS
from tests.web.test_route_access import ARGS, PAGES, ROLES, build_world, pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
#: pages worth a look by a person after a change (screenshots in test-artifacts/)
SHOTS = {
    "dashboards:home",
    "enterprises:list",
    "projects:list",
    "projects:detail",
    "projects:update",
    "projects:alerts",
    "projects:map",
    "chains:panorama",
    "chains:review",
}
#: pages that start a download or leave the page when opened (not layouts)
NOT_PAGES = {"accounts:logout"}


@pytest.fixture(autouse=True)
def _regions() -> None:
    """An earlier transactional test flushes the region list the migrations loaded: reload it."""
    from chainboard.geo.loaders import load_regions
    from chainboard.geo.models import Region

    if not Region.objects.filter(pk="130528").exists():
        load_regions(Region)


def county_pages(world: Any) -> list[tuple[str, str]]:
    """(route name, URL) of every HTML page the county user may open."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["county"])
    out = []
    county = ROLES.index("county")
    for name in sorted(pages()):
        entry = PAGES[name]
        if name in NOT_PAGES or not entry.get or entry.get.split()[county] != "200":
            continue
        kwargs = ARGS[entry.args](world, "in", "county") if entry.args else {}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            out.append((name, url))
    return out


def test_every_page_fits_a_phone(
    live_server: Any, browser: Any, xingtai: Any, settings: Any, tmp_path: Path
) -> None:
    settings.JOBS_DIR = tmp_path / "jobs"
    world = build_world(xingtai, settings.JOBS_DIR)
    t0 = time.perf_counter()
    targets = county_pages(world)
    print(f"{len(targets)} pages collected in {time.perf_counter() - t0:.1f} s")
    assert len(targets) > 40, targets  # the table's pages, not a handful

    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.add_init_script(STILL_CHARTS)
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith((live_server.url, "data:", "blob:")):
            route.continue_()
        else:
            outside.append(f"{page.url} → {url}")
            route.abort()

    page.route("**/*", guard)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ningjin")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    overflow: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    for name, url in targets:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("load")
        page.wait_for_timeout(50)
        width = page.evaluate("document.documentElement.scrollWidth")
        inner = PHONE["width"]
        if width > inner:
            culprits = page.evaluate(
                """(w) => [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > w + 1
                    && !e.closest('.scroll'))
                  .slice(0, 4).map(e => e.tagName + '.' + e.className + ' ' +
                    Math.round(e.getBoundingClientRect().right))""",
                inner,
            )
            overflow.append(f"{name} {url}: {width} > {inner} {culprits}")
        if name in SHOTS:
            page.screenshot(path=str(ARTIFACTS / f"phone-{name.replace(':', '-')}.png"))
    context.close()
    print(f"visited in {time.perf_counter() - t0:.1f} s")
    assert not overflow, "\n".join(overflow)
    assert not errors, "\n".join(errors)
    assert not outside, "\n".join(outside)


def test_phone_menu_opens_and_reaches_logout(live_server: Any, browser: Any) -> None:
    """At 390 px the top nav is behind the 菜单 button; opened, every link sits on one line and
    退出 is on screen and works."""
    from tests.factories import UserFactory

    UserFactory(username="ningjin", role="region_staff", scope_region_id="130528")
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ningjin")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/projects/alerts/")
    assert page.is_hidden(".topbar nav") and page.is_hidden("text=退出")
    page.click(".menu-toggle")
    assert page.get_attribute(".menu-toggle", "aria-expanded") == "true"
    heights = page.eval_on_selector_all(
        ".topbar nav a", "links => links.map(a => [a.innerText, a.getBoundingClientRect().height])"
    )
    assert heights and all(h < 48 for _, h in heights), heights  # one line each
    assert [t for t, _ in heights if t == "重点项目"] == ["重点项目"]
    logout = page.locator(".topbar button.link", has_text="退出")
    box = logout.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "phone-menu-open.png"))
    logout.click()
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
    context.close()

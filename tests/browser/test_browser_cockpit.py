"""驾驶舱, 大屏 and 企业画像 in a real chromium at 390, 1920 and 3840 px, offline: no JavaScript
error, no request leaves the test server, nothing overflows sideways; the 大屏 fills 1920×1080 and
3840×2160 without scrolling, its clock ticks and its panels rotate. Screenshots go to
test-artifacts/ (cockpit-*.png, screen-*.png, profile-*.png)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import STILL_CHARTS, js_errors, login
from tests.dashboards.world import build_world
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"390": (390, 844), "1920": (1920, 1080), "3840": (3840, 2160)}


def _open(browser: Any, live_server: Any, username: str, size: str) -> tuple[Any, Any, list, list]:
    width, height = SIZES[size]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    server = urlsplit(live_server.url).netloc
    outside: list[str] = []

    def only_the_test_server(route: Any) -> None:  # offline, as in a county office
        if urlsplit(route.request.url).netloc == server:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_test_server)
    errors = js_errors(page)
    login(page, live_server.url, username)
    return context, page, errors, outside


def _no_sideways_overflow(page: Any) -> None:
    """The page's own content (``main``) fits the window's width."""
    widths = page.evaluate(
        "() => { const m = document.querySelector('main');"
        " return [m.scrollWidth, m.clientWidth, window.innerWidth]; }"
    )
    assert widths[0] <= widths[1] + 1 and widths[1] <= widths[2], widths


@pytest.fixture
def world() -> dict[str, Any]:
    from chainboard.geo.models import Region

    ningjin, shahe = Region.objects.get(pk="130528"), Region.objects.get(pk="130582")
    out = build_world(ningjin, shahe)
    UserFactory(username="ningjin", role="region_staff", scope_region=ningjin)
    out["qiye"].set_password("pw-for-tests")
    out["qiye"].save()
    return out


@pytest.mark.parametrize("size", ["390", "1920", "3840"])
def test_cockpit_home(live_server: Any, browser: Any, world: Any, size: str) -> None:
    context, page, errors, outside = _open(browser, live_server, "ningjin", size)
    page.wait_for_selector("[data-chart='chart-stages'] canvas")
    page.wait_for_selector("[data-chart='chart-targets'] canvas")
    text = page.inner_text("main")
    assert "驾驶舱" in text and "宁晋县" in text
    for panel in ("目标进度与预测", "重点项目（按阶段）", "产业链缺口", "梯度培育", "逾期任务"):
        assert panel in text, panel
    assert "沙河" not in text
    _no_sideways_overflow(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"cockpit-{size}.png"), full_page=True)
    assert errors == [] and outside == []
    context.close()


@pytest.mark.parametrize("size", ["1920", "3840"])
def test_screen_fills_the_wall_without_scrolling(
    live_server: Any, browser: Any, world: Any, size: str
) -> None:
    width, height = SIZES[size]
    context, page, errors, outside = _open(browser, live_server, "ningjin", size)
    page.goto(f"{live_server.url}/screen/?rotate=3&refresh=600")
    page.wait_for_selector("[data-chart='chart-stages'] svg")
    box = page.evaluate(
        "() => { const r = document.getElementById('stage').getBoundingClientRect();"
        " const d = document.documentElement;"
        " return {x: r.x, y: r.y, w: r.width, h: r.height, sw: d.scrollWidth, sh: d.scrollHeight,"
        " bw: document.body.scrollWidth, bh: document.body.scrollHeight}; }"
    )
    # the 1920×1080 stage scaled ×1 or ×2 fills the window exactly; nothing scrolls
    assert round(box["w"]) == width and round(box["h"]) == height, box
    assert round(box["x"]) == 0 and round(box["y"]) == 0, box
    assert box["sw"] <= width and box["sh"] <= height, box
    assert box["bw"] <= width and box["bh"] <= height, box
    # every panel's content stays inside its panel (nothing cut off by the no-scroll layout)
    spilled = page.evaluate(
        "() => [...document.querySelectorAll('.s-panel, .s-kpi')].filter("
        " p => p.scrollHeight > p.clientHeight + 2).map(p => p.innerText.slice(0, 30))"
    )
    assert spilled == [], spilled
    clock = page.inner_text("#clock")
    page.wait_for_function(f"() => document.getElementById('clock').innerText !== {clock!r}")
    first = page.evaluate("() => document.querySelector('.rotator .slide.on h2').innerText")
    page.wait_for_function(
        "(t) => document.querySelector('.rotator .slide.on h2').innerText !== t",
        arg=first,
        timeout=8_000,
    )
    assert page.locator(".rotator .dots i").count() >= 3
    assert "数据截至" in page.inner_text(".s-head")
    page.wait_for_timeout(1_000)  # the slides' cross-fade
    page.screenshot(path=str(ARTIFACTS / f"screen-{size}.png"))
    assert errors == [] and outside == []
    context.close()


@pytest.mark.parametrize("size", ["390", "1920", "3840"])
def test_firm_profile(live_server: Any, browser: Any, world: Any, size: str) -> None:
    width, height = SIZES[size]
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
    page = context.new_page()
    page.add_init_script(STILL_CHARTS)
    errors = js_errors(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "qiye")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/firm/{world['firm'].uscc}/")  # lands on its profile
    text = page.inner_text("main")
    assert "企业画像" in text and "宁晋画像电缆有限公司" in text and "宁晋甲项目" in text
    assert "铜杆" in text
    _no_sideways_overflow(page)
    page.screenshot(path=str(ARTIFACTS / f"profile-{size}.png"), full_page=True)
    # the territory's pages are refused
    for url in ("/screen/", "/projects/ranking/", "/projects/targets/", "/strategy/"):
        assert page.goto(f"{live_server.url}{url}").status == 403, url
    assert errors == []
    context.close()

"""季观摩 in a real chromium at a phone's 390 px: the reviewer logs in, scores two projects of the
route (one with a photo), moves along with 下一个; the officer closes the event and reads the
county's quarter score on the event page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.browser.helpers import js_errors, login, table_rows
from tests.factories import ProjectFactory, UserFactory

from chainboard.geo.models import Region
from chainboard.projects import services
from chainboard.projects.models import ReviewKind, ReviewScore, ReviewSheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _regions() -> None:
    """An earlier transactional test flushes the region list the migrations loaded: reload it."""
    from chainboard.geo.loaders import load_regions

    if not Region.objects.filter(pk="130528").exists():
        load_regions(Region)


def _fill(page: Any, values: dict[str, str]) -> None:
    for key, value in values.items():
        page.fill(f"input[name=c-{key}]", value)


def test_reviewer_scores_on_a_phone_officer_closes(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    ningjin = Region.objects.get(pk="130528")
    analyst = UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    reviewer = UserFactory(username="ningjin", role="region_staff", scope_region=ningjin)
    first = ProjectFactory(code="NJ-GM-1", name="宁晋观摩电缆项目", region=ningjin)
    second = ProjectFactory(code="NJ-GM-2", name="宁晋观摩铜材项目", region=ningjin)
    event = services.site_review_create(
        actor=analyst, title="观摩浏览器测试", held_on=dt.date(2025, 6, 20), quarter=2
    )
    event = services.site_review_set_route(actor=analyst, event=event, projects=[first, second])
    services.site_review_set_reviewers(actor=analyst, event=event, reviewers=[reviewer])

    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True)
    page = context.new_page()
    errors = js_errors(page)
    login(page, live_server.url, "ningjin")
    page.goto(f"{live_server.url}/projects/guanmo/")
    page.click(f"a[href='/projects/guanmo/{event.pk}/score/']")
    assert "1/2 · 宁晋观摩电缆项目" in page.inner_text("#stop-title")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = page.locator("input[name=c-progress]").bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized input
    # a score out of range: refused with the criterion named, the values stay
    _fill(
        page, {"progress": "36", "quality": "20", "site": "16", "support": "8", "presentation": "9"}
    )
    page.locator("input[name=c-site]").evaluate("e => e.removeAttribute('max')")
    page.click("#save-sheet")
    assert "「现场管理」应在 0 到 15 分之间" in page.inner_text("#score-error")
    assert page.input_value("input[name=c-progress]") == "36"
    page.fill("input[name=c-site]", "12")
    assert page.inner_text("#sheet-total") == "85"
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    page.set_input_files("input[name=photos]", str(photo))
    page.fill("textarea[name=comment]", "形象进度超过计划")
    page.click("#save-sheet")
    page.wait_for_url(lambda u: u.endswith("?stop=2"))
    assert "2/2 · 宁晋观摩铜材项目" in page.inner_text("#stop-title")
    _fill(
        page, {"progress": "30", "quality": "20", "site": "12", "support": "8", "presentation": "9"}
    )
    page.click("#save-sheet")
    page.wait_for_selector("text=已保存「宁晋观摩铜材项目」的评分")
    assert page.inner_text("#done-count") == "2"
    page.click("#prev-stop")
    assert page.input_value("input[name=c-site]") == "12"  # the saved sheet comes back
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
    assert sorted(ReviewSheet.objects.values_list("total", flat=True)) == [
        Decimal("79.00"),
        Decimal("85.00"),
    ]

    officer = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = officer.new_page()
    errors += js_errors(page)
    login(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/projects/guanmo/{event.pk}/")
    assert table_rows(page, "#matrix")[0][3] == "85.00"
    page.once("dialog", lambda d: d.accept())
    page.click("#close-event")
    page.wait_for_selector("text=观摩活动已结束")
    assert "已结束" in page.inner_text("#event-status")
    # 宁晋: (85 + 79) ÷ 2 = 82.00, shown and written as the quarter's 季观摩 score
    assert table_rows(page, "#county-results") == [["宁晋县", "2", "2", "82.00", "82.00"]]
    assert ReviewScore.objects.get(region=ningjin, kind=ReviewKind.QUARTER).score == Decimal(82)
    assert "去掉一个最高分和一个最低分" in page.inner_text("#rule")
    officer.close()
    assert errors == []

"""A county user files a weekly update 周调度 and opens the wall map — in a real chromium."""

from __future__ import annotations

from typing import Any

import pytest
from tests.factories import ProjectFactory, UserFactory

from chainboard.projects.models import ProjectUpdate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _regions() -> None:
    """An earlier transactional test flushes the region list the migrations loaded: reload it."""
    from chainboard.geo.loaders import load_regions
    from chainboard.geo.models import Region

    if not Region.objects.filter(pk="130528").exists():
        load_regions(Region)


def test_weekly_update_and_wall_map(live_server: Any, page: Any, screenshot: Any) -> None:
    UserFactory(username="ningjin", role="region_staff", scope_region_id="130528")
    ProjectFactory(code="NJ-1", name="宁晋光伏组件项目", total_investment_wan_yuan=350000)
    ProjectFactory(code="NJ-2", name="宁晋电缆技改项目", stage="signed", started_on=None)
    ProjectFactory(code="SH-1", name="沙河玻璃深加工项目", region_id="130582")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ningjin")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/projects/list/?pool=building")
    assert "沙河玻璃" not in page.inner_text("main")
    page.click("text=宁晋光伏组件项目")
    page.click("#file-update")
    page.fill("#id_done_this_week", "主体厂房封顶，设备进场")
    page.fill("#id_investment_period_wan_yuan", "1200")
    page.fill("#id_problems", "施工用电线路尚未接通")
    page.fill("#id_help_department", "县供电公司")
    screenshot("projects-weekly-update-form")
    page.click("#submit-update")
    page.wait_for_selector("text=已保存")
    assert "主体厂房封顶" in page.inner_text("#updates")
    assert "1,200.00 万元" in page.inner_text("#done")
    update = ProjectUpdate.objects.get()
    assert update.author.username == "ningjin"

    page.goto(f"{live_server.url}/projects/map/")
    page.wait_for_selector("#wallmap canvas")
    page.wait_for_timeout(800)
    assert page.evaluate("!!echarts.getMap('130500')")
    regions = page.evaluate("echarts.getMap('130500').geoJSON.features.length")
    assert regions == 18
    panel = page.inner_text("#map-panel")
    assert "2 个项目" in panel and "宁晋县" in panel and "沙河市" not in panel
    screenshot("projects-wall-map")

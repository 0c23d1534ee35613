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


def test_wall_map_tooltip_card_labels_and_county_view(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    """Hover a bubble: name, investment with its unit, stage (not a latitude); click it: the
    project's card with a link; county names drawn; the county user's map framed on 宁晋;
    resizing, zooming and an empty filter raise no JavaScript error."""
    from tests.browser.helpers import js_errors, login

    UserFactory(username="ningjin", role="region_staff", scope_region_id="130528")
    ProjectFactory(code="NJ-1", name="宁晋光伏组件项目", total_investment_wan_yuan=350000)
    ProjectFactory(code="NJ-2", name="宁晋电缆技改项目", stage="signed", started_on=None)
    errors = js_errors(page)
    login(page, live_server.url, "ningjin")
    page.goto(f"{live_server.url}/projects/map/")
    page.wait_for_selector("#wallmap canvas")
    page.wait_for_timeout(500)

    option = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('wallmap')).getOption()"
    )
    (west, north), (east, south) = option["geo"][0]["boundingCoords"]
    assert 114.7 < west < east < 115.5 and 37.3 < south < north < 37.9  # 宁晋, not the city
    labels = next(s for s in option["series"] if s["name"] == "区县名称")
    assert "宁晋县" in [d["name"] for d in labels["data"]]

    # the bubble of NJ-1 on the screen
    where = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById('wallmap'));
          const option = chart.getOption();
          for (let i = 0; i < option.series.length; i++) {
            const j = (option.series[i].data || []).findIndex(d => d && d.code === 'NJ-1');
            if (j >= 0) {
              const [x, y] = chart.convertToPixel({seriesIndex: i}, option.series[i].data[j].value);
              const box = document.getElementById('wallmap').getBoundingClientRect();
              return [box.left + x, box.top + y];
            }
          }
          return null;
        }"""
    )
    assert where is not None
    page.mouse.move(where[0], where[1])
    page.wait_for_timeout(400)
    tip = page.evaluate(
        """() => [...document.querySelectorAll('#wallmap div')]
            .filter(d => d.style.position === 'absolute' && d.innerText.includes('总投资'))
            .map(d => d.innerText).join('|')"""
    )
    assert "宁晋光伏组件项目" in tip and "35.00 亿元" in tip and "开工" in tip, tip
    assert "37." not in tip  # no latitude
    screenshot("projects-wall-map-tooltip")

    assert page.is_hidden("#map-card")
    page.mouse.click(where[0], where[1])
    page.wait_for_selector("#map-card", state="visible")
    assert page.inner_text("#map-card-name") == "宁晋光伏组件项目"
    assert page.inner_text("#map-card-investment") == "35.00 亿元"
    assert page.get_attribute("#map-card-link", "href") == "/projects/p/NJ-1/"
    screenshot("projects-wall-map-card")
    page.click("#map-card-link")
    page.wait_for_url(f"{live_server.url}/projects/p/NJ-1/")

    # the once-seen null error: resize, zoom with the wheel, filter to nothing
    page.goto(f"{live_server.url}/projects/map/")
    page.wait_for_selector("#wallmap canvas")
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_timeout(300)
    page.set_viewport_size({"width": 1366, "height": 900})
    box = page.locator("#wallmap").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_timeout(300)
    page.goto(f"{live_server.url}/projects/map/?stage=effective")
    page.wait_for_selector("#wallmap canvas")
    page.wait_for_timeout(300)
    assert "0 个项目" in page.inner_text("#map-panel")
    assert not errors, errors

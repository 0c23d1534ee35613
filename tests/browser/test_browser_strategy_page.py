"""The strategy page of 宁晋县 on a small demo panel (邢台 and 石家庄 counties) in a real chromium:
KPI cards, the LQ table and chart, shift-share, product space, opportunities and key sectors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.browser.helpers import chart_option, js_errors, login, table_rows
from tests.factories import UserFactory

from chainboard.core.formatting import format_wan_yuan
from chainboard.core.templatetags.chainboard import number
from chainboard.geo.models import Region
from chainboard.strategy.selectors import strategy_report
from chainboard.strategy.services import panel_bulk_write
from chainboard_analytics.strategy.demo_panel import generate_demo_panel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def load_panel() -> None:
    """The demo generator on the counties of 石家庄市 and 邢台市, 2021 and 2023 (示例数据)."""
    counties = list(
        Region.objects.filter(level="county", code__regex=r"^13(01|05)")
        .order_by("code")
        .values_list("code", "name")
    )
    frame = generate_demo_panel(counties, years=(2021, 2023))
    rows = [
        {
            "region_id": r,
            "industry_id": i,
            "year": int(y),
            "measure": "revenue",
            "value": Decimal(str(v)),
            "sample": True,
        }
        for r, i, y, v in frame[["region", "industry", "year", "value"]].itertuples(index=False)
    ]
    panel_bulk_write(creates=rows, updates=[], actor=None, reason="浏览器测试面板")


def test_strategy_page_of_ningjin(live_server: Any, page: Any, screenshot: Any) -> None:
    UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    load_panel()
    ningjin = Region.objects.get(pk="130528")
    report = strategy_report(region=ningjin)
    assert report is not None and report["year"] == 2023 and report["base_year"] == 2021
    errors = js_errors(page)
    login(page, live_server.url, "analyst")

    page.goto(f"{live_server.url}/strategy/")  # the city's counties with panel data
    page.click("text=宁晋县")
    page.wait_for_url("**/strategy/130528/")
    for chart in ("chart-lq", "chart-shift", "chart-space"):
        page.wait_for_selector(f"[data-chart='{chart}'] canvas")
    main = page.inner_text("main")
    assert "示例数据" in page.inner_text("#sample-banner")
    assert f"参照：全部 {report['n_regions']} 个区县" in main

    # KPI cards equal the stored analysis; money carries its unit
    assert page.inner_text("#kpi-total") == format_wan_yuan(report["total"])
    assert page.inner_text("#kpi-total").endswith(("万元", "亿元"))
    assert page.inner_text("#kpi-eci") == f"{report['eci']:+.2f}"

    # specialisation: every row of the table, in LQ order; the chart's top bar is the top LQ
    lq_rows = table_rows(page, "#lq-table")
    spec = report["specialisation"]
    assert len(lq_rows) == len(spec)
    for shown, row in zip(lq_rows, spec, strict=True):
        assert shown[0] == f"{row['industry']} {row['name']}"
        assert shown[1] == format_wan_yuan(row["value"])
        assert shown[4] == number(row["lq"], 2) and shown[5] == f"{row['rank']} / {row['n']}"
    assert spec[0]["industry"] == "3831"  # the cable cluster leads
    lq_chart = chart_option(page, "[data-chart='chart-lq']")
    assert lq_chart["series"][0]["data"][-1]["value"] == pytest.approx(spec[0]["lq"])
    assert lq_chart["yAxis"][0]["data"][-1] == f"3831 {spec[0]['name']}"

    # shift-share: the totals table and the three components adding up to the change
    totals = report["shift_share"]["totals"]
    shift = dict(
        (r[0].split("（")[0], r[1]) for r in table_rows(page, "#shift-table") if len(r) == 2
    )
    assert shift["实际变化"] == format_wan_yuan(totals["change"])
    assert shift["全省增长份额 NS"] == format_wan_yuan(totals["ns"])
    assert totals["ns"] + totals["im"] + totals["rs"] == pytest.approx(totals["change"], rel=1e-6)

    # product space: one node per industry; opportunities and key sectors as computed
    space = chart_option(page, "[data-chart='chart-space']")["series"][0]
    assert len(space["data"]) == report["n_industries"]
    opportunities = table_rows(page, "#opportunity-table")
    assert [r[1] for r in opportunities] == [
        f"{o['industry']} {o['name']}" for o in report["opportunities"]
    ]
    assert len(opportunities) == 15 and all("关联密度" in r[6] for r in opportunities)
    sectors = table_rows(page, "#io-table")
    assert [r[0] for r in sectors] == [f"{s['sector']} {s['name']}" for s in report["key_sectors"]]
    assert any(r[5] == "关键部门" for r in sectors)
    screenshot("strategy-ningjin")
    assert errors == []

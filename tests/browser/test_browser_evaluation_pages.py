"""The 2025 亩均 evaluation of a small city, published with the Zhejiang and the Anhui method, and
the tier-candidate and coverage pages — in a real chromium, figures checked against the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from tests.browser.helpers import (
    chart_option,
    js_errors,
    login,
    table_rows,
)
from tests.factories import (
    EnterpriseFactory,
    EnterpriseYearFactory,
    ParkFactory,
    QualificationFactory,
    UserFactory,
)

from chainboard.evaluation import selectors, services
from chainboard.evaluation.models import EvaluationRun, ParkDesignCentre, TierProfile
from chainboard.geo.models import Region
from chainboard_analytics.evaluation import load_method

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def build_city(analyst: Any) -> dict[str, Any]:
    """14 firms in 宁晋 (2 规下) and 10 in 沙河 with 2024/2025 figures, parks, titles, profiles,
    a tier target; then the 2025 runs of both methods and a 2024 Zhejiang run, all published."""
    ningjin, shahe = Region.objects.get(pk="130528"), Region.objects.get(pk="130582")
    parks = [
        ParkFactory(name="宁晋经济开发区", region=ningjin),
        ParkFactory(name="宁晋电缆产业园", region=ningjin),
        ParkFactory(name="沙河经济开发区", region=shahe),
    ]
    ParkDesignCentre.objects.create(park=parks[0], name="宁晋经济开发区工业设计中心")
    firms = []
    for i in range(24):
        region = ningjin if i < 14 else shahe
        firm = EnterpriseFactory(
            region=region,
            park=parks[i % 2] if region == ningjin else parks[2],
            name=f"{region.name[:2]}亩均测试{i:02d}有限公司",
            above_scale=i not in (12, 13),
            industry_id="3831" if region == ningjin else "3041",
        )
        for year, bump in ((2024, 0), (2025, 30 * ((i * 7) % 5) - 50)):
            EnterpriseYearFactory(
                enterprise=firm,
                year=year,
                revenue_wan_yuan=Decimal(8000 + 600 * i),
                tax_paid_wan_yuan=Decimal(60 + 11 * i + bump),
                land_area_mu=Decimal(40 + (i % 4) * 10) if i not in (12, 13) else Decimal(8),
                energy_tce=Decimal(700 + 15 * i),
                pollutant_equivalent_t=None if i == 5 else Decimal("1.5"),
                rd_spend_wan_yuan=Decimal(250 + 40 * i),
                electricity_10k_kwh=Decimal(400),
            )
        firms.append(firm)
    for i, firm in enumerate(firms[:12]):  # tier inputs for the 宁晋 规上 firms
        TierProfile.objects.create(
            enterprise=firm,
            year=2025,
            sci_tech_staff=12 + 2 * i,
            rd_staff=8 + i,
            total_assets_wan_yuan=Decimal(15000),
            debt_ratio_pct=Decimal(45),
            high_tech_revenue_wan_yuan=Decimal(4000 + 500 * i),
            main_business_revenue_wan_yuan=Decimal(7600 + 560 * i),
            ip_class1=i % 3,
            ip_class2=2 + i % 4,
            niche_years=5,
            srdi_score=Decimal(50 + 2 * i),
        )
    titles = [
        (0, "cloud", dt.date(2023, 5, 1)),
        (1, "cloud", dt.date(2024, 5, 1)),
        (2, "cloud", dt.date(2025, 3, 1)),
        (3, "green_factory", dt.date(2024, 12, 1)),
        (4, "design_docked", dt.date(2025, 2, 1)),
        (14, "cloud", dt.date(2024, 8, 1)),
        (15, "smart_factory", dt.date(2025, 9, 1)),
        (6, "high_tech", dt.date(2025, 10, 15)),
        (16, "design_docked", dt.date(2026, 2, 1)),  # after the year: not counted
    ]
    for i, kind, granted in titles:
        QualificationFactory(
            enterprise=firms[i], kind=kind, level="provincial", granted_on=granted, expires_on=None
        )
    services.tier_target_set(
        actor=analyst, region=ningjin, year=2025, kind="high_tech", target=4, source="县区分解目标"
    )
    runs = {}
    for year, name in ((2024, "zhejiang"), (2025, "zhejiang"), (2025, "anhui")):
        run, created = services.evaluation_run_create(
            actor=analyst, year=year, method=load_method(name)
        )
        assert created
        runs[(year, name)] = services.evaluation_run_publish(
            actor=analyst, run=run, direct_reason="测试：直接发布"
        )
    return {"firms": firms, "runs": runs}


def test_runs_classes_card_tiers_and_coverage(live_server: Any, page: Any, screenshot: Any) -> None:
    analyst = UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    data = build_city(analyst)
    zj, ah = data["runs"][(2025, "zhejiang")], data["runs"][(2025, "anhui")]
    errors = js_errors(page)
    login(page, live_server.url, "analyst")

    # --- the list: the three published runs with their firm counts
    page.goto(f"{live_server.url}/evaluation/")
    rows = table_rows(page, "main section.card table")
    listed = {(r[1], r[2]): r for r in rows}
    assert len(rows) == EvaluationRun.objects.count() == 3
    for run in EvaluationRun.objects.all():
        row = listed[(str(run.year), run.method_title)]
        assert row[0] == f"#{run.pk}" and row[5] == str(run.n_firms) and row[6] == "已发布"
    assert zj.n_firms == 24 and ah.n_firms == 24
    screenshot("evaluation-index")

    # --- each 2025 run: class counts in the policy table and the pie equal the stored results
    for run in (zj, ah):
        method = load_method(run.method_id)
        results = selectors.result_list(user=analyst, run=run)
        counts = selectors.class_counts(results)
        page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/")
        page.wait_for_selector("[data-chart='chart-pie'] canvas")
        if run.method_id == "zhejiang":  # the 2024 run gives last year's classes
            page.wait_for_selector("[data-chart='chart-migration'] canvas")
            classes = method.class_order()
            heat = chart_option(page, "[data-chart='chart-migration']")["series"][0]["data"]
            shown_moves = {((*classes, "")[i], classes[j]): n for j, i, n in heat if n}
            stored = {k: n for k, n in selectors.migration_matrix(results).items() if n}
            assert shown_moves == stored
            assert any(prev != now for prev, now in stored if prev)  # some firms moved
        else:
            assert "上年没有同一办法的已发布评价" in page.inner_text("main")
        policy = table_rows(page, "section.card:has(h2:text('分类政策')) table")
        shown = {r[0].split()[0]: int(r[1]) for r in policy}
        for code in method.class_order():
            assert shown[code] == counts.get(code, 0), (run.method_id, code)
        assert sum(shown.values()) == run.n_firms
        assert f"共 {run.n_firms} 家" in page.inner_text("main")
        pie = [
            (d["name"], d["value"])
            for d in chart_option(page, "[data-chart='chart-pie']")["series"][0]["data"]
        ]
        assert {name.split("类")[0]: value for name, value in pie} == {
            k: v for k, v in counts.items() if v
        }
        top = results.filter(group="above", rank=1).get()
        first = table_rows(page, "section.card:has(h2:text('规上')) table")[0]
        assert first[0] == "1" and first[1] == top.enterprise.name and first[4] == top.klass
        screenshot(f"evaluation-run-{run.method_id}")

    # --- a firm's card: class, rank and the stored "why this class" text
    card = (
        selectors.result_list(user=analyst, run=zj)
        .filter(group="above", klass="C")
        .exclude(next_klass="")
        .order_by("rank")
        .first()
    )
    page.goto(f"{live_server.url}/evaluation/runs/{zj.pk}/")
    page.click("text=完整排名")
    page.select_option("select[name=klass]", "C")
    page.click("form.filters button")
    page.wait_for_url("**klass=C**")
    league = table_rows(page, "main table")
    c_firms = selectors.result_list(user=analyst, run=zj).filter(klass="C")
    assert {r[2] for r in league} == {r.enterprise.name for r in c_firms}
    assert {r[6] for r in league} == {"C"}
    screenshot("evaluation-league-c")
    page.click(f"text={card.enterprise.name}")
    page.wait_for_selector("#card-explanation")
    assert page.inner_text("#card-explanation") == card.explanation
    assert len(card.explanation) > 20
    assert page.inner_text("#card-class").startswith(f"{card.klass}类")
    assert f"{card.rank} / {card.n_group}" in page.inner_text("main")
    assert f"单项升至{card.next_klass}类需达到" in page.inner_text("main")
    screenshot("evaluation-card")

    # the bulletin PDF is a background job: tests/browser/test_browser_jobs.py

    # --- tier candidates: the summary and the list equal the selector's figures
    cands = selectors.tier_candidates(user=analyst, year=2025)
    page.goto(f"{live_server.url}/evaluation/tiers/?tier=high_tech")
    summary = {r[0]: r[1:] for r in table_rows(page, "section.card:has(h2:text('各区县')) table")}
    for row in selectors.tier_summary(cands):
        if row["tier"] == "high_tech":
            assert summary[row["region_name"]][1] == (
                f"{row['held']} / {row['qualifies']} / {row['close']}"
            )
    expected = cands[
        (cands["tier"] == "high_tech")
        & ~cands["held"].astype(bool)
        & cands["status"].isin(["qualifies", "close", "missing"])
    ]
    listed = table_rows(page, "section.card:has(h2:text('候选名单')) table")
    assert len(listed) == len(expected) > 0
    assert f"共 {len(expected)} 家" in page.inner_text("main")
    labels = {"qualifies": "符合条件", "close": "接近", "missing": "数据不足"}
    by_name = {r[0]: r for r in listed}
    for c in expected.itertuples():
        assert by_name[c.name][2] == labels[c.status]
        for gap in c.gaps:
            assert gap in by_name[c.name][3]
    order = [r[2] for r in listed]
    assert order == sorted(order, key=list(labels.values()).index)  # closest first
    progress = table_rows(page, "section.card:has(h2:text('年度培育目标')) table")
    # 新认定 1 counts toward the target; 复审/重新认定 (0 here) is shown apart, not counted
    assert progress == [["宁晋县", "高新技术企业", "全部", "+4", "1", "0", "25.0%", "县区分解目标"]]
    screenshot("evaluation-tiers")

    # --- coverage: the shares per county and the design-centre summary
    cov = selectors.coverage(user=analyst, year=2025)
    page.goto(f"{live_server.url}/evaluation/coverage/")
    page.wait_for_selector("[data-chart='coverage-chart'] canvas")
    assert page.inner_text("#coverage-summary") == (
        f"3个园区中1个已建工业设计中心；规上企业对接比例 {cov['overall']['design_docked'][1]:.0f}%"
    )
    shown = {r[0]: r for r in table_rows(page, "main section.card:last-of-type table")}
    for row in cov["rows"]:
        line = shown[row["label"]]
        assert line[1] == str(row["n"])
        n, pct = row["shares"]["cloud"]
        assert line[2] == f"{n} · {pct:.1f}%"
    assert shown["宁晋县"][1] == "12" and shown["宁晋县"][2] == "3 · 25.0%"
    assert shown["沙河市"][5] == "0 · 0.0%"  # design docking granted in 2026 does not count
    screenshot("evaluation-coverage")
    chart = page.locator("[data-chart='coverage-chart']")
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.6)
    tooltip = page.locator("[data-chart='coverage-chart'] div", has_text="上云").last
    tooltip.wait_for()
    assert "25%" in tooltip.inner_text()
    assert errors == []

"""梯度培育 tier checks: one test per criterion boundary (exactly at, just below), gaps, status."""

from __future__ import annotations

import pandas as pd
import pytest

from chainboard_analytics.evaluation import load_criteria
from chainboard_analytics.evaluation.tiers import check_tiers

CRITERIA = load_criteria()

BASE = {
    "revenue_wan_yuan": 15000.0,
    "revenue_prev_wan_yuan": 14000.0,
    "revenue_3y_wan_yuan": 40000.0,
    "rd_spend_wan_yuan": 900.0,
    "rd_spend_prev_wan_yuan": 840.0,
    "rd_spend_3y_wan_yuan": 2400.0,
    "employees": 100,
    "sci_tech_staff": 30,
    "rd_staff": 20,
    "total_assets_wan_yuan": 15000.0,
    "debt_ratio_pct": 40.0,
    "high_tech_revenue_wan_yuan": 12000.0,
    "main_business_revenue_wan_yuan": 13500.0,
    "main_business_revenue_prev_wan_yuan": 12000.0,
    "ip_class1": 2,
    "ip_class2": 5,
    "years_registered": 12,
    "niche_years": 12,
    "niche_market_share_pct": 15.0,
    "main_product_share_pct": 80.0,
    "global_rank": 2,
    "equity_raised_wan_yuan": 0.0,
    "has_rd_institution": 1,
    "strategic_emerging": 1,
    "high_tech_valid": 0,
    "srdi_score": 70.0,
    "industry_code": "3831",  # 电线、电缆制造: 工业, 100 staff → an SME
    "total_cost_wan_yuan": 12000.0,
    "total_income_wan_yuan": 15500.0,
    "rd_domestic_3y_wan_yuan": 2000.0,
    "innovation_score": 75.0,
    "main_business_revenue_prev2_wan_yuan": 11000.0,
    "rd_institution_provincial": 1,
    "srdi_valid": 1,
    "info_system": 1,
    "quality_certification": 1,
    "own_brand": 1,
    "energy_advanced": 1,
    "no_violation_3y": 1,
    "equity_raised_3y_wan_yuan": 0.0,
    "ip_class1_high_value": 0,
    "ip_class1_own": 0,
    "award_national_5y": 0,
    "standard_led_5y": 0,
    "award_3y": 0,
    "demo_title_valid": 0,
    "award_srdi_3y": 0,
    "maker_china_500_3y": 0,
}


def status(tier: str, **changes: float) -> pd.Series:
    frame = pd.DataFrame([{"uscc": "U1", **BASE, **changes}])
    out = check_tiers(frame, CRITERIA)
    return out[out["tier"] == tier].iloc[0]


def test_baseline_firm_qualifies_for_every_tier():
    frame = pd.DataFrame([{"uscc": "U1", **BASE}])
    out = check_tiers(frame, CRITERIA)
    assert set(out["status"]) == {"qualifies"}
    assert len(out) == len(CRITERIA.tiers) == 6


# (tier, figures exactly at the threshold, the same just below/above it)
BOUNDARIES = [
    (
        "tech_sme",
        {"employees": 500, "sci_tech_staff": 150},
        {"employees": 501, "sci_tech_staff": 150},
    ),
    (
        "tech_sme",
        {"revenue_wan_yuan": 20000.0, "rd_spend_wan_yuan": 1200.0},
        {"revenue_wan_yuan": 20000.1, "rd_spend_wan_yuan": 1200.0},
    ),
    ("tech_sme", {"total_assets_wan_yuan": 20000.0}, {"total_assets_wan_yuan": 20000.1}),
    # points: 科技人员 25 % → 16, R&D 3 % → 20, four Ⅱ类 IP → 24 = 60
    (
        "tech_sme",
        {
            "sci_tech_staff": 25,
            "rd_spend_wan_yuan": 450.0,
            "ip_class1": 0,
            "ip_class2": 4,
            "rd_institution_provincial": 0,
            "total_cost_wan_yuan": 10000.0,  # R&D ÷ cost 4.5 % → 0: the sales option counts
        },
        {
            "sci_tech_staff": 24,
            "rd_spend_wan_yuan": 450.0,
            "ip_class1": 0,
            "ip_class2": 4,
            "rd_institution_provincial": 0,
            "total_cost_wan_yuan": 10000.0,  # R&D ÷ cost 4.5 % → 0: the sales option counts
        },
    ),
    ("high_tech", {"years_registered": 1}, {"years_registered": 0.99}),
    ("high_tech", {"ip_class1": 0, "ip_class2": 1}, {"ip_class1": 0, "ip_class2": 0}),
    ("high_tech", {"sci_tech_staff": 10}, {"sci_tech_staff": 9}),
    ("high_tech", {"rd_spend_3y_wan_yuan": 1600.0}, {"rd_spend_3y_wan_yuan": 1599.0}),  # ≤2亿 → 4 %
    (
        "high_tech",
        {
            "revenue_wan_yuan": 5000.0,
            "total_income_wan_yuan": 5000.0,
            "high_tech_revenue_wan_yuan": 4000.0,
            "rd_spend_3y_wan_yuan": 2000.0,
        },
        {
            "revenue_wan_yuan": 5000.0,
            "total_income_wan_yuan": 5000.0,
            "high_tech_revenue_wan_yuan": 4000.0,
            "rd_spend_3y_wan_yuan": 1999.0,
        },
    ),  # ≤5000万 → 5 %
    (
        "high_tech",
        {
            "revenue_wan_yuan": 30000.0,
            "total_income_wan_yuan": 30000.0,
            "high_tech_revenue_wan_yuan": 20000.0,
            "rd_spend_3y_wan_yuan": 1200.0,
        },
        {
            "revenue_wan_yuan": 30000.0,
            "total_income_wan_yuan": 30000.0,
            "high_tech_revenue_wan_yuan": 20000.0,
            "rd_spend_3y_wan_yuan": 1199.0,
        },
    ),  # >2亿 → 3 %
    # points: Ⅰ类 10 + R&D 4 % 15 = 25; growth 7 % 10 + debt 60 % 5 = 15; field 5 + 主营 60 % 15 = 20 → 60
    (
        "innovative_sme",
        {
            "ip_class1": 1,
            "rd_spend_wan_yuan": 600.0,
            "main_business_revenue_wan_yuan": 9000.0,
            "main_business_revenue_prev_wan_yuan": 8411.2149,
            "debt_ratio_pct": 60.0,
            "strategic_emerging": 0,
            "rd_institution_provincial": 0,
        },
        {
            "ip_class1": 1,
            "rd_spend_wan_yuan": 600.0,
            "main_business_revenue_wan_yuan": 9000.0,
            "main_business_revenue_prev_wan_yuan": 8600.0,
            "debt_ratio_pct": 60.0,
            "strategic_emerging": 0,
            "rd_institution_provincial": 0,
        },
    ),
    (
        "innovative_sme",
        {
            "rd_institution_provincial": 0,
            "ip_class1": 0,
            "ip_class2": 0,
            "rd_spend_wan_yuan": 225.0,
            "equity_raised_3y_wan_yuan": 500.0,
        },
        {
            "rd_institution_provincial": 0,
            "ip_class1": 0,
            "ip_class2": 0,
            "rd_spend_wan_yuan": 225.0,
            "equity_raised_3y_wan_yuan": 499.0,
        },
    ),
    ("srdi", {"niche_years": 2}, {"niche_years": 1.99}),
    (
        "srdi",
        {"revenue_wan_yuan": 3000.0, "rd_spend_wan_yuan": 100.0},
        {"revenue_wan_yuan": 3000.0, "rd_spend_wan_yuan": 99.99},
    ),
    ("srdi", {"rd_spend_wan_yuan": 450.0}, {"rd_spend_wan_yuan": 449.9}),  # 3 % of 15000
    (
        "srdi",
        {"revenue_wan_yuan": 1000.0, "rd_spend_wan_yuan": 100.0},
        {"revenue_wan_yuan": 999.0, "rd_spend_wan_yuan": 100.0},
    ),
    ("srdi", {"srdi_score": 60.0}, {"srdi_score": 59.9}),
    ("little_giant", {"niche_years": 3}, {"niche_years": 2.9}),
    (
        "little_giant",
        {
            "main_business_revenue_wan_yuan": 10500.0,
            "main_business_revenue_prev_wan_yuan": 9000.0,
            "main_business_revenue_prev2_wan_yuan": 8000.0,
        },
        {
            "main_business_revenue_wan_yuan": 10499.0,
            "main_business_revenue_prev_wan_yuan": 9000.0,
            "main_business_revenue_prev2_wan_yuan": 8000.0,
        },
    ),
    (
        "little_giant",
        {
            "main_business_revenue_wan_yuan": 11025.0,
            "main_business_revenue_prev_wan_yuan": 10500.0,
            "main_business_revenue_prev2_wan_yuan": 10000.0,
        },
        {
            "main_business_revenue_wan_yuan": 11024.0,
            "main_business_revenue_prev_wan_yuan": 10500.0,
            "main_business_revenue_prev2_wan_yuan": 10000.0,
        },
    ),  # 近2年平均增长率: (5 % + 5 %) / 2 = 5 %
    (
        "little_giant",
        {
            "main_business_revenue_wan_yuan": 12000.0,
            "main_business_revenue_prev_wan_yuan": 12000.0,
            "main_business_revenue_prev2_wan_yuan": 10909.0909090909,
        },
        {
            "main_business_revenue_wan_yuan": 11999.0,
            "main_business_revenue_prev_wan_yuan": 12000.0,
            "main_business_revenue_prev2_wan_yuan": 10909.0909090909,
        },
    ),  # the mean, not last year: 0 % then 10 % → 5 %
    ("little_giant", {"srdi_valid": 1}, {"srdi_valid": 0}),
    ("little_giant", {"info_system": 1}, {"info_system": 0}),
    ("little_giant", {"quality_certification": 1}, {"quality_certification": 0}),
    ("little_giant", {"own_brand": 1}, {"own_brand": 0}),
    ("little_giant", {"debt_ratio_pct": 70.0}, {"debt_ratio_pct": 70.01}),
    ("little_giant", {"niche_market_share_pct": 10.0}, {"niche_market_share_pct": 9.99}),
    ("little_giant", {"rd_spend_wan_yuan": 450.0}, {"rd_spend_wan_yuan": 449.0}),  # ≥1亿 → 3 %
    (
        "little_giant",
        {
            "revenue_wan_yuan": 9999.0,
            "revenue_prev_wan_yuan": 10000.0,
            "rd_spend_wan_yuan": 600.0,
            "rd_spend_prev_wan_yuan": 600.0,
        },
        {
            "revenue_wan_yuan": 9999.0,
            "revenue_prev_wan_yuan": 10000.0,
            "rd_spend_wan_yuan": 600.0,
            "rd_spend_prev_wan_yuan": 599.0,
        },
    ),  # 5000万-<1亿 → 6 % both years (exactly 1亿 is "1亿元以上": 3 %)
    (
        "little_giant",
        {
            "revenue_wan_yuan": 4999.0,
            "main_business_revenue_wan_yuan": 4500.0,
            "main_business_revenue_prev_wan_yuan": 4000.0,
            "main_business_revenue_prev2_wan_yuan": 3500.0,
            "rd_spend_wan_yuan": 1500.0,
            "rd_spend_prev_wan_yuan": 1500.0,
            "equity_raised_wan_yuan": 8000.0,
            "rd_staff": 50,
        },
        {
            "revenue_wan_yuan": 4999.0,
            "main_business_revenue_wan_yuan": 4500.0,
            "main_business_revenue_prev_wan_yuan": 4000.0,
            "main_business_revenue_prev2_wan_yuan": 3500.0,
            "rd_spend_wan_yuan": 1500.0,
            "rd_spend_prev_wan_yuan": 1500.0,
            "equity_raised_wan_yuan": 8000.0,
            "rd_staff": 49,
        },
    ),
    ("little_giant", {"ip_class1": 2}, {"ip_class1": 1}),
    ("single_champion", {"niche_years": 10}, {"niche_years": 9.9}),
    ("single_champion", {"global_rank": 3}, {"global_rank": 4}),
    ("single_champion", {"energy_advanced": 1}, {"energy_advanced": 0}),
    ("single_champion", {"no_violation_3y": 1}, {"no_violation_3y": 0}),
    # 高企: 境内研发 ≥ 60 % of 2400; high-tech revenue ≥ 60 % of 总收入 15500; 创新能力 > 70
    ("high_tech", {"rd_domestic_3y_wan_yuan": 1440.0}, {"rd_domestic_3y_wan_yuan": 1439.0}),
    ("high_tech", {"high_tech_revenue_wan_yuan": 9300.0}, {"high_tech_revenue_wan_yuan": 9299.0}),
    ("high_tech", {"innovation_score": 70.1}, {"innovation_score": 70.0}),
    # every SME tier: 工业 1000人 is still an SME when revenue is above 4亿 (以下含本数)
    *[
        (
            t,
            {"employees": 1000, "revenue_wan_yuan": 40000.1, "rd_spend_wan_yuan": 1300.0},
            {"employees": 1001, "revenue_wan_yuan": 40000.1, "rd_spend_wan_yuan": 1300.0},
        )
        for t in ("innovative_sme", "srdi")
    ],
]


@pytest.fixture(scope="module")
def boundary_results() -> pd.DataFrame:
    """All boundary rows checked in one call (one row per case and side)."""
    rows = []
    for i, (_, at, below) in enumerate(BOUNDARIES):
        rows.append({"uscc": f"{i}-at", **BASE, **at})
        rows.append({"uscc": f"{i}-below", **BASE, **below})
    return check_tiers(pd.DataFrame(rows), CRITERIA).set_index(["uscc", "tier"])


@pytest.mark.parametrize("case", range(len(BOUNDARIES)))
def test_criterion_boundary(case, boundary_results):
    tier = BOUNDARIES[case][0]
    assert boundary_results.loc[(f"{case}-at", tier), "status"] == "qualifies"
    row = boundary_results.loc[(f"{case}-below", tier)]
    assert row["status"] in {"close", "far"}
    assert row["failures"] >= 1 and row["gaps"]


def test_tech_sme_staff_score_must_not_be_zero():
    row = status(
        "tech_sme", sci_tech_staff=9, rd_institution_provincial=0
    )  # 50 + 30 = 80 points but 0 for staff
    assert row["status"] != "qualifies"
    assert any("科技人员 0 分需 ≥ 1" in g for g in row["gaps"])


def test_gap_text_and_close_status():
    row = status("srdi", rd_spend_wan_yuan=315.0)  # 2.1 % of 15000: 30 % short of 3 % → far
    assert row["status"] == "far"
    assert row["gaps"] == ["研发费用占营业收入比 2.1%，需 ≥ 3%"]
    row = status("srdi", rd_spend_wan_yuan=405.0)  # 2.7 %: 10 % short → close
    assert row["status"] == "close" and row["shortfall"] == pytest.approx(0.1)


def test_missing_data_names_the_field():
    row = status("high_tech", high_tech_revenue_wan_yuan=None)
    assert row["status"] == "missing"
    assert row["missing"] == ["高新技术产品(服务)收入(万元)"]
    frame = pd.DataFrame([{"uscc": "U1", "revenue_wan_yuan": 100.0}])
    out = check_tiers(frame, CRITERIA)
    assert "职工人数(人)" in out[out["tier"] == "tech_sme"].iloc[0]["missing"]


def test_far_when_many_conditions_fail():
    row = status("single_champion", niche_years=1, global_rank=50, energy_advanced=0)
    assert row["status"] == "far" and row["failures"] == 3


def test_a_firm_without_the_data_is_never_close():
    row = status("single_champion", niche_years=9, global_rank=None)
    assert row["status"] == "missing" and row["failures"] == 1
    assert row["missing"] == ["主导产品全球市场排名"]
    assert status("single_champion", niche_years=9)["status"] == "close"


def test_tech_sme_may_score_rd_over_total_cost_instead_of_sales():
    # staff 30 % → 20; R&D ÷ sales 150/15000 = 1 % → 0; Ⅱ类 0, Ⅰ类 0 → 0: 20 points …
    fig = {
        "rd_spend_wan_yuan": 150.0,
        "ip_class1": 0,
        "ip_class2": 0,
        "rd_institution_provincial": 0,
    }
    assert status("tech_sme", **fig, total_cost_wan_yuan=1000.0)["status"] != "qualifies"
    # … R&D ÷ total cost 150/500 = 30 % → 50: 70 points (the better option counts, once)
    assert status("tech_sme", **fig, total_cost_wan_yuan=500.0)["status"] == "qualifies"
    # the cost figure missing while the sales option fails: the firm might qualify → missing
    row = status("tech_sme", **fig, total_cost_wan_yuan=None)
    assert row["status"] == "missing" and "成本费用支出总额(万元)" in row["missing"]


def test_innovative_ip_points_take_the_best_answer_capped_at_20():
    item = {"rd_institution_provincial": 0}
    frame = pd.DataFrame(
        [
            {"uscc": "all", **BASE, **item, "ip_class1_high_value": 1, "ip_class1_own": 1},
            {"uscc": "own", **BASE, **item, "ip_class1_own": 2},
        ]
    )
    from chainboard_analytics.evaluation.tiers import _check

    cond = CRITERIA.tier("innovative_sme").conditions[1].options[-1]
    assert cond.kind == "points"
    checked = _check(cond, frame)
    assert list(checked.ok) == [True, True]
    # totals: IP 20 (not 20+15+10+5) or 15; R&D 6 % 20; growth 12.5 % 15; debt 40 % 10;
    # 战略性新兴 10; 主营 90 % 20
    from chainboard_analytics.evaluation.tiers import item_points

    ip = [it for it in cond.items if it["choose"] == "知识产权"]
    best = pd.concat([item_points(it, frame) for it in ip], axis=1).max(axis=1)
    assert list(best) == [20.0, 15.0]


def test_a_large_firm_is_never_an_sme_tier():
    large = {"employees": 1500, "revenue_wan_yuan": 50000.0, "rd_spend_wan_yuan": 2000.0}
    for tier in ("innovative_sme", "srdi"):
        row = status(tier, **large)
        assert row["status"] != "qualifies"
        assert "属于中小企业 0，需 ≥ 1" in row["gaps"]
    # 高企 and 单项冠军 are not SME titles
    assert status("single_champion", **large)["status"] == "qualifies"


def test_unknown_industry_or_size_is_missing_not_far():
    row = status("srdi", industry_code=None)
    assert row["status"] == "missing"
    assert "属于中小企业(《中小企业划型标准规定》)(1/0)" in row["missing"]


def test_high_tech_needs_total_income_and_domestic_rd():
    row = status("high_tech", total_income_wan_yuan=None, rd_domestic_3y_wan_yuan=None)
    assert row["status"] == "missing"
    assert set(row["missing"]) == {"总收入(万元)", "近三年境内研发费用(万元)"}
    # 营业收入 is not the divisor: 9,000 of 总收入 15,500 = 58 % fails although 60 % of 15,000
    row = status("high_tech", high_tech_revenue_wan_yuan=9000.0)
    assert "高新技术产品(服务)收入占同期总收入比 58.1%，需 ≥ 60%" in row["gaps"]

"""梯度培育 band edges, hand-worked: every band edge exactly at, just below and just above.

以上/以下/不低于 include the number, 超过/不满/低于 do not (《民法典》第一千二百五十九条); a shared edge
of a scoring table goes to the higher-scoring band. The expected points and statuses below are
worked by hand from the official wording, not read from the criteria file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from chainboard_analytics.evaluation import load_criteria
from chainboard_analytics.evaluation.spec import SpecError
from chainboard_analytics.evaluation.tiers import Condition, check_tiers, item_points

CRITERIA = load_criteria()
D = 0.01  # "just below / just above": one hundredth of the unit


def _ratio(num: str, den: str) -> Callable[[float], dict[str, float]]:
    return lambda pct: {num: pct * 100.0, den: 10000.0}


def _growth(pct: float) -> dict[str, float]:
    return {
        "main_business_revenue_wan_yuan": 10000.0 * (1 + pct / 100),
        "main_business_revenue_prev_wan_yuan": 10000.0,
    }


def _staff(pct: float) -> dict[str, float]:
    return {"sci_tech_staff": pct * 10.0, "employees": 1000.0}


def _ip2(n: float) -> dict[str, float]:
    return {"ip_class1": 0.0, "ip_class2": n}


# (tier, item label, firm figures for a value, edge, points at, just below, just above, step)
POINT_EDGES: list[tuple[str, str, Callable[[float], dict[str, float]], float, int, int, int, float]]
POINT_EDGES = [
    # 科技型: 科技人员 30%（含）以上 20, 25%（含）-30% 16, 20-25 12, 15-20 8, 10-15 4, 10%以下 0
    ("tech_sme", "科技人员占比", _staff, 30, 20, 16, 20, D),
    ("tech_sme", "科技人员占比", _staff, 25, 16, 12, 16, D),
    ("tech_sme", "科技人员占比", _staff, 20, 12, 8, 12, D),
    ("tech_sme", "科技人员占比", _staff, 15, 8, 4, 8, D),
    ("tech_sme", "科技人员占比", _staff, 10, 4, 0, 4, D),
    # 科技型: 研发 6%（含）以上 50, 5-6 40, 4-5 30, 3-4 20, 2-3 10, 2%以下 0
    *[
        (
            "tech_sme",
            "研发费用占销售收入比",
            _ratio("rd_spend_wan_yuan", "revenue_wan_yuan"),
            e,
            hi,
            lo,
            hi,
            D,
        )
        for e, hi, lo in [(6, 50, 40), (5, 40, 30), (4, 30, 20), (3, 20, 10), (2, 10, 0)]
    ],
    # 科技型: 研发费用占成本费用支出总额 30% 50, 25 40, 20 30, 15 20, 10 10, <10 0 (任选其一)
    *[
        (
            "tech_sme",
            "研发费用占成本费用支出总额比",
            _ratio("rd_spend_wan_yuan", "total_cost_wan_yuan"),
            e,
            hi,
            lo,
            hi,
            D,
        )
        for e, hi, lo in [(30, 50, 40), (25, 40, 30), (20, 30, 20), (15, 20, 10), (10, 10, 0)]
    ],
    # 科技型: 1项及以上Ⅰ类 30; Ⅱ类 4项及以上 24, 3项 18, 2项 12, 1项 6, 无 0
    ("tech_sme", "Ⅰ类知识产权", lambda n: {"ip_class1": n}, 1, 30, 0, 30, 1),
    ("tech_sme", "Ⅱ类知识产权", _ip2, 4, 24, 18, 24, 1),
    ("tech_sme", "Ⅱ类知识产权", _ip2, 3, 18, 12, 24, 1),
    ("tech_sme", "Ⅱ类知识产权", _ip2, 2, 12, 6, 18, 1),
    ("tech_sme", "Ⅱ类知识产权", _ip2, 1, 6, 0, 12, 1),
    # 创新型: 高价值Ⅰ类 1项以上 20; 自主研发Ⅰ类 15; Ⅰ类 10; Ⅱ类 5 (best one counts, cap 20)
    ("innovative_sme", "高价值Ⅰ类知识产权", lambda n: {"ip_class1_high_value": n}, 1, 20, 0, 20, 1),
    ("innovative_sme", "自主研发Ⅰ类知识产权", lambda n: {"ip_class1_own": n}, 1, 15, 0, 15, 1),
    ("innovative_sme", "与主导产品相关的Ⅰ类知识产权", lambda n: {"ip_class1": n}, 1, 10, 0, 10, 1),
    ("innovative_sme", "Ⅱ类知识产权", _ip2, 1, 5, 0, 5, 1),
    # 创新型: 研发 5%以上 20, 3%-5% 15, 2%-3% 10, 1%-2% 5, 1%以下 0
    *[
        (
            "innovative_sme",
            "研发费用占营业收入比",
            _ratio("rd_spend_wan_yuan", "revenue_wan_yuan"),
            e,
            hi,
            lo,
            hi,
            D,
        )
        for e, hi, lo in [(5, 20, 15), (3, 15, 10), (2, 10, 5), (1, 5, 0)]
    ],
    # 创新型: 主营增长 15%以上 20, 10-15 15, 5-10 10, 0-5 5, 0%以下 0
    *[
        ("innovative_sme", "主营业务收入增长率", _growth, e, hi, lo, hi, D)
        for e, hi, lo in [(15, 20, 15), (10, 15, 10), (5, 10, 5), (0, 5, 0)]
    ],
    # 创新型: 资产负债率 55%以下 10, 55%-75% 5, 75%以上 0 (lower is better: "above" scores less)
    ("innovative_sme", "资产负债率（低者得分）", lambda v: {"debt_ratio_pct": v}, 55, 10, 10, 5, D),
    ("innovative_sme", "资产负债率（低者得分）", lambda v: {"debt_ratio_pct": v}, 75, 5, 5, 0, D),
    # 创新型: 战略性新兴产业 10, 其他 5
    (
        "innovative_sme",
        "主导产品属战略性新兴产业",
        lambda v: {"strategic_emerging": v},
        1,
        10,
        5,
        10,
        1,
    ),
    # 创新型: 主营占比 70%以上 20, 60-70 15, 55-60 10, 50-55 5, 50%以下 0
    *[
        (
            "innovative_sme",
            "主营业务收入占营业收入比",
            _ratio("main_business_revenue_wan_yuan", "revenue_wan_yuan"),
            e,
            hi,
            lo,
            hi,
            D,
        )
        for e, hi, lo in [(70, 20, 15), (60, 15, 10), (55, 10, 5), (50, 5, 0)]
    ],
]


def _points_items(conds: tuple[Condition, ...]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for c in conds:
        if c.kind == "points":
            out.update({it["label"]: it for it in c.items})
        out.update(_points_items(c.options))
    return out


POINT_CASES = [
    pytest.param(tier, label, make(value), pts, id=f"{tier}-{label}-{value:g}")
    for tier, label, make, edge, at, below, above, step in POINT_EDGES
    for value, pts in ((edge, at), (edge - step, below), (edge + step, above))
]


@pytest.mark.parametrize(("tier", "label", "figures", "points"), POINT_CASES)
def test_points_band_edge(tier, label, figures, points):
    item = _points_items(CRITERIA.tier(tier).conditions)[label]
    got = item_points(item, pd.DataFrame([figures]))
    assert got.iloc[0] == points


def test_every_shipped_points_item_has_edge_cases():
    shipped = {(t.id, label) for t in CRITERIA.tiers for label in _points_items(t.conditions)}
    assert shipped == {(tier, label) for tier, label, *_ in POINT_EDGES}


# 创新型 firms scoring exactly 60 with every floor met when the edge scores the higher band:
# no direct route, no IP (0), 战略性新兴 no (5).
_INNOV = {
    "high_tech_valid": 0,
    "has_rd_institution": 0,
    "equity_raised_wan_yuan": 0.0,
    "ip_class1": 0,
    "ip_class2": 0,
    "strategic_emerging": 0,
    "revenue_wan_yuan": 10000.0,
}


def _innov(rd: float, growth: float, debt: float, share: float) -> dict[str, float]:
    mb = share * 100.0
    return {
        **_INNOV,
        "rd_spend_wan_yuan": rd * 100.0,
        "debt_ratio_pct": debt,
        "main_business_revenue_wan_yuan": mb,
        "main_business_revenue_prev_wan_yuan": mb / (1 + growth / 100),
    }


# (case, tier, figures at/below/above the edge, qualifies at/below/above)
STATUS_EDGES: list[tuple[str, str, list[dict[str, float]], tuple[bool, bool, bool]]] = [
    # R&D 5 % 20 + growth 15 % 20 + debt 75 % 5 + field 5 + 主营 55 % 10 = 60
    (
        "创新型 研发 5%",
        "innovative_sme",
        [_innov(v, 15, 75, 55) for v in (5, 5 - D, 5 + D)],
        (True, False, True),
    ),
    (
        "创新型 增长 15%",
        "innovative_sme",
        [_innov(5, v, 75, 55) for v in (15, 15 - D, 15 + D)],
        (True, False, True),
    ),
    # R&D 20 + growth 10 % 15 + debt 55 % 10 + field 5 + 主营 55 % 10 = 60
    (
        "创新型 负债 55%",
        "innovative_sme",
        [_innov(5, 10, v, 55) for v in (55, 55 - D, 55 + D)],
        (True, True, False),
    ),
    # R&D 20 + growth 5 % 10 + debt 75 % 5 + field 5 + 主营 70 % 20 = 60
    (
        "创新型 主营 70%",
        "innovative_sme",
        [_innov(5, 5, 75, v) for v in (70, 70 - D, 70 + D)],
        (True, False, True),
    ),
    # 高企: 3-year R&D 4.5 %: sales 5,000万（含） needs 5 %, above it 4 %
    (
        "高企 销售 5000万",
        "high_tech",
        [
            {
                "revenue_wan_yuan": r,
                "rd_spend_3y_wan_yuan": 450.0,
                "rd_domestic_3y_wan_yuan": 450.0,
                "total_income_wan_yuan": r,
                "revenue_3y_wan_yuan": 10000.0,
                "high_tech_revenue_wan_yuan": 4000.0,
            }
            for r in (5000, 5000 - D, 5000 + D)
        ],
        (False, False, True),
    ),
    # 高企: 3-year R&D 3.5 %: sales 2亿（含） needs 4 %, "2亿元以上" beyond it 3 %
    (
        "高企 销售 2亿",
        "high_tech",
        [
            {
                "revenue_wan_yuan": r,
                "rd_spend_3y_wan_yuan": 350.0,
                "rd_domestic_3y_wan_yuan": 350.0,
                "total_income_wan_yuan": r,
                "revenue_3y_wan_yuan": 10000.0,
                "high_tech_revenue_wan_yuan": 15000.0,
            }
            for r in (20000, 20000 - D, 20000 + D)
        ],
        (False, False, True),
    ),
    # 小巨人: R&D 4.5 % in both years: 1亿元以上 needs 3 %, 5000万—1亿 6 %
    (
        "小巨人 营收 1亿",
        "little_giant",
        [
            {
                "revenue_wan_yuan": r,
                "revenue_prev_wan_yuan": 10000.0,
                "rd_spend_wan_yuan": r * 0.045,
                "rd_spend_prev_wan_yuan": 450.0,
            }
            for r in (10000, 10000 - D, 10000 + D)
        ],
        (True, False, True),
    ),
    # 小巨人: R&D 8 % both years but no equity: 5000万元以下 is the equity route → fails at 5000
    (
        "小巨人 营收 5000万 研发比例",
        "little_giant",
        [
            {
                "revenue_wan_yuan": r,
                "revenue_prev_wan_yuan": 5000.0,
                "rd_spend_wan_yuan": 400.0,
                "rd_spend_prev_wan_yuan": 400.0,
                "equity_raised_wan_yuan": 0.0,
            }
            for r in (5000, 5000 - D, 5000 + D)
        ],
        (False, False, True),
    ),
    # 小巨人: equity 8000万 + R&D 3000万 + R&D staff 50 %, but last year's R&D only 3 % (< 6 %)
    (
        "小巨人 营收 5000万 股权路径",
        "little_giant",
        [
            {
                "revenue_wan_yuan": r,
                "revenue_prev_wan_yuan": 50000.0,
                "rd_spend_wan_yuan": 1500.0,
                "rd_spend_prev_wan_yuan": 1500.0,
                "equity_raised_wan_yuan": 8000.0,
                "rd_staff": 50,
                "employees": 100,
            }
            for r in (5000, 5000 - D, 5000 + D)
        ],
        (True, True, False),
    ),
]

_BASE = {
    "uscc": "U",
    "industry_code": "3831",
    "innovation_score": 80.0,
    "srdi_valid": 1,
    "info_system": 1,
    "quality_certification": 1,
    "own_brand": 1,
    "main_business_revenue_prev2_wan_yuan": 11000.0,
    "revenue_prev_wan_yuan": 14000.0,
    "rd_spend_prev_wan_yuan": 840.0,
    "employees": 100,
    "sci_tech_staff": 30,
    "rd_staff": 20,
    "debt_ratio_pct": 40.0,
    "main_business_revenue_wan_yuan": 13500.0,
    "main_business_revenue_prev_wan_yuan": 12000.0,
    "ip_class1": 2,
    "ip_class2": 5,
    "years_registered": 12,
    "niche_years": 12,
    "niche_market_share_pct": 15.0,
    "has_rd_institution": 1,
    "equity_raised_wan_yuan": 0.0,
}


@pytest.mark.parametrize(
    ("tier", "firms", "expected"),
    [pytest.param(t, f, e, id=name) for name, t, f, e in STATUS_EDGES],
)
def test_tier_status_at_band_edge(tier, firms, expected):
    frame = pd.DataFrame(
        [{**_BASE, **f, "uscc": side} for side, f in zip("abc", firms, strict=True)]
    )
    out = check_tiers(frame, CRITERIA)
    out = out[out["tier"] == tier].set_index("uscc")["status"]
    assert tuple(out[s] == "qualifies" for s in "abc") == expected


def test_band_edges_are_explicit_in_the_file():
    text = """
id: t
version: "1"
tiers:
  - id: a
    name: A
    qualification: a
    source: s
    conditions:
      - {label: x, value: rd_spend_wan_yuan, min_by: {by: revenue_wan_yuan, bands: [{below: 100, min: 6}, {upto: 200, min: 4}, {min: 5.5}]}}
      - {label: y, value: employees, above: 10}
"""
    c = load_criteria(text=text).tier("a").conditions
    assert c[0].bands == ((100.0, False, 6.0), (200.0, True, 4.0), (None, True, 5.5))
    # R&D 5: < 100 needs 6, 100..200 (both included) needs 4, > 200 needs 5.5; staff > 10
    cases = [(99.99, 11), (100.0, 11), (200.0, 11), (200.01, 11), (150.0, 10), (150.0, 10.01)]
    frame = pd.DataFrame(
        [
            {"uscc": f"{r}/{e}", "revenue_wan_yuan": r, "rd_spend_wan_yuan": 5.0, "employees": e}
            for r, e in cases
        ]
    )
    got = check_tiers(frame, load_criteria(text=text)).set_index("uscc")["status"]
    assert [got[f"{r}/{e}"] == "qualifies" for r, e in cases] == [
        False,
        True,
        True,
        False,
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("band", "message"),
    [
        ("{upto: 100, below: 100, min: 6}", "not both"),
        ("{below: 300, min: 6}", "bands overlap"),
    ],
)
def test_bad_band_edges_are_rejected(band, message):
    text = f"""
id: t
version: "1"
tiers:
  - id: a
    name: A
    qualification: a
    source: s
    conditions:
      - {{label: x, value: rd_spend_wan_yuan, min_by: {{by: revenue_wan_yuan, bands: [{{upto: 300, min: 8}}, {band}, {{min: 3}}]}}}}
"""
    with pytest.raises(SpecError, match=message):
        load_criteria(text=text)


# Thresholds of direct routes and revenue-band routes not covered in test_evaluation_tiers.py:
# (case, tier, base figures, field, edge, qualifies at / just below / just above the edge).
# Hand-worked from the quoted wording: 以上/不低于 include the number.
_SRDI_ROUTE = {  # fails the score (50 < 60) and every route but the one under test
    "niche_years": 3,
    "revenue_wan_yuan": 5000.0,
    "rd_spend_wan_yuan": 200.0,  # 4 % of 5000, ≥ 100万
    "rd_spend_prev_wan_yuan": 200.0,
    "srdi_score": 50.0,
    "equity_raised_wan_yuan": 0.0,
}
_LG_EQUITY = {  # 小巨人 营收 ≤ 5000万: R&D 3000万 (2 years) + equity 8000万 + R&D staff 50 %
    "revenue_wan_yuan": 4000.0,
    "revenue_prev_wan_yuan": 3500.0,
    "main_business_revenue_wan_yuan": 3800.0,
    "main_business_revenue_prev_wan_yuan": 3400.0,
    "rd_spend_wan_yuan": 1500.0,
    "rd_spend_prev_wan_yuan": 1500.0,
    "equity_raised_wan_yuan": 8000.0,
    "rd_staff": 50,
    "employees": 100,
    "main_business_revenue_prev2_wan_yuan": 3000.0,
}
ROUTE_EDGES: list[tuple[str, str, dict[str, float], str, float, tuple[bool, bool, bool]]] = [
    # 专精特新: 营业收入1000万元以上, or 近2年新增股权融资 2000万元以上 (revenue 900: equity route)
    (
        "专精特新 股权 2000万",
        "srdi",
        {**_SRDI_ROUTE, "srdi_score": 60.0, "revenue_wan_yuan": 900.0, "rd_spend_wan_yuan": 100.0},
        "equity_raised_wan_yuan",
        2000,
        (True, False, True),
    ),
    # 专精特新 direct route: 近两年研发费用总额均值在1000万元以上
    (
        "专精特新 研发均值 1000万",
        "srdi",
        {**_SRDI_ROUTE, "revenue_wan_yuan": 30000.0, "rd_spend_wan_yuan": 1000.0},
        "rd_spend_prev_wan_yuan",
        1000,
        (True, False, True),
    ),
    # 专精特新 direct route: 近两年新增股权融资总额6000万元以上
    (
        "专精特新 股权 6000万",
        "srdi",
        _SRDI_ROUTE,
        "equity_raised_wan_yuan",
        6000,
        (True, False, True),
    ),
    # 小巨人 ≤ 5000万: 研发费用总额3000万元以上 (this year 1500 + last year's edge − 1500)
    (
        "小巨人 研发 3000万",
        "little_giant",
        _LG_EQUITY,
        "rd_spend_prev_wan_yuan",
        1500,
        (True, False, True),
    ),
    # 小巨人 ≤ 5000万: 新增股权融资总额8000万元以上
    (
        "小巨人 股权 8000万",
        "little_giant",
        _LG_EQUITY,
        "equity_raised_wan_yuan",
        8000,
        (True, False, True),
    ),
]


@pytest.mark.parametrize(
    ("tier", "figures", "field", "edge", "expected"),
    [pytest.param(t, f, k, e, x, id=name) for name, t, f, k, e, x in ROUTE_EDGES],
)
def test_route_threshold_edge(tier, figures, field, edge, expected):
    rows = [
        {**_BASE, "main_product_share_pct": 80.0, **figures, field: v, "uscc": side}
        for side, v in zip("abc", (edge, edge - D, edge + D), strict=True)
    ]
    out = check_tiers(pd.DataFrame(rows), CRITERIA)
    out = out[out["tier"] == tier].set_index("uscc")["status"]
    assert tuple(out[s] == "qualifies" for s in "abc") == expected

"""亩均 scoring: hand-worked examples for each rule, class cut, missing data and explanation."""

from __future__ import annotations

import math

import pytest
from evaluation_helpers import RATIO, TAX_ONLY, firms, method

from chainboard_analytics.evaluation import evaluate_mu, load_method


def by_uscc(out):
    return out.set_index("uscc")


def test_ratio_rule_hand_worked():
    # tax 100 / land 5 = 20 万元/亩 → 20 ÷ 10 × 60 = 120; tax 100 / 400 万kWh = 0.25 → 0.25 ÷ 0.5 × 40 = 20
    out = by_uscc(evaluate_mu(firms({"land_area_mu": 5.0}), method(RATIO), year=2024))
    row = out.loc["U0000"]
    assert row["v_tax_per_mu"] == pytest.approx(20.0)
    assert row["s_tax_per_mu"] == pytest.approx(120.0)
    assert row["s_tax_per_electricity"] == pytest.approx(20.0)
    assert row["total"] == pytest.approx(140.0)
    assert row["klass"] == "A" and row["rank"] == 1


def test_ratio_rule_with_cap():
    capped = RATIO.replace("weight: 60, benchmark: 10}", "weight: 60, benchmark: 10, cap: 90}")
    out = by_uscc(evaluate_mu(firms({"land_area_mu": 5.0}), method(capped), year=2024))
    assert out.loc["U0000", "s_tax_per_mu"] == pytest.approx(90.0)
    assert out.loc["U0000", "total"] == pytest.approx(110.0)


def test_huangyan_tax_example_from_the_issue():
    # 亩均税收 6.1 万元/亩 against the 黄岩 benchmark 24.097 with weight 30 → 7.59 points
    zj = load_method("zhejiang")
    out = by_uscc(
        evaluate_mu(firms({"tax_paid_wan_yuan": 61.0, "land_area_mu": 10.0}), zj, year=2025)
    )
    assert out.loc["U0000", "s_tax_per_mu"] == pytest.approx(6.1 / 24.097 * 30)
    assert "亩均税收 6.10万元/亩，基准 24.1，得分 7.6/30" in out.loc["U0000", "explanation"]


def test_minmax_rule_hand_worked():
    text = """\
id: m
version: "1"
title: 极差
source: 旌德
source_year: 2021
scoring: minmax
floor: 20
total_weight: 50
groups:
  - id: above
    name: 规上
    above_scale: true
    indicators:
      - {id: tax_per_mu, weight: 50}
classes:
  - {code: A, name: 甲, band: [0, 50]}
  - {code: B, name: 乙, band: [50, 100]}
"""
    rows = firms(*({"tax_paid_wan_yuan": t, "land_area_mu": 1.0} for t in (10.0, 20.0, 30.0)))
    out = by_uscc(evaluate_mu(rows, method(text), year=2024))
    # 50 × [20 + 80 × (x − 10) ÷ 20] ÷ 100 → 10, 30, 50
    assert list(out["s_tax_per_mu"].sort_index()) == pytest.approx([10.0, 30.0, 50.0])
    assert list(out["klass"].sort_index()) == ["B", "A", "A"]  # rank0 0,1 → 0 %, 33 % < 50 %


def test_minmax_all_equal_gets_full_weight():
    out = evaluate_mu(firms({}, {}), load_method("anhui"), year=2024)
    assert list(out["total"]) == pytest.approx([100.0, 100.0])
    assert set(out["klass"]) == {"A"}  # a tie goes up


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (20, {"A": 4, "B": 8, "C": 7, "D": 1}),
        (10, {"A": 2, "B": 4, "C": 4}),
        (3, {"A": 1, "B": 1, "C": 1}),
        (1, {"A": 1}),
        (40, {"A": 8, "B": 16, "C": 14, "D": 2}),
    ],
)
def test_class_cut_by_rank_share(n, expected):
    rows = firms(*({"tax_paid_wan_yuan": 10.0 + i} for i in range(n)))
    out = evaluate_mu(rows, method(TAX_ONLY), year=2024)
    assert out["klass"].value_counts().to_dict() == expected
    assert list(out["rank"]) == list(range(1, n + 1))


def test_ties_share_the_better_rank_and_class():
    # totals 5 4 4 4 4 3 …: the four tied firms share rank 2 and all get A (20 % of 10 = 2 firms)
    taxes = [50.0, 40.0, 40.0, 40.0, 40.0, 30.0, 20.0, 15.0, 12.0, 11.0]
    out = by_uscc(
        evaluate_mu(firms(*({"tax_paid_wan_yuan": t} for t in taxes)), method(TAX_ONLY), year=2024)
    )
    assert [out.loc[f"U{i:04d}", "rank"] for i in range(6)] == [1, 2, 2, 2, 2, 6]
    assert [out.loc[f"U{i:04d}", "klass"] for i in range(6)] == ["A"] * 5 + ["B"]  # 5 of 10 ahead


def test_missing_group_mean_and_zero_rules_are_flagged():
    zj = load_method("zhejiang")
    rows = firms(
        {"pollutant_equivalent_t": 1.0},
        {"pollutant_equivalent_t": 2.0},
        {"pollutant_equivalent_t": None},
        {"rd_spend_wan_yuan": None},
    )
    out = by_uscc(evaluate_mu(rows, zj, year=2025))
    s = out["s_value_added_per_pollutant"]
    have = [2000 / 1.0 / 4929.81 * 10, 2000 / 2.0 / 4929.81 * 10, 2000 / 1.0 / 4929.81 * 10]
    assert s["U0002"] == pytest.approx(sum(have) / 3)
    assert bool(out.loc["U0002", "m_value_added_per_pollutant"]) is True
    assert bool(out.loc["U0000", "m_value_added_per_pollutant"]) is False
    assert out.loc["U0003", "s_rd_intensity_main"] == 0.0
    assert bool(out.loc["U0003", "m_rd_intensity_main"])
    assert "按组内平均得分计" in out.loc["U0002", "explanation"]


def test_rd_intensity_divides_by_main_business_revenue():
    # 黄岩 / 浙政发〔2018〕5号: R&D 300 ÷ 主营业务收入 6000 = 5% → 5 ÷ 3.02 × 10 = 16.56 (cap 20);
    # over 营业收入 10000 it would be 3% → 9.93
    zj = load_method("zhejiang")
    out = by_uscc(evaluate_mu(firms({"main_business_revenue_wan_yuan": 6000.0}), zj, year=2025))
    assert out.loc["U0000", "v_rd_intensity_main"] == pytest.approx(0.05)
    assert out.loc["U0000", "s_rd_intensity_main"] == pytest.approx(0.05 / 0.0302 * 10)
    missing = by_uscc(evaluate_mu(firms({"main_business_revenue_wan_yuan": None}), zj, year=2025))
    assert bool(missing.loc["U0000", "m_rd_intensity_main"])


@pytest.mark.parametrize("land", [0.0, None])
def test_zero_or_missing_land_is_flagged_not_an_error(land):
    out = by_uscc(
        evaluate_mu(firms({"land_area_mu": land}, {}), load_method("zhejiang"), year=2025)
    )
    row = out.loc["U0000"]
    assert math.isnan(row["v_tax_per_mu"]) and row["s_tax_per_mu"] == 0.0
    assert bool(row["m_tax_per_mu"]) and bool(row["m_value_added_per_mu"])
    assert "用地面积缺失或为0" in row["explanation"]
    assert math.isfinite(row["total"])


def test_scope_groups_and_special_class():
    zj = load_method("zhejiang")
    rows = firms(
        {},  # 规上 → above
        {"above_scale": False, "land_area_mu": 3.0},  # 规下 ≥ 3 亩 → below
        {"above_scale": False, "land_area_mu": 2.9},  # 规下 < 3 亩 → not evaluated
        {"industry_code": "4411"},  # 电力 → T
        {"founded_year": 2024},  # in production < 2 years → T
    )
    out = by_uscc(evaluate_mu(rows, zj, year=2025))
    assert out.loc["U0000", "group"] == "above" and out.loc["U0001", "group"] == "below"
    assert "U0002" not in out.index
    assert out.loc["U0003", "klass"] == "T" and out.loc["U0004", "klass"] == "T"
    assert out.loc["U0000", "n_group"] == 1
    anhui = by_uscc(evaluate_mu(rows, load_method("anhui"), year=2025))
    assert "U0003" not in anhui.index and "U0001" not in anhui.index  # 规下 needs 5 亩 there


def test_derived_benchmark_is_a_multiple_of_the_reference_mean():
    text = RATIO.replace("benchmark: 10}", "benchmark: {mean_multiple: 2, of: reference}}")
    ref = firms({"tax_paid_wan_yuan": 50.0}, {"tax_paid_wan_yuan": 150.0})  # 5 and 15 万元/亩
    out = evaluate_mu(firms({}), method(text), year=2024, reference=ref)
    assert out.loc[0, "b_tax_per_mu"] == pytest.approx(20.0)  # 2 × mean(5, 15)
    county = text.replace("of: reference}", "of: reference, by: county}")
    ref2 = firms({"tax_paid_wan_yuan": 50.0}, {"tax_paid_wan_yuan": 150.0, "region_code": "130582"})
    out2 = evaluate_mu(firms({}), method(county), year=2024, reference=ref2)
    assert out2.loc[0, "b_tax_per_mu"] == pytest.approx(10.0)  # 2 × 5 (own county only)


def test_explanation_target_is_computed_and_reaches_the_next_class():
    taxes = [100.0, 90.0, 80.0, 70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0]
    m = method(TAX_ONLY)
    out = by_uscc(evaluate_mu(firms(*({"tax_paid_wan_yuan": t} for t in taxes)), m, year=2024))
    last = out.loc["U0009"]
    assert last["klass"] == "C" and last["next_klass"] == "B"
    target = last["targets"]["tax_per_mu"]
    # B's lowest total is firm 6 (5 万元/亩 → 50 points): the target is exactly 5 万元/亩
    assert target == pytest.approx(5.0)
    assert "若亩均税收达到 5.00万元/亩（其他不变），可升至 B类" in last["explanation"]
    taxes[9] = target * 10  # land 10 亩
    again = by_uscc(evaluate_mu(firms(*({"tax_paid_wan_yuan": t} for t in taxes)), m, year=2024))
    assert again.loc["U0009", "klass"] == "B"


def test_moves_against_last_year():
    import pandas as pd

    out = evaluate_mu(
        firms(*({"tax_paid_wan_yuan": t} for t in (50.0, 40.0, 30.0, 20.0, 10.0))),
        method(TAX_ONLY),
        year=2024,
        previous=pd.DataFrame({"uscc": ["U0000", "U0001", "U0004"], "klass": ["B", "B", "A"]}),
    ).set_index("uscc")
    assert out.loc["U0000", "move"] == "up"
    assert out.loc["U0001", "move"] == "same"
    assert out.loc["U0004", "move"] == "down"
    assert out.loc["U0002", "move"] == "new"

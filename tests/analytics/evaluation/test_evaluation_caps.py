"""亩均 caps, floors, benchmark modes and the maximum total: hand-worked at every edge.

RATIO (evaluation_helpers): 亩均税收 weight 60 benchmark 10 万元/亩, 单位电耗税收 weight 40
benchmark 0.5 万元/万千瓦时. BASE: tax 100, land 10 亩 (→ 10 万元/亩), electricity 400 (→ 0.25).
"""

from __future__ import annotations

import math

import duckdb
import pytest
from evaluation_helpers import RATIO, firms, method
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainboard_analytics.evaluation import SpecError, evaluate_mu, load_method
from chainboard_analytics.evaluation.scoring import (
    BenchmarkError,
    Bound,
    bounded,
    mean_benchmark,
    ratio_score,
    total_score,
)

CON = duckdb.connect()
TAX = "{id: tax_per_mu, weight: 60, benchmark: 10}"
ELEC = "{id: tax_per_electricity, weight: 40, benchmark: 0.5}"


def with_tax(rule: str, extra: str = "") -> str:
    text = RATIO.replace(TAX, "{id: tax_per_mu, weight: 60, " + rule + "}")
    return text.replace("total_weight: 100\n", f"total_weight: 100\n{extra}") if extra else text


def score(text: str, *rows: dict, **kw) -> dict:
    out = evaluate_mu(firms(*rows), method(text), year=2024, con=CON, **kw)
    return out.set_index("uscc").to_dict("index")


# --- the pure functions ------------------------------------------------------------------------


def test_bounded_at_and_around_the_cap_and_floor():
    assert bounded(60.0, cap=60.0, floor=None) == 60.0  # exactly at the cap: unchanged
    assert bounded(60.000001, cap=60.0, floor=None) == 60.0  # just above: the cap
    assert bounded(1827.3, cap=100.0, floor=None) == 100.0
    assert bounded(6.0, cap=60.0, floor=6.0) == 6.0  # exactly at the floor
    assert bounded(0.0, cap=60.0, floor=6.0) == 6.0  # below: the floor
    assert bounded(None, cap=60.0, floor=6.0) is None  # missing stays missing
    assert bounded(float("nan"), cap=60.0, floor=None) is None


def test_bound_in_points_or_multiples_of_the_weight():
    assert Bound(times_weight=2).resolve(30) == 60
    assert Bound(points=45).resolve(30) == 45
    assert Bound(times_weight=2).describe(30) == "权重的2倍（60分）"
    assert Bound(points=45).describe(30) == "45分"


def test_ratio_score_hand_worked():
    # 亩均税收 48.194 = 2 × 24.097 with weight 30 → exactly 60 = the cap of 2× the weight
    assert ratio_score(48.194, 24.097, 30, cap=60) == pytest.approx(60.0)
    assert ratio_score(100.0, 24.097, 30, cap=60) == 60.0
    assert ratio_score(6.1, 24.097, 30, cap=60) == pytest.approx(6.1 / 24.097 * 30)
    assert ratio_score(0.0, 24.097, 30, floor=3.0) == 3.0
    assert ratio_score(None, 24.097, 30) is None


@pytest.mark.parametrize("bad", [0.0, -1.5, float("nan")])
def test_ratio_score_refuses_a_benchmark_that_is_not_positive(bad):
    with pytest.raises(BenchmarkError, match="基准值必须为正数"):
        ratio_score(10.0, bad, 30)


def test_mean_benchmark_one_firm_and_errors():
    # one firm: the benchmark is its own value × the multiple → its score is weight ÷ multiple
    assert mean_benchmark([12.0], 2.0) == 24.0
    assert ratio_score(12.0, mean_benchmark([12.0], 2.0), 30) == 15.0
    assert mean_benchmark([10.0, None, 20.0]) == 15.0
    with pytest.raises(BenchmarkError, match="全部缺数据"):
        mean_benchmark([None, float("nan")])
    with pytest.raises(BenchmarkError, match="必须为正数"):
        mean_benchmark([0.0, 0.0])
    with pytest.raises(BenchmarkError, match="必须为正数"):
        mean_benchmark([-3.0, 1.0])


def test_total_score_never_exceeds_the_maximum():
    assert total_score([90.0, 40.0], 100.0) == 100.0
    assert total_score([60.0, 40.0], 100.0) == 100.0  # exactly at the maximum
    assert total_score([60.0, None, 30.0], 100.0) == 90.0
    assert total_score([60.0, 70.0]) == 130.0  # no stated maximum


# --- method options ----------------------------------------------------------------------------


def test_cap_and_floor_options_parse():
    m = method(with_tax("benchmark: 10, cap: {times_weight: 1.5}, floor: {points: 6}"))
    ind = m.groups[0].indicators[0]
    assert (ind.cap, ind.floor) == (90.0, 6.0)
    assert method(with_tax("benchmark: 10, cap: 75")).groups[0].indicators[0].cap == 75.0
    assert method(with_tax("benchmark: 10", "max_total: 120\n")).max_total == 120.0


@pytest.mark.parametrize(
    ("rule", "extra", "reason"),
    [
        ("benchmark: 10, cap: {times_weight: 1, floor: 2}", "", "unknown key 'floor'"),
        ("benchmark: 10, cap: {times_weight: 1, points: 2}", "", "exactly one of"),
        ("benchmark: 10, cap: 30, floor: 30", "", "must be below the cap"),
        ("benchmark: 10, floor: {points: -1}", "", "cannot be negative"),
        ("benchmark: 10, cap: 0", "", "must be positive"),
        ("benchmark: 10, cap: {times_weight: -2}", "", "cannot be negative"),
        ("benchmark: 0", "", "fixed benchmark must be positive, got 0"),
        ("benchmark: -24.097", "", "fixed benchmark must be positive, got -24.097"),
        ("benchmark: 10", "max_total: 0\n", "max_total"),
        ("benchmark: {mean_multiple: 0, of: current}", "", "mean_multiple must be positive"),
    ],
)
def test_bad_cap_floor_benchmark_and_maximum_are_refused(rule, extra, reason):
    with pytest.raises(SpecError, match=reason):
        method(with_tax(rule, extra), name="bad.yaml")


# --- through the engine (DuckDB) ---------------------------------------------------------------


def test_cap_exactly_at_above_and_floor_in_a_run():
    text = with_tax("benchmark: 10, cap: {times_weight: 1.5}, floor: {points: 6}")
    rows = score(
        text,
        {"tax_paid_wan_yuan": 150.0},  # 15 万元/亩 → 15 ÷ 10 × 60 = 90 = exactly the cap
        {"tax_paid_wan_yuan": 300.0},  # 30 万元/亩 → 180, capped at 90
        {"tax_paid_wan_yuan": 5.0},  # 0.5 万元/亩 → 3, raised to the floor 6
        {"tax_paid_wan_yuan": 100.0, "land_area_mu": None},  # no land: missing → 0, no floor
    )
    assert rows["U0000"]["s_tax_per_mu"] == pytest.approx(90.0)
    assert rows["U0001"]["s_tax_per_mu"] == pytest.approx(90.0)
    assert rows["U0002"]["s_tax_per_mu"] == pytest.approx(6.0)
    assert rows["U0003"]["s_tax_per_mu"] == 0.0 and rows["U0003"]["m_tax_per_mu"]
    # the two capped firms tie on this indicator; 单位电耗税收 still separates them:
    # U0000 150 ÷ 400 = 0.375 → 30; U0001 300 ÷ 400 = 0.75 → 60
    assert rows["U0000"]["total"] == pytest.approx(120.0)
    assert rows["U0001"]["total"] == pytest.approx(150.0)


def test_max_total_is_never_exceeded():
    text = with_tax("benchmark: 10", "max_total: 100\n")
    # 50 万元/亩 → 300, 0.25 → 20: 320 without the maximum
    rows = score(text, {"tax_paid_wan_yuan": 500.0, "electricity_10k_kwh": 2000.0}, {})
    assert rows["U0000"]["total"] == 100.0
    assert rows["U0001"]["total"] == pytest.approx(80.0)  # 10 → 60, 0.25 → 20: under it


def test_group_mean_benchmark_with_one_firm_gives_the_weight():
    text = with_tax("benchmark: {mean_multiple: 1, of: current}")
    rows = score(text, {"tax_paid_wan_yuan": 37.0})
    assert rows["U0000"]["b_tax_per_mu"] == pytest.approx(3.7)
    assert rows["U0000"]["s_tax_per_mu"] == pytest.approx(60.0)


def test_group_mean_benchmark_two_firms():
    # 20 and 10 万元/亩 → mean 15 → 20/15 × 60 = 80 and 10/15 × 60 = 40
    text = with_tax("benchmark: {mean_multiple: 1, of: current}")
    rows = score(text, {"tax_paid_wan_yuan": 200.0}, {"tax_paid_wan_yuan": 100.0})
    assert rows["U0000"]["s_tax_per_mu"] == pytest.approx(80.0)
    assert rows["U0001"]["s_tax_per_mu"] == pytest.approx(40.0)


def test_last_year_county_mean_times_two_huaian():
    # 淮安 2024-05-31: benchmark ≈ 2 × the county's prior-year average
    text = with_tax("benchmark: {mean_multiple: 2, of: reference, by: county}")
    ref = firms(
        {"region_code": "130528", "tax_paid_wan_yuan": 40.0},  # 4 万元/亩
        {"region_code": "130528", "tax_paid_wan_yuan": 80.0},  # 8 → mean 6 → benchmark 12
        {"region_code": "130582", "tax_paid_wan_yuan": 150.0},  # 15 → benchmark 30
    )
    rows = score(
        text,
        {"region_code": "130528", "tax_paid_wan_yuan": 120.0},  # 12 ÷ 12 × 60 = 60
        {"region_code": "130582", "tax_paid_wan_yuan": 120.0},  # 12 ÷ 30 × 60 = 24
        reference=ref,
    )
    assert rows["U0000"]["b_tax_per_mu"] == pytest.approx(12.0)
    assert rows["U0000"]["s_tax_per_mu"] == pytest.approx(60.0)
    assert rows["U0001"]["s_tax_per_mu"] == pytest.approx(24.0)


def test_zero_mean_benchmark_is_a_clear_error():
    text = with_tax("benchmark: {mean_multiple: 1, of: current}")
    with pytest.raises(BenchmarkError) as info:
        score(text, {"tax_paid_wan_yuan": 0.0}, {"tax_paid_wan_yuan": 0.0})
    msg = str(info.value)
    assert "规上「亩均税收」的基准值（本年度本组平均值）为0" in msg and "2 家企业" in msg


def test_negative_mean_benchmark_is_a_clear_error():
    custom = (
        "{id: margin, name: 利润率, formula: (tax_paid_wan_yuan - revenue_wan_yuan) "
        "/ revenue_wan_yuan, weight: 60, benchmark: {mean_multiple: 1, of: current}}"
    )
    text = RATIO.replace(TAX, custom)
    with pytest.raises(BenchmarkError, match=r"「利润率」的基准值.*为-0\.99"):
        score(text, {})


def test_county_without_reference_firms_is_a_clear_error():
    text = with_tax("benchmark: {mean_multiple: 2, of: reference, by: county}")
    ref = firms({"region_code": "130528"})
    with pytest.raises(BenchmarkError, match=r"区县 130582.*无法计算"):
        score(text, {"region_code": "130582"}, reference=ref)


# --- properties --------------------------------------------------------------------------------

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


@SETTINGS
@given(
    value=st.floats(min_value=0, max_value=1e6),
    benchmark=positive,
    weight=st.floats(min_value=1, max_value=99),
    times=st.floats(min_value=0.5, max_value=5),
    floor_share=st.floats(min_value=0, max_value=0.49),
)
def test_engine_and_pure_function_agree(value, benchmark, weight, times, floor_share):
    cap, floor = times * weight, floor_share * times * weight
    text = RATIO.replace(
        TAX,
        f"{{id: tax_per_mu, weight: {weight!r}, benchmark: {benchmark!r}, "
        f"cap: {{times_weight: {times!r}}}, floor: {{points: {floor!r}}}}}",
    ).replace(ELEC, f"{{id: tax_per_electricity, weight: {100 - weight!r}, benchmark: 0.5}}")
    row = score(text, {"tax_paid_wan_yuan": value, "land_area_mu": 1.0})["U0000"]
    expected = ratio_score(value, benchmark, weight, cap=cap, floor=floor)
    assert row["s_tax_per_mu"] == pytest.approx(expected, rel=1e-9, abs=1e-9)


@SETTINGS
@given(scores=st.lists(st.one_of(st.none(), st.floats(0, 1e4)), max_size=8), cap=positive)
def test_total_is_at_most_the_maximum(scores, cap):
    assert total_score(scores, cap) <= cap


figure = st.floats(min_value=0.01, max_value=1e5, allow_nan=False)
zj_firm = st.fixed_dictionaries(
    {
        "above_scale": st.booleans(),
        "tax_paid_wan_yuan": figure,
        "value_added_wan_yuan": figure,
        "main_business_revenue_wan_yuan": figure,
        "rd_spend_wan_yuan": figure,
        "land_area_mu": st.floats(min_value=3, max_value=500),
        "energy_tce": figure,
        "pollutant_equivalent_t": st.one_of(st.none(), figure),
        "electricity_10k_kwh": figure,
        "employees": st.integers(min_value=1, max_value=5000),
    }
)


@SETTINGS
@given(rows=st.lists(zj_firm, min_size=1, max_size=8))
def test_zhejiang_total_never_exceeds_its_stated_maximum(rows):
    m = load_method("zhejiang")
    out = evaluate_mu(firms(*rows), m, year=2025, con=CON)
    assert m.max_total is not None
    assert (out["total"].dropna() <= m.max_total + 1e-9).all()
    for g in m.groups:
        sub = out[out["group"] == g.id]
        for ind in g.indicators:
            assert ind.cap is not None
            assert (sub[f"s_{ind.id}"].dropna() <= ind.cap + 1e-9).all()


# raising any "more is better" figure (or cutting electricity, energy, pollution, land or staff)
# never lowers the firm's total under fixed benchmarks
MOVES = [
    ("tax_paid_wan_yuan", "up"),
    ("value_added_wan_yuan", "up"),
    ("rd_spend_wan_yuan", "up"),
    ("electricity_10k_kwh", "down"),
    ("energy_tce", "down"),
    ("land_area_mu", "down"),
    ("employees", "down"),
]


@SETTINGS
@given(
    rows=st.lists(zj_firm, min_size=1, max_size=6),
    which=st.integers(min_value=0, max_value=5),
    move=st.sampled_from(MOVES),
    factor=st.floats(min_value=1.0, max_value=20.0),
)
def test_zhejiang_total_is_monotone_in_each_indicator(rows, which, move, factor):
    m = load_method("zhejiang")
    which %= len(rows)
    field, direction = move
    before = evaluate_mu(firms(*rows), m, year=2025, con=CON).set_index("uscc")
    old = rows[which][field]
    new = old * factor if direction == "up" else old / factor
    if field == "employees":
        new = max(1, math.floor(new))
    if field == "land_area_mu":
        new = max(3.0, new)  # stay in the same group (规下 needs ≥ 3 亩)
    rows[which] = {**rows[which], field: new}
    after = evaluate_mu(firms(*rows), m, year=2025, con=CON).set_index("uscc")
    key = f"U{which:04d}"
    assert after.loc[key, "total"] >= before.loc[key, "total"] - 1e-6

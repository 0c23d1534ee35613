"""Location quotient, cluster strength and shift-share: hand-worked examples and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose

from chainboard_analytics.strategy.shift_share import (
    calc_shift_share,
    calc_shift_share_dynamic,
    summarise_shift_share,
)
from chainboard_analytics.strategy.specialisation import (
    ClusterThresholds,
    calc_cluster_strength,
    calc_location_quotient,
)

# --- location quotient ---------------------------------------------------------------------------


def test_location_quotient_hand_worked():
    emp = pd.DataFrame([[30.0, 70.0], [70.0, 30.0]], index=["A", "B"], columns=["glass", "food"])
    lq = calc_location_quotient(emp)
    # A: glass share 30/100 over reference share 100/200 = 0.6; food 0.7 / 0.5 = 1.4
    assert_allclose(lq.loc["A"], [0.6, 1.4])
    assert_allclose(lq.loc["B"], [1.4, 0.6])
    # against a national reference: nation glass 10, food 90
    nation = pd.Series({"glass": 10.0, "food": 90.0})
    assert_allclose(calc_location_quotient(emp, nation).loc["A"], [0.3 / 0.1, 0.7 / 0.9])


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, (6,), elements=st.floats(1, 1e6)),
    st.floats(1e-3, 1e3),
)
def test_location_quotient_of_region_equal_to_nation_is_all_ones(nation, scale):
    cols = [f"i{k}" for k in range(6)]
    region = pd.DataFrame([nation * scale], index=["r"], columns=cols)
    lq = calc_location_quotient(region, pd.Series(nation, index=cols))
    assert_allclose(lq.to_numpy(), 1.0, rtol=1e-12)


def test_location_quotient_edge_cases():
    emp = pd.DataFrame([[0.0, 0.0], [1.0, 1.0]], index=["empty", "b"], columns=["x", "y"])
    lq = calc_location_quotient(emp)
    assert lq.loc["empty"].isna().all()
    with pytest.raises(ValueError, match="non-negative"):
        calc_location_quotient(-emp)


# --- cluster strength ----------------------------------------------------------------------------


def test_cluster_strength_us_cluster_mapping_rule():
    regions = [f"c{k}" for k in range(8)]
    glass = [500, 400, 300, 200, 100, 50, 20, 0]
    other = [500, 600, 700, 800, 900, 950, 980, 1000]
    emp = pd.DataFrame({"3041": glass, "1391": other}, index=regions, dtype=float)
    est = pd.DataFrame({"3041": [20, 15, 2, 8, 5, 3, 1, 0], "1391": [5] * 8}, index=regions)
    out = calc_cluster_strength(emp, establishments=est)
    g = out[out.cluster == "3041"].set_index("region")
    assert "c7" not in g.index  # no employment in the cluster: not a row
    lq = calc_location_quotient(emp)["3041"].iloc[:7]
    lq_thr = max(np.percentile(lq, 75), 1.0)
    emp_thr = np.percentile(glass[:7], 25)
    est_thr = np.percentile([20, 15, 2, 8, 5, 3, 1], 25)
    expected = (lq >= lq_thr) & (pd.Series(glass[:7], index=regions[:7]) > emp_thr)
    expected &= pd.Series([20, 15, 2, 8, 5, 3, 1], index=regions[:7]) > est_thr
    assert g["strong"].reindex(regions[:7]).tolist() == expected.tolist()
    assert g.loc["c0", "strong"] and not g.loc["c2", "strong"]  # c2 has too few firms
    assert "establishments 2 ≤ P25" in g.loc["c2", "reasons"]
    assert g.loc["c0", "national_share"] == pytest.approx(500 / 1570)
    assert g.loc["c0", "regional_share"] == pytest.approx(0.5)


def test_cluster_strength_by_region_type_and_traded_clusters():
    emp = pd.DataFrame(
        {"3041": [50, 10, 40, 5], "3042": [50, 0, 10, 5], "9000": [0, 90, 50, 90]},
        index=["a", "b", "c", "d"],
        dtype=float,
    )
    out = calc_cluster_strength(
        emp,
        region_type=pd.Series({"a": "县", "b": "县", "c": "市辖区", "d": "市辖区"}),
        clusters={"3041": "glass", "3042": "glass"},
        traded=["3041", "3042"],
        thresholds=ClusterThresholds(lq_percentile=50, employment_percentile=0),
    )
    assert set(out.cluster) == {"glass"}
    # only traded glass employment: LQ is 1 everywhere (single cluster)
    assert_allclose(out.lq, 1.0)


# --- shift-share ---------------------------------------------------------------------------------


def test_shift_share_hand_worked():
    base = pd.DataFrame({"manuf": [100.0], "services": [50.0]}, index=["R"])
    end = pd.DataFrame({"manuf": [120.0], "services": [70.0]}, index=["R"])
    nation0 = pd.Series({"manuf": 1000.0, "services": 1000.0})
    nation1 = pd.Series({"manuf": 1050.0, "services": 1250.0})
    out = calc_shift_share(base, end, reference_base=nation0, reference_end=nation1)
    out = out.set_index("industry")
    # G = 2300/2000 - 1 = 0.15; g_manuf = 0.05; g_services = 0.25
    assert_allclose(out.national_share, [15.0, 7.5])
    assert_allclose(out.industry_mix, [100 * (0.05 - 0.15), 50 * (0.25 - 0.15)])
    assert_allclose(out.regional_shift, [100 * (0.20 - 0.05), 50 * (0.40 - 0.25)])
    total = summarise_shift_share(out.reset_index()).iloc[0]
    assert total.change == pytest.approx(40.0)


def test_shift_share_new_industry_is_all_regional_shift():
    base = pd.DataFrame({"a": [10.0, 5.0]}, index=["R", "S"])
    end = pd.DataFrame({"a": [12.0, 5.0], "b": [3.0, 0.0]}, index=["R", "S"])
    out = calc_shift_share(base, end).set_index(["region", "industry"])
    row = out.loc[("R", "b")]
    assert row.national_share == 0 and row.industry_mix == 0 and row.regional_shift == 3.0


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (3, 4), elements=st.floats(0, 1e5)),
    arrays(np.float64, (3, 4), elements=st.floats(0, 1e5)),
)
def test_shift_share_components_sum_to_total_change(b, e):
    base = pd.DataFrame(b + 1.0)
    end = pd.DataFrame(e)
    out = calc_shift_share(base, end)
    parts = out.national_share + out.industry_mix + out.regional_shift
    assert_allclose(parts, out.change, atol=1e-6)
    # with the regions as reference economy, regional shift sums to 0 for each industry
    assert_allclose(out.groupby("industry").regional_shift.sum(), 0.0, atol=1e-5)


def _panel(values: dict[int, list[list[float]]]) -> pd.DataFrame:
    rows = []
    for year, table in values.items():
        for r, row in enumerate(table):
            for i, v in enumerate(row):
                rows.append({"region": f"r{r}", "industry": f"i{i}", "year": year, "value": v})
    return pd.DataFrame(rows)


def test_dynamic_shift_share_sums_and_reduces_to_classic_for_two_years():
    panel = _panel(
        {
            2020: [[10, 20], [30, 40]],
            2021: [[12, 18], [33, 45]],
            2022: [[15, 17], [31, 50]],
        }
    )
    dyn = calc_shift_share_dynamic(panel)
    parts = dyn.national_share + dyn.industry_mix + dyn.regional_shift
    assert_allclose(parts, dyn.change, atol=1e-9)
    assert_allclose(dyn.set_index(["region", "industry"]).loc[("r0", "i0"), "change"], 5.0)
    two = panel[panel.year < 2022]
    classic = calc_shift_share(
        two[two.year == 2020].pivot(index="region", columns="industry", values="value"),
        two[two.year == 2021].pivot(index="region", columns="industry", values="value"),
    )
    assert_allclose(
        calc_shift_share_dynamic(two)[["national_share", "industry_mix", "regional_shift"]],
        classic[["national_share", "industry_mix", "regional_shift"]],
    )
    with pytest.raises(ValueError, match="two years"):
        calc_shift_share_dynamic(panel[panel.year == 2020])


def test_dynamic_shift_share_with_explicit_reference():
    panel = _panel({2020: [[10, 20], [30, 40]], 2021: [[12, 18], [33, 45]]})
    reference = panel.groupby(["industry", "year"], as_index=False)["value"].sum()
    same = calc_shift_share_dynamic(panel, reference=reference)
    assert_allclose(same.regional_shift, calc_shift_share_dynamic(panel).regional_shift)
    base = reference[reference.year == 2020]
    bigger = pd.concat([base.assign(value=base.value * 10), base.assign(value=base.value * 15)])
    bigger["year"] = [2020, 2020, 2021, 2021]
    out = calc_shift_share_dynamic(panel, reference=bigger)
    # national growth 50 %: national share = 0.5 × base
    assert_allclose(out.national_share, 0.5 * out.base)
    assert_allclose(out.industry_mix, 0.0, atol=1e-12)

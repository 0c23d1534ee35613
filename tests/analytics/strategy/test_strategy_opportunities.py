"""Demo panel generator and opportunity ranking (建链/延链)."""

from __future__ import annotations

import pandas as pd
import pytest

from chainboard_analytics.strategy.complexity import calc_complexity
from chainboard_analytics.strategy.demo_panel import (
    DEMO_INDUSTRIES,
    generate_demo_panel,
)
from chainboard_analytics.strategy.long_table import pivot_long_table, validate_long_table
from chainboard_analytics.strategy.opportunities import OpportunityWeights, rank_opportunities
from chainboard_analytics.strategy.specialisation import calc_location_quotient

NAMED = [
    ("130582", "沙河市"),
    ("130534", "清河县"),
    ("130528", "宁晋县"),
    ("130532", "平乡县"),
    ("130535", "临西县"),
    ("130525", "隆尧县"),
]
REGIONS = NAMED + [(f"13{k:04d}", f"示例县{k}") for k in range(1, 75)]


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return generate_demo_panel(REGIONS)


@pytest.fixture(scope="module")
def wide(panel) -> pd.DataFrame:
    return pivot_long_table(validate_long_table(panel[["region", "industry", "year", "value"]]))


def test_demo_panel_is_deterministic_and_order_independent(panel):
    again = generate_demo_panel(list(reversed(REGIONS)))
    key = ["region", "industry", "year"]
    pd.testing.assert_frame_equal(
        panel.sort_values(key).reset_index(drop=True),
        again.sort_values(key).reset_index(drop=True),
    )
    assert not panel.equals(generate_demo_panel(REGIONS, seed=1))
    assert sorted(panel.year.unique()) == [2019, 2020, 2021, 2022, 2023]
    assert (panel.value > 0).all()


def test_demo_panel_is_heavy_tailed_and_specialities_stand_out(wide):
    totals = wide.sum(axis=1)
    assert totals.max() / totals.median() > 4
    lq = calc_location_quotient(wide)
    for code, industries in [
        ("130582", ["3041"]),
        ("130534", ["1721"]),
        ("130528", ["3831"]),
        ("130532", ["3761"]),
        ("130535", ["3451"]),
    ]:
        for ind in industries:
            assert lq.loc[code, ind] > 3, (code, ind)
    food = [c for c in wide.columns if c.startswith("14")]
    assert (lq.loc["130525", food] > 1).sum() >= len(food) // 2


def test_demo_panel_refuses_empty_input():
    with pytest.raises(ValueError):
        generate_demo_panel([])


def test_rank_opportunities_candidates_reasons_and_chain_actions(wide):
    result = calc_complexity(wide)
    region = "130582"
    present = set(result.cells.query("region == @region and m == 1").industry)
    absent = set(result.cells.query("region == @region and m == 0").industry)
    glass_absent = sorted(
        c for c in ("3041", "3042", "3049") if c in absent
    )  # a glass node the region lacks
    some_absent = sorted(absent - {"3041", "3042", "3049"})[0]
    chain_nodes = {
        "3041": [("玻璃", "平板玻璃")],
        "3042": [("玻璃", "特种玻璃")],
        "3049": [("玻璃", "玻璃制品")],
        some_absent: [("新链", "环节A"), ("新链", "环节B")],
    }
    out = rank_opportunities(
        result, region, chain_nodes=chain_nodes, industry_names=DEMO_INDUSTRIES
    )
    assert set(out.industry) == absent
    assert not set(out.industry) & present
    assert out.drop_duplicates("industry").score.is_monotonic_decreasing
    assert out.score.between(0, 1).all()
    new = out[out.industry == some_absent]
    assert new.node.tolist() == ["环节A", "环节B"] and set(new.action) == {"建链"}
    if "3041" in present:
        for code in glass_absent:
            assert set(out[out.industry == code].action) == {"延链"}
    row = out.iloc[0]
    assert f"density {row.density:.3f}" in row.reasons
    assert f"PCI {row.pci:+.2f}" in row.reasons and "COG" in row.reasons
    top3 = rank_opportunities(result, region, top=3, weights=OpportunityWeights(1, 0, 0))
    assert len(top3) == 3
    assert top3.density.is_monotonic_decreasing
    with pytest.raises(ValueError, match="not in the complexity result"):
        rank_opportunities(result, "999999")

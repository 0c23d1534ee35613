"""Gap rules and cluster progress, worked by hand."""

from __future__ import annotations

import pytest

from chainboard_analytics.chains.clusters import calc_cagr, calc_target_progress
from chainboard_analytics.chains.gaps import GapRules, NodeFigures, calc_chain_gaps

# A toy chain, revenue in 万元:
#   ore(up, ref .2) → smelt(mid, ref .3) → parts(mid, ref .4) → cars(down, no ref)
#   paint(up, ref .1) → parts            ;  lab(service)
#   group "processing" holds smelt and parts
NODES = [
    NodeFigures("ore", "矿石", "upstream", ref_share=0.2, feeds=("smelt",), weight=2),
    NodeFigures(
        "paint",
        "涂料",
        "upstream",
        ref_share=0.1,
        feeds=("parts",),
        firms=1,
        revenue=100,
        top_revenue=100,
    ),
    NodeFigures("processing", "加工", "midstream", firms=13, revenue=3900),
    NodeFigures(
        "smelt",
        "冶炼",
        "midstream",
        parent="processing",
        ref_share=0.3,
        feeds=("parts",),
        firms=3,
        revenue=3000,
        top_revenue=1200,
    ),
    NodeFigures(
        "parts",
        "零件",
        "midstream",
        parent="processing",
        ref_share=0.4,
        feeds=("cars",),
        firms=10,
        revenue=900,
        top_revenue=300,
    ),
    NodeFigures("cars", "整车", "downstream", weight=3),
    NodeFigures("lab", "检测", "service"),
]


@pytest.fixture
def report():
    return calc_chain_gaps(NODES)


def test_statuses_by_hand(report):
    # R_chain = 100 + 3000 + 900 = 4000 (leaves with a reference share)
    st = report.statuses
    assert report.chain_revenue == 4000
    assert st["processing"].status == "group"
    # smelt: share 3000/4000 = .75, SLQ = .75/.3 = 2.5 ≥ 1 with 3 firms → strong
    assert st["smelt"].slq == pytest.approx(2.5) and st["smelt"].status == "strong"
    # parts: share .225, SLQ = .225/.4 = .5625 → normal (≥ .25, 10 firms, top 1/3)
    assert st["parts"].slq == pytest.approx(0.5625) and st["parts"].status == "normal"
    # paint: share .025, SLQ = .25 — not below .25, but a single firm → fragile
    assert st["paint"].slq == pytest.approx(0.25) and st["paint"].status == "fragile"
    assert st["ore"].status == st["cars"].status == st["lab"].status == "missing"


def test_gaps_actions_and_reasons(report):
    gaps = {(g.key, g.kind): g for g in report.gaps}
    # ore is missing and feeds the strong smelt → 延链 (extend)
    ore = gaps[("ore", "missing")]
    assert ore.action == "extend" and "冶炼" in ore.reason and "上游" in ore.reason
    # cars: missing, fed by normal parts only → 补链 (fill); lab: missing service → 补链
    assert gaps[("cars", "missing")].action == "fill"
    assert "配套服务" in gaps[("lab", "missing")].reason
    assert gaps[("paint", "fragile")].action == "strengthen"
    assert "仅 1 家" in gaps[("paint", "fragile")].reason
    assert [g.action for g in report.gaps] == sorted(
        (g.action for g in report.gaps), key=["extend", "fill", "strengthen"].index
    )


def test_weak_link_reason_carries_the_numbers():
    rules = GapRules(weak_slq=0.6)
    report = calc_chain_gaps(NODES, rules)
    weak_keys = {g.key for g in report.gaps if g.kind == "weak"}
    assert weak_keys == {"parts", "paint"}  # SLQ .5625 and .25 < .6; smelt 2.5 is not
    weak = next(g for g in report.gaps if g.kind == "weak" and g.key == "parts")
    assert "22.5%" in weak.reason and "40.0%" in weak.reason and "0.56" in weak.reason
    assert weak.numbers["slq"] == pytest.approx(0.5625)


def test_top_firm_share_makes_a_node_fragile():
    nodes = [
        NodeFigures("a", "甲", "midstream", ref_share=0.5, firms=4, revenue=1000, top_revenue=850)
    ]
    [gap] = calc_chain_gaps(nodes).gaps
    assert gap.kind == "fragile" and "85.0%" in gap.reason


def test_completeness_weighted_and_unweighted(report):
    # leaves: ore(2) paint(1) smelt(1) parts(1) cars(3) lab(1); covered: paint, smelt, parts
    assert (report.leaves, report.covered) == (6, 3)
    assert report.completeness == pytest.approx(3 / 6)
    assert report.completeness_weighted == pytest.approx(3 / 9)
    assert report.build == ""


def test_build_when_the_chain_barely_exists():
    nodes = [NodeFigures(str(i), f"n{i}", "midstream") for i in range(9)]
    nodes.append(NodeFigures("x", "有", "midstream", firms=2, revenue=10, top_revenue=5))
    report = calc_chain_gaps(nodes)
    assert "建链" in report.build and "1/10" in report.build


def test_rules_are_configurable_and_ignore_unknown_keys():
    rules = GapRules().updated({"weak_slq": 0.4, "nonsense": 1})
    assert rules.weak_slq == 0.4 and rules.fragile_top_share == 0.8


def test_cluster_progress_by_hand():
    series = {2023: 100.0, 2024: 110.0, 2025: 121.0}
    assert calc_cagr(series) == pytest.approx(0.10)
    done = calc_target_progress(series, 2025, revenue_target=120.0)
    assert done.status == "achieved" and done.actual == 121.0
    missed = calc_target_progress(series, 2025, growth_target=0.15)  # 110 × 1.15 = 126.5
    assert missed.status == "missed" and missed.target == pytest.approx(126.5)
    # 2027 projected 121 × 1.1² = 146.41; target 140 → on track; needed (140/121)^(1/2) − 1
    ahead = calc_target_progress(series, 2027, revenue_target=140.0)
    assert ahead.status == "on_track" and ahead.projected == pytest.approx(146.41)
    assert ahead.needed_growth == pytest.approx((140 / 121) ** 0.5 - 1)
    behind = calc_target_progress(series, 2026, growth_target=0.15)  # 121 × 1.15 = 139.15 > 133.1
    assert behind.status == "behind" and behind.target == pytest.approx(139.15)
    assert calc_target_progress({}, 2026, growth_target=0.1) is None


def test_chain_revenue_can_be_given_for_overlapping_firms():
    # the same 4000 of revenue, but 6000 counted once across firms in several segments
    report = calc_chain_gaps(NODES, chain_revenue=6000)
    assert report.statuses["smelt"].slq == pytest.approx(3000 / 6000 / 0.3)

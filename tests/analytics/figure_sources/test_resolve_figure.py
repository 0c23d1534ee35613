"""The resolution of one figure from several sources: hand-worked cases and properties."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from chainboard_analytics.figure_sources import relative_difference, resolve_figure

TAX = ["tax", "statistics", "manual", "firm", "power"]
SOURCES = ("tax", "statistics", "manual", "firm", "power")


def test_precedence_picks_the_first_reported_source() -> None:
    # 税收: 税务 120, 统计 100 → 税务's 120 is used; |100 - 120| / 120 = 1/6 ≈ 16.7 % > 5 %
    r = resolve_figure({"statistics": D(100), "tax": D(120)}, TAX, D("0.05"))
    assert (r.value, r.source, r.conflict, r.decided) == (D(120), "tax", True, False)
    assert r.difference == D(20) / D(120)


def test_missing_sources_are_skipped() -> None:
    r = resolve_figure({"tax": None, "firm": D(80), "statistics": D(82)}, TAX, D("0.05"))
    # 统计 82 is used; the firm's 80 differs by 2/82 ≈ 2.4 % → within the 5 % tolerance
    assert (r.value, r.source, r.conflict) == (D(82), "statistics", False)
    assert r.difference == D(2) / D(82)


def test_exactly_the_tolerance_is_not_a_conflict() -> None:
    r = resolve_figure({"tax": D(100), "statistics": D(105)}, TAX, D("0.05"))
    assert r.difference == D("0.05") and not r.conflict
    assert resolve_figure({"tax": D(100), "statistics": D("105.01")}, TAX, D("0.05")).conflict


def test_no_values_and_one_value() -> None:
    assert resolve_figure({}, TAX, D("0.05")).value is None
    assert resolve_figure({"tax": None}, TAX, D("0.05")).source is None
    one = resolve_figure({"firm": D(7)}, TAX, D("0.05"))
    assert (one.value, one.source, one.difference, one.conflict) == (D(7), "firm", None, False)


def test_zero_used_value_against_a_non_zero_one_is_a_conflict() -> None:
    r = resolve_figure({"tax": D(0), "statistics": D(3)}, TAX, D("0.05"))
    assert r.value == 0 and r.difference is None and r.conflict
    both_zero = resolve_figure({"tax": D(0), "statistics": D(0)}, TAX, D("0.05"))
    assert both_zero.difference == 0 and not both_zero.conflict


def test_a_decision_holds_while_its_value_is_current() -> None:
    values = {"tax": D(120), "statistics": D(100)}
    r = resolve_figure(values, TAX, D("0.05"), decision=("statistics", D(100)))
    assert (r.value, r.source, r.decided, r.conflict) == (D(100), "statistics", True, False)
    assert r.difference == D("0.2")
    # the statistics bureau sent a new value: the decision lapses, the precedence decides again
    stale = resolve_figure(
        {"tax": D(120), "statistics": D(101)}, TAX, D("0.05"), decision=("statistics", D(100))
    )
    assert (stale.value, stale.source, stale.decided, stale.conflict) == (
        D(120),
        "tax",
        False,
        True,
    )


def test_a_source_outside_the_precedence_ranks_last() -> None:
    r = resolve_figure({"other": D(5), "firm": D(6)}, ["tax", "firm"], D("0.05"))
    assert r.source == "firm"


def test_relative_difference() -> None:
    assert relative_difference(D(200), D(150)) == D("0.25")
    assert relative_difference(D(0), D(0)) == 0
    assert relative_difference(D(0), D(1)) is None


amounts = st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False)
value_maps = st.dictionaries(st.sampled_from(SOURCES), amounts, max_size=5)


@given(value_maps, st.permutations(SOURCES), st.decimals(min_value=0, max_value=1, places=4))
def test_properties(values: dict[str, D], order: list[str], tolerance: D) -> None:
    r = resolve_figure(values, order, tolerance)
    if not values:
        assert r.value is None and not r.conflict
        return
    # the used value is the first listed source's, whatever the dict order
    first = next(s for s in order if s in values)
    assert (r.source, r.value) == (first, values[first])
    assert resolve_figure(dict(reversed(values.items())), order, tolerance) == r
    # a conflict iff some other value lies beyond the tolerance
    beyond = any(
        (d := relative_difference(r.value, v)) is None or d > tolerance for v in values.values()
    )
    assert r.conflict == beyond
    # scaling every value (万元 → 元) keeps the source and the conflict verdict
    scaled = resolve_figure({s: v * 10000 for s, v in values.items()}, order, tolerance)
    assert (scaled.source, scaled.conflict) == (r.source, r.conflict)


@given(value_maps, st.permutations(SOURCES), st.sampled_from(SOURCES))
def test_a_current_decision_always_wins_and_clears_the_conflict(
    values: dict[str, D], order: list[str], chosen: str
) -> None:
    if chosen not in values:
        return
    r = resolve_figure(values, order, D("0.05"), decision=(chosen, values[chosen]))
    assert (r.source, r.value, r.decided, r.conflict) == (chosen, values[chosen], True, False)

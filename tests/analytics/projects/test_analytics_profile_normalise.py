"""月评比 options by hand: the monthly plan profile (winter stop) and the per-100 size
normalisation of counts (docs/projects.md "Monthly ranking", the module docstring)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chainboard_analytics.projects.ranking import (
    DEFAULT_COMPONENTS,
    HEBEI_WINTER_PROFILE,
    MonthInputs,
    check_method,
    check_profile,
    component_values,
    per_hundred,
    plan_to_date,
    score_components,
)


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (1, 0.0),  # January: winter stop, nothing due
        (2, 0.0),  # February: still nothing
        (3, 9_000 / 9),  # March: 1 of 9 working months = 1,000万
        (6, 9_000 * 4 / 9),  # 4 of 9 = 4,000万
        (11, 9_000.0),  # November ends the working season: the whole plan
        (12, 9_000.0),  # December adds nothing
    ],
)
def test_hebei_winter_profile_by_hand(month: int, due: float) -> None:
    assert plan_to_date(9_000, month, HEBEI_WINTER_PROFILE) == pytest.approx(due)


def test_no_profile_is_one_twelfth_per_month() -> None:
    assert plan_to_date(12_000, 3) == pytest.approx(3_000)
    assert plan_to_date(12_000, 3, []) == pytest.approx(3_000)


def test_winter_month_investment_is_missing_not_infinite() -> None:
    # 500万 done in January against a plan with nothing due until March → 缺 (neutral), and
    # the other components are scaled up to the same total.
    inputs = MonthInputs(done_wan_yuan=500, plan_wan_yuan=9_000, starts_due=1, starts_on_time=1)
    values = component_values(inputs, 1, profile=HEBEI_WINTER_PROFILE)
    assert values["investment"] is None
    scores, total = score_components(values, DEFAULT_COMPONENTS)
    assert "investment" not in scores
    # on-time start 1/1 → 20 × 100/65; problems and punctuality are 缺 too (no denominator):
    # computed weights = 20 + 15 + 10 = 45, k = 100/45; new_signed and over_100m are 0.
    assert scores["on_time_start"] == Decimal("44.44")
    assert total == Decimal("44.44")
    # March: 1,000万 due (1/9 of 9,000), 500 done → investment 0.5 (not 500 ÷ 2,250 under 1/12)
    march = component_values(inputs, 3, profile=HEBEI_WINTER_PROFILE)
    assert march["investment"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        ([1] * 11, "12个数"),
        ([1] * 11 + [-1], "非负数"),
        ([0] * 12, "之和应大于0"),
        ([1] * 11 + [True], "非负数"),
        ([1] * 11 + ["1"], "非负数"),
    ],
)
def test_bad_profiles_are_refused(profile: list, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        check_profile(profile)
    with pytest.raises(ValueError, match=message):
        plan_to_date(100, 1, profile)


def test_per_hundred_by_hand() -> None:
    assert per_hundred(2, 40) == pytest.approx(5.0)  # 2 signings in a pool of 40 → 5 per 100
    assert per_hundred(0, 40) == 0
    assert per_hundred(3, 0) is None  # no size → 缺
    assert per_hundred(3, None) is None


def test_normalised_counts_by_hand() -> None:
    # 宁晋: 2 signings, 1 over 1亿, 40 projects in the pool, 250 规上 firms.
    inputs = MonthInputs(signed=2, over_100m=1, pool_projects=40, above_scale_firms=250)
    values = component_values(inputs, 3, per={"new_signed": "projects", "over_100m": "firms"})
    assert values["new_signed"] == pytest.approx(5.0)
    assert values["over_100m"] == pytest.approx(0.4)
    # with benchmark 8 per 100 projects: 15 × 5/8 = 9.375 → before k
    method = {
        **DEFAULT_COMPONENTS,
        "new_signed": {"weight": 15, "benchmark": 8, "cap": 1.5, "per": "projects"},
    }
    scores, _ = score_components(values, method)
    # computed: new_signed 15 + over_100m 10 = 25 of 100 → k = 4; 15 × 0.625 × 4 = 37.5
    assert scores["new_signed"] == Decimal("37.50")
    # a county with no 规上 firm: over_100m per firms is 缺, not 0
    empty = component_values(
        MonthInputs(over_100m=1, above_scale_firms=0), 3, per={"over_100m": "firms"}
    )
    assert empty["over_100m"] is None
    # unnormalised counts stay counts
    assert component_values(inputs, 3)["new_signed"] == 2.0
    with pytest.raises(ValueError):
        component_values(inputs, 3, per={"new_signed": "people"})


@pytest.mark.parametrize(
    ("components", "message"),
    [
        ({"bogus": {"weight": 1, "benchmark": 1, "cap": 1}}, "未知评分项"),
        ({"investment": {"weight": 1, "benchmark": 0, "cap": 1}}, "正数"),
        ({"investment": {"weight": -1, "benchmark": 1, "cap": 1}}, "非负数"),
        ({"investment": {"weight": "x", "benchmark": 1, "cap": 1}}, "应为数字"),
        ({"investment": {"weight": 1, "benchmark": 1, "cap": 1, "per": "projects"}}, "计数项"),
        ({"new_signed": {"weight": 1, "benchmark": 1, "cap": 1, "per": "people"}}, "计数项"),
    ],
)
def test_bad_methods_are_refused(components: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        check_method(components)


def test_default_method_is_valid() -> None:
    check_method(DEFAULT_COMPONENTS)
    check_method(
        {**DEFAULT_COMPONENTS, "new_signed": {**DEFAULT_COMPONENTS["new_signed"], "per": "firms"}}
    )

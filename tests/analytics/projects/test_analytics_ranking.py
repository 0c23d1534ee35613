"""月评比 formulas by hand (the March 2025 example of docs/projects.md, worked from its counts)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chainboard_analytics.projects.ranking import (
    COMPONENTS,
    DEFAULT_COMPONENTS,
    DEFAULT_PERIOD,
    SCORE_LABELS,
    VALUE_LABELS,
    MonthInputs,
    competition_ranks,
    component_score,
    component_values,
    filed_on_time,
    mean_score,
    mondays,
    period_score,
    plan_to_date,
    score_components,
    under_construction,
)

# 宁晋 in March 2025: 2,500万 done of a 16,000万 plan; 1 of 2 starts on time; 1 signing; one
# project ≥ 1亿; 1 of 1 problems resolved; 1 of 5 project-weeks reported on time.
NINGJIN = MonthInputs(
    done_wan_yuan=2500,
    plan_wan_yuan=16000,
    starts_due=2,
    starts_on_time=1,
    signed=1,
    over_100m=1,
    problems_raised=1,
    problems_resolved=1,
    weeks_expected=5,
    weeks_on_time=1,
)


def test_hand_worked_values_and_scores() -> None:
    values = component_values(NINGJIN, 3)
    # plan to date 16,000 × 3 ÷ 12 = 4,000; 2,500 ÷ 4,000 = 0.625
    assert values == {
        "investment": pytest.approx(0.625),
        "on_time_start": 0.5,
        "new_signed": 1.0,
        "over_100m": 1.0,
        "problems_resolved": 1.0,
        "punctuality": 0.2,
    }
    scores, total = score_components(values, DEFAULT_COMPONENTS)
    assert scores == {
        "investment": Decimal("21.88"),  # 0.625 × 35 = 21.875 → half up 21.88
        "on_time_start": Decimal("10.00"),  # 0.5 × 20
        "new_signed": Decimal("7.50"),  # 1 ÷ 2 × 15
        "over_100m": Decimal("1.00"),  # 1 ÷ 10 × 10
        "problems_resolved": Decimal("10.00"),
        "punctuality": Decimal("2.00"),  # 0.2 × 10
    }
    assert total == Decimal("52.38")


def test_cap_and_uncomputable_values() -> None:
    # 沙河: 10,000 of 6,000 → 1.67, capped at 1.2 → 42; nobody due to start → None (缺)
    shahe = MonthInputs(done_wan_yuan=10000, plan_wan_yuan=24000)
    values = component_values(shahe, 3)
    assert values["investment"] == pytest.approx(10000 / 6000)
    assert values["on_time_start"] is None
    assert component_score(values["investment"], weight=35, benchmark=1, cap=1.2) == Decimal(
        "42.00"
    )
    # no plan, no problem raised, no project-week expected → None (缺), not 0 and not full
    # marks (the old rule gave full marks for problems and punctuality: it rewarded not
    # reporting, and 0 of 20 for nobody due to start)
    empty = component_values(MonthInputs(), 1)
    assert empty["investment"] is None
    assert (empty["problems_resolved"], empty["punctuality"]) == (None, None)


def test_missing_components_are_neutral_rescaled_to_the_same_total() -> None:
    # 沙河 in March (worked by hand): investment 1.67 → capped 1.2; nobody due to start (缺);
    # nothing signed; no 过亿 signing this year; no problem raised (缺); 5 of 5 weeks on time.
    values = component_values(
        MonthInputs(done_wan_yuan=10000, plan_wan_yuan=24000, weeks_expected=5, weeks_on_time=5),
        3,
    )
    scores, total = score_components(values, DEFAULT_COMPONENTS)
    # computed weights 35 + 15 + 10 + 10 = 70 of 100 → k = 100 ÷ 70
    assert scores == {
        "investment": Decimal("60.00"),  # 35 × 1.2 × 100/70 = 60
        "new_signed": Decimal("0.00"),
        "over_100m": Decimal("0.00"),
        "punctuality": Decimal("14.29"),  # 10 × 1 × 100/70 = 14.2857 → 14.29
    }
    assert total == Decimal("74.29")
    # a county with everything computed and perfect gets the capped maximum; one whose only
    # computed component is perfect gets the same as one perfect on everything (neutral)
    only = {"investment": None, "new_signed": None, "punctuality": 1.0}
    method = {
        "investment": {"weight": 60, "benchmark": 1, "cap": 1},
        "new_signed": {"weight": 30, "benchmark": 1, "cap": 1},
        "punctuality": {"weight": 10, "benchmark": 1, "cap": 1},
    }
    assert score_components(only, method) == ({"punctuality": Decimal("100.00")}, Decimal(100))
    full = {"investment": 1.0, "new_signed": 1.0, "punctuality": 1.0}
    assert score_components(full, method)[1] == Decimal(100)
    # nothing computable → no scores, total 0
    none = dict.fromkeys(method)
    assert score_components(none, method) == ({}, Decimal("0.00"))


def test_scale_must_be_positive() -> None:
    with pytest.raises(ValueError, match="scale"):
        component_score(1.0, weight=10, benchmark=1, cap=1, scale=0)


def test_labels_say_count_or_score() -> None:
    assert set(VALUE_LABELS) == set(SCORE_LABELS) == set(COMPONENTS)
    assert VALUE_LABELS["new_signed"] == "新签约项目数（个）"
    assert SCORE_LABELS["new_signed"] == "新签约得分（分）"
    assert all(label.endswith("（分）") for label in SCORE_LABELS.values())
    assert all(label.isascii() is False for label in VALUE_LABELS.values())


def test_method_components_left_out_or_weighed_zero_get_no_score() -> None:
    method = {"investment": {"weight": 50, "benchmark": 1, "cap": 1}, "new_signed": {"weight": 0}}
    scores, total = score_components({"investment": 0.5, "new_signed": 3.0, "x": 1.0}, method)
    assert scores == {"investment": Decimal("25.00")}
    assert total == Decimal("25.00")


@pytest.mark.parametrize("bad", [0, -1])
def test_benchmark_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError, match="benchmark"):
        component_score(1.0, weight=10, benchmark=bad, cap=1)


@pytest.mark.parametrize("bad", [0, 13])
def test_plan_to_date_refuses_a_month_outside_the_year(bad: int) -> None:
    assert plan_to_date(12000, 12) == 12000
    with pytest.raises(ValueError, match="month"):
        plan_to_date(12000, bad)


def test_ties_share_a_rank_and_are_listed_by_key() -> None:
    ranked = competition_ranks([("3", Decimal(1)), ("2", Decimal(5)), ("1", Decimal(5))])
    assert ranked == [("1", Decimal(5), 1), ("2", Decimal(5), 1), ("3", Decimal(1), 3)]
    assert competition_ranks([]) == []


def test_mondays_of_a_month() -> None:
    d = dt.date
    assert mondays(d(2025, 3, 1), d(2025, 3, 31)) == [d(2025, 3, k) for k in (3, 10, 17, 24, 31)]
    assert mondays(d(2025, 2, 25), d(2025, 2, 28)) == []  # no Monday in the span
    assert mondays(d(2025, 9, 1), d(2025, 9, 1)) == [d(2025, 9, 1)]


def test_under_construction_and_on_time() -> None:
    d = dt.date
    week = d(2025, 3, 10)
    assert under_construction(week, d(2025, 3, 10), None)  # started that Monday
    assert not under_construction(week, d(2025, 3, 11), None)  # started later in the week
    assert not under_construction(week, None, None)
    assert not under_construction(week, d(2025, 1, 1), d(2025, 3, 10))  # producing that Monday
    assert under_construction(week, d(2025, 1, 1), d(2025, 3, 11))
    assert filed_on_time(d(2025, 3, 17), week, 7)  # by next Monday
    assert not filed_on_time(d(2025, 3, 18), week, 7)


def test_period_score_rescales_missing_parts() -> None:
    q = DEFAULT_PERIOD["quarter"]
    # 0.7 × 52.38 + 0.3 × 90 = 63.666 → 63.67
    assert period_score({"monthly": Decimal("52.38"), "quarter": Decimal(90)}, q) == Decimal(
        "63.67"
    )
    # review missing: the monthly mean alone (weights rescaled to 1)
    assert period_score({"monthly": Decimal("63.00"), "quarter": None}, q) == Decimal("63.00")
    assert period_score({"monthly": None, "quarter": None}, q) == Decimal("0.00")
    # half year: 0.5 × 60 + 0.2 × 80 + 0.3 × 70 = 67
    parts = {"monthly": Decimal(60), "quarter": Decimal(80), "half": Decimal(70)}
    assert period_score(parts, DEFAULT_PERIOD["half"]) == Decimal("67.00")


def test_mean_score() -> None:
    assert mean_score([Decimal("52.38"), Decimal("60.01")]) == Decimal("56.20")  # 56.195 → up
    assert mean_score([]) is None
    assert mean_score(None) is None

"""季观摩 score sheets, aggregation and the 半年考核, worked by hand (docs/projects.md)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from chainboard_analytics.projects.site_review import (
    DEFAULT_CRITERIA,
    aggregate,
    check_review,
    county_scores,
    half_year_score,
    rank_points,
    review_method,
    sheet_total,
)


def test_default_criteria_sum_to_100() -> None:
    assert sum(c["weight"] for c in DEFAULT_CRITERIA) == 100
    m = review_method({})
    assert m.rule == "trimmed" and m.trim_min_reviewers == 5
    assert m.weights == {"monthly_rank": 0.6, "review": 0.4}
    assert "去掉一个最高分和一个最低分" in m.rule_text()


def test_sheet_total_by_hand() -> None:
    # 36 + 20.5 + 12 + 8 + 9 = 85.5
    points = {"progress": 36, "quality": "20.5", "site": 12, "support": 8, "presentation": 9}
    assert sheet_total(points, DEFAULT_CRITERIA) == D("85.50")


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({"progress": 41}, "「建设进度」应在 0 到 40 分之间"),
        ({"progress": -1}, "应在 0 到 40 分之间"),
        ({"progress": "abc"}, "「建设进度」应为数字"),
        ({"progress": "NaN"}, "应在 0 到 40 分之间"),
        ({"progress": None}, "请填写「建设进度」"),
        ({"bogus": 1}, "未知评分项：bogus"),
    ],
)
def test_sheet_total_refuses_bad_points(points, message) -> None:  # type: ignore[no-untyped-def]
    full = {"progress": 30, "quality": 20, "site": 10, "support": 5, "presentation": 5}
    with pytest.raises(ValueError, match=message):
        sheet_total({**full, **points}, DEFAULT_CRITERIA)


def test_aggregate_trimmed_mean_with_five_reviewers() -> None:
    # 60 70 80 85 90: drop 60 and 90 → (70 + 80 + 85) ÷ 3 = 78.333… → 78.33
    totals = [D(90), D(80), D(70), D(85), D(60)]
    assert aggregate(totals) == D("78.33")
    # the plain mean would be 385 ÷ 5 = 77.00
    assert aggregate(totals, rule="mean") == D("77.00")


def test_aggregate_plain_mean_below_five_reviewers() -> None:
    # 4 reviewers: (88 + 92 + 75.5 + 80) ÷ 4 = 335.5 ÷ 4 = 83.875 → 83.88 (half up)
    assert aggregate([D(88), D(92), D("75.5"), D(80)]) == D("83.88")
    assert aggregate([D(88), D(92), D("75.5"), D(80)], trim_min=3) == D("84.00")  # (88+80)÷2
    assert aggregate([]) is None


def test_county_scores_skip_unscored_projects() -> None:
    scores = {"A": D("78.33"), "B": D("83.88"), "C": None, "D": D(70)}
    county = {"A": "130528", "B": "130528", "C": "130582", "D": "130582"}
    # 宁晋 (78.33 + 83.88) ÷ 2 = 81.105 → 81.11; 沙河 only D → 70
    assert county_scores(scores, county) == {"130528": D("81.11"), "130582": D("70.00")}


def test_rank_points() -> None:
    assert rank_points(1, 4) == D(100)
    assert rank_points(2, 4) == D("66.67")  # 100 × 2 ÷ 3
    assert rank_points(4, 4) == D(0)
    assert rank_points(1, 1) == D(100)
    with pytest.raises(ValueError):
        rank_points(5, 4)


def test_half_year_by_hand() -> None:
    # six months among 4 counties: ranks 1, 2, 2, 1, 3, 1 → points 100, 66.67, 66.67, 100,
    # 33.33, 100 → mean 466.67 ÷ 6 = 77.778… → 77.78; 观摩 Q1 81.11, Q2 76 → 78.555 → 78.56
    # score = 0.6 × 77.78 + 0.4 × 78.56 = 46.668 + 31.424 = 78.092 → 78.09
    ranks = [(1, 4), (2, 4), (2, 4), (1, 4), (3, 4), (1, 4)]
    result = half_year_score(ranks, [D("81.11"), D(76)])
    assert result.monthly_rank == D("77.78")
    assert result.review == D("78.56")
    assert result.score == D("78.09")


def test_half_year_missing_part_is_neutral() -> None:
    # no 观摩 score at all: the 月评比 part alone (weight rescaled to 1)
    assert half_year_score([(1, 2), (2, 2)], []).score == D("50.00")
    assert half_year_score([], [D(80)]).score == D("80.00")
    assert half_year_score([], []).score == D("0.00")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ({"rule": "median"}, "汇总规则"),
        ({"trim_min_reviewers": 2}, "不小于3"),
        ({"criteria": [{"key": "a", "label": "甲", "weight": 50}]}, "之和应为100"),
        (
            {
                "criteria": [
                    {"key": "a", "label": "甲", "weight": 100},
                    {"key": "a", "label": "乙", "weight": 0},
                ]
            },
            "不重复",
        ),
        ({"assessment": {"monthly_rank": -1, "review": 1}}, "非负数"),
        ({"assessment": {"x": 1}}, "只能有"),
    ],
)
def test_check_review_refuses(setting, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=message):
        check_review(setting)

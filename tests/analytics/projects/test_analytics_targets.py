"""Target projection, status and the task summary, by hand (docs/projects.md, 目标)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chainboard_analytics.projects.targets import (
    ACHIEVED,
    AT_RISK,
    BEHIND,
    ON_TRACK,
    evaluate,
    growth_pct,
    project_to_end,
    status_for,
    summarise_tasks,
)

d = dt.date
START, END = d(2025, 1, 1), d(2025, 5, 1)  # 120 days


def test_hand_worked_projection() -> None:
    # 31 January: 30 of 120 days passed, 1,500 done → 1,500 × 120 ÷ 30 = 6,000
    assert project_to_end(value=Decimal(1500), start=START, end=END, on=d(2025, 1, 31)) == 6000
    # from a base of 1,000 at the start: 1,000 + 500 × 4 = 3,000
    got = project_to_end(
        value=Decimal(1500), start=START, end=END, on=d(2025, 1, 31), base=Decimal(1000)
    )
    assert got == 3000


@pytest.mark.parametrize("on", [START, d(2024, 12, 1), END, d(2025, 6, 30)])
def test_no_extrapolation_at_or_before_start_and_after_end(on: dt.date) -> None:
    assert project_to_end(value=Decimal(1500), start=START, end=END, on=on) == 1500


@pytest.mark.parametrize(
    ("goal", "status"),
    [(1500, ACHIEVED), (6000, ON_TRACK), (6500, AT_RISK), (7000, BEHIND)],
)
def test_status_bands(goal: int, status: str) -> None:
    # value 1,500, projected 6,000: 6,000 ÷ 6,500 = 92 % (at risk), ÷ 7,000 = 86 % (behind)
    ev = evaluate(
        Decimal(1500), target=Decimal(goal), start=START, end=END, on=d(2025, 1, 31), level=False
    )
    assert (ev.value, ev.projected, ev.status) == (Decimal("1500.00"), Decimal("6000.00"), status)
    assert ev.status_label == {ACHIEVED: "已完成", ON_TRACK: "按进度", AT_RISK: "有风险"}.get(
        status, "滞后"
    )
    assert ev.progress == pytest.approx(1500 / goal)


def test_at_risk_edge_is_inclusive() -> None:
    assert status_for(Decimal(1), Decimal(90), Decimal(100)) == AT_RISK  # exactly 90 %
    assert status_for(Decimal(1), Decimal("89.99"), Decimal(100)) == BEHIND
    assert status_for(None, None, Decimal(100)) == BEHIND


def test_levels_are_not_extrapolated_and_missing_is_behind() -> None:
    ev = evaluate(
        Decimal(55), target=Decimal(60), start=START, end=END, on=d(2025, 1, 31), level=True
    )
    assert (ev.projected, ev.status) == (Decimal("55.00"), AT_RISK)  # 55 ÷ 60 = 92 %
    missing = evaluate(None, target=Decimal(60), start=START, end=END, on=END, level=True)
    assert missing == type(missing)(None, None, None, BEHIND)
    zero_target = evaluate(Decimal(5), target=Decimal(0), start=START, end=END, on=END, level=True)
    assert zero_target.progress is None and zero_target.status == ACHIEVED


def test_growth() -> None:
    assert growth_pct(Decimal(115), Decimal(100)) == Decimal(15)
    assert growth_pct(Decimal(90), Decimal(100)) == Decimal(-10)
    assert growth_pct(Decimal(5), Decimal(0)) is None


def test_task_summary_reads_like_the_seeds() -> None:
    values = [100] * 3 + [75, 80, 99] * 11 + [76, 77]
    assert summarise_tasks(values).text == "共38项任务：3项已全部完成，其余均已完成75%以上"
    assert summarise_tasks([100, 40, 90]).text == "共3项任务：1项已全部完成，1项完成不足50%"
    assert summarise_tasks([100, 100]).text == "共2项任务：2项已全部完成"
    assert summarise_tasks([100, 3]).text == "共2项任务：1项已全部完成，1项完成不足50%"
    assert summarise_tasks([60, 4]).text == "共2项任务：0项已全部完成，1项完成不足50%"
    assert summarise_tasks([]).text == "暂无任务"
    s = summarise_tasks([100, 62, 48])
    assert (s.total, s.complete, s.rest_min, s.below_half) == (3, 1, 48, 1)


Y = Decimal(1_000_000)  # 100亿元 in 万元


def test_new_big_clusters_edges_by_hand() -> None:
    from chainboard_analytics.projects.targets import new_big_clusters

    crossing = new_big_clusters(
        {
            "沙河玻璃": (Decimal(980_000), Decimal(1_035_000)),  # 98亿 → 103.5亿: crossed
            "宁晋电线电缆": (Decimal(999_999), Y),  # just below → exactly 100亿: crossed (≥)
            "清河羊绒": (Y, Decimal(1_200_000)),  # already 100亿 last year: not new
            "平乡自行车": (Decimal(500_000), Decimal(999_999)),  # still below
            "临西轴承": (Decimal(1_100_000), Decimal(900_000)),  # fell below: not new
            "隆尧食品": (None, Decimal(1_100_000)),  # no figure last year: unknown
            "南和宠物": (Decimal(900_000), None),  # no figure this year: unknown
        },
        Y,
    )
    assert crossing.crossed == ["宁晋电线电缆", "沙河玻璃"]
    assert crossing.count == 2
    assert crossing.unknown == ["南和宠物", "隆尧食品"]
    assert new_big_clusters({}, Y).count == 0
    with pytest.raises(ValueError):
        new_big_clusters({"x": (Decimal(1), Decimal(2))}, Decimal(0))

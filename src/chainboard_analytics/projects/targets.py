"""Targets 目标 and tasks 任务: projection to the period end, status, growth, task summaries.

Pure functions over numbers and dates; the web app (``chainboard.projects.selectors.targets``)
computes a target's current value from its tables and calls :func:`evaluate`.

Projection (linear in time from the period start)::

    elapsed   = (on − start) days,  length = (end − start) days
    projected = base + (value − base) × length ÷ elapsed

where ``base`` is the value at the start (0 for counts and sums of the period). Level values
(growth rates, a yearly figure reported for a data year, a typed-in value) are not extrapolated:
their projection is the current value. On or after the period end, and on the first day, the
projection is the current value.

Status at ``on``: 已完成 ``achieved`` if value ≥ target; 按进度 ``on_track`` if projected ≥
target; 有风险 ``at_risk`` if projected ≥ 90 % of target; 滞后 ``behind`` otherwise (also when
there is no value).

Growth (增速, %) = (now ÷ before − 1) × 100; none when ``before`` is 0.

New clusters above a size (新增超百亿产业集群, the seed's "新增超百亿产业集群1个", 邢台市
2021 政府工作报告 as reported in shared/seeds/000): a cluster counts for year Y when its revenue
(Σ 营业收入 of its firms) in Y is ≥ the threshold (default 100亿元 = 1,000,000 万元, the same
"≥" as the cluster league table's 超百亿 count) and its revenue in Y−1 is below it. A cluster
with no revenue figure for Y−1 or for Y is not counted (it cannot be shown to have crossed);
:func:`new_big_clusters` returns those apart so the page can name them.

Source: the time-proportional ("序时进度") reading of a yearly target is how Chinese work
reports state progress ("完成全年目标的 X%，超/低于序时进度"); the 90 % at-risk band is this
platform's choice. The task summary sentence copies the wording of the seed reports
("38项任务：3项已全部完成，其余均已完成75%以上").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
AT_RISK_SHARE = Decimal("0.9")
ACHIEVED, ON_TRACK, AT_RISK, BEHIND = "achieved", "on_track", "at_risk", "behind"
STATUS_LABELS = {ACHIEVED: "已完成", ON_TRACK: "按进度", AT_RISK: "有风险", BEHIND: "滞后"}


def project_to_end(
    *, value: Decimal, start: dt.date, end: dt.date, on: dt.date, base: Decimal = Decimal(0)
) -> Decimal:
    """Linear projection of ``value`` (``base`` at ``start``) to ``end`` (module docstring)."""
    if on >= end:
        return value
    elapsed = (on - start).days
    if elapsed <= 0:
        return value
    length = (end - start).days
    return base + (value - base) * Decimal(length) / Decimal(elapsed)


def status_for(value: Decimal | None, projected: Decimal | None, target: Decimal) -> str:
    """``achieved`` / ``on_track`` / ``at_risk`` / ``behind`` (module docstring)."""
    if value is not None and value >= target:
        return ACHIEVED
    if projected is not None and projected >= target:
        return ON_TRACK
    if projected is not None and projected >= AT_RISK_SHARE * target:
        return AT_RISK
    return BEHIND


def growth_pct(now: Decimal, before: Decimal) -> Decimal | None:
    """(now ÷ before − 1) × 100 in percent; ``None`` when ``before`` is 0."""
    return None if not before else (now / before - 1) * 100


@dataclass(frozen=True)
class Crossing:
    """Clusters that crossed the threshold in year Y, and those lacking Y−1 or Y figures."""

    crossed: list[str]
    unknown: list[str]

    @property
    def count(self) -> int:
        return len(self.crossed)


def new_big_clusters(
    revenue: Mapping[str, tuple[Decimal | None, Decimal | None]], threshold: Decimal
) -> Crossing:
    """Clusters whose revenue went from below ``threshold`` (year Y−1) to ≥ it (year Y).

    ``revenue`` maps a cluster name to its (Y−1, Y) revenue in 万元 (``None``: no figure).
    """
    if threshold <= 0:
        raise ValueError(f"threshold must be positive, got {threshold}")
    crossed, unknown = [], []
    for name, (before, now) in sorted(revenue.items()):
        if before is None or now is None:
            unknown.append(name)
        elif before < threshold <= now:
            crossed.append(name)
    return Crossing(crossed, unknown)


@dataclass(frozen=True)
class Evaluation:
    """A target's reading: value and projection (0.01), progress = value ÷ target, status."""

    value: Decimal | None
    projected: Decimal | None
    progress: float | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def evaluate(
    value: Decimal | None,
    *,
    target: Decimal,
    start: dt.date,
    end: dt.date,
    on: dt.date,
    level: bool,
) -> Evaluation:
    """Project ``value`` (at ``on``) to ``end``, unless it is a ``level``, and grade it."""
    if value is None:
        return Evaluation(None, None, None, BEHIND)
    projected = value if level else project_to_end(value=value, start=start, end=end, on=on)
    projected = projected.quantize(CENT, ROUND_HALF_UP)
    progress = float(value / target) if target else None
    return Evaluation(
        value.quantize(CENT, ROUND_HALF_UP),
        projected,
        progress,
        status_for(value, projected, target),
    )


@dataclass(frozen=True)
class TaskSummary:
    """Tasks by % complete: total, complete (100 %), the lowest % among the rest, below 50 %."""

    total: int
    complete: int
    rest_min: int | None
    below_half: int

    @property
    def text(self) -> str:
        """Reads like the seeds: "共38项任务：3项已全部完成，其余均已完成75%以上".

        The rest's lowest % is floored to a multiple of 5; if some task is below 50 % and that
        floor is below 50, the count below 50 % is given instead.
        """
        if not self.total:
            return "暂无任务"
        head = f"共{self.total}项任务：{self.complete}项已全部完成"
        if self.rest_min is None:
            return head
        floor = self.rest_min // 5 * 5
        tail = f"，其余均已完成{floor}%以上" if floor else "，其余正在推进"
        if self.below_half and floor < 50:
            tail = f"，{self.below_half}项完成不足50%"
        return head + tail


def summarise_tasks(percent_complete: Sequence[int]) -> TaskSummary:
    """The :class:`TaskSummary` of tasks with these % complete (0–100)."""
    rest = [v for v in percent_complete if v < 100]
    return TaskSummary(
        len(percent_complete),
        len(percent_complete) - len(rest),
        min(rest) if rest else None,
        sum(1 for v in rest if v < 50),
    )

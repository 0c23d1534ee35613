"""Cluster growth against target 集群目标进度: actual, projection and verdict.

For a target year ``T`` with target revenue ``R*`` (or a growth target ``g*`` over year ``T-1``):

* actual revenue ``R_T`` known → ``achieved`` when ``R_T ≥ R*`` else ``missed``;
* otherwise project from the last known year ``L`` at the compound annual growth rate of the
  known years, ``g = (R_L / R_F)^(1/(L-F)) − 1`` (``F`` = first known year; one known year → g=0):
  ``R̂_T = R_L (1+g)^(T-L)``; ``on_track`` when ``R̂_T ≥ R*`` else ``behind``. The growth needed
  per year to reach the target is ``(R* / R_L)^(1/(T-L)) − 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

BIG_CLUSTER_WAN_YUAN = 1_000_000.0  # 100亿元 = 1,000,000 万元
STATUS_LABELS = {
    "achieved": "已完成",
    "missed": "未完成",
    "on_track": "按期可达",
    "behind": "进度滞后",
}


@dataclass(frozen=True)
class TargetProgress:
    year: int
    target: float  # 万元
    actual: float | None
    projected: float | None
    growth: float | None  # CAGR used for the projection
    needed_growth: float | None  # per year, from the last known year
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def calc_cagr(series: dict[int, float]) -> float | None:
    known = sorted((y, v) for y, v in series.items() if v and v > 0)
    if not known:
        return None
    (f, rf), (last, rl) = known[0], known[-1]
    return (rl / rf) ** (1 / (last - f)) - 1 if last > f else 0.0


def calc_target_progress(
    series: dict[int, float],
    year: int,
    *,
    revenue_target: float | None = None,
    growth_target: float | None = None,
) -> TargetProgress | None:
    """Progress towards one yearly target; ``None`` when there is nothing to compare."""
    if revenue_target is None:
        base = series.get(year - 1)
        if growth_target is None or not base:
            return None
        revenue_target = base * (1 + growth_target)
    actual = series.get(year)
    known = sorted(y for y, v in series.items() if v and y < year)
    growth = calc_cagr({y: series[y] for y in known})
    if actual:
        return TargetProgress(
            year,
            revenue_target,
            actual,
            None,
            growth,
            None,
            "achieved" if actual >= revenue_target else "missed",
        )
    if not known or growth is None:
        return None
    last = known[-1]
    projected = series[last] * (1 + growth) ** (year - last)
    needed = (revenue_target / series[last]) ** (1 / (year - last)) - 1
    return TargetProgress(
        year,
        revenue_target,
        None,
        projected,
        growth,
        needed,
        "on_track" if projected >= revenue_target else "behind",
    )

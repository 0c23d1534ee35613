"""Targets 目标: formulas over the data, progress, projection to the period end, status; tasks.

Projection (linear in time from the period start):

    elapsed  = (on − start) days,  length = (end − start) days
    projected = base + (value − base) × length ÷ elapsed

where ``base`` is the value at the start (0 for counts and sums of the period). Level formulas
(growth rates, the yearly revenue reported for a data year, manual values) are not extrapolated:
their projection is the current value. Status at ``on``:
achieved if value ≥ target; on track if projected ≥ target; at risk if projected ≥ 90% of
target; behind otherwise. After the period end the projection is the final value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from chainboard.accounts.scope import region_q
from chainboard.core.errors import NotFound
from chainboard.enterprises.models import EnterpriseYear, Qualification
from chainboard.projects.models import (
    YI,
    Project,
    ProjectKind,
    ProjectUpdate,
    Target,
    TargetFormula,
    TargetReading,
    TargetStatus,
    Task,
)
from chainboard.projects.scope import require_city_officer

CENT = Decimal("0.01")
AT_RISK_SHARE = Decimal("0.9")
RATE_FORMULAS = {TargetFormula.REVENUE_GROWTH, TargetFormula.TECH_INVESTMENT_GROWTH}
# Formulas whose value is a level (a rate, a reported yearly figure, a typed-in value), not an
# amount accumulating over the period: their projection is the current value.
LEVEL_FORMULAS = {*RATE_FORMULAS, TargetFormula.REVENUE, TargetFormula.MANUAL}


def _in_region(target: Target, prefix: str) -> Q:
    return Q(**{f"{prefix}path__startswith": target.region.path})


def _investment_done(target: Target, start: dt.date, end: dt.date, kind: str | None) -> Decimal:
    qs = ProjectUpdate.objects.filter(
        _in_region(target, "project__region__"), week__gte=start, week__lte=end
    )
    if kind:
        qs = qs.filter(project__kind=kind)
    return qs.aggregate(s=Sum("investment_period_wan_yuan"))["s"] or Decimal(0)


def _growth(now: Decimal, before: Decimal) -> Decimal | None:
    return None if not before else (now / before - 1) * 100


def target_value(target: Target, on: dt.date) -> Decimal | None:
    """The formula's value over the data from the period start to ``on`` (see TargetFormula)."""
    p = target.params or {}
    start, end = target.period_start, min(on, target.period_end)
    f = target.formula
    if f == TargetFormula.MANUAL:
        return target.manual_value
    if f == TargetFormula.PROJECTS_OVER:
        threshold = Decimal(str(p.get("threshold_wan_yuan", YI)))
        return Decimal(
            Project.objects.filter(
                _in_region(target, "region__"),
                archived=False,
                signed_on__gte=start,
                signed_on__lte=end,
                total_investment_wan_yuan__gte=threshold,
            ).count()
        )
    if f == TargetFormula.QUALIFICATIONS_NEW:
        return Decimal(
            Qualification.objects.filter(
                _in_region(target, "enterprise__region__"),
                kind=p.get("kind", "high_tech"),
                granted_on__gte=start,
                granted_on__lte=end,
            )
            .values("enterprise_id")
            .distinct()
            .count()
        )
    if f in (TargetFormula.REVENUE, TargetFormula.REVENUE_GROWTH):
        year = int(p.get("year", target.period_end.year))
        qs = EnterpriseYear.objects.filter(_in_region(target, "enterprise__region__"))
        if p.get("industry_prefixes"):
            q = Q()
            for prefix in p["industry_prefixes"]:
                q |= Q(enterprise__industry_id__startswith=prefix)
            qs = qs.filter(q)
        by_year = dict(
            qs.filter(year__in=[year - 1, year])
            .values_list("year")
            .annotate(s=Sum("revenue_wan_yuan"))
            .values_list("year", "s")
        )
        now = by_year.get(year) or Decimal(0)
        if f == TargetFormula.REVENUE:
            return now
        return _growth(now, by_year.get(year - 1) or Decimal(0))
    if f == TargetFormula.INVESTMENT_DONE:
        return _investment_done(target, start, end, p.get("kind"))
    if f == TargetFormula.TECH_INVESTMENT_GROWTH:
        now = _investment_done(target, start, end, ProjectKind.TECH)
        shift = dt.timedelta(days=364)  # the same weeks one year earlier
        before = _investment_done(target, start - shift, end - shift, ProjectKind.TECH)
        return _growth(now, before)
    raise ValueError(f"unknown formula {f}")


@dataclass
class Evaluation:
    value: Decimal | None
    projected: Decimal | None
    progress: float | None  # value ÷ target
    status: str

    @property
    def status_label(self) -> str:
        return str(TargetStatus(self.status).label)


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
    if value is not None and value >= target:
        return TargetStatus.ACHIEVED
    if projected is not None and projected >= target:
        return TargetStatus.ON_TRACK
    if projected is not None and projected >= AT_RISK_SHARE * target:
        return TargetStatus.AT_RISK
    return TargetStatus.BEHIND


def target_evaluate(target: Target, on: dt.date | None = None) -> Evaluation:
    on = on or timezone.localdate()
    value = target_value(target, on)
    if value is None:
        return Evaluation(None, None, None, TargetStatus.BEHIND)
    if target.formula in LEVEL_FORMULAS:
        projected = value
    else:
        projected = project_to_end(
            value=value, start=target.period_start, end=target.period_end, on=on
        )
    projected = projected.quantize(CENT, ROUND_HALF_UP)
    progress = float(value / target.target_value) if target.target_value else None
    return Evaluation(
        value.quantize(CENT, ROUND_HALF_UP),
        projected,
        progress,
        status_for(value, projected, target.target_value),
    )


def target_record(target: Target, on: dt.date | None = None) -> TargetReading:
    """Store today's evaluation (the progress history); one reading per day."""
    on = on or timezone.localdate()
    ev = target_evaluate(target, on)
    reading, _ = TargetReading.objects.update_or_create(
        target=target,
        on=on,
        defaults={
            "value": ev.value or Decimal(0),
            "projected": ev.projected or Decimal(0),
            "status": ev.status,
        },
    )
    return reading


def targets_visible(user: Any) -> QuerySet[Target]:
    """Targets of the user's regions and of the regions above them (a county sees city targets)."""
    own = Target.objects.filter(region_q(user, "region__"))
    return (own | Target.objects.filter(region_id__in=_above(user))).select_related("region")


def tasks_visible(user: Any) -> QuerySet[Task]:
    own = Task.objects.filter(region_q(user, "region__"))
    return own | Task.objects.filter(region_id__in=_above(user))


def _above(user: Any) -> list[str]:
    """The codes of the regions above the user's own (a county user also sees city targets)."""
    region = getattr(user, "scope_region", None) if user.is_authenticated else None
    return [c for c in region.path.split("/") if c] if region is not None else []


@dataclass
class TaskSummary:
    total: int
    complete: int
    rest_min: int | None  # the lowest % complete among the unfinished tasks
    below_half: int

    @property
    def text(self) -> str:
        """Reads like the seeds: "38项任务：3项已全部完成，其余均已完成75%以上"."""
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


def task_summary(tasks: QuerySet[Task]) -> TaskSummary:
    return _summary(list(tasks.values_list("percent_complete", flat=True)))


def _summary(values: list[int]) -> TaskSummary:
    rest = [v for v in values if v < 100]
    return TaskSummary(
        len(values),
        len(values) - len(rest),
        min(rest) if rest else None,
        sum(1 for v in rest if v < 50),
    )


@dataclass
class TargetRow:
    target: Target
    evaluation: Evaluation

    @property
    def projected_share(self) -> float | None:
        """Projected end value ÷ target value (the bar on the targets page)."""
        ev, goal = self.evaluation, self.target.target_value
        return float(ev.projected / goal) if ev.projected is not None and goal else None


def target_rows(
    *, user: Any, on: dt.date | None = None, programme: str | None = None
) -> list[TargetRow]:
    """The user's targets, each evaluated over the data at ``on`` (default today)."""
    qs = targets_visible(user)
    if programme:
        qs = qs.filter(programme=programme)
    return [TargetRow(t, target_evaluate(t, on)) for t in qs.order_by("period_end", "name", "pk")]


def target_get(*, user: Any, pk: int) -> Target:
    target = targets_visible(user).filter(pk=pk).first()
    if target is None:
        raise NotFound("目标不存在或不在您的管辖范围")
    return target


def targets_record(*, actor: Any, on: dt.date | None = None) -> int:
    """Store a reading of every target the city officer ``actor`` can see (the history)."""
    require_city_officer(actor)
    targets = list(targets_visible(actor))
    for t in targets:
        target_record(t, on)
    return len(targets)


def task_groups(tasks: QuerySet[Task], field: str) -> list[dict[str, Any]]:
    """One summary line per programme or owner department (same wording as the total)."""
    groups: dict[str, list[int]] = {}
    for key, pct in tasks.values_list(field, "percent_complete"):
        groups.setdefault(key, []).append(pct)
    return [{"key": k, "summary": _summary(v)} for k, v in sorted(groups.items())]

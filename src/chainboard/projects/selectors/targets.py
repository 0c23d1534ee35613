"""Targets 目标: each formula's value over the data; tasks 任务 and their summaries.

The projection to the period end, the status and the task summary wording are pure functions
in :mod:`chainboard_analytics.projects.targets` (formula and source there); this module computes
a target's current value from the tables and hands it over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from chainboard.accounts.scope import region_or_above_q
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
    Task,
)
from chainboard_analytics.projects.targets import (
    Evaluation,
    TaskSummary,
    evaluate,
    growth_pct,
    summarise_tasks,
)

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
        return growth_pct(now, by_year.get(year - 1) or Decimal(0))
    if f == TargetFormula.INVESTMENT_DONE:
        return _investment_done(target, start, end, p.get("kind"))
    if f == TargetFormula.TECH_INVESTMENT_GROWTH:
        now = _investment_done(target, start, end, ProjectKind.TECH)
        shift = dt.timedelta(days=364)  # the same weeks one year earlier
        before = _investment_done(target, start - shift, end - shift, ProjectKind.TECH)
        return growth_pct(now, before)
    raise ValueError(f"unknown formula {f}")


def target_evaluate(target: Target, on: dt.date | None = None) -> Evaluation:
    """``target``'s value at ``on`` (default today), projected to its period end and graded."""
    on = on or timezone.localdate()
    return evaluate(
        target_value(target, on),
        target=target.target_value,
        start=target.period_start,
        end=target.period_end,
        on=on,
        level=target.formula in LEVEL_FORMULAS,
    )


def targets_visible(user: Any) -> QuerySet[Target]:
    """Targets of the user's regions and of the regions above them (a county sees city targets)."""
    return Target.objects.filter(region_or_above_q(user)).select_related("region")


def tasks_visible(user: Any) -> QuerySet[Task]:
    return Task.objects.filter(region_or_above_q(user))


def task_summary(tasks: QuerySet[Task]) -> TaskSummary:
    return summarise_tasks(list(tasks.values_list("percent_complete", flat=True)))


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


def task_groups(tasks: QuerySet[Task], field: str) -> list[dict[str, Any]]:
    """One summary line per programme or owner department (same wording as the total)."""
    groups: dict[str, list[int]] = {}
    for key, pct in tasks.values_list(field, "percent_complete"):
        groups.setdefault(key, []).append(pct)
    return [{"key": k, "summary": summarise_tasks(v)} for k, v in sorted(groups.items())]


def target_programmes(user: Any) -> list[str]:
    """The programmes of the targets the user sees (the page's choice list)."""
    return sorted(set(targets_visible(user).values_list("programme", flat=True)))


def target_readings(target: Target) -> list[TargetReading]:
    """A target's stored readings, oldest first."""
    return list(target.readings.order_by("on"))


def task_choices(tasks: QuerySet[Task]) -> dict[str, list[str]]:
    """The programmes and owner departments among ``tasks`` (the tasks page's choice lists)."""
    rows = list(tasks.values_list("programme", "owner_department"))
    return {
        "programmes": sorted({p for p, _ in rows}),
        "departments": sorted({d for _, d in rows}),
    }


def task_get(*, user: Any, pk: int) -> Task:
    task = tasks_visible(user).filter(pk=pk).first()
    if task is None:
        raise NotFound("任务不存在或不在您的管辖范围")
    return task

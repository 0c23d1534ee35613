"""Reads of the three supervision reports (产业链发展项目情况表, 周调度表, 月评比通报);
``projects/reports.py`` only assembles and renders what these return. Every project read starts
from the user's scope (``projects_visible`` / ``project_list``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from chainboard.projects.models import Project, ProjectUpdate, YearPlan, week_start
from chainboard.projects.selectors.projects import project_list, projects_visible


def report_projects(*, user: Any) -> list[Project]:
    """The user's current projects, by county and largest investment first."""
    return list(project_list(user=user).order_by("region_id", "-total_investment_wan_yuan"))


def chain_names(codes: set[str]) -> dict[str, str]:
    """Names of chains whose template code or name is one of ``codes`` (else the code itself):
    a project's chain node codes are labels, resolved against any chain of that template."""
    from chainboard.chains.models import Chain

    names: dict[str, str] = {}
    for code, name in Chain.objects.filter(Q(code__in=codes) | Q(name__in=codes)).values_list(
        "code", "name"
    ):
        names.setdefault(code, name)
    return {c: names.get(c, c) for c in codes}


def latest_updates(project_ids: list[int]) -> dict[int, ProjectUpdate]:
    """Each project's latest weekly update 周调度 (of projects already read in scope)."""
    latest: dict[int, ProjectUpdate] = {}
    for u in ProjectUpdate.objects.filter(project_id__in=project_ids).order_by(
        "project_id", "-week"
    ):
        latest.setdefault(u.project_id, u)
    return latest


def year_plans(*, project_ids: list[int], year: int) -> dict[int, Decimal]:
    """Planned investment 年度计划投资 (万元) of ``year`` per project id."""
    return dict(
        YearPlan.objects.filter(project_id__in=project_ids, year=year).values_list(
            "project_id", "planned_wan_yuan"
        )
    )


def week_updates(*, user: Any, monday: dt.date) -> list[ProjectUpdate]:
    """The updates filed for the week of ``monday`` on the user's projects, by county and
    largest investment of the week first."""
    return list(
        ProjectUpdate.objects.filter(project__in=project_list(user=user).values("pk"), week=monday)
        .select_related("project", "project__region")
        .order_by("project__region_id", "-investment_period_wan_yuan", "project__code")
    )


def projects_building(*, user: Any, monday: dt.date) -> list[Project]:
    """The user's projects under construction on ``monday``: started, not yet producing."""
    building = Q(started_on__lte=monday) & (
        Q(producing_on__isnull=True) | Q(producing_on__gt=monday)
    )
    return list(project_list(user=user).filter(building).order_by("region_id", "code"))


def month_investment_by_region(
    *, user: Any, first: dt.date, end: dt.date
) -> list[tuple[str, Decimal]]:
    """Investment reported in the weekly updates of the month (weeks starting from the Monday
    of ``first`` to ``end``), per county name of the user's projects, largest first (万元)."""
    rows = (
        ProjectUpdate.objects.filter(
            project__in=projects_visible(user).values("pk"),
            week__gte=week_start(first),
            week__lte=end,
        )
        .values_list("project__region__name")
        .annotate(s=Sum("investment_period_wan_yuan"))
        .order_by("-s")
    )
    return [(name, s or Decimal(0)) for name, s in rows]

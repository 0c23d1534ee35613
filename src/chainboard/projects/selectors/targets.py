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
from chainboard.chains.models import Cluster
from chainboard.chains.selectors import cluster_firm_ids_all
from chainboard.core.errors import NotFound
from chainboard.enterprises.models import EnterpriseYear, GrantKind, Qualification
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
    Crossing,
    Evaluation,
    TaskSummary,
    evaluate,
    growth_pct,
    new_big_clusters,
    summarise_tasks,
)

RATE_FORMULAS = {TargetFormula.REVENUE_GROWTH, TargetFormula.TECH_INVESTMENT_GROWTH}
# Formulas whose value is a level (a rate, a reported yearly figure, a stock of projects being
# carried out, a typed-in value), not an amount accumulating over the period: their projection
# is the current value.
LEVEL_FORMULAS = {
    *RATE_FORMULAS,
    TargetFormula.REVENUE,
    TargetFormula.MANUAL,
    TargetFormula.PROJECTS_ACTIVE,
    TargetFormula.CLUSTERS_NEW_BIG,
}
BIG_CLUSTER_WAN_YUAN = Decimal(1_000_000)  # 100亿元


def _in_region(target: Target, prefix: str) -> Q:
    return Q(**{f"{prefix}path__startswith": target.region.path})


def project_filter_q(params: dict[str, Any], prefix: str = "") -> Q:
    """The project filters of a target's ``params`` (``target_params.PROJECT_FILTERS``) as a
    ``Q`` over ``Project`` (``prefix`` ``"project__"`` from weekly updates)."""
    q = Q()
    if "threshold_wan_yuan" in params:
        threshold = Decimal(str(params["threshold_wan_yuan"]))
        q &= Q(**{f"{prefix}total_investment_wan_yuan__gte": threshold})
    if params.get("sources"):
        q &= Q(**{f"{prefix}source__in": params["sources"]})
    if params.get("kinds"):
        q &= Q(**{f"{prefix}kind__in": params["kinds"]})
    if params.get("investor") == "new":
        q &= Q(**{f"{prefix}investor__isnull": True})
    elif params.get("investor") == "existing":
        q &= Q(**{f"{prefix}investor__isnull": False})
    if "county_key" in params:
        q &= Q(**{f"{prefix}county_key": bool(params["county_key"])})
    if "introduced" in params:
        q &= Q(**{f"{prefix}introduced": bool(params["introduced"])})
    return q


def _investment_done(
    target: Target, start: dt.date, end: dt.date, filters: dict[str, Any]
) -> Decimal:
    qs = ProjectUpdate.objects.filter(
        _in_region(target, "project__region__"),
        project_filter_q(filters, "project__"),
        week__gte=start,
        week__lte=end,
    )
    return qs.aggregate(s=Sum("investment_period_wan_yuan"))["s"] or Decimal(0)


def _projects(target: Target) -> QuerySet[Project]:
    return Project.objects.filter(
        _in_region(target, "region__"), project_filter_q(target.params or {}), archived=False
    )


def target_clusters(target: Target) -> QuerySet[Cluster]:
    """The clusters a cluster target is over: those named in ``params["clusters"]``, else every
    cluster whose county is in the target's region."""
    qs = Cluster.objects.filter(region__path__startswith=target.region.path)
    ids = (target.params or {}).get("clusters")
    return (qs.filter(pk__in=ids) if ids else qs).order_by("region_id", "name")


def _cluster_firm_ids(clusters: QuerySet[Cluster]) -> set[int]:
    """The union of the clusters' firms (a firm in two clusters is counted once)."""
    ids: set[int] = set()
    for cluster in clusters.prefetch_related("extra_regions", "chains"):
        ids |= cluster_firm_ids_all(cluster)
    return ids


def _revenue_by_year(
    firms: QuerySet[EnterpriseYear], years: list[int]
) -> dict[int, Decimal | None]:
    """Σ 营业收入 per year over ``firms``; ``None`` for a year without any figure."""
    got = dict(
        firms.filter(year__in=years)
        .values_list("year")
        .annotate(s=Sum("revenue_wan_yuan"))
        .values_list("year", "s")
    )
    return {y: got.get(y) for y in years}


def _revenue_rows(target: Target) -> QuerySet[EnterpriseYear]:
    p = target.params or {}
    qs = EnterpriseYear.objects.filter(_in_region(target, "enterprise__region__"))
    if p.get("industry_prefixes"):
        q = Q()
        for prefix in p["industry_prefixes"]:
            q |= Q(enterprise__industry_id__startswith=prefix)
        qs = qs.filter(q)
    if p.get("firms") == "clusters" or p.get("clusters"):
        qs = qs.filter(enterprise_id__in=_cluster_firm_ids(target_clusters(target)))
    return qs


def clusters_crossing(target: Target) -> tuple[Crossing, dict[str, tuple[Any, Any]]]:
    """The clusters of a 新增超百亿集群 target that crossed its threshold in its year, and every
    cluster's (Y−1, Y) revenue in 万元 (``None``: no figure)."""
    p = target.params or {}
    year = int(p.get("year", target.period_end.year))
    threshold = Decimal(str(p.get("threshold_wan_yuan", BIG_CLUSTER_WAN_YUAN)))
    revenue: dict[str, tuple[Any, Any]] = {}
    for cluster in target_clusters(target).prefetch_related("extra_regions", "chains"):
        by_year = _revenue_by_year(
            EnterpriseYear.objects.filter(enterprise_id__in=cluster_firm_ids_all(cluster)),
            [year - 1, year],
        )
        revenue[cluster.name] = (by_year[year - 1], by_year[year])
    return new_big_clusters(revenue, threshold), revenue


def target_value(target: Target, on: dt.date) -> Decimal | None:
    """The formula's value over the data from the period start to ``on`` (see TargetFormula
    and docs/projects.md "Targets")."""
    p = target.params or {}
    start, end = target.period_start, min(on, target.period_end)
    f = target.formula
    if f == TargetFormula.MANUAL:
        return target.manual_value
    if f == TargetFormula.PROJECTS_OVER:
        if "threshold_wan_yuan" not in p:  # stored before the filters: 1亿 was the default
            p = {**p, "threshold_wan_yuan": YI}
        qs = Project.objects.filter(
            _in_region(target, "region__"), project_filter_q(p), archived=False
        )
        return Decimal(qs.filter(signed_on__gte=start, signed_on__lte=end).count())
    if f == TargetFormula.PROJECTS_LISTED:
        return Decimal(_projects(target).filter(listed_on__gte=start, listed_on__lte=end).count())
    if f == TargetFormula.PROJECTS_ACTIVE:
        return Decimal(
            _projects(target)
            .filter(Q(listed_on__isnull=True) | Q(listed_on__lte=end))
            .filter(Q(producing_on__isnull=True) | Q(producing_on__gte=start))
            .count()
        )
    if f == TargetFormula.QUALIFICATIONS_NEW:
        # "新增": first grants only; a 复审/重新认定 (GrantKind.RENEWAL) keeps a title, it adds none
        return Decimal(
            Qualification.objects.filter(
                _in_region(target, "enterprise__region__"),
                kind=p.get("kind", "high_tech"),
                granted_on__gte=start,
                granted_on__lte=end,
                grant_kind=GrantKind.NEW,
            )
            .values("enterprise_id")
            .distinct()
            .count()
        )
    if f in (TargetFormula.REVENUE, TargetFormula.REVENUE_GROWTH):
        year = int(p.get("year", target.period_end.year))
        by_year = _revenue_by_year(_revenue_rows(target), [year - 1, year])
        now = by_year[year] or Decimal(0)
        if f == TargetFormula.REVENUE:
            return now
        return growth_pct(now, by_year[year - 1] or Decimal(0))
    if f == TargetFormula.INVESTMENT_DONE:
        return _investment_done(target, start, end, p)
    if f == TargetFormula.TECH_INVESTMENT_GROWTH:
        tech = {"kinds": [ProjectKind.TECH]}
        now = _investment_done(target, start, end, tech)
        shift = dt.timedelta(days=364)  # the same weeks one year earlier
        before = _investment_done(target, start - shift, end - shift, tech)
        return growth_pct(now, before)
    if f == TargetFormula.CLUSTERS_NEW_BIG:
        return Decimal(clusters_crossing(target)[0].count)
    raise ValueError(f"unknown formula {f}")


def target_basis(target: Target) -> list[str]:
    """What the target's value is computed over, in Chinese (the target page's 统计口径): the
    filters, and for cluster targets the clusters and how many distinct firms they hold."""
    p = target.params or {}
    f = target.formula
    lines = []
    if f in (TargetFormula.REVENUE, TargetFormula.REVENUE_GROWTH):
        if p.get("firms") == "clusters" or p.get("clusters"):
            clusters = list(target_clusters(target).prefetch_related("extra_regions", "chains"))
            firms = _cluster_firm_ids(target_clusters(target))
            names = "、".join(c.name for c in clusters) or "无"
            lines.append(
                f"统计{target.region.name}{len(clusters)}个产业集群的企业：{names}；"
                f"集群企业为各集群覆盖环节中位于集群所在区县的挂链企业（已确认或待确认），"
                f"一家企业属于多个集群只计一次，共{len(firms)}家"
            )
        else:
            lines.append(f"统计{target.region.name}全部企业的年度营业收入（不限于产业集群）")
    elif f == TargetFormula.CLUSTERS_NEW_BIG:
        crossing, revenue = clusters_crossing(target)
        year = int(p.get("year", target.period_end.year))
        lines.append(
            f"{target.region.name}{len(revenue)}个产业集群，{year}年营业收入较{year - 1}年"
            f"跨过门槛的集群：{'、'.join(crossing.crossed) or '无'}"
        )
        if crossing.unknown:
            lines.append(f"缺{year - 1}年或{year}年数据、不计入：{'、'.join(crossing.unknown)}")
    elif f in (
        TargetFormula.PROJECTS_OVER,
        TargetFormula.PROJECTS_LISTED,
        TargetFormula.PROJECTS_ACTIVE,
        TargetFormula.INVESTMENT_DONE,
    ):
        when = {
            TargetFormula.PROJECTS_OVER: "签约日期在期间内的项目",
            TargetFormula.PROJECTS_LISTED: "谋划入库日期在期间内的项目",
            TargetFormula.PROJECTS_ACTIVE: "期间内在库（已入库、未在期初前投产）的项目",
            TargetFormula.INVESTMENT_DONE: "期间内周调度填报的本期完成投资",
        }[TargetFormula(f)]
        filters = target.params_text
        if f == TargetFormula.PROJECTS_OVER and "threshold_wan_yuan" not in p:
            filters = "；".join(x for x in ("总投资≥1亿元（默认）", filters) if x)
        filters = filters or "不限来源、性质和规模"
        lines.append(f"{target.region.name}{when}（不含已归档项目）；筛选：{filters}")
    return lines


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

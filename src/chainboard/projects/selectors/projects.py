"""Reads of projects, pools, alerts, a project's page and the wall map; every one starts from
the user's scope (:func:`projects_visible`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, FloatField, Max, Q, QuerySet, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from chainboard.accounts.scope import project_q
from chainboard.core.errors import NotFound
from chainboard.projects.models import (
    POOLS,
    Milestone,
    Project,
    ProjectUpdate,
    Stage,
    YearPlan,
)

STALE_DAYS = 14  # no weekly update for two weeks → alert
BEHIND_RATIO = Decimal("0.8")  # completed < 80% of the plan to date → "investment behind"


def projects_visible(user: Any) -> QuerySet[Project]:
    return Project.objects.filter(project_q(user))


def project_list(
    *, user: Any, pool: str | None = None, archived: bool = False
) -> QuerySet[Project]:
    qs = projects_visible(user).filter(archived=archived)
    if pool:
        qs = qs.filter(stage__in=POOLS[pool][1])
    return qs.select_related("region", "park", "batch", "investor")


def project_get(*, user: Any, code: str) -> Project:
    project = (
        projects_visible(user).select_related("region", "park", "batch").filter(code=code).first()
    )
    if project is None:
        raise NotFound("项目不存在或不在您的管辖范围")
    return project


def pool_totals(qs: QuerySet[Project]) -> dict[str, Any]:
    agg = qs.aggregate(
        n=Count("pk"),
        total=Sum("total_investment_wan_yuan"),
        done=Sum("investment_done_wan_yuan"),
        over_100m=Count("pk", filter=Q(total_investment_wan_yuan__gte=10000)),
        over_1b=Count("pk", filter=Q(total_investment_wan_yuan__gte=100000)),
    )
    return {k: (v or 0) for k, v in agg.items()}


def pools_summary(*, user: Any) -> list[dict[str, Any]]:
    base = projects_visible(user).filter(archived=False)
    return [
        {"key": key, "label": label, **pool_totals(base.filter(stage__in=stages))}
        for key, (label, stages) in POOLS.items()
    ]


ALERT_KINDS = {"milestone": "节点逾期", "stale": "两周未更新", "behind": "投资滞后于计划"}
#: severity 严重程度 of an alert, most urgent first (rule: :func:`alert_severity`)
SEVERITIES = {"severe": "严重", "moderate": "一般", "notice": "提示"}
#: (一般 from, 严重 from): days overdue / days without an update; for "behind" the share of the
#: plan to date that was completed, below which the alert is 一般 / 严重
SEVERITY_RULE: dict[str, tuple[float, float]] = {
    "milestone": (8, 31),  # overdue 1-7 days 提示, 8-30 一般, 31+ 严重
    "stale": (21, 42),  # 14-20 days 提示, 21-41 一般 (3 weeks), 42+ (6 weeks) 严重
    "behind": (0.65, 0.5),  # 65-80% of the plan to date 提示, 50-65% 一般, below 50% 严重
}


def alert_severity(kind: str, amount: float) -> str:
    """严重 / 一般 / 提示 of an alert (docs/projects.md, "Alerts").

    ``amount``: days overdue (milestone), days since the last weekly update, or since signing or
    start when there is none (stale); the completed share of the plan to date (behind).
    """
    moderate, severe = SEVERITY_RULE[kind]
    if kind == "behind":
        return "severe" if amount < severe else "moderate" if amount < moderate else "notice"
    return "severe" if amount >= severe else "moderate" if amount >= moderate else "notice"


@dataclass
class Alert:
    kind: str  # milestone / stale / behind
    label: str
    project: Project
    region_name: str
    detail: str
    since: dt.date | None = None
    severity: str = "notice"  # a key of SEVERITIES
    days: int | None = None  # days overdue / without an update (None for "behind")

    @property
    def severity_label(self) -> str:
        return SEVERITIES[self.severity]

    @property
    def owner(self) -> str:
        """Who answers for it: the project's 包联领导 and 责任单位."""
        parts = [self.project.responsible_official, self.project.responsible_department]
        return " · ".join(p for p in parts if p)


def alerts(*, user: Any, today: dt.date | None = None, region: str | None = None) -> list[Alert]:
    """Overdue milestones, active projects without an update for 14 days, investment behind plan,
    most severe first (:func:`alert_severity`), then the longest-standing.

    "Behind plan": this year's completed investment (weekly updates since 1 January) is below
    80% of the annual plan × elapsed months ÷ 12 (the plan to the end of the previous month).
    """
    today = today or timezone.localdate()
    qs = projects_visible(user).filter(archived=False)
    if region:
        qs = qs.filter(region__path__contains=f"{region}/")
    projects = {p.pk: p for p in qs.select_related("region")}
    out: list[Alert] = []
    for m in Milestone.objects.filter(
        project_id__in=projects, done_on__isnull=True, due_on__lt=today
    ).order_by("due_on"):
        p = projects[m.project_id]
        late = (today - m.due_on).days
        out.append(
            Alert(
                "milestone",
                ALERT_KINDS["milestone"],
                p,
                p.region.name,
                f"{m.name}（计划 {m.due_on:%Y-%m-%d}，逾期 {late} 天）",
                m.due_on,
                alert_severity("milestone", late),
                late,
            )
        )
    active = [pk for pk, p in projects.items() if p.stage in (Stage.SIGNED, Stage.STARTED)]
    last = dict(
        ProjectUpdate.objects.filter(project_id__in=active)
        .values_list("project_id")
        .annotate(w=Max("week"))
        .values_list("project_id", "w")
    )
    limit = today - dt.timedelta(days=STALE_DAYS)
    for pk in active:
        p = projects[pk]
        seen = last.get(pk)
        since = seen or p.started_on or p.signed_on
        if since is not None and since < limit:
            text = f"最近一次周调度 {seen:%Y-%m-%d}" if seen else "尚无周调度"
            quiet = (today - since).days
            out.append(
                Alert(
                    "stale",
                    ALERT_KINDS["stale"],
                    p,
                    p.region.name,
                    f"{text}（{quiet} 天未更新）",
                    since,
                    alert_severity("stale", quiet),
                    quiet,
                )
            )
    months_done = today.month - 1
    if months_done:
        jan1 = today.replace(month=1, day=1)
        plans = dict(
            YearPlan.objects.filter(project_id__in=active, year=today.year).values_list(
                "project_id", "planned_wan_yuan"
            )
        )
        done = dict(
            ProjectUpdate.objects.filter(project_id__in=plans, week__gte=jan1)
            .values_list("project_id")
            .annotate(s=Sum("investment_period_wan_yuan"))
            .values_list("project_id", "s")
        )
        for pk, planned in plans.items():
            to_date = planned * months_done / 12
            got = done.get(pk) or Decimal(0)
            if to_date and got < BEHIND_RATIO * to_date:
                p = projects[pk]
                out.append(
                    Alert(
                        "behind",
                        ALERT_KINDS["behind"],
                        p,
                        p.region.name,
                        f"今年完成 {got:,.0f} 万元，应完成 {to_date:,.0f} 万元（{got / to_date:.0%}）",
                        severity=alert_severity("behind", float(got / to_date)),
                    )
                )
    order = list(SEVERITIES)
    out.sort(key=lambda a: (order.index(a.severity), -(a.days or 0), a.project.code))
    return out


def alerts_by_region(items: list[Alert]) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for a in items:
        counts[(a.project.region_id, a.region_name)][a.kind] += 1
    return [
        {"code": code, "name": name, **dict(c), "total": sum(c.values())}
        for (code, name), c in sorted(counts.items())
    ]


def project_history(project: Project, limit: int = 60) -> list[Any]:
    rows = list(project.history.select_related("history_user")[:limit])
    for h in rows:
        h.label = "项目信息"
    for u in project.updates.all()[:20]:
        for h in u.history.select_related("history_user")[:5]:
            h.label = f"周调度 {u.week:%Y-%m-%d}"
            rows.append(h)
    return sorted(rows, key=lambda h: h.history_date, reverse=True)[:limit]


def update_get(*, user: Any, pk: int) -> ProjectUpdate:
    """A weekly update of a project the user sees."""
    row = (
        ProjectUpdate.objects.filter(project_q(user, "project__"), pk=pk)
        .select_related("project__region", "project__park")
        .first()
    )
    if row is None:
        raise NotFound("周调度不存在或不在您的管辖范围")
    return row


def update_latest(project: Project) -> ProjectUpdate | None:
    """The project's latest weekly update (the form is prefilled from it)."""
    return project.updates.first()


def project_detail_parts(*, user: Any, project: Project) -> dict[str, Any]:
    """What the project page shows besides the project: its chain segments (of chains the user
    sees), the latest 30 weekly updates, milestones, yearly plans and the change history."""
    from chainboard.chains.selectors import chains_visible

    return {
        "chain_nodes": project.chain_nodes.filter(chain__in=chains_visible(user))
        .select_related("chain")
        .order_by("chain__name", "order"),
        "updates": project.updates.select_related("author")[:30],
        "milestones": project.milestones.all(),
        "plans": project.year_plans.all(),
        "history": project_history(project),
    }


def late_updates(*, user: Any, since: dt.date) -> QuerySet[ProjectUpdate]:
    return ProjectUpdate.objects.filter(project_q(user, "project__"), week__gte=since)


def filter_by_chain(qs: Any, chain: str) -> Any:
    """Projects on a chain: a chain id (the map's select) matches the projects linked to any of
    its segments; text matches segment names, chain names and the free chain/cluster labels."""
    from django.db.models import Q

    chain = str(chain).strip()
    if chain.isdigit():
        return qs.filter(chain_nodes__chain_id=int(chain)).distinct()
    return qs.filter(
        Q(chain_nodes__name__icontains=chain)
        | Q(chain_nodes__chain__name__icontains=chain)
        | Q(chain_node_codes__icontains=chain)
    ).distinct()


def map_projects(*, user: Any) -> QuerySet[Project]:
    """The projects the wall map may show (before its filters, :class:`~..filters.MapFilter`)."""
    return projects_visible(user).filter(archived=False)


def map_data(qs: QuerySet[Project]) -> dict[str, Any]:
    """The wall map's data for the (filtered) projects ``qs``: one point per project (at its
    coordinates, else its county) with stage and investment, and totals per county and stage."""
    # Floats straight from the database: converting 4 × N Decimals dominated the endpoint's
    # time (benchmarks/projects_ranking.py); the map needs no exact money.
    floats = {
        k: Cast(f, FloatField())
        for k, f in (
            ("f_total", "total_investment_wan_yuan"),
            ("f_done", "investment_done_wan_yuan"),
            ("f_lon", "longitude"),
            ("f_lat", "latitude"),
        )
    }
    rows = qs.annotate(**floats).values_list("code", "name", "region_id", "stage", *floats)
    points = [
        {
            "code": code,
            "name": name,
            "region": region,
            "stage": stage,
            "total": total,
            "done": done,
            "lon": lon,
            "lat": lat,
        }
        for code, name, region, stage, total, done, lon, lat in rows
    ]
    by_region: dict[str, dict[str, float]] = defaultdict(lambda: {"n": 0, "total": 0.0})
    by_stage: dict[str, dict[str, float]] = defaultdict(lambda: {"n": 0, "total": 0.0})
    for p in points:
        for bucket in (by_region[p["region"]], by_stage[p["stage"]]):
            bucket["n"] += 1
            bucket["total"] += p["total"]
    return {"points": points, "by_region": dict(by_region), "by_stage": dict(by_stage)}


def map_panel(*, user: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The wall map's side panel and choices: county totals (largest first) and stage totals of
    ``data`` (:func:`map_data`), the city drawn with its outlines and name, batches and chains."""
    from chainboard.accounts.scope import home_region, regions_visible
    from chainboard.chains.selectors import chains_visible
    from chainboard.geo.boundaries import load_boundaries
    from chainboard.geo.models import Region
    from chainboard.projects import wallmap
    from chainboard.projects.models import Batch

    names = dict(regions_visible(user).filter(level="county").values_list("code", "name"))
    home = home_region(user)
    city = wallmap.map_city(data, home.code if home is not None else None)
    return {
        "names": names,
        "by_region": sorted(
            ({"name": names.get(k, k), **v} for k, v in data["by_region"].items()),
            key=lambda r: -r["total"],
        ),
        "by_stage": [
            {
                "label": s.label,
                "colour": wallmap.COLOURS[s],
                **data["by_stage"].get(s.value, {"n": 0, "total": 0}),
            }
            for s in Stage
        ],
        "city": city,
        "city_name": Region.objects.filter(code=city).values_list("name", flat=True).first(),
        "outlines": load_boundaries(city) if city else None,
        "batches": Batch.objects.all(),
        "chains": chains_visible(user).order_by("region_id", "name"),
        "count": len(data["points"]),
        "total": sum(p["total"] for p in data["points"]),
    }

"""Reads of the 驾驶舱 (command centre), the 大屏 (wall display) and the 企业画像 (firm profile).

Nothing here queries a model unscoped: every panel is assembled from the owning app's selectors,
which start from ``accounts.scope`` (a county user's cockpit counts only the county's projects,
firms, results and tasks; chains, targets and tasks of the regions above are shown as those apps
show them). The panels are cached per user scope and data fingerprint (:func:`data_as_of`):
the newest change of any table behind them, so a write anywhere shows on the next request.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache as cache_function
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Model, Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from chainboard.accounts.scope import enterprise_q, scope_key
from chainboard.chains import selectors as chain_selectors
from chainboard.chains.models import Chain, ChainNode, Cluster, EnterpriseNode
from chainboard.chiefs import selectors as chiefs_selectors
from chainboard.chiefs.models import Call, Chokepoint, Consortium
from chainboard.chiefs.models import Milestone as CallMilestone
from chainboard.core.versioning import registry_version
from chainboard.enterprises.models import Enterprise, EnterpriseYear, Qualification
from chainboard.enterprises.selectors import dashboard_figures
from chainboard.evaluation import selectors as evaluation_selectors
from chainboard.evaluation.inputs import held_titles
from chainboard.evaluation.models import EvaluationResult, EvaluationRun, Objection, TierTarget
from chainboard.firmrequests import selectors as request_selectors
from chainboard.firmrequests.models import FirmRequest
from chainboard.projects import selectors as project_selectors
from chainboard.projects.models import (
    STAGE_ORDER,
    Milestone,
    Project,
    ProjectUpdate,
    Stage,
    TargetReading,
    YearPlan,
)
from chainboard.projects.models import Target as ProjectTarget
from chainboard.projects.models import Task as ProjectTask
from chainboard.projects.selectors import targets as target_selectors
from chainboard.supply import selectors as supply_selectors
from chainboard.supply.models import RunStatus, SupplyNodeResult, SupplyRun, Verdict

T = TypeVar("T")
REGISTRY_VERSION = "registry_version"
CACHE_SECONDS = 600
STATUS_ORDER = ("behind", "at_risk", "on_track", "achieved")
#: traffic light per target status: 红 滞后, 黄 有风险, 绿 按进度/已完成
LIGHTS = {"achieved": "green", "on_track": "green", "at_risk": "amber", "behind": "red"}
CLASSES = ("A", "B", "C", "D")
TIER_LABELS = dict(chain_selectors.TIER_LABELS)
TIER_ORDER = evaluation_selectors.TIER_ORDER
#: the tables behind each panel: a change to one of them (its history rows record every service
#: write, web, API, import or CLI) recomputes the panels that read it, and only those
_PROJECTS = (Project, ProjectUpdate, Milestone, YearPlan)
_REGISTRY = (Enterprise, EnterpriseYear, Qualification)
_CHAINS = (Chain, ChainNode, EnterpriseNode, Cluster)
PANEL_TABLES: dict[str, tuple[type[Model], ...]] = {
    "targets": (ProjectTarget, TargetReading, *_PROJECTS, *_REGISTRY, *_CHAINS),
    "projects": _PROJECTS,
    "chains": (*_CHAINS, *_REGISTRY),
    "evaluation": (EvaluationRun, EvaluationResult, Objection, *_REGISTRY),
    "tiers": (TierTarget, *_REGISTRY),
    "supply": (SupplyRun,),
    "tasks": (ProjectTask,),
    "chiefs": (Chokepoint, Call, CallMilestone, Consortium, Chain),
    "profile": (
        *_REGISTRY,
        *_CHAINS,
        *_PROJECTS,
        EvaluationRun,
        EvaluationResult,
        Objection,
        SupplyRun,
        FirmRequest,
    ),
}


@cache_function
def _history_table(model: type[Model]) -> str:
    """The history table's name (``model.history`` builds a manager: looked up once)."""
    return model.history.model._meta.db_table  # type: ignore[attr-defined,no-any-return]


def _as_datetime(value: Any) -> dt.datetime | None:
    """A ``MAX(history_date)`` from a raw query: a datetime (PostgreSQL) or text (SQLite, UTC)."""
    parsed = (
        value if value is None or isinstance(value, dt.datetime) else parse_datetime(str(value))
    )
    stamp: dt.datetime | None = parsed
    if stamp is not None and timezone.is_naive(stamp):
        stamp = timezone.make_aware(stamp, dt.UTC)
    return stamp


def table_stamps() -> dict[str, Any]:
    """The newest history row of every table behind the cockpit, in one query (each column is
    indexed, so each ``MAX`` is one index lookup)."""
    models = {m for tables in PANEL_TABLES.values() for m in tables}
    names = sorted(_history_table(m) for m in models)
    sql = " UNION ALL ".join(f"SELECT %s, MAX(history_date) FROM {name}" for name in names)
    with connection.cursor() as cursor:
        cursor.execute(sql, names)
        stamps: dict[str, Any] = {name: _as_datetime(value) for name, value in cursor.fetchall()}
    # the demo loader's bulk path writes no history rows: it bumps the registry version instead
    stamps[REGISTRY_VERSION] = registry_version()
    return stamps


def data_as_of(stamps: dict[str, Any] | None = None) -> dt.datetime | None:
    """The newest change behind the cockpit (the 大屏's "数据截至")."""
    found = stamps if stamps is not None else table_stamps()
    values = [v for k, v in found.items() if k != REGISTRY_VERSION and v]
    return max(values) if values else None


def _cached(
    name: str,
    user: Any,
    compute: Callable[[], T],
    *,
    stamps: dict[str, Any],
    extra: str = "",
) -> T:
    """``compute()`` once per (panel, scope, newest change of its tables, registry version)."""
    own = [stamps.get(_history_table(m)) for m in PANEL_TABLES[name]]
    newest = max((v for v in own if v is not None), default=None)
    key = (
        f"cockpit:{name}:{scope_key(user)}:{extra}:"
        f"{newest.isoformat() if newest else '-'}:{stamps.get(REGISTRY_VERSION)}"
    )
    value: Any = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value  # type: ignore[no-any-return]


# --- panels -----------------------------------------------------------------------------------


def targets_panel(*, user: Any, today: dt.date) -> dict[str, Any]:
    """Targets with their traffic light, worst first (behind → at risk → on track → achieved)."""
    rows = target_selectors.target_rows(user=user, on=today)
    items = []
    for r in rows:
        ev = r.evaluation
        status = ev.status if ev.value is not None else "behind"
        items.append(
            {
                "pk": r.target.pk,
                "name": r.target.name,
                "region": r.target.region.name,
                "unit": r.target.unit,
                "target": r.target.target_value,
                "value": ev.value,
                "projected": ev.projected,
                "progress": ev.progress,
                "share": r.projected_share,
                "status": status,
                "label": ev.status_label if ev.value is not None else "暂无数据",
                "light": LIGHTS[status],
                "period_end": r.target.period_end,
            }
        )
    items.sort(key=lambda i: (STATUS_ORDER.index(i["status"]), i["period_end"], i["name"]))
    counts = Counter(i["light"] for i in items)
    return {
        "items": items,
        "total": len(items),
        "lights": {k: counts.get(k, 0) for k in ("green", "amber", "red")},
    }


def projects_panel(*, user: Any, today: dt.date) -> dict[str, Any]:
    """Projects by stage (count, total investment 万元) and the alerts, new ones this week."""
    base = project_selectors.projects_visible(user).filter(archived=False)
    by_stage = {
        r["stage"]: r
        for r in base.values("stage").annotate(
            n=Count("pk"),
            total=Sum("total_investment_wan_yuan"),
            done=Sum("investment_done_wan_yuan"),
        )
    }
    stages = [
        {
            "key": key,
            "label": label,
            "n": by_stage.get(key, {}).get("n", 0),
            "total": by_stage.get(key, {}).get("total") or Decimal(0),
        }
        for key, label in Stage.choices
    ]
    items = project_selectors.alerts(user=user, today=today)
    monday = today - dt.timedelta(days=today.weekday())
    kinds = Counter(a.kind for a in items)

    def new_this_week(a: project_selectors.Alert) -> bool:
        if a.since is None:
            return False
        start = a.since if a.kind == "milestone" else a.since + dt.timedelta(days=14)
        return start >= monday - dt.timedelta(days=1)

    fresh = [a for a in items if new_this_week(a)]
    recent = sorted(fresh or items, key=lambda a: a.since or dt.date.min, reverse=True)[:6]
    totals = base.aggregate(
        n=Count("pk"), total=Sum("total_investment_wan_yuan"), done=Sum("investment_done_wan_yuan")
    )
    return {
        "stages": stages,
        "n": totals["n"] or 0,
        "total": totals["total"] or Decimal(0),
        "done": totals["done"] or Decimal(0),
        "alerts": len(items),
        "alert_kinds": [
            {"key": k, "label": label, "n": kinds.get(k, 0)}
            for k, label in project_selectors.ALERT_KINDS.items()
        ],
        "new_this_week": len(fresh),
        "recent_are_new": bool(fresh),
        "week_start": monday,
        "recent": [
            {
                "code": a.project.code,
                "name": a.project.name,
                "region": a.region_name,
                "label": a.label,
                "kind": a.kind,
                "detail": a.detail,
            }
            for a in recent
        ],
    }


def chains_panel(*, user: Any) -> dict[str, Any]:
    """Every visible chain with its local firms, revenue and gap count (the chains page's rule)."""
    rows: list[dict[str, Any]] = []
    for chain in chain_selectors.chains_visible(user).order_by("region_id", "name"):
        p = chain_selectors.chain_panorama(user=user, chain=chain)
        actions = Counter(g.action for g in p.report.gaps)
        rows.append(
            {
                "pk": chain.pk,
                "name": chain.name,
                "region": chain.region.name,
                "firms": p.firms,
                "revenue": p.revenue,
                "gaps": len(p.report.gaps),
                "actions": dict(actions),
            }
        )
    rows.sort(key=lambda r: (-r["gaps"], r["name"]))
    return {"rows": rows, "gaps": sum(r["gaps"] for r in rows)}


def evaluation_panel(*, user: Any) -> dict[str, Any]:
    """The newest visible 亩均 run: class distribution, moves against last year, top movers."""
    runs = evaluation_selectors.run_list(user=user).filter(
        Q(published=True) | Q(stage__in=("publicity", "review"))
    )
    run = runs.order_by("-year", "-published_at", "-created_at").first()
    if run is None:
        return {"run": None}
    results = evaluation_selectors.result_list(user=user, run=run)
    counts = evaluation_selectors.class_counts(results)
    moves = Counter(
        dict(
            results.order_by().values_list("move").annotate(n=Count("pk")).values_list("move", "n")
        )
    )
    movers = [
        {"uscc": r.enterprise.uscc, "name": r.enterprise.name, "prev": r.prev_klass, "now": r.klass}
        for r in results.filter(move="up").order_by("klass", "rank")[:5]
    ]
    downs = [
        {"uscc": r.enterprise.uscc, "name": r.enterprise.name, "prev": r.prev_klass, "now": r.klass}
        for r in results.filter(move="down").order_by("-klass", "rank")[:5]
    ]
    total = sum(counts.values())
    return {
        "run": {"pk": run.pk, "year": run.year, "stage": run.get_stage_display()},
        "classes": [
            {
                "klass": k,
                "n": counts.get(k, 0),
                "share": counts.get(k, 0) / total if total else None,
            }
            for k in CLASSES
        ],
        "other": total - sum(counts.get(k, 0) for k in CLASSES),
        "total": total,
        "up": moves.get("up", 0),
        "down": moves.get("down", 0),
        "same": moves.get("same", 0),
        "movers": movers,
        "downs": downs,
    }


def tiers_panel(*, user: Any, today: dt.date) -> dict[str, Any]:
    """Titles held per tier (firms in scope) and this year's tier targets with their progress."""
    year = today.year
    progress = evaluation_selectors.target_progress(user=user, year=year)
    if not progress:
        year -= 1
        progress = evaluation_selectors.target_progress(user=user, year=year)
    held = Counter(
        kind for kinds in held_titles(user=user, year=today.year).values() for kind in kinds
    )
    return {
        "year": year,
        "held": [{"tier": t, "label": TIER_LABELS[t], "n": held.get(t, 0)} for t in TIER_ORDER],
        "targets": [
            {
                "region": p["target"].region.name,
                "kind": TIER_LABELS.get(p["target"].kind, p["target"].kind),
                "target": p["target"].target,
                "done": p["done"],
                "pct": p["pct"],
            }
            for p in progress
        ],
    }


def supply_panel(*, user: Any) -> dict[str, Any]:
    """Hot spots: high-risk segments of the current supply-risk runs the user sees."""
    runs = list(supply_selectors.runs_visible(user).filter(status=RunStatus.CURRENT))
    spots: dict[int, dict[str, Any]] = {}
    for run in runs:
        # node profiles are shown with the chain (as on the supply page); the run is scoped
        risky = SupplyNodeResult.objects.filter(run=run, verdict__in=(Verdict.HIGH, Verdict.WATCH))
        for r in risky.select_related("node", "node__chain").order_by(
            "verdict", "-n_single_source_buyers", "node__chain__name", "node__order"
        )[:8]:
            spot = {
                "chain_pk": r.node.chain_id,
                "chain": r.node.chain.name,
                "node": r.node.name,
                "region": run.region.name,
                "verdict": r.get_verdict_display(),
                "level": r.verdict,
                "local_share": r.local_share,
                "single": r.n_single_source_buyers,
                "buyers": r.n_buyers,
            }
            # a segment analysed in the city's run and a county's: the more severe reading
            seen = spots.get(r.node_id)
            if seen is None or (seen["level"], -seen["single"]) > (r.verdict, -spot["single"]):
                spots[r.node_id] = spot
    ordered = sorted(
        spots.values(), key=lambda s: (s["level"] != Verdict.HIGH, -s["single"], s["chain"])
    )
    return {
        "runs": len(runs),
        "high": sum(r.n_risky_nodes for r in runs),
        "spots": ordered[:8],
    }


def tasks_panel(*, user: Any, today: dt.date) -> dict[str, Any]:
    """Tasks: the summary sentence and the overdue ones (past 完成时限, below 100 %)."""
    tasks = target_selectors.tasks_visible(user)
    overdue = tasks.filter(due_on__lt=today, percent_complete__lt=100)
    return {
        "summary": target_selectors.task_summary(tasks),
        "overdue": overdue.count(),
        "items": [
            {
                "pk": t.pk,
                "name": t.name,
                "owner": t.owner_department,
                "due_on": t.due_on,
                "days": (today - t.due_on).days,
                "pct": t.percent_complete,
            }
            for t in overdue.order_by("due_on", "pk")[:6]
        ],
    }


def chiefs_panel(*, user: Any) -> dict[str, Any]:
    """攻关清单 and 揭榜挂帅: the totals of the chains the user sees and the chains with calls."""
    report = chiefs_selectors.report(user=user)
    total = report.total
    return {
        "items": total.items,
        "solved": total.solved,
        "published": total.published,
        "awarded": total.awarded,
        "accepted": total.accepted,
        "budget": total.budget_wan_yuan,
        "paid": total.paid_wan_yuan,
        "consortia": total.consortia,
        "rows": [
            {
                "chain_pk": r.chain.pk,
                "chain": r.chain.name,
                "items": r.items,
                "published": r.published,
                "awarded": r.awarded,
                "budget": r.budget_wan_yuan,
            }
            for r in report.rows
            if r.items or r.published
        ][:6],
    }


def registry_panel(*, user: Any) -> dict[str, Any]:
    figures = dashboard_figures(user=user)
    latest = figures["years"][-1] if figures["years"] else None
    previous = figures["years"][-2] if len(figures["years"]) > 1 else None
    growth = None
    if latest and previous and previous["revenue"]:
        growth = latest["revenue"] / previous["revenue"] - 1
    return {"totals": figures["totals"], "latest": latest, "growth": growth, "figures": figures}


def cockpit(*, user: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Every panel of the 驾驶舱 for ``user``'s scope, each cached (module docstring): alerts,
    projections and overdue tasks also move with the date."""
    today = today or timezone.localdate()
    stamps = table_stamps()
    day = today.isoformat()
    return {
        "registry": registry_panel(user=user),
        "targets": _cached(
            "targets", user, lambda: targets_panel(user=user, today=today), stamps=stamps, extra=day
        ),
        "projects": _cached(
            "projects",
            user,
            lambda: projects_panel(user=user, today=today),
            stamps=stamps,
            extra=day,
        ),
        "chains": _cached("chains", user, lambda: chains_panel(user=user), stamps=stamps),
        "evaluation": _cached(
            "evaluation", user, lambda: evaluation_panel(user=user), stamps=stamps
        ),
        "tiers": _cached(
            "tiers", user, lambda: tiers_panel(user=user, today=today), stamps=stamps, extra=day
        ),
        "supply": _cached("supply", user, lambda: supply_panel(user=user), stamps=stamps),
        "tasks": _cached(
            "tasks", user, lambda: tasks_panel(user=user, today=today), stamps=stamps, extra=day
        ),
        "chiefs": _cached("chiefs", user, lambda: chiefs_panel(user=user), stamps=stamps),
        "today": today,
        "as_of": data_as_of(stamps),
    }


# --- the firm profile 企业画像 -----------------------------------------------------------------


@dataclass
class ProfileSegment:
    chain_pk: int
    chain: str
    region: str
    node: str
    stage: str
    state: str


def profile_segments(*, user: Any, enterprise: Enterprise) -> list[ProfileSegment]:
    """The firm's active chain links in the chains the user sees."""
    links = (
        EnterpriseNode.objects.filter(
            enterprise_q(user, "enterprise__"),
            enterprise=enterprise,
            node__chain__in=chain_selectors.chains_visible(user),
            state__in=chain_selectors.ACTIVE_STATES,
        )
        .select_related("node", "node__chain", "node__chain__region")
        .order_by("node__chain__name", "node__chain__region_id", "node__order")
    )
    return [
        ProfileSegment(
            chain_pk=link.node.chain_id,
            chain=link.node.chain.name,
            region=link.node.chain.region.name,
            node=link.node.name,
            stage=link.node.get_stage_display(),
            state=link.get_state_display(),
        )
        for link in links
    ]


def profile_supply(*, user: Any, enterprise: Enterprise) -> list[dict[str, Any]]:
    """Risky dependences of the firm as a buyer in the current runs (suppliers masked as the
    supply page masks them)."""
    out: list[dict[str, Any]] = []
    runs = supply_selectors.runs_visible(user).filter(status=RunStatus.CURRENT)
    for run in runs:
        deps = list(
            supply_selectors.risky_dependence_list(user=user, run=run).filter(
                buyer__enterprise=enterprise
            )
        )
        labels = supply_selectors.firm_labels(user, [d.supplier for d in deps])
        out += [
            {
                "run": run,
                "supplier": labels[d.supplier_id],
                "amount": d.amount_wan_yuan,
                "share": d.share,
                "single_source": d.single_source,
                "outside_province": d.outside_province,
            }
            for d in deps
        ]
    return out


def weakest_indicators(result: Any) -> list[dict[str, Any]]:
    """The indicators below the value the next class needs (the card's 升级所需), largest gap
    first; without a next class, the lowest-scoring ones."""
    rows = [i for i in result.indicators or [] if isinstance(i, dict)]
    below = [
        i
        for i in rows
        if i.get("target") is not None and i.get("value") is not None and i["value"] < i["target"]
    ]
    if below:
        return sorted(below, key=lambda i: (i["value"] - i["target"]) / (abs(i["target"]) or 1))
    return sorted(rows, key=lambda i: i.get("score") or 0)[:3]


def profile_tiers(*, user: Any, enterprise: Enterprise, year: int) -> list[dict[str, Any]]:
    """Per tier: held, or the firm's status and what it still lacks (the 梯度培育 page's check)."""
    cands = evaluation_selectors.tier_candidates(user=user, year=year)
    tiers: list[dict[str, Any]] = []
    if cands.empty:
        return tiers
    mine = cands[cands["enterprise_id"] == enterprise.pk]
    for t in TIER_ORDER:
        rows = mine[mine["tier"] == t]
        if rows.empty:
            continue
        r = rows.iloc[0]
        tiers.append(
            {
                "tier": t,
                "label": TIER_LABELS[t],
                "held": bool(r["held"]),
                "status": r["status"],
                "gaps": list(r["gaps"]) if r["gaps"] is not None else [],
                "missing": list(r["missing"]) if r["missing"] is not None else [],
            }
        )
    return tiers


def profile(*, user: Any, enterprise: Enterprise, today: dt.date | None = None) -> dict[str, Any]:
    """Everything of one firm the user may see, on one page (cached like the cockpit's panels,
    per firm)."""
    today = today or timezone.localdate()
    return _cached(
        "profile",
        user,
        lambda: _profile(user=user, enterprise=enterprise, today=today),
        stamps=table_stamps(),
        extra=f"firm{enterprise.pk}:{today}",
    )


def _profile(*, user: Any, enterprise: Enterprise, today: dt.date) -> dict[str, Any]:
    results = evaluation_selectors.firm_results(user=user, uscc=enterprise.uscc)
    latest = results[0] if results else None
    year = evaluation_selectors.default_year(user=user)
    tiers = profile_tiers(user=user, enterprise=enterprise, year=year)
    projects = list(
        project_selectors.projects_visible(user)
        .filter(archived=False, investor=enterprise)
        .select_related("region")
        .order_by(*[f"-{f}" for f in ("total_investment_wan_yuan",)])
    )
    objections = list(
        evaluation_selectors.objection_list(user=user)
        .filter(enterprise=enterprise)
        .select_related("run")
        .order_by("-created_at")
    )
    weakest: list[dict[str, Any]] = []
    if latest is not None:
        weakest = weakest_indicators(latest)
    return {
        "firm": enterprise,
        "segments": profile_segments(user=user, enterprise=enterprise),
        "results": results,
        "latest": latest,
        "weakest": weakest,
        "tier_year": year,
        "tiers": tiers,
        "projects": projects,
        "stage_order": STAGE_ORDER,
        "supply": profile_supply(user=user, enterprise=enterprise),
        "objections": objections,
        "requests": list(
            request_selectors.request_list(user=user)
            .filter(enterprise=enterprise)
            .order_by("-created_at", "-pk")[:8]
        ),
        "today": today,
    }

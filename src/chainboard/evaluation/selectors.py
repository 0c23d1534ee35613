"""Reads of the evaluation app; every one starts from the user's scope."""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict, defaultdict
from datetime import date
from typing import Any

import pandas as pd
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from chainboard.accounts.scope import (
    enterprise_q,
    evaluation_run_q,
    objection_q,
    parks_visible,
    regions_visible,
    scope_key,
)
from chainboard.core.errors import NotFound
from chainboard.core.versioning import registry_version
from chainboard.enterprises.models import (
    Enterprise,
    EnterpriseYear,
    GrantKind,
    Qualification,
    QualificationKind,
)
from chainboard.evaluation.inputs import evaluated_firms, held_titles, tier_inputs
from chainboard.evaluation.models import (
    ClassChange,
    ClassPolicy,
    EvaluationResult,
    EvaluationRun,
    Objection,
    ObjectionStatus,
    RunStage,
    TierTarget,
)
from chainboard.geo.models import Region
from chainboard_analytics.evaluation import check_tiers, criteria_in_force, criteria_sets
from chainboard_analytics.evaluation.policy import PolicyEffect, net_effect, policy_effects
from chainboard_analytics.evaluation.tiers import Criteria

#: League-table order: group, rank (unranked special-class firms last), USCC.
RESULT_ORDER = ("group", F("rank").asc(nulls_last=True), "enterprise__uscc")


def run_list(*, user: Any) -> QuerySet[EvaluationRun]:
    """Published runs; analysts and admins also see their unpublished ones (in their scope)."""
    return EvaluationRun.objects.filter(evaluation_run_q(user)).select_related(
        "scope_region", "created_by"
    )


def run_get(*, user: Any, pk: int) -> EvaluationRun:
    run = run_list(user=user).filter(pk=pk).first()
    if run is None:
        raise NotFound("评价批次不存在或未发布")
    return run


def result_list(*, user: Any, run: EvaluationRun) -> QuerySet[EvaluationResult]:
    """The run's results for the firms the user may see."""
    return (
        EvaluationResult.objects.filter(run=run)
        .filter(enterprise_q(user, "enterprise__"))
        .select_related("enterprise", "enterprise__region", "enterprise__park")
    )


def result_get(*, user: Any, run: EvaluationRun, uscc: str) -> EvaluationResult:
    result = result_list(user=user, run=run).filter(enterprise__uscc=uscc).first()
    if result is None:
        raise NotFound("该企业不在本批次或不在您的管辖范围")
    return result


def firm_results(*, user: Any, uscc: str) -> list[EvaluationResult]:
    """The firm's results in every run the user can see, newest year first."""
    runs = run_list(user=user)
    return list(
        EvaluationResult.objects.filter(enterprise_q(user, "enterprise__"))
        .filter(enterprise__uscc=uscc, run__in=runs)
        .select_related("run", "enterprise")
        .order_by("-run__year", "run__method_id", "-run__created_at")
    )


def class_counts(results: QuerySet[EvaluationResult]) -> dict[str, int]:
    return dict(results.order_by().values_list("klass").annotate(n=Count("pk")))


def distribution(results: QuerySet[EvaluationResult], by: str) -> list[dict[str, Any]]:
    """Class counts per county (``region``), park or industry division (2-digit GB/T 4754)."""
    if by == "region":
        qs = results.annotate(key=F("enterprise__region_id"), label=F("enterprise__region__name"))
    elif by == "park":
        qs = results.filter(enterprise__park__isnull=False).annotate(
            key=F("enterprise__park_id"), label=F("enterprise__park__name")
        )
    else:
        qs = results.annotate(key=Substr("enterprise__industry_id", 1, 2), label=F("key"))
    rows: dict[Any, dict[str, Any]] = {}
    for r in qs.values("key", "label", "klass").annotate(n=Count("pk")).order_by():
        row = rows.setdefault(r["key"], {"key": r["key"], "label": r["label"], "counts": {}})
        row["counts"][r["klass"]] = r["n"]
    return sorted(rows.values(), key=lambda r: str(r["key"]))


def migration_matrix(results: QuerySet[EvaluationResult]) -> dict[tuple[str, str], int]:
    """(last year's class, this year's class) → firms; "" = not rated last year."""
    return {
        (r["prev_klass"], r["klass"]): r["n"]
        for r in results.order_by().values("prev_klass", "klass").annotate(n=Count("pk"))
    }


# --- tiers ------------------------------------------------------------------------------------

TIER_ORDER = ["tech_sme", "high_tech", "innovative_sme", "srdi", "little_giant", "single_champion"]


def data_years(*, user: Any) -> list[int]:
    """Years with yearly figures of the rated firms in the user's scope, newest first."""
    years = (
        EnterpriseYear.objects.filter(enterprise__in=evaluated_firms(user))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    return list(years)


def default_year(*, user: Any) -> int:
    """The year pages and the API show when none is asked for: the latest year with figures in
    the user's scope; with none at all, last calendar year (the usual year being reported)."""
    years = data_years(user=user)
    return years[0] if years else timezone.localdate().year - 1


def evaluation_date(year: int) -> date:
    """The default evaluation date for the figures of ``year``: firms apply with 上年度 figures,
    so year ``Y`` is evaluated during ``Y + 1``; today if that year is running, else its last day.
    """
    return min(timezone.localdate(), date(year + 1, 12, 31))


def criteria(on: date | None = None) -> Criteria:
    """The tier rule set in force on ``on`` (default: today)."""
    return criteria_in_force(on or timezone.localdate())


def rule_sets() -> tuple[Criteria, ...]:
    return criteria_sets()


def _tier_tables() -> list[tuple[str, str]]:
    """(table, history table) of each model the tier checks read."""
    from chainboard.evaluation.models import TierProfile

    return [
        (m._meta.db_table, m.history.model._meta.db_table)  # type: ignore[attr-defined]
        for m in (Enterprise, EnterpriseYear, Qualification, TierProfile)
    ]


def tier_data_version() -> str:
    """The data version of the tier inputs: per table the newest history row (every service,
    import and admin write adds one) and the row count (a bulk delete adds none), plus the
    registry version (the demo loader's bulk path). One query; equal strings mean the checks
    would give the same answer."""
    sql = " UNION ALL ".join(
        f"SELECT (SELECT MAX(history_date) FROM {h}), (SELECT COUNT(*) FROM {t})"
        for t, h in _tier_tables()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        parts = [f"{a}/{b}" for a, b in cursor.fetchall()]
    return "|".join([*parts, registry_version()])


#: per-process memo of checked tables (not the shared cache: unpickling 18,000 rows of gap lists
#: took 0.7 s, longer than the page may); the key holds the data version, so it is never stale
TIER_MEMO_SIZE = 32
_TIER_MEMO: OrderedDict[str, pd.DataFrame] = OrderedDict()


def tier_candidates(*, user: Any, year: int, on: date | None = None) -> pd.DataFrame:
    """Every visible firm × tier with status, gaps and missing fields; titles already held.

    The rules are the set in force on ``on`` (default :func:`evaluation_date` of ``year``).
    Computed once per (scope, year, rule set, :func:`tier_data_version`) and kept: the
    梯度培育 page, its export and the API read the same table until the data change.
    """
    crit = criteria(on or evaluation_date(year))
    key = (
        f"tiers:{scope_key(user)}:{year}:{crit.id}:{crit.digest[:16]}:"
        f"{hashlib.sha256(tier_data_version().encode()).hexdigest()[:24]}"
    )
    found = _TIER_MEMO.get(key)
    if found is None:
        found = _tier_candidates(user=user, year=year, on=on)
        _TIER_MEMO[key] = found
        while len(_TIER_MEMO) > TIER_MEMO_SIZE:
            _TIER_MEMO.popitem(last=False)
    else:
        _TIER_MEMO.move_to_end(key)
    return found.copy()


def _tier_candidates(*, user: Any, year: int, on: date | None = None) -> pd.DataFrame:
    """:func:`tier_candidates` without the cache."""
    crit = criteria(on or evaluation_date(year))
    inputs = tier_inputs(user=user, year=year)
    if inputs.empty:
        return pd.DataFrame(
            columns=[
                "enterprise_id",
                "uscc",
                "name",
                "region_id",
                "region_name",
                "park_id",
                "tier",
                "status",
                "failures",
                "shortfall",
                "gaps",
                "missing",
                "held",
            ]
        )
    checked = check_tiers(inputs, crit)
    held = held_titles(user=user, year=year)
    keep = inputs[["enterprise_id", "uscc", "name", "region_id", "region_name", "park_id"]]
    out = checked.merge(keep, on="uscc", how="left")
    out["held"] = [
        t in held.get(i, set()) for i, t in zip(out["enterprise_id"], out["tier"], strict=True)
    ]
    return out


def tier_summary(cands: pd.DataFrame) -> list[dict[str, Any]]:
    """Per county and tier: held, qualifies (not yet held), close (one group-by)."""
    if cands.empty:
        return []
    held = cands["held"].astype(bool)
    flags = pd.DataFrame(
        {
            "region_id": cands["region_id"],
            "region_name": cands["region_name"],
            "tier": cands["tier"],
            "held": held,
            "qualifies": ~held & (cands["status"] == "qualifies"),
            "close": ~held & (cands["status"] == "close"),
        }
    )
    sums = (
        flags.groupby(["region_id", "region_name", "tier"], sort=False, dropna=False)[
            ["held", "qualifies", "close"]
        ]
        .sum()
        .reset_index()
    )
    rows = [
        {
            "region_id": r.region_id,
            "region_name": r.region_name,
            "tier": r.tier,
            "held": int(r.held),
            "qualifies": int(r.qualifies),
            "close": int(r.close),
        }
        for r in sums.itertuples(index=False)
    ]
    return sorted(rows, key=lambda r: (r["region_id"], TIER_ORDER.index(r["tier"])))


def grants_in_year(*, user: Any, year: int) -> dict[str, dict[str, int]]:
    """tier kind → {"new": firms newly granted, "renewal": firms re-certified} during ``year``
    among the firms the user sees (distinct firms; all levels)."""
    rows = (
        Qualification.objects.filter(
            enterprise__in=evaluated_firms(user),
            kind__in=TIER_ORDER,
            granted_on__gte=date(year, 1, 1),
            granted_on__lte=date(year, 12, 31),
        )
        .values("kind", "grant_kind")
        .annotate(n=Count("enterprise_id", distinct=True))
        .order_by()
    )
    out = {k: {"new": 0, "renewal": 0} for k in TIER_ORDER}
    for r in rows:
        out[r["kind"]][r["grant_kind"]] = r["n"]
    return out


def target_progress(*, user: Any, year: int) -> list[dict[str, Any]]:
    """Each visible target with the titles granted in its region during ``year``.

    ``done`` counts first grants only (``GrantKind.NEW`` 新认定): "新增 30 家高企" is about firms
    that did not hold the title; ``renewed`` counts 复审/重新认定 in the year, shown beside it.
    One query for the year's grants of the targets' kinds, then counted per target.
    """
    targets = list(
        TierTarget.objects.filter(region__in=regions_visible(user), year=year).select_related(
            "region"
        )
    )
    grants = list(
        Qualification.objects.filter(
            kind__in={t.kind for t in targets},
            granted_on__gte=date(year, 1, 1),
            granted_on__lte=date(year, 12, 31),
        )
        .filter(enterprise_q(user, "enterprise__"))
        .values_list("enterprise_id", "enterprise__region__path", "kind", "level", "grant_kind")
        if targets
        else []
    )
    out = []
    for t in targets:
        firms: dict[str, set[int]] = {GrantKind.NEW: set(), GrantKind.RENEWAL: set()}
        for firm, path, kind, level, grant_kind in grants:
            if kind == t.kind and path.startswith(t.region.path) and level == (t.level or level):
                firms.setdefault(grant_kind, set()).add(firm)
        done = len(firms[GrantKind.NEW])
        out.append(
            {
                "target": t,
                "done": done,
                "renewed": len(firms[GrantKind.RENEWAL]),
                "pct": round(100 * done / t.target, 1) if t.target else None,
            }
        )
    return out


# --- coverage ---------------------------------------------------------------------------------

COVERAGE_KINDS = [
    QualificationKind.CLOUD,
    QualificationKind.SMART_FACTORY,
    QualificationKind.GREEN_FACTORY,
    QualificationKind.DESIGN_DOCKED,
    QualificationKind.TECH_CENTER,
]


def coverage(*, user: Any, year: int, by: str = "region") -> dict[str, Any]:
    """Share of 规上 firms holding each digital/green/design title, per county or park.

    A title counts if it was granted by the end of ``year`` and not expired before then.
    """
    firms = evaluated_firms(user).filter(above_scale=True)
    key = "region_id" if by == "region" else "park_id"
    label = "region__name" if by == "region" else "park__name"
    if by == "park":
        firms = firms.filter(park__isnull=False)
    totals = {r[key]: r for r in firms.values(key, label).annotate(n=Count("pk"))}
    end = date(year, 12, 31)
    valid = Q(granted_on__lte=end) & (Q(expires_on__isnull=True) | Q(expires_on__gte=end))
    held: dict[Any, Counter] = defaultdict(Counter)
    rows = (
        Qualification.objects.filter(valid, enterprise__in=firms, kind__in=COVERAGE_KINDS)
        .values(f"enterprise__{key}", "kind")
        .annotate(n=Count("enterprise_id", distinct=True))
    )
    for r in rows:
        held[r[f"enterprise__{key}"]][r["kind"]] = r["n"]
    table = []
    all_n = sum(t["n"] for t in totals.values())
    overall: Counter[str] = Counter()
    for k, t in sorted(totals.items(), key=lambda kv: str(kv[0])):
        shares = {
            kind: (held[k][kind], 100 * held[k][kind] / t["n"] if t["n"] else 0)
            for kind in COVERAGE_KINDS
        }
        for kind in COVERAGE_KINDS:
            overall[kind] += held[k][kind]
        table.append({"key": k, "label": t[label], "n": t["n"], "shares": shares})
    parks = parks_visible(user)
    n_parks = parks.count()
    with_centre = parks.filter(design_centre__isnull=False).count()
    return {
        "rows": table,
        "n": all_n,
        "overall": {
            kind: (overall[kind], 100 * overall[kind] / all_n if all_n else 0)
            for kind in COVERAGE_KINDS
        },
        "n_parks": n_parks,
        "parks_with_centre": with_centre,
    }


def region_choices(*, user: Any) -> QuerySet[Region]:
    return (
        regions_visible(user)
        .filter(level="county", enterprises__isnull=False)
        .distinct()
        .order_by("code")
    )


def enterprise_for_card(*, user: Any, uscc: str) -> Enterprise:
    firm = Enterprise.objects.filter(enterprise_q(user)).filter(uscc=uscc).first()
    if firm is None:
        raise NotFound("企业不存在或不在您的管辖范围")
    return firm


# --- 差别化政策 (policy table) -------------------------------------------------------------------

POLICY_NUMBERS = (
    "electricity_surcharge_yuan_per_kwh",
    "water_surcharge_yuan_per_m3",
    "land_tax_relief_pct",
    "land_tax_yuan_per_m2",
)


def class_policy_list(*, method_id: str = "", year: int | None = None) -> QuerySet[ClassPolicy]:
    """The policy table (public rules, readable by every signed-in user), newest year first."""
    qs = ClassPolicy.objects.all()
    if method_id:
        qs = qs.filter(method_id=method_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("method_id", "-year", "klass")


def class_policies_for_run(run: EvaluationRun) -> dict[str, ClassPolicy]:
    """klass → the policy row for the run's method and year (classes without one are absent)."""
    return {p.klass: p for p in class_policy_list(method_id=run.method_id, year=run.year)}


def _policy_dict(policy: ClassPolicy) -> dict[str, Any]:
    return {k: getattr(policy, k) for k in POLICY_NUMBERS}


def firm_policy_effects(
    *, policy: ClassPolicy | None, figures: dict[str, Any]
) -> tuple[list[PolicyEffect], float | None]:
    """The effect lines and their net sum (万元) of ``policy`` on one firm's ``figures``."""
    if policy is None:
        return [], None
    effects = policy_effects(_policy_dict(policy), figures)
    return effects, net_effect(effects)


def run_figures(run: EvaluationRun, enterprise_ids: list[int]) -> dict[int, dict[str, Any]]:
    """enterprise id → the figures of the run's year the policy effect needs."""
    rows = EnterpriseYear.objects.filter(enterprise_id__in=enterprise_ids, year=run.year).values(
        "enterprise_id", "electricity_10k_kwh", "land_area_mu"
    )
    return {
        r["enterprise_id"]: {
            "electricity_10k_kwh": r["electricity_10k_kwh"],
            "land_area_mu": r["land_area_mu"],
        }
        for r in rows
    }


def run_policy_effects(
    run: EvaluationRun, results: list[EvaluationResult]
) -> dict[int, tuple[list[PolicyEffect], float | None]]:
    """enterprise id → (effects, net 万元) for every result (the xlsx export)."""
    policies = class_policies_for_run(run)
    figures = run_figures(run, [r.enterprise_id for r in results])
    return {
        r.enterprise_id: firm_policy_effects(
            policy=policies.get(r.klass), figures=figures.get(r.enterprise_id, {})
        )
        for r in results
    }


# --- 公示 / 异议 / 复核 -------------------------------------------------------------------------


def objection_list(*, user: Any, run: EvaluationRun | None = None) -> QuerySet[Objection]:
    """The 异议 the user may see (a firm user its own firm's), of ``run`` if given."""
    qs = Objection.objects.filter(objection_q(user))
    if run is not None:
        qs = qs.filter(run=run)
    return qs.select_related(
        "run", "enterprise", "enterprise__region", "filed_by", "answered_by"
    ).prefetch_related("attachments")


def objection_get(*, user: Any, pk: int) -> Objection:
    objection = objection_list(user=user).filter(pk=pk).first()
    if objection is None:
        raise NotFound("异议不存在或不在您的管辖范围")
    return objection


def firm_objection(*, user: Any, run: EvaluationRun, enterprise: Enterprise) -> Objection | None:
    return objection_list(user=user, run=run).filter(enterprise=enterprise).first()


def objection_counts(objections: QuerySet[Objection]) -> dict[str, int]:
    counts = dict(objections.order_by().values_list("status").annotate(n=Count("pk")))
    return {s.value: counts.get(s.value, 0) for s in ObjectionStatus}


def class_changes(*, user: Any, run: EvaluationRun) -> QuerySet[ClassChange]:
    """Firms (that the user sees) whose class a re-scoring in 复核 changed, oldest first."""
    return (
        ClassChange.objects.filter(rescore__run=run)
        .filter(enterprise_q(user, "enterprise__"))
        .select_related("rescore", "rescore__objection", "enterprise", "enterprise__region")
        .order_by("rescore__created_at", "rescore_id", "group", "pk")
    )


def run_transitions(run: EvaluationRun) -> list[dict[str, Any]]:
    """Every change of the run's stage (and its creation): stage, who, when, why."""
    out: list[dict[str, Any]] = []
    last = None
    for h in run.history.order_by("history_date", "history_id").select_related("history_user"):
        if h.stage != last:
            out.append(
                {
                    "stage": h.stage,
                    "label": RunStage(h.stage).label,
                    "user": h.history_user,
                    "at": h.history_date,
                    "reason": h.history_change_reason or "",
                }
            )
            last = h.stage
    return out

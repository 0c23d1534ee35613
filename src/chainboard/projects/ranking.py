"""月评比: the monthly ranking of counties (or departments) computed from the project data.

For month M of year Y (month number m, last day E, first day of the year J), per county:

==================  ==========================================================  =========
component           value                                                       default
==================  ==========================================================  =========
investment          投资完成率 = Σ 本期完成投资 of weekly updates with J ≤ week ≤ E  w35 b1 c1.2
                    ÷ (Σ 年度计划投资 of year Y × m / 12)
on_time_start       按期开工率 = projects planned to start in [J, E] that started    w20 b1 c1
                    on or before the planned date ÷ projects planned to start then
new_signed          新签约项目数 = projects with 签约日期 in month M                  w15 b2 c1.5
over_100m           过亿项目数 = projects signed by E with 总投资 ≥ 1亿元             w10 b10 c1.5
problems_resolved   问题解决率 = problems raised in weekly updates (J ≤ week ≤ E)    w10 b1 c1
                    resolved by E ÷ problems raised (no problem raised → 1)
punctuality         周调度按时率 = weekly updates filed on time for the weeks whose  w10 b1 c1
                    Monday is in M, over projects under construction that week
                    (started, not yet producing) ÷ such project-weeks (none → 1)
==================  ==========================================================  =========

component score = weight × min(value ÷ benchmark, cap); a value that cannot be computed (no
plan, no project due to start) scores 0. Score = Σ component scores, rounded to 0.01. Rank: by
score, highest first; equal scores share a rank (1, 2, 2, 4). Archived projects are left out.
The weights, benchmarks and caps are a :class:`RankingMethod` row, editable in the admin; the
defaults follow the published examples in ``shared/research/policy-facts.md`` §4.3 (延安: progress
= 60 × completed ÷ annual plan; value ÷ benchmark × weight with caps).

Period result (季 / 半年): quarter = 0.7 × mean of its monthly scores + 0.3 × 季观摩 score;
half year = 0.5 × mean monthly + 0.2 × mean 季观摩 of its two quarters + 0.3 × 半年考核 score.
A missing part drops out and the remaining weights are rescaled to sum to 1.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from chainboard.geo.models import Region
from chainboard.projects.models import (
    UPDATE_GRACE_DAYS,
    YI,
    MonthlyRanking,
    Project,
    ProjectUpdate,
    RankingMethod,
    RankingScope,
    ReviewKind,
    ReviewScore,
    YearPlan,
)

COMPONENTS: dict[str, str] = {
    "investment": "投资完成率",
    "on_time_start": "按期开工率",
    "new_signed": "新签约项目数",
    "over_100m": "过亿项目数",
    "problems_resolved": "问题解决率",
    "punctuality": "周调度按时率",
}
DEFAULT_COMPONENTS: dict[str, dict[str, float]] = {
    "investment": {"weight": 35, "benchmark": 1, "cap": 1.2},
    "on_time_start": {"weight": 20, "benchmark": 1, "cap": 1},
    "new_signed": {"weight": 15, "benchmark": 2, "cap": 1.5},
    "over_100m": {"weight": 10, "benchmark": 10, "cap": 1.5},
    "problems_resolved": {"weight": 10, "benchmark": 1, "cap": 1},
    "punctuality": {"weight": 10, "benchmark": 1, "cap": 1},
}
DEFAULT_PERIOD: dict[str, dict[str, float]] = {
    "quarter": {"monthly": 0.7, "quarter": 0.3},
    "half": {"monthly": 0.5, "quarter": 0.2, "half": 0.3},
}
CENT = Decimal("0.01")


def ranking_method_get() -> RankingMethod:
    """The newest active method; the default one is created on first use."""
    method = RankingMethod.objects.filter(active=True).first()
    if method is None:
        method = RankingMethod(
            name="默认月评比办法", components=DEFAULT_COMPONENTS, period=DEFAULT_PERIOD
        )
        method._change_reason = "默认办法"  # type: ignore[attr-defined]
        method.save()
    return method


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def parse_month(text: str) -> dt.date:
    try:
        year, month = (int(p) for p in text.split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM：{text}") from None


@dataclass
class RankRow:
    key: str
    label: str
    values: dict[str, float | None] = field(default_factory=dict)
    scores: dict[str, Decimal] = field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0
    previous_rank: int | None = None

    @property
    def move(self) -> int | None:
        """Places gained since last month (positive = up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def ranking_compute(
    month: dt.date,
    *,
    scope: str = RankingScope.REGION,
    projects: QuerySet[Project] | None = None,
    method: RankingMethod | None = None,
) -> list[RankRow]:
    """Compute (not store) the ranking of ``month`` over ``projects`` (default: all)."""
    method = method or ranking_method_get()
    first, end = month_bounds(month)
    jan1 = first.replace(month=1)
    m = first.month
    qs = (projects if projects is not None else Project.objects.all()).filter(archived=False)
    group = "region_id" if scope == RankingScope.REGION else "responsible_department"
    if scope != RankingScope.REGION:
        qs = qs.exclude(responsible_department="")
    upd = ProjectUpdate.objects.filter(project__in=qs.values("pk"))
    ugroup = f"project__{group}"

    done = dict(
        upd.filter(week__gte=jan1, week__lte=end)
        .values_list(ugroup)
        .annotate(s=Sum("investment_period_wan_yuan"))
        .values_list(ugroup, "s")
    )
    plan = dict(
        YearPlan.objects.filter(project__in=qs.values("pk"), year=first.year)
        .values_list(ugroup)
        .annotate(s=Sum("planned_wan_yuan"))
        .values_list(ugroup, "s")
    )
    due = Q(planned_start_on__gte=jan1, planned_start_on__lte=end)
    starts = {
        k: (n, ok)
        for k, n, ok in qs.filter(due)
        .values_list(group)
        .annotate(
            n=Count("pk"),
            ok=Count(
                "pk",
                filter=Q(started_on__isnull=False) & Q(started_on__lte=F("planned_start_on")),
            ),
        )
        .values_list(group, "n", "ok")
    }
    signed = dict(
        qs.filter(signed_on__gte=first, signed_on__lte=end)
        .values_list(group)
        .annotate(n=Count("pk"))
        .values_list(group, "n")
    )
    big = dict(
        qs.filter(signed_on__lte=end, total_investment_wan_yuan__gte=YI)
        .values_list(group)
        .annotate(n=Count("pk"))
        .values_list(group, "n")
    )
    problems = {
        k: (n, ok)
        for k, n, ok in upd.filter(week__gte=jan1, week__lte=end)
        .exclude(problems="")
        .values_list(ugroup)
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(problem_resolved_on__lte=end)))
        .values_list(ugroup, "n", "ok")
    }
    expected, on_time = _punctuality(qs, upd, group, first, end)

    keys = set(qs.values_list(group, flat=True).distinct())
    labels = _labels(keys, scope)
    rows: list[RankRow] = []
    config = method.components
    for key in keys:
        n_due, n_ok = starts.get(key, (0, 0))
        n_raised, n_resolved = problems.get(key, (0, 0))
        plan_to_date = float(plan.get(key) or 0) * m / 12
        values: dict[str, float | None] = {
            "investment": _ratio(float(done.get(key) or 0), plan_to_date),
            "on_time_start": _ratio(n_ok, n_due),
            "new_signed": float(signed.get(key, 0)),
            "over_100m": float(big.get(key, 0)),
            "problems_resolved": _ratio(n_resolved, n_raised) if n_raised else 1.0,
            "punctuality": _ratio(on_time.get(key, 0), expected[key]) if expected.get(key) else 1.0,
        }
        row = RankRow(str(key), labels.get(key, str(key)), values)
        for name, value in values.items():
            c = config.get(name)
            if not c or not c.get("weight"):
                continue
            ratio = 0.0 if value is None else min(value / float(c["benchmark"]), float(c["cap"]))
            row.scores[name] = Decimal(str(float(c["weight"]) * ratio)).quantize(
                CENT, ROUND_HALF_UP
            )
        row.score = sum(row.scores.values(), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
        rows.append(row)
    return _rank(rows)


def _rank(rows: list[RankRow]) -> list[RankRow]:
    rows.sort(key=lambda r: (-r.score, r.key))
    for i, row in enumerate(rows):
        row.rank = rows[i - 1].rank if i and rows[i - 1].score == row.score else i + 1
    return rows


def _labels(keys: set[Any], scope: str) -> dict[Any, str]:
    if scope == RankingScope.REGION:
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    return {k: k for k in keys}


def _punctuality(
    qs: QuerySet[Project], upd: QuerySet[ProjectUpdate], group: str, first: dt.date, end: dt.date
) -> tuple[dict[Any, int], dict[Any, int]]:
    mondays = [
        first + dt.timedelta(days=d)
        for d in range((end - first).days + 1)
        if (first + dt.timedelta(days=d)).weekday() == 0
    ]
    expected: dict[Any, int] = defaultdict(int)
    building: dict[int, Any] = {}
    for pk, key, started, producing in qs.filter(
        started_on__isnull=False, started_on__lte=end
    ).values_list("pk", group, "started_on", "producing_on"):
        for monday in mondays:
            if started <= monday and (producing is None or producing > monday):
                expected[key] += 1
                building.setdefault(pk, key)
    on_time: dict[Any, int] = defaultdict(int)
    if mondays:
        for pk, week, submitted in upd.filter(week__in=mondays).values_list(
            "project_id", "week", "submitted_at"
        ):
            key = building.get(pk)
            if key is None:
                continue
            started_ok = submitted.date() <= week + dt.timedelta(days=UPDATE_GRACE_DAYS)
            if started_ok:
                on_time[key] += 1
    return expected, on_time


def ranking_store(
    month: dt.date, *, scope: str = RankingScope.REGION, actor: Any = None
) -> list[RankRow]:
    """Compute over all projects and store the month's rows (recomputing replaces them)."""
    from django.db import transaction

    method = ranking_method_get()
    rows = ranking_compute(month, scope=scope, method=method)
    first = month.replace(day=1)
    with transaction.atomic():
        existing = {r.key: r for r in MonthlyRanking.objects.filter(month=first, scope=scope)}
        for row in rows:
            obj = existing.pop(row.key, None) or MonthlyRanking(
                month=first, scope=scope, key=row.key
            )
            obj.label, obj.score, obj.rank, obj.method = row.label, row.score, row.rank, method
            obj.components = {
                name: {"value": row.values.get(name), "score": str(row.scores.get(name, 0))}
                for name in COMPONENTS
            }
            obj._history_user = actor  # type: ignore[attr-defined]
            obj._change_reason = "月评比计算"  # type: ignore[attr-defined]
            obj.save()
        for stale in existing.values():
            stale.delete()
    return ranking_with_moves(month, scope=scope, rows=rows)


def ranking_with_moves(
    month: dt.date, *, scope: str = RankingScope.REGION, rows: list[RankRow] | None = None
) -> list[RankRow]:
    """Rows of ``month`` (stored unless given) with last month's rank for the move column."""
    first = month.replace(day=1)
    if rows is None:
        rows = [
            RankRow(
                r.key,
                r.label,
                {k: v.get("value") for k, v in r.components.items()},
                {k: Decimal(v.get("score", "0")) for k, v in r.components.items()},
                r.score,
                r.rank,
            )
            for r in MonthlyRanking.objects.filter(month=first, scope=scope).order_by("rank", "key")
        ]
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    before = dict(MonthlyRanking.objects.filter(month=prev, scope=scope).values_list("key", "rank"))
    for row in rows:
        row.previous_rank = before.get(row.key)
    return rows


@dataclass
class PeriodRow:
    key: str
    label: str
    monthly: Decimal | None
    quarter: Decimal | None
    half: Decimal | None
    score: Decimal
    rank: int = 0


def period_result(year: int, kind: str, period: int) -> list[PeriodRow]:
    """Combine stored monthly county scores with 季观摩 / 半年考核 scores (see module doc)."""
    method = ranking_method_get()
    months = (
        range(3 * period - 2, 3 * period + 1)
        if kind == ReviewKind.QUARTER
        else range(6 * period - 5, 6 * period + 1)
    )
    monthly: dict[str, list[Decimal]] = defaultdict(list)
    labels: dict[str, str] = {}
    for key, label, score in MonthlyRanking.objects.filter(
        scope=RankingScope.REGION, month__in=[dt.date(year, mm, 1) for mm in months]
    ).values_list("key", "label", "score"):
        monthly[key].append(score)
        labels[key] = label
    quarters = [period] if kind == ReviewKind.QUARTER else [2 * period - 1, 2 * period]
    q_scores: dict[str, list[Decimal]] = defaultdict(list)
    for key, score in ReviewScore.objects.filter(
        kind=ReviewKind.QUARTER, year=year, period__in=quarters
    ).values_list("region_id", "score"):
        q_scores[key].append(score)
    h_scores = dict(
        ReviewScore.objects.filter(kind=ReviewKind.HALF_YEAR, year=year, period=period).values_list(
            "region_id", "score"
        )
        if kind == ReviewKind.HALF_YEAR
        else []
    )
    weights = method.period.get(kind) or DEFAULT_PERIOD[kind]
    keys = set(monthly) | set(q_scores) | set(h_scores)
    labels |= dict(Region.objects.filter(code__in=keys - set(labels)).values_list("code", "name"))
    out: list[PeriodRow] = []
    for key in keys:
        parts = {
            "monthly": _mean(monthly.get(key)),
            "quarter": _mean(q_scores.get(key)),
            "half": h_scores.get(key),
        }
        used = {k: v for k, v in parts.items() if v is not None and weights.get(k)}
        total_w = sum(Decimal(str(weights[k])) for k in used)
        score = (
            sum((Decimal(str(weights[k])) * v for k, v in used.items()), Decimal(0)) / total_w
            if total_w
            else Decimal(0)
        )
        out.append(
            PeriodRow(
                key,
                labels.get(key, key),
                parts["monthly"],
                parts["quarter"],
                parts["half"],
                score.quantize(CENT, ROUND_HALF_UP),
            )
        )
    out.sort(key=lambda r: (-r.score, r.key))
    for i, row in enumerate(out):
        row.rank = out[i - 1].rank if i and out[i - 1].score == row.score else i + 1
    return out


def _mean(values: list[Decimal] | None) -> Decimal | None:
    if not values:
        return None
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, ROUND_HALF_UP)

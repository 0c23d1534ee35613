"""月评比: the monthly ranking of counties (or departments) computed from the project data.

The formula, its defaults and its source are documented in
:mod:`chainboard_analytics.projects.ranking`; this module counts each county's inputs from the
tables (one aggregate query per component) and hands them over as plain numbers. The weights,
benchmarks and caps are a :class:`RankingMethod` row, editable in the admin.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
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
from chainboard_analytics.projects.ranking import COMPONENTS as COMPONENTS  # column labels
from chainboard_analytics.projects.ranking import (
    COUNT_COMPONENTS,
    DEFAULT_COMPONENTS,
    DEFAULT_PERIOD,
    PER_LABELS,
    MonthInputs,
    competition_ranks,
    component_values,
    filed_on_time,
    mean_score,
    mondays,
    period_score,
    score_components,
    under_construction,
)
from chainboard_analytics.projects.ranking import MISSING as MISSING
from chainboard_analytics.projects.ranking import SCORE_LABELS as SCORE_LABELS
from chainboard_analytics.projects.ranking import VALUE_LABELS as VALUE_LABELS

DEFAULT_METHOD_NAME = "默认月评比办法"


def ranking_method_default() -> RankingMethod:
    """The default method (not saved): the defaults of the analytics module."""
    return RankingMethod(
        name=DEFAULT_METHOD_NAME, components=DEFAULT_COMPONENTS, period=DEFAULT_PERIOD
    )


def ranking_method_get() -> RankingMethod:
    """The newest active method, else the default one, unsaved: reading never writes (the
    migration creates the default row, ``services.ranking_store`` re-creates it if deleted)."""
    return RankingMethod.objects.filter(active=True).first() or ranking_method_default()


def method_rows(method: RankingMethod) -> list[tuple[str, dict[str, Any]]]:
    """The method's components for the formula table: key → weight, benchmark, cap, the
    Chinese label (an unknown key is shown as it is stored), the value's unit and the size base
    of a normalised count."""
    rows = []
    for k, c in (method.components or {}).items():
        per = PER_LABELS.get(str(c.get("per") or ""), "")
        unit = "比值" if k not in COUNT_COMPONENTS else (f"个/{per[1:]}" if per else "个")
        rows.append((k, {**c, "label": COMPONENTS.get(k, k), "unit": unit, "per_label": per}))
    return rows


def profile_text(method: RankingMethod) -> str:
    """The monthly profile of the plan in words: "每月1/12" or the 12 shares as percentages."""
    profile = method.plan_profile or []
    if not profile:
        return "每月 1/12（均匀）"
    total = sum(profile)
    return "，".join(f"{m}月{100 * p / total:.1f}%" for m, p in enumerate(profile, 1))


def latest_month() -> dt.date | None:
    """The latest month with a stored ranking."""
    return MonthlyRanking.objects.order_by("-month").values_list("month", flat=True).first()


def ranking_months() -> list[dt.date]:
    """Every month with a stored ranking, latest first."""
    return list(
        MonthlyRanking.objects.values_list("month", flat=True).distinct().order_by("-month")
    )


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass
class RankRow:
    key: str
    label: str
    values: dict[str, float | None] = field(default_factory=dict)
    scores: dict[str, Decimal] = field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0
    previous_rank: int | None = None
    #: The raw counts of the count components (a normalised value is per 100, not a count).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[str, Decimal | None]]:
        """``(component, score)`` in column order; ``None``: 缺 (the neutral rule)."""
        return [(k, self.scores.get(k)) for k in COMPONENTS]

    def column_value(self, key: str) -> float | None:
        """The value under the component's 数值 heading (VALUE_LABELS): the raw count for
        the count components (their heading says （个）, also when the method scores them per
        100), else the rate; ``None``: 缺."""
        if key in COUNT_COMPONENTS and key in self.counts:
            return self.counts[key]
        return self.values.get(key)

    @property
    def pairs(self) -> list[tuple[str, str, Decimal | None]]:
        """``(component, value text, score)`` in column order: what the value is (a rate in %,
        a count in 个, a normalised count per 100 beside its count) next to its sub-score, so
        "新签约 15.00" reads "2 个 → 15.00 分"; ``None`` score: 缺."""
        out = []
        for k in COMPONENTS:
            value = self.values.get(k)
            if k in COUNT_COMPONENTS:
                count = self.counts.get(k)
                if count is None and value is not None:  # stored before counts were kept
                    text = f"{value:g}"
                else:
                    text = f"{count} 个" if count is not None else MISSING
                    if value is not None and count is not None and value != count:
                        text += f"（每百 {value:.2f}）"
                    elif value is None and count is not None:
                        text += f"（每百 {MISSING}）"
            else:
                text = MISSING if value is None else f"{100 * value:.1f}%"
            out.append((k, text, self.scores.get(k)))
        return out

    @property
    def move(self) -> int | None:
        """Places gained since last month (positive = up)."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


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
    big = dict(  # signed this year to date, not ever
        qs.filter(signed_on__gte=jan1, signed_on__lte=end, total_investment_wan_yuan__gte=YI)
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
    per = {
        k: str(c["per"])
        for k, c in (method.components or {}).items()
        if isinstance(c, dict) and c.get("per")
    }
    pool = (
        dict(qs.values_list(group).annotate(n=Count("pk")).values_list(group, "n"))
        if "projects" in per.values()
        else {}
    )
    firms = _above_scale_firms(scope) if "firms" in per.values() else {}

    keys = set(qs.values_list(group, flat=True).distinct())
    labels = _labels(keys, scope)
    rows: list[RankRow] = []
    for key in keys:
        n_due, n_ok = starts.get(key, (0, 0))
        n_raised, n_resolved = problems.get(key, (0, 0))
        inputs = MonthInputs(
            done_wan_yuan=float(done.get(key) or 0),
            plan_wan_yuan=float(plan.get(key) or 0),
            starts_due=n_due,
            starts_on_time=n_ok,
            signed=signed.get(key, 0),
            over_100m=big.get(key, 0),
            problems_raised=n_raised,
            problems_resolved=n_resolved,
            weeks_expected=expected.get(key, 0),
            weeks_on_time=on_time.get(key, 0),
            pool_projects=pool.get(key, 0),
            above_scale_firms=firms.get(key),
        )
        values = component_values(inputs, first.month, profile=method.plan_profile or None, per=per)
        scores, total = score_components(values, method.components)
        row = RankRow(str(key), labels.get(key, str(key)), values, scores, total)
        row.counts = {"new_signed": inputs.signed, "over_100m": inputs.over_100m}
        rows.append(row)
    return _rank(rows)


def _rank(rows: list[RankRow]) -> list[RankRow]:
    """Order ``rows`` by score and set their competition rank (ties share a rank)."""
    by_key = {r.key: r for r in rows}
    out = []
    for key, _score, rank in competition_ranks((r.key, r.score) for r in rows):
        by_key[key].rank = rank
        out.append(by_key[key])
    return out


def _above_scale_firms(scope: str) -> dict[Any, int]:
    """规上 industrial firms per county (by the county's path prefix: firms registered in a
    township count for their county); departments have no size in firms (→ 缺)."""
    if scope != RankingScope.REGION:
        return {}
    from chainboard.enterprises.models import Enterprise

    counties = dict(Region.objects.filter(level="county").values_list("path", "code"))
    out: dict[Any, int] = defaultdict(int)
    for path, n in (
        Enterprise.objects.filter(above_scale=True)
        .values_list("region__path")
        .annotate(n=Count("pk"))
        .values_list("region__path", "n")
    ):
        for prefix, code in counties.items():
            if path.startswith(prefix):
                out[code] += n
                break
    return out


def _labels(keys: set[Any], scope: str) -> dict[Any, str]:
    if scope == RankingScope.REGION:
        return dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    return {k: k for k in keys}


def _punctuality(
    qs: QuerySet[Project], upd: QuerySet[ProjectUpdate], group: str, first: dt.date, end: dt.date
) -> tuple[dict[Any, int], dict[Any, int]]:
    weeks = mondays(first, end)
    expected: dict[Any, int] = defaultdict(int)
    building: dict[int, Any] = {}
    for pk, key, started, producing in qs.filter(
        started_on__isnull=False, started_on__lte=end
    ).values_list("pk", group, "started_on", "producing_on"):
        for monday in weeks:
            if under_construction(monday, started, producing):
                expected[key] += 1
                building.setdefault(pk, key)
    on_time: dict[Any, int] = defaultdict(int)
    if weeks:
        for pk, week, submitted in upd.filter(week__in=weeks).values_list(
            "project_id", "week", "submitted_at"
        ):
            key = building.get(pk)
            if key is not None and filed_on_time(submitted.date(), week, UPDATE_GRACE_DAYS):
                on_time[key] += 1
    return expected, on_time


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
                {
                    k: Decimal(v["score"])
                    for k, v in r.components.items()
                    if v.get("score") is not None
                },
                r.score,
                r.rank,
                counts={
                    k: int(v["count"])
                    for k, v in r.components.items()
                    if v.get("count") is not None
                },
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
    #: Review scores not entered (shown as 缺), e.g. ``["第2季度观摩"]``.
    missing: list[str] = field(default_factory=list)


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
    q_seen: dict[str, set[int]] = defaultdict(set)
    for key, q, score in ReviewScore.objects.filter(
        kind=ReviewKind.QUARTER, year=year, period__in=quarters
    ).values_list("region_id", "period", "score"):
        if score is not None:
            q_scores[key].append(score)
            q_seen[key].add(q)
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
            "monthly": mean_score(monthly.get(key)),
            "quarter": mean_score(q_scores.get(key)),
            "half": h_scores.get(key),
        }
        missing = [f"第{q}季度观摩" for q in quarters if q not in q_seen[key]]
        if kind == ReviewKind.HALF_YEAR and parts["half"] is None:
            missing.append("半年考核")
        out.append(
            PeriodRow(
                key,
                labels.get(key, key),
                parts["monthly"],
                parts["quarter"],
                parts["half"],
                period_score(parts, weights),
                missing=missing,
            )
        )
    ranks = {k: r for k, _s, r in competition_ranks((row.key, row.score) for row in out)}
    for row in out:
        row.rank = ranks[row.key]
    return sorted(out, key=lambda r: (r.rank, r.key))

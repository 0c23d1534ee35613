"""Reads of 季观摩 events and the 半年考核: routes, score sheets, the score matrix and results.

Every official sees the city's events (``accounts.scope.site_review_q``); the matrix and the
county results list only the projects and counties in the user's scope (a county user sees its
own county's scores). A reviewer's scoring page shows the whole route (they visit every stop)
but only their own sheets. Formulas: ``chainboard_analytics.projects.site_review``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max, QuerySet

from chainboard.accounts.scope import project_q, regions_visible, site_review_q
from chainboard.core.errors import NotFound
from chainboard.geo.models import Region
from chainboard.projects.models import (
    MonthlyRanking,
    RankingScope,
    ReviewKind,
    ReviewScore,
    ReviewSheet,
    SiteReview,
    SiteReviewStatus,
    SiteReviewStop,
)
from chainboard_analytics.projects.ranking import competition_ranks
from chainboard_analytics.projects.site_review import (
    ASSESSMENT_LABELS,
    RULES,
    ReviewMethod,
    aggregate,
    county_scores,
    half_year_score,
    rank_points,
    review_method,
)

HALVES = {1: "上半年", 2: "下半年"}


def events_visible(user: Any) -> QuerySet[SiteReview]:
    return SiteReview.objects.filter(site_review_q(user))


def event_get(user: Any, pk: int) -> SiteReview:
    event = events_visible(user).filter(pk=pk).first()
    if event is None:
        raise NotFound("观摩活动不存在或不在您的范围内")
    return event


def event_list(user: Any) -> list[SiteReview]:
    return list(events_visible(user).prefetch_related("reviewers", "stops"))


def rule_text(event: SiteReview) -> str:
    """The aggregation rule as the pages (and the stored score's note) state it."""
    return ReviewMethod(
        criteria=(), rule=event.rule, trim_min_reviewers=event.trim_min_reviewers
    ).rule_text()


def route(event: SiteReview) -> list[SiteReviewStop]:
    """The stops in visiting order, with their projects and counties."""
    return list(event.stops.select_related("project", "project__region").order_by("position"))


def route_visible(event: SiteReview, user: Any) -> tuple[list[SiteReviewStop], int]:
    """The stops whose projects the user sees, and how many others the route has (shown as a
    count: a county user does not read other counties' project names on the event page)."""
    stops = route(event)
    seen = _scoped_projects(event, user)
    mine = [s for s in stops if s.project in seen]
    return mine, len(stops) - len(mine)


def own_sheets(event: SiteReview, user: Any) -> dict[int, ReviewSheet]:
    """The user's sheets of ``event`` by project id (with their photos)."""
    return {
        s.project_id: s
        for s in ReviewSheet.objects.filter(review=event, reviewer=user).prefetch_related("photos")
    }


@dataclass
class MatrixRow:
    position: int
    project: Any
    totals: list[Decimal | None]  # per reviewer (columns), None = not scored
    score: Decimal | None  # the aggregate (rule of the event)
    comments: list[tuple[str, str]] = field(default_factory=list)
    photos: list[Any] = field(default_factory=list)


def matrix(event: SiteReview, user: Any) -> tuple[list[Any], list[MatrixRow]]:
    """Reviewers (columns) and one row per route project in the user's scope: each reviewer's
    sheet total, the project's aggregate, comments and photos."""
    reviewers = list(event.reviewers.order_by("username"))
    stops = [s for s in route(event) if s.project in _scoped_projects(event, user)]
    sheets: dict[tuple[int, int | None], ReviewSheet] = {
        (s.project_id, s.reviewer_id): s
        for s in ReviewSheet.objects.filter(
            review=event, project__in=[s.project for s in stops]
        ).prefetch_related("photos")
    }
    rows = []
    for stop in stops:
        cells = [sheets.get((stop.project_id, r.pk)) for r in reviewers]
        totals = [c.total if c else None for c in cells]
        present = [t for t in totals if t is not None]
        rows.append(
            MatrixRow(
                stop.position,
                stop.project,
                totals,
                aggregate(present, rule=event.rule, trim_min=event.trim_min_reviewers),
                [
                    (str(r), c.comment)
                    for r, c in zip(reviewers, cells, strict=True)
                    if c and c.comment
                ],
                [p for c in cells if c for p in c.photos.all()],
            )
        )
    return reviewers, rows


def _scoped_projects(event: SiteReview, user: Any) -> set[Any]:
    from chainboard.projects.models import Project

    return set(
        Project.objects.filter(project_q(user)).filter(pk__in=event.stops.values("project_id"))
    )


def event_county_results(event: SiteReview, user: Any) -> list[dict[str, Any]]:
    """Per county in the user's scope: this event's score (mean of its scored projects) and the
    stored 季观摩 score of the quarter (all closed events of the quarter)."""
    _reviewers, rows = matrix(event, user)
    scores = county_scores(
        {r.project.pk: r.score for r in rows}, {r.project.pk: r.project.region_id for r in rows}
    )
    names = {r.project.region_id: r.project.region.name for r in rows}
    stored = dict(
        ReviewScore.objects.filter(
            kind=ReviewKind.QUARTER, year=event.year, period=event.quarter, region_id__in=names
        ).values_list("region_id", "score")
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        counts[r.project.region_id][0] += 1
        counts[r.project.region_id][1] += r.score is not None
    return [
        {
            "code": code,
            "name": names[code],
            "score": scores.get(code),
            "quarter": stored.get(code),
            "projects": counts[code][0],
            "scored": counts[code][1],
        }
        for code in sorted(names)
    ]


def quarter_scores(year: int, quarter: int) -> dict[str, Decimal]:
    """County code → 季观摩 score from the sheets of every closed event of the quarter (each
    project aggregated with its event's rule; a project on two routes counts once per event)."""
    per_project: dict[Any, Decimal | None] = {}
    county_of: dict[Any, str] = {}
    totals: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    events = {
        e.pk: e
        for e in SiteReview.objects.filter(
            year=year, quarter=quarter, status=SiteReviewStatus.CLOSED
        )
    }
    for event_id, project_id, region_id, total in ReviewSheet.objects.filter(
        review_id__in=events
    ).values_list("review_id", "project_id", "project__region_id", "total"):
        totals[event_id, project_id].append(total)
        county_of[event_id, project_id] = region_id
    for key, values in totals.items():
        e = events[key[0]]
        per_project[key] = aggregate(values, rule=e.rule, trim_min=e.trim_min_reviewers)
    return county_scores(per_project, county_of)


def route_candidates(user: Any, on_route: dict[int, int]) -> list[tuple[Any, int | None]]:
    """Projects an officer may put on a route (the 在建 pool of their scope, not archived, and
    those already on it) with their current position."""
    from chainboard.projects.models import POOLS, Project

    building = Project.objects.filter(
        project_q(user), archived=False, stage__in=POOLS["building"][1]
    )
    qs = building | Project.objects.filter(pk__in=on_route)
    projects = qs.distinct().select_related("region").order_by("region__code", "code")
    return [(p, on_route.get(p.pk)) for p in projects]


def projects_by_code(user: Any, codes: list[str]) -> dict[str, Any]:
    """The projects of ``codes`` the user sees (a code missing from the answer: not found)."""
    from chainboard.projects.models import Project

    return {p.code: p for p in Project.objects.filter(project_q(user), code__in=codes)}


def reviewer_candidates(event: SiteReview) -> list[tuple[Any, bool]]:
    """Active officials who may be reviewers, and whether each is one of ``event``'s."""
    from chainboard.accounts.models import User
    from chainboard.accounts.scope import can_be_reviewer

    chosen = set(event.reviewers.values_list("pk", flat=True))
    users = User.objects.filter(is_active=True).order_by("username")
    return [(u, u.pk in chosen) for u in users if can_be_reviewer(u)]


def users_by_id(ids: list[str]) -> list[Any]:
    from chainboard.accounts.models import User

    return list(User.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]))


def photo_get(user: Any, pk: int) -> Any:
    """A 观摩 photo for its reviewer and for those who see the project; else ``NotFound``."""
    from chainboard.accounts.scope import can_see_project
    from chainboard.projects.models import ReviewPhoto

    p = ReviewPhoto.objects.select_related("sheet__project__region").filter(pk=pk).first()
    if p is None or not (p.sheet.reviewer_id == user.pk or can_see_project(user, p.sheet.project)):
        raise NotFound("照片不存在或不在您的范围内")
    return p


# --- 半年考核 -----------------------------------------------------------------------------------


@dataclass
class HalfRow:
    code: str
    name: str
    months: list[tuple[dt.date, int | None, int, Decimal | None]]  # month, rank, n, points
    quarters: list[tuple[int, Decimal | None, SiteReview | None]]  # quarter, score, its event
    monthly_rank: Decimal | None
    review: Decimal | None
    score: Decimal
    rank: int = 0


def latest_half() -> tuple[int, int] | None:
    """The newest half-year with a stored 月评比 or 季观摩 score, as (year, 1 | 2): the 半年考核 page
    opens on it (the current half has nothing to show before its first month is ranked)."""
    halves: list[tuple[int, int]] = []
    month = MonthlyRanking.objects.filter(scope=RankingScope.REGION).aggregate(m=Max("month"))["m"]
    if month is not None:
        halves.append((month.year, 1 if month.month <= 6 else 2))
    review = (
        ReviewScore.objects.filter(kind=ReviewKind.QUARTER)
        .order_by("-year", "-period")
        .values_list("year", "period")
        .first()
    )
    if review is not None:
        halves.append((review[0], 1 if review[1] <= 2 else 2))
    return max(halves) if halves else None


def half_year(user: Any, year: int, half: int) -> tuple[ReviewMethod, list[HalfRow]]:
    """The 半年考核 of the counties in the user's scope (ranked among all ranked counties)."""
    from chainboard.projects.selectors.ranking import ranking_method_get

    method = review_method(ranking_method_get().review)
    months = [dt.date(year, m, 1) for m in range(6 * half - 5, 6 * half + 1)]
    quarters = [2 * half - 1, 2 * half]
    ranked: dict[dt.date, dict[str, int]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for month, key, label, rank in MonthlyRanking.objects.filter(
        scope=RankingScope.REGION, month__in=months
    ).values_list("month", "key", "label", "rank"):
        ranked[month][key] = rank
        labels[key] = label
    sizes = {m: len(v) for m, v in ranked.items()}
    reviews: dict[str, dict[int, Decimal]] = defaultdict(dict)
    sources: dict[tuple[str, int], int | None] = {}
    for code, q, score, source in ReviewScore.objects.filter(
        kind=ReviewKind.QUARTER, year=year, period__in=quarters
    ).values_list("region_id", "period", "score", "source_id"):
        reviews[code][q] = score
        sources[code, q] = source
    events = {e.pk: e for e in SiteReview.objects.filter(pk__in=[s for s in sources.values() if s])}
    keys = set(labels) | set(reviews)
    labels |= dict(Region.objects.filter(code__in=keys - set(labels)).values_list("code", "name"))
    rows: list[HalfRow] = []
    for key in keys:
        month_cells: list[tuple[dt.date, int | None, int, Decimal | None]] = []
        pairs = []
        for m in months:
            r = ranked.get(m, {}).get(key)
            n = sizes.get(m, 0)
            month_cells.append((m, r, n, rank_points(r, n) if r else None))
            if r:
                pairs.append((r, n))
        q_cells = [
            (q, reviews[key].get(q), events.get(sources.get((key, q)) or 0)) for q in quarters
        ]
        result = half_year_score(
            pairs, [s for _q, s, _e in q_cells if s is not None], method.weights
        )
        rows.append(
            HalfRow(
                key,
                labels.get(key, key),
                month_cells,
                q_cells,
                result.monthly_rank,
                result.review,
                result.score,
            )
        )
    ranks = {k: rank for k, _s, rank in competition_ranks((row.code, row.score) for row in rows)}
    for row in rows:
        row.rank = ranks[row.code]
    visible = set(regions_visible(user).filter(code__in=keys).values_list("code", flat=True))
    shown = [row for row in rows if row.code in visible]
    return method, sorted(shown, key=lambda row: (row.rank, row.code))


__all__ = [
    "ASSESSMENT_LABELS",
    "HALVES",
    "RULES",
    "HalfRow",
    "MatrixRow",
    "event_county_results",
    "event_get",
    "event_list",
    "events_visible",
    "half_year",
    "matrix",
    "own_sheets",
    "photo_get",
    "projects_by_code",
    "quarter_scores",
    "reviewer_candidates",
    "route",
    "route_candidates",
    "route_visible",
    "rule_text",
    "users_by_id",
]

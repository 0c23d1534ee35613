"""Every read of 政企直通车, starting from ``accounts.scope.firm_request_q``."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from statistics import mean
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chainboard.accounts.scope import firm_request_q, home_region, regions_visible
from chainboard.core.errors import NotFound
from chainboard.firmrequests.models import (
    OPEN_STATUSES,
    Category,
    Department,
    FirmRequest,
    RoutingRule,
    Status,
)


def request_list(*, user: Any) -> QuerySet[FirmRequest]:
    return FirmRequest.objects.filter(firm_request_q(user)).select_related(
        "enterprise", "region", "department", "department__region", "chain"
    )


def request_get(*, user: Any, pk: int) -> FirmRequest:
    req = (
        request_list(user=user)
        .select_related("raised_by")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
    if req is None:
        raise NotFound("诉求不存在或不在您的管辖范围")
    return req


def request_steps(req: FirmRequest) -> QuerySet[Any]:
    return req.steps.select_related("actor", "department", "department__region").order_by(
        "at", "pk"
    )


def overdue_q(today: date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(status__in=OPEN_STATUSES, due_on__lt=today)


def departments_for(req: FirmRequest) -> QuerySet[Department]:
    """Departments a request may be transferred to: its county's and those of regions above."""
    return Department.objects.filter(region__path__in=_ancestors(req.region.path)).select_related(
        "region"
    )


def departments_visible(*, user: Any) -> QuerySet[Department]:
    """Departments of the regions the user sees and of the regions above the user's own."""
    q = Q(region__in=regions_visible(user))
    home = home_region(user)
    if home is not None:
        q |= Q(region__path__in=_ancestors(home.path))
    return Department.objects.filter(q).select_related("region")


def _ancestors(path: str) -> list[str]:
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


def rule_list(*, user: Any) -> QuerySet[RoutingRule]:
    """The default rules and those of the regions the user sees or lies in."""
    q = Q(region__isnull=True) | Q(region__in=regions_visible(user))
    home = home_region(user)
    if home is not None:
        q |= Q(region__path__in=_ancestors(home.path))
    return RoutingRule.objects.filter(q).select_related(
        "region", "department", "department__region"
    )


# --- dashboard ---------------------------------------------------------------------------------


def dashboard(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """Open/overdue by department and county, average handling time (raised → answered, days),
    satisfaction (mean rating, share of 4–5), recurring problems by category × chain."""
    today = today or timezone.localdate()
    qs = request_list(user=user).order_by()
    overdue = overdue_q(today)
    open_ = Q(status__in=OPEN_STATUSES)
    totals = qs.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=overdue),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        escalated=Count("pk", filter=Q(escalation_level__gt=0)),
        rated=Count("pk", filter=Q(rating__isnull=False)),
        satisfied=Count("pk", filter=Q(rating__gte=4)),
    )
    by_department = list(
        qs.values("department__region__name", "department__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=overdue),
        )
        .order_by("-overdue", "-open", "department__region__name", "department__name")
    )
    by_county = list(
        qs.values("region__code", "region__name")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=open_),
            overdue=Count("pk", filter=overdue),
            escalated=Count("pk", filter=Q(escalation_level__gt=0)),
        )
        .order_by("region__code")
    )
    times: dict[str, list[float]] = defaultdict(list)
    ratings: dict[str, list[int]] = defaultdict(list)
    for created, answered, rating, dept in qs.values_list(
        "created_at", "answered_at", "rating", "department__name"
    ):
        key = dept or "未分办"
        if answered is not None:
            times[key].append((answered - created).total_seconds() / 86400)
        if rating is not None:
            ratings[key].append(rating)
    all_times = [t for ts in times.values() for t in ts]
    all_ratings = [r for rs in ratings.values() for r in rs]
    for row in by_department:
        key = row["department__name"] or "未分办"
        row["avg_days"] = mean(times[key]) if times[key] else None
        row["rating"] = mean(ratings[key]) if ratings[key] else None
    labels = dict(Category.choices)
    recurring = [
        {
            "category": labels.get(r["category"], r["category"]),
            "category_code": r["category"],
            "chain": r["chain__name"] or "未挂链",
            "n": r["n"],
            "open": r["open"],
        }
        for r in qs.values("category", "chain__name")
        .annotate(n=Count("pk"), open=Count("pk", filter=open_))
        .order_by("-n", "category", "chain__name")[:15]
    ]
    by_category = Counter(dict(qs.values_list("category").annotate(n=Count("pk"))))
    return {
        "today": today,
        "totals": totals,
        "avg_days": mean(all_times) if all_times else None,
        "rating": mean(all_ratings) if all_ratings else None,
        "satisfied_share": (totals["satisfied"] / totals["rated"]) if totals["rated"] else None,
        "by_department": by_department,
        "by_county": by_county,
        "recurring": recurring,
        "by_category": [(labels[c], by_category.get(c, 0)) for c in Category.values],
    }

"""指挥部: the projects home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chainboard.projects import selectors
from chainboard.projects.selectors import ranking, targets


@login_required
def home(request: HttpRequest) -> HttpResponse:
    items = selectors.alerts(user=request.user)
    latest = ranking.latest_month()
    context = {
        "pools": selectors.pools_summary(user=request.user),
        "alerts_by_region": selectors.alerts_by_region(items),
        "alert_count": len(items),
        "ranking": ranking.ranking_with_moves(latest)[:5] if latest else [],
        "ranking_month": latest or timezone.localdate().replace(day=1),
        "task_summary": targets.task_summary(targets.tasks_visible(request.user)),
    }
    return render(request, "projects/home.html", context)

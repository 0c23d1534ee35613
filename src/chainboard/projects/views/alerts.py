"""预警: overdue milestones, stale projects and investment behind plan, by county."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chainboard.projects import selectors
from chainboard.projects.filters import AlertQuery


@login_required
def alerts_page(request: HttpRequest) -> HttpResponse:
    query = AlertQuery(request.GET).values()
    items = selectors.alerts(user=request.user, region=query["region"] or None)
    by_region = selectors.alerts_by_region(items)
    if query["kind"]:
        items = [a for a in items if a.kind == query["kind"]]
    context = {
        "items": items[:500],
        "count": len(items),
        "by_region": by_region,
        "kinds": selectors.ALERT_KINDS,
        "region": query["region"] or None,
        "kind": query["kind"] or None,
    }
    return render(request, "projects/alerts.html", context)

"""预警: overdue milestones, stale projects and investment behind plan, by county and severity;
paged, filtered, and exported as xlsx (the same filters)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from chainboard.accounts.services import security_event_record
from chainboard.projects import exports, selectors
from chainboard.projects.filters import AlertQuery
from chainboard.projects.views._common import attachment

PAGE_SIZE = 50


def _alerts(request: HttpRequest) -> tuple[dict[str, Any], list[selectors.Alert], list[Any]]:
    """The parameters, the alerts they select (most severe first) and the per-county counts
    (of the county filter only, so the county links show every kind)."""
    query = AlertQuery(request.GET).values()
    items = selectors.alerts(user=request.user, region=query["region"] or None)
    by_region = selectors.alerts_by_region(items)
    if query["kind"]:
        items = [a for a in items if a.kind == query["kind"]]
    if query["severity"]:
        items = [a for a in items if a.severity == query["severity"]]
    if query["q"]:
        needle = query["q"].strip().lower()
        items = [
            a for a in items if needle in a.project.name.lower() or needle in a.project.code.lower()
        ]
    return query, items, by_region


@login_required
def alerts_page(request: HttpRequest) -> HttpResponse:
    query, items, by_region = _alerts(request)
    counts = {key: 0 for key in selectors.SEVERITIES}
    for a in items:
        counts[a.severity] += 1
    page = Paginator(items, PAGE_SIZE).get_page(query["page"] or 1)
    context = {
        "page": page,
        "items": page.object_list,
        "count": len(items),
        "severity_counts": [
            {"key": k, "label": label, "n": counts[k]} for k, label in selectors.SEVERITIES.items()
        ],
        "by_region": by_region,
        "kinds": selectors.ALERT_KINDS,
        "severities": selectors.SEVERITIES,
        "query": query,
        "region": query["region"] or None,
        "kind": query["kind"] or None,
    }
    return render(request, "projects/alerts.html", context)


@login_required
def alerts_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered alerts (every page) as xlsx, named 项目预警-<date>.xlsx."""
    _, items, _ = _alerts(request)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"项目预警-{stamp}.xlsx"
    security_event_record("export", request=request, target="项目预警", detail=name)
    return attachment(exports.alerts_xlsx(items), name)

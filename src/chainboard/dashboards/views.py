from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chainboard.dashboards import charts
from chainboard.enterprises.selectors import dashboard_figures


@login_required
def home(request: HttpRequest) -> HttpResponse:
    figures = dashboard_figures(user=request.user)
    latest = figures["years"][-1] if figures["years"] else None
    previous = figures["years"][-2] if len(figures["years"]) > 1 else None
    growth = None
    if latest and previous and previous["revenue"]:
        growth = (latest["revenue"] / previous["revenue"] - 1) * 100
    context = {
        "figures": figures,
        "latest": latest,
        "growth": growth,
        "chart_regions": charts.firms_by_region(figures["by_region"]),
        "chart_divisions": charts.firms_by_division(figures["by_division"]),
        "chart_trend": charts.revenue_trend(figures["years"]),
    }
    return render(request, "dashboards/home.html", context)

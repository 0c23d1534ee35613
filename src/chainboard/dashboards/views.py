"""驾驶舱 (home), 大屏 (wall display) and 企业画像 (a firm's profile): thin views over
:mod:`chainboard.dashboards.selectors`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from chainboard.accounts.scope import can_see_overviews, require_overview_reader
from chainboard.core.errors import NotFound
from chainboard.dashboards import charts, selectors
from chainboard.enterprises.selectors import enterprise_get
from chainboard.reporting.selectors import open_entries_of as report_entries

#: seconds between two panels of the 大屏, and between two reloads of its data
ROTATE_SECONDS = 15
REFRESH_SECONDS = 300


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The 驾驶舱 of the user's scope; an enterprise user lands on its own 企业画像."""
    user: Any = request.user
    if not can_see_overviews(user):
        firm = user.scope_enterprise
        if firm is None:
            raise Http404("该账号未关联企业")
        return redirect("dashboards:profile", uscc=firm.uscc)
    data = selectors.cockpit(user=user)
    context = {"c": data, "charts": charts.cockpit_charts(data)}
    return render(request, "dashboards/home.html", context)


def _seconds(request: HttpRequest, name: str, default: int, low: int) -> int:
    text = request.GET.get(name, "")
    return max(low, int(text)) if text.isdigit() else default


@login_required
def screen(request: HttpRequest) -> HttpResponse:
    """The 大屏: full-screen, dark, every panel on one 16:9 screen, rotating detail panels."""
    user = require_overview_reader(request.user)
    data = selectors.cockpit(user=user)
    context = {
        "c": data,
        "charts": charts.cockpit_charts(data, dark=True),
        "rotate": _seconds(request, "rotate", ROTATE_SECONDS, 3),
        "refresh": _seconds(request, "refresh", REFRESH_SECONDS, 30),
        "now": timezone.localtime(),
    }
    return render(request, "dashboards/screen.html", context)


@login_required
def profile(request: HttpRequest, uscc: str) -> HttpResponse:
    """企业画像: one firm's segments, 亩均 classes, tier gaps, projects, supply risk, 异议."""
    try:
        firm = enterprise_get(user=request.user, uscc=uscc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    data = selectors.profile(user=request.user, enterprise=firm)
    context = {
        "p": data,
        "chart": charts.class_trend(data["results"]),
        # not cached with the profile: a 填报 changes state many times a day
        "report_entries": report_entries(user=request.user, enterprise=firm),
    }
    return render(request, "dashboards/profile.html", context)

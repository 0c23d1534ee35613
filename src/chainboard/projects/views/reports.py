"""The report downloads: 产业链发展项目情况表, 周调度表, 月评比通报 (xlsx, PDF)."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from chainboard.core.errors import NotFound
from chainboard.projects import reports
from chainboard.projects.models import week_start
from chainboard.projects.params import week_param, year_param
from chainboard.projects.views._common import attachment, ranking_month

FORMATS = ("xlsx", "pdf")


def _last_week() -> dt.date:
    return week_start(timezone.localdate()) - dt.timedelta(days=7)


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise NotFound("格式应为 xlsx 或 pdf")
    return fmt


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """The three reports with their period pickers."""
    context = {
        "year": timezone.localdate().year,
        "week": _last_week(),
        "month": ranking_month(request),
    }
    return render(request, "projects/reports.html", context)


@login_required
def report_chains(request: HttpRequest) -> HttpResponseBase:
    year = year_param(request.GET, timezone.localdate().year)
    data = reports.chain_workbook(user=request.user, year=year)
    return attachment(data, f"产业链发展项目情况表-{year}.xlsx")


@login_required
def report_weekly(request: HttpRequest, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    report = reports.weekly_report(user=request.user, week=week_param(request.GET, _last_week()))
    name = f"周调度表-{report.week:%Y-%m-%d}"
    if fmt == "pdf":
        return attachment(io.BytesIO(reports.weekly_pdf(report)), f"{name}.pdf")
    return attachment(reports.weekly_workbook(report), f"{name}.xlsx")


@login_required
def report_monthly(request: HttpRequest, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    report = reports.monthly_report(user=request.user, month=ranking_month(request))
    name = f"月评比通报-{report.month.year}年{report.month.month}月"
    if fmt == "pdf":
        return attachment(io.BytesIO(reports.monthly_pdf(report)), f"{name}.pdf")
    return attachment(reports.monthly_workbook(report), f"{name}.xlsx")

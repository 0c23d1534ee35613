"""The report downloads: 产业链发展项目情况表, 周调度表, 月评比通报 (xlsx now; PDF as a job).

A PDF is a background job (``projects.tasks``): ``POST reports/weekly.pdf`` checks the week
(400 before any job) and answers with the job's progress page, which offers the download.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from chainboard.core.errors import NotFound
from chainboard.jobs.services import job_start
from chainboard.projects import reports, tasks
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


def _pdf_job(request: HttpRequest, *, task: Any, kind: str, title: str, params: dict[str, str]):  # type: ignore[no-untyped-def]
    user: Any = request.user
    job = job_start(
        actor=user,
        task=task,
        kind=kind,
        title=title,
        scope_label=user.scope_label,
        params=params,
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
def report_weekly(request: HttpRequest, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    if fmt == "pdf":
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        week = week_param(request.POST, _last_week())  # a bad week: 400, no job
        return _pdf_job(
            request,
            task=tasks.weekly_report_pdf,
            kind="projects_weekly_pdf",
            title=f"周调度表 PDF · {week:%Y-%m-%d} 当周",
            params={"week": week.isoformat()},
        )
    report = reports.weekly_report(user=request.user, week=week_param(request.GET, _last_week()))
    return attachment(reports.weekly_workbook(report), f"周调度表-{report.week:%Y-%m-%d}.xlsx")


@login_required
def report_monthly(request: HttpRequest, fmt: str) -> HttpResponseBase:
    fmt = _format(fmt)
    if fmt == "pdf":
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        month = ranking_month(request)  # a bad month: 400, no job
        return _pdf_job(
            request,
            task=tasks.monthly_report_pdf,
            kind="projects_monthly_pdf",
            title=f"月评比通报 PDF · {month.year}年{month.month}月",
            params={"month": month.isoformat()},
        )
    report = reports.monthly_report(user=request.user, month=ranking_month(request))
    name = f"月评比通报-{report.month.year}年{report.month.month}月"
    return attachment(reports.monthly_workbook(report), f"{name}.xlsx")

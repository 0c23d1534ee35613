"""Background jobs of the projects app: the 周调度表 and 月评比通报 PDFs (chainboard.jobs).

The view checks the period (400 before any job) and starts the job; the worker builds the report
over the starter's scope and renders it (``core.pdf``), the job page offers the download.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django_tasks import task

from chainboard.jobs.models import Job
from chainboard.jobs.services import Outcome, Progress, run_job
from chainboard.projects import reports


def weekly_pdf_name(week: dt.date) -> str:
    return f"周调度表-{week:%Y-%m-%d}.pdf"


def monthly_pdf_name(month: dt.date) -> str:
    return f"月评比通报-{month.year}年{month.month}月.pdf"


def _weekly(job: Job, progress: Progress) -> Outcome:
    progress(0, 2, "汇总本周各区县填报情况")
    report = reports.weekly_report(
        user=job.started_by, week=dt.date.fromisoformat(job.params["week"])
    )
    progress(1, 2, "排版生成 PDF")
    return Outcome(data=reports.weekly_pdf(report), filename=weekly_pdf_name(report.week))


@task(takes_context=True)
def weekly_report_pdf(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _weekly)


def _monthly(job: Job, progress: Progress) -> Outcome:
    progress(0, 2, "读取月评比结果、预警和任务")
    report = reports.monthly_report(
        user=job.started_by, month=dt.date.fromisoformat(job.params["month"])
    )
    progress(1, 2, "排版生成 PDF")
    return Outcome(data=reports.monthly_pdf(report), filename=monthly_pdf_name(report.month))


@task(takes_context=True)
def monthly_report_pdf(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _monthly)


def assessment_pdf_name(year: int, half: int) -> str:
    return f"半年考核通报-{year}年{'上' if half == 1 else '下'}半年.pdf"


def _assessment(job: Job, progress: Progress) -> Outcome:
    progress(0, 2, "读取各月评比名次和季观摩得分")
    year, half = int(job.params["year"]), int(job.params["half"])
    report = reports.assessment_report(user=job.started_by, year=year, half=half)
    progress(1, 2, "排版生成 PDF")
    return Outcome(data=reports.assessment_pdf(report), filename=assessment_pdf_name(year, half))


@task(takes_context=True)
def assessment_pdf(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _assessment)

"""Background jobs of the evaluation app: a 亩均 run and the 评价公告 PDF (chainboard.jobs)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_tasks import task

from chainboard.evaluation import selectors, services
from chainboard.evaluation.bulletin import render_bulletin
from chainboard.jobs.models import Job
from chainboard.jobs.services import Outcome, Progress, run_job
from chainboard_analytics.evaluation import load_method


def _run(job: Job, progress: Progress) -> Outcome:
    run, created = services.evaluation_run_create(
        actor=job.started_by,
        year=int(job.params["year"]),
        method=load_method(job.params["method"]),
        progress=progress,
    )
    if not created:
        progress(3, 3, "数据和办法均未变化，沿用已有批次")
    return Outcome(url=reverse("evaluation:run", args=[run.pk]))


@task(takes_context=True)
def evaluation_run(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _run)


def bulletin_filename(run: Any) -> str:
    method = load_method(f"run-{run.pk}.yaml", text=run.method_text)
    short = method.title.split("（")[0].split("(")[0].strip() or method.title
    if run.is_draft_for_comment:
        return f"亩均评价公示稿-{run.year}年-{short}.pdf"
    return f"亩均评价公告-{run.year}年-{short}.pdf"


def _bulletin(job: Job, progress: Progress) -> Outcome:
    progress(0, 2, "读取评价结果")
    run = selectors.run_get(user=job.started_by, pk=int(job.params["run"]))
    method = load_method(f"run-{run.pk}.yaml", text=run.method_text)
    progress(1, 2, "排版生成 PDF")
    pdf = render_bulletin(run=run, user=job.started_by, method=method)
    return Outcome(data=pdf, filename=bulletin_filename(run))


@task(takes_context=True)
def evaluation_bulletin(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _bulletin)

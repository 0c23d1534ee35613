"""Background job of the supply app: a supply-risk analysis started from a chain's page.

The page stores the uploaded transactions file with the job (``job_start(inputs=…)``); the
worker runs :func:`~chainboard.supply.services.run_supply_analysis` as the starter, with the
job's progress bar, and links the chain's supply page showing the run. ``chainboard supplyrisk
run`` stays synchronous on the command line.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_tasks import task

from chainboard.jobs.models import Job
from chainboard.jobs.services import Outcome, Progress, job_input, run_job
from chainboard.supply import services


def _analysis(job: Job, progress: Progress) -> Outcome:
    params = job.params
    run, created = services.run_supply_analysis(
        actor=job.started_by,
        region=params["region"],
        transactions_path=job_input(job, params["filename"]),
        single_source_threshold=float(params["single_source_threshold"]),
        publish=bool(params["publish"]),
        source=params["source"],
        progress=progress,
    )
    if not created:
        progress(4, 4, "交易记录、企业名录和参数均未变化，沿用已有分析")
    return Outcome(url=reverse("supply:chain", args=[params["chain"]]) + f"?run={run.pk}")


@task(takes_context=True)
def supply_analysis(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _analysis)

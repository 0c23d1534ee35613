"""Background job of the imports app: committing a large previewed file (chainboard.jobs).

A preview (dry run) stays in the request: it stops after the plan and the user reads its errors
at once. Committing re-reads, re-checks and writes the file all-or-nothing; for a file of more
than ``CHAINBOARD_IMPORT_JOB_ROWS`` data rows the page starts this job instead. A file that no
longer passes (the data changed since the preview) fails the job with the located errors and a
link to the rejected batch; nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import reverse
from django_tasks import task

from chainboard.imports import services
from chainboard.jobs.models import Job
from chainboard.jobs.services import JobFailed, Outcome, Progress, run_job

SHOWN_ERRORS = 3


def _rows(progress: Progress) -> services.RowProgress:
    """The runner's row wrapper reporting to the job: rows checked, then the write."""

    def wrap(rows: Iterable[Any], total: int) -> Iterator[Any]:
        every = max(1, total // 100)
        for i, row in enumerate(rows):
            if i % every == 0:
                progress(i, total + 1, f"逐行校验（第{i + 1}行，共{total}行）")
            yield row
        progress(total, total + 1, "核对已有数据并写入（全部写入或全部不写）")

    return wrap


def _commit(job: Job, progress: Progress) -> Outcome:
    progress(0, 1, "读取文件")
    batch = services.batch_get(batch_id=int(job.params["batch"]), actor=job.started_by)
    outcome = services.batch_commit(batch=batch, actor=job.started_by, progress=_rows(progress))
    done = outcome.batch
    url = reverse("imports:batch", args=[done.pk])
    if not outcome.written:
        shown = "；".join(e.text() for e in outcome.errors[:SHOWN_ERRORS])
        more = f" 等{len(outcome.errors)}处" if len(outcome.errors) > SHOWN_ERRORS else ""
        raise JobFailed(f"复核发现错误，未写入任何数据：{shown}{more}", url=url)
    return Outcome(url=url)


@task(takes_context=True)
def import_commit(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _commit)

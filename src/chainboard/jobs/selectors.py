"""Reads of the jobs app: a user sees the jobs they started in their current scope;
superusers see every job (``accounts.scope.job_q``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chainboard.accounts.scope import job_q
from chainboard.core.errors import NotFound
from chainboard.jobs.models import FINISHED, Job


def job_list(*, user: Any) -> QuerySet[Job]:
    return Job.objects.select_related("started_by").filter(job_q(user))


def job_get(*, user: Any, pk: int) -> Job:
    job = job_list(user=user).filter(pk=pk).first()
    if job is None:
        raise NotFound("没有这个任务，或它不是您在当前权限范围内发起的")
    return job


def job_unfinished(*, user: Any, kind: str, params: dict[str, Any]) -> Job | None:
    """The user's queued or running job of ``kind`` with these ``params`` (a second click on
    the same button lands on it instead of queueing the same work twice)."""
    jobs = job_list(user=user).filter(kind=kind).exclude(status__in=FINISHED)
    return next((j for j in jobs if all(j.params.get(k) == v for k, v in params.items())), None)

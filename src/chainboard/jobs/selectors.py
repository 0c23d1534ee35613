"""Reads of the jobs app: a user sees the jobs they started; administrators see every job."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chainboard.accounts.scope import can_use_admin_site
from chainboard.core.errors import NotFound
from chainboard.jobs.models import Job


def job_list(*, user: Any) -> QuerySet[Job]:
    qs = Job.objects.select_related("started_by")
    return qs if can_use_admin_site(user) else qs.filter(started_by=user)


def job_get(*, user: Any, pk: int) -> Job:
    job = job_list(user=user).filter(pk=pk).first()
    if job is None:
        raise NotFound("没有这个任务，或它不是您发起的")
    return job

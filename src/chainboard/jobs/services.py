"""Writes of the jobs app: start a job, record its progress and outcome, recover orphans.

Every long, browser-facing piece of work goes through :func:`job_start`: it writes the
:class:`~chainboard.jobs.models.Job` row and enqueues the task in the same database (the
``django_tasks_db`` backend), so a worker sees both or neither. The task body runs under
:func:`run_job`, which marks the job running, hands the work a :class:`Progress` callback and
stores the :class:`Outcome` (a result link and/or a file under ``var/jobs/``). An uploaded input
(a transactions file) is stored beside it by :func:`job_start` (``inputs``) and deleted when the
job ends; :func:`jobs_purge` deletes result files after ``JOBS_RESULT_RETENTION_DAYS``.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from chainboard.accounts.scope import scope_key
from chainboard.core.errors import DomainError
from chainboard.jobs.models import FINISHED, Job, JobStatus, WorkerHeartbeat

log = logging.getLogger("chainboard.jobs")


@dataclass(frozen=True)
class Outcome:
    """What a finished job leaves: a page to open and/or a file to download (Chinese name)."""

    url: str = ""
    data: bytes | None = None
    filename: str = ""


class Progress:
    """``progress(done, total, phase)``: record how far the job is (phase: a Chinese label)."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __call__(self, done: int, total: int, phase: str) -> None:
        job = self.job
        job.done, job.total, job.phase = max(0, done), max(1, total), phase[:100]
        Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total, phase=job.phase)


Handler = Callable[[Job, Progress], Outcome]


class JobFailed(DomainError):
    """The work refused its input (a located error the user can fix); ``url``: a page with the
    details (an import batch with its error list), linked from the failed job."""

    def __init__(self, message: str, *, url: str = "") -> None:
        super().__init__(message)
        self.url = url


def jobs_dir() -> Path:
    return Path(settings.JOBS_DIR)


def job_start(
    *,
    actor: Any,
    task: Any,
    kind: str,
    title: str,
    scope_label: str = "",
    params: dict[str, Any] | None = None,
    inputs: dict[str, IO[bytes]] | None = None,
) -> Job:
    """Record a job for ``actor`` and enqueue ``task`` (a ``@task`` taking the job id).

    ``inputs``: files the task reads (an upload), stored under ``JOBS_DIR/<id>/input/`` before
    the task is queued (:func:`job_input`); deleted when the job ends.
    """
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        started_by=actor,
        scope_label=scope_label[:200],
        scope_key=scope_key(actor)[:120],
        params=params or {},
        task_path=task.module_path,
    )
    for name, content in (inputs or {}).items():
        path = job_input(job, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            shutil.copyfileobj(content, out, 1 << 20)
    _enqueue(job, task)
    return job


_UNSAFE = re.compile(r"[^\w.()（）\-]+")


def input_name(filename: str) -> str:
    """A stored input's file name: the user's name without folders or odd characters, so a
    located error names their file (``2025年发票.csv：列 amount …``)."""
    name = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name).strip("._") or "input"
    stem, suffix = Path(name).stem[:80], Path(name).suffix.lower()[:10]
    return f"{stem}{suffix}"


def job_input(job: Job, name: str) -> Path:
    """Where the input ``name`` of ``job`` is stored (``JOBS_DIR/<id>/input/<safe name>``)."""
    return jobs_dir() / str(job.pk) / "input" / input_name(name)


def _inputs_remove(job: Job) -> None:
    shutil.rmtree(jobs_dir() / str(job.pk) / "input", ignore_errors=True)


def _enqueue(job: Job, task: Any) -> None:
    result = task.enqueue(job.pk)
    job.task_id = str(result.id)
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)


def _store(job: Job, outcome: Outcome) -> str:
    if outcome.data is None:
        return ""
    folder = jobs_dir() / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"result{Path(outcome.filename).suffix.lower()}"
    path.write_bytes(outcome.data)
    return str(path.relative_to(jobs_dir()))


def run_job(context: Any, job_id: int, handler: Handler) -> str:
    """The body of every job task: run ``handler`` and record the outcome on the job.

    A :class:`DomainError` (bad input the user can fix) fails the job with its message; any other
    error fails it with the phase it happened in, and is re-raised so the task row and the
    worker log keep the traceback. Returns the final status.
    """
    job = Job.objects.select_related("started_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return job.status if job else "missing"
    worker_ids = list(getattr(context.task_result, "worker_ids", []) or [])
    job.status = JobStatus.RUNNING
    job.worker_id = worker_ids[-1] if worker_ids else ""
    job.attempts += 1
    job.started_at = job.started_at or timezone.now()
    job.phase = "开始处理"
    job.save(update_fields=["status", "worker_id", "attempts", "started_at", "phase"])
    try:
        outcome = handler(job, Progress(job))
        job.result_file = _store(job, outcome)
    except DomainError as exc:
        job.result_url = getattr(exc, "url", "")
        _finish(job, JobStatus.FAILED, error=f"在「{job.phase}」阶段失败：{exc.message}")
        return job.status
    except Exception:
        log.exception("job #%s (%s) failed in phase %s", job.pk, job.kind, job.phase)
        _finish(
            job,
            JobStatus.FAILED,
            error=f"在「{job.phase}」阶段出错（任务编号 #{job.pk}），请联系管理员查看后台日志",
        )
        raise
    job.result_url = outcome.url
    job.result_name = outcome.filename
    job.done = job.total
    _finish(job, JobStatus.DONE)
    return job.status


def _finish(job: Job, status: str, *, error: str = "") -> None:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    if status == JobStatus.DONE:
        job.phase = "已完成"
    job.save()
    _inputs_remove(job)


# --- workers: heartbeat and recovery --------------------------------------------------------


def heartbeat(worker_id: str, *, hostname: str, pid: int) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": hostname[:200], "pid": pid, "seen_at": timezone.now()},
    )


def heartbeat_remove(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def live_worker_ids(now: Any = None) -> list[str]:
    stale_before = (now or timezone.now()) - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return list(
        WorkerHeartbeat.objects.filter(seen_at__gte=stale_before).values_list(
            "worker_id", flat=True
        )
    )


def recover_orphans() -> list[Job]:
    """Jobs marked running whose worker stopped beating: re-queue once more, else 中断.

    Safe with several workers recovering at once: each job is taken over by a conditional
    UPDATE, and only the worker whose UPDATE matched re-enqueues it.
    """
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    alive = live_worker_ids(now)
    recovered = []
    for job in Job.objects.filter(status=JobStatus.RUNNING).exclude(worker_id__in=alive):
        old_task_id = job.task_id
        taken = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, worker_id=job.worker_id)
        if job.attempts < settings.JOBS_MAX_ATTEMPTS:
            if not taken.update(status=JobStatus.QUEUED, phase="后台进程中断，已重新排队"):
                continue
            job.refresh_from_db()
            _enqueue(job, import_string(job.task_path))
        else:
            error = f"后台进程在「{job.phase}」阶段中断，已运行{job.attempts}次仍未完成；请重新发起"
            if not taken.update(status=JobStatus.INTERRUPTED, error=error, finished_at=now):
                continue
            job.refresh_from_db()
        if old_task_id:
            DBTaskResult.objects.filter(id=old_task_id, status="RUNNING").update(
                status="FAILED", finished_at=now
            )
        log.warning("job #%s: worker %s gone, now %s", job.pk, job.worker_id, job.status)
        recovered.append(job)
    return recovered


def job_files_remove(job: Job) -> None:
    shutil.rmtree(jobs_dir() / str(job.pk), ignore_errors=True)


# --- retention ------------------------------------------------------------------------------

ORPHAN_GRACE = timedelta(hours=1)  # a folder written by a job_start still committing


@dataclass
class PurgeReport:
    results: int = 0  # jobs whose result (and input) files were deleted
    freed_bytes: int = 0
    orphans: int = 0  # folders no job refers to
    task_rows: int = 0  # finished django-tasks-db rows deleted


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def jobs_purge(*, now: Any = None, days: int | None = None) -> PurgeReport:
    """Delete what finished jobs left under ``JOBS_DIR`` once older than the retention.

    A job finished more than ``days`` (``JOBS_RESULT_RETENTION_DAYS``, 14; 0 = keep) ago loses
    its folder (result file, any input); the job row stays with ``result_purged_at`` set, so its
    page says the file was cleaned up. Folders of no job (deleted users' jobs) go after an hour;
    the queue's finished task rows (django-tasks-db) after the same retention. Running by
    ``chainboard jobs purge`` and by every worker once per ``JOBS_PURGE_EVERY_SECONDS``.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    days = settings.JOBS_RESULT_RETENTION_DAYS if days is None else days
    report = PurgeReport()
    if days <= 0:
        return report
    cutoff = now - timedelta(days=days)
    home = jobs_dir()
    old = Job.objects.filter(status__in=FINISHED, finished_at__lt=cutoff)
    for job in old.filter(result_purged_at__isnull=True):
        folder = home / str(job.pk)
        if folder.is_dir() and not folder.is_symlink():
            report.freed_bytes += _size(folder)
            shutil.rmtree(folder, ignore_errors=True)
            report.results += 1
        Job.objects.filter(pk=job.pk).update(result_purged_at=now)
    if home.is_dir():
        known = {str(pk) for pk in Job.objects.values_list("pk", flat=True)}
        for folder in sorted(home.iterdir()):
            if folder.name in known or folder.is_symlink() or not folder.is_dir():
                continue
            modified = datetime.fromtimestamp(folder.stat().st_mtime, tz=UTC)
            if now - modified > ORPHAN_GRACE:
                report.freed_bytes += _size(folder)
                shutil.rmtree(folder, ignore_errors=True)
                report.orphans += 1
    report.task_rows, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=cutoff
    ).delete()
    return report

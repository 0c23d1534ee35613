"""Job files are kept JOBS_RESULT_RETENTION_DAYS, then purged (command and worker); job scope."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from tests.factories import UserFactory

from chainboard.jobs.models import Job
from chainboard.jobs.services import jobs_purge
from chainboard.jobs.worker import Heartbeat

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _job(user, *, days_ago: float | None, status: str = "done", name: str = "周调度表.pdf") -> Job:  # type: ignore[no-untyped-def]
    """A job finished ``days_ago`` (None: still running) with a result file under JOBS_DIR."""
    from chainboard.accounts.scope import scope_key
    from chainboard.jobs.services import jobs_dir

    finished = None if days_ago is None else NOW - dt.timedelta(days=days_ago)
    job = Job.objects.create(
        kind="projects_weekly_pdf",
        title=f"周调度表 PDF · {days_ago}",
        started_by=user,
        scope_key=scope_key(user),
        task_path="chainboard.projects.tasks.weekly_report_pdf",
        status=status,
        finished_at=finished,
        result_name=name,
    )
    folder = jobs_dir() / str(job.pk)
    folder.mkdir(parents=True)
    (folder / "result.pdf").write_bytes(b"%PDF-1.7 " + b"x" * 1000)
    Job.objects.filter(pk=job.pk).update(result_file=f"{job.pk}/result.pdf")
    job.refresh_from_db()
    return job


@pytest.fixture
def jobs_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_RESULT_RETENTION_DAYS = 14
    return settings.JOBS_DIR


def test_purge_deletes_files_of_jobs_past_the_retention(jobs_dir, ningjin_user):
    old = _job(ningjin_user, days_ago=15)
    failed = _job(ningjin_user, days_ago=30, status="failed")
    recent = _job(ningjin_user, days_ago=13)
    running = _job(ningjin_user, days_ago=None, status="running")
    orphan = jobs_dir / "999999"
    orphan.mkdir()
    (orphan / "input-tx.csv").write_text("seller_uscc\n")
    an_hour_ago = (NOW - dt.timedelta(hours=2)).timestamp()
    os.utime(orphan, (an_hour_ago, an_hour_ago))
    fresh_orphan = jobs_dir / "999998"  # a job_start still committing: left alone
    fresh_orphan.mkdir()

    report = jobs_purge(now=NOW)

    assert (report.results, report.orphans) == (2, 1) and report.freed_bytes >= 2000
    assert not (jobs_dir / str(old.pk)).exists() and not (jobs_dir / str(failed.pk)).exists()
    assert not orphan.exists() and fresh_orphan.exists()
    assert (jobs_dir / str(recent.pk) / "result.pdf").is_file()
    assert (jobs_dir / str(running.pk) / "result.pdf").is_file()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.result_purged_at == NOW and recent.result_purged_at is None
    c = Client()
    c.force_login(ningjin_user)
    page = c.get(reverse("jobs:detail", args=[old.pk])).content.decode()
    assert "按保留期限清理" in page and reverse("jobs:download", args=[old.pk]) not in page
    assert c.get(reverse("jobs:download", args=[old.pk])).status_code == 404
    assert c.get(reverse("jobs:download", args=[recent.pk])).status_code == 200
    assert jobs_purge(now=NOW).results == 0  # done once


def test_retention_zero_keeps_everything(jobs_dir, ningjin_user, settings):
    settings.JOBS_RESULT_RETENTION_DAYS = 0
    old = _job(ningjin_user, days_ago=400)
    assert jobs_purge(now=NOW).results == 0
    assert (jobs_dir / str(old.pk) / "result.pdf").is_file()


def test_purge_command(jobs_dir, ningjin_user):
    old = _job(ningjin_user, days_ago=8)
    out = io.StringIO()
    call_command("jobs", "purge", stdout=out)  # default 14 days: kept
    assert "已清理 0 个任务的结果文件" in out.getvalue()
    call_command("jobs", "purge", "--days", "7", stdout=out)
    assert "已清理 1 个任务的结果文件" in out.getvalue()
    assert not (jobs_dir / str(old.pk)).exists()
    with pytest.raises(CommandError, match="至少为 1"):
        call_command("jobs", "purge", "--days", "0")


def test_worker_purges_once_an_hour(jobs_dir, ningjin_user, settings, run_worker):
    settings.JOBS_PURGE_EVERY_SECONDS = 3600
    first = _job(ningjin_user, days_ago=20)
    old_row = DBTaskResult.objects.create(
        task_path="chainboard.projects.tasks.weekly_report_pdf",
        status="SUCCESSFUL",
        run_after=NOW - dt.timedelta(days=21),
        finished_at=NOW - dt.timedelta(days=20),
        args_kwargs={"args": [first.pk], "kwargs": {}},
        backend_name="default",
        queue_name="default",
        priority=0,
    )
    run_worker()  # a worker purges on its first beat
    assert not (jobs_dir / str(first.pk)).exists()
    assert not DBTaskResult.objects.filter(id=old_row.id).exists()
    beat = Heartbeat("w", every=5)
    assert beat.purge_if_due(now=1000.0) is not None
    second = _job(ningjin_user, days_ago=20)
    assert beat.purge_if_due(now=1000.0 + 3599) is None  # not yet
    assert (jobs_dir / str(second.pk)).exists()
    report = beat.purge_if_due(now=1000.0 + 3600)
    assert report is not None and report.results == 1
    assert not (jobs_dir / str(second.pk)).exists()


def test_a_job_is_seen_only_in_the_scope_it_ran_in(jobs_dir, ningjin, shahe, admin_user):
    """A county user moved to another county no longer sees the old county's PDF."""
    user = UserFactory(username="mover", role="region_staff", scope_region=ningjin)
    job = _job(user, days_ago=1)
    c = Client()
    c.force_login(user)
    assert c.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    user.scope_region = shahe
    user.save()
    for name in ("jobs:detail", "jobs:download"):
        assert c.get(reverse(name, args=[job.pk])).status_code == 404
    assert job.title not in c.get(reverse("jobs:list")).content.decode()
    admin = Client()
    admin.force_login(admin_user)
    assert admin.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    Job.objects.filter(pk=job.pk).update(scope_key="")  # a job from before scopes were recorded
    assert c.get(reverse("jobs:detail", args=[job.pk])).status_code == 200

"""/healthz: database, disk and task worker, JSON, no login, nothing internal."""

from __future__ import annotations

import pytest
from django.db import connection

from chainboard.core import health

pytestmark = pytest.mark.django_db


def _beat(seconds_ago: float) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from chainboard.jobs.models import WorkerHeartbeat

    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=1, seen_at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_healthy_instance_answers_200_without_login(client, settings) -> None:
    settings.HEALTH_MIN_FREE_MB = 0  # the test machine's free space is not what is tested here
    _beat(1)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "disk": "ok", "tasks": "ok"},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_full_disk_fails_with_503(client, settings) -> None:
    settings.HEALTH_MIN_FREE_MB = 10**12  # more than any disk has
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["disk"] == "fail"
    assert str(settings.VAR_DIR) not in response.content.decode()


def test_missing_data_directory_fails(tmp_path) -> None:
    assert health.check_disk(tmp_path / "missing", min_free_mb=0) == "fail"
    assert health.check_disk(tmp_path, min_free_mb=0) == "ok"


def test_database_failure_is_reported_not_raised(client, monkeypatch) -> None:
    def broken_cursor(*args: object, **kwargs: object) -> None:
        raise RuntimeError("connection refused to 10.1.2.3")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "fail"
    assert "10.1.2.3" not in response.content.decode()


def test_no_worker_or_a_silent_one_fails_with_503(client, settings) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["tasks"] == "fail"
    _beat(settings.JOBS_STALE_SECONDS + 5)  # its last heartbeat is too old: the worker is gone
    assert client.get("/healthz").json()["checks"]["tasks"] == "fail"


def test_task_worker_check_not_configured_without_tasks(settings) -> None:
    settings.TASKS = {}
    assert health.check_task_worker() == "not_configured"


def test_a_broken_worker_check_is_reported_not_raised(settings) -> None:
    settings.HEALTH_TASK_WORKER_CHECK = "chainboard.jobs.health.no_such_check"
    assert health.check_task_worker() == "fail"


def test_only_get(client) -> None:
    assert client.post("/healthz").status_code == 405

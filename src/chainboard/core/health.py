"""Health checks for monitoring (``/healthz``): database, disk under var/, task worker.

Each check answers ``"ok"``, ``"fail"`` or (task worker) ``"not_configured"``; nothing internal
(no paths, versions or error text) leaves this module — failures are logged instead.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

log = logging.getLogger("chainboard.health")

OK, FAIL, NOT_CONFIGURED = "ok", "fail", "not_configured"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            row = cursor.fetchone()
    except Exception:  # any driver error means "unreachable"
        log.exception("health: database check failed")
        return FAIL
    return OK if row and row[0] == 1 else FAIL


def check_disk(path: Path | None = None, min_free_mb: int | None = None) -> str:
    path = path or Path(settings.VAR_DIR)
    threshold = settings.HEALTH_MIN_FREE_MB if min_free_mb is None else min_free_mb
    try:
        free_mb = shutil.disk_usage(path).free // (1024 * 1024)
    except OSError:
        log.exception("health: cannot read free space of %s", path)
        return FAIL
    if free_mb < threshold:
        log.warning("health: %s MB free under %s, below %s MB", free_mb, path, threshold)
        return FAIL
    return OK


def check_task_worker() -> str:
    """Is a ``chainboard worker`` beating? The check lives with the jobs app (a layer above
    core), named by ``settings.HEALTH_TASK_WORKER_CHECK``."""
    path = getattr(settings, "HEALTH_TASK_WORKER_CHECK", "")
    if not getattr(settings, "TASKS", None) or not path:
        return NOT_CONFIGURED
    try:
        status = str(import_string(path)())
    except Exception:
        log.exception("health: task worker check failed")
        return FAIL
    if status == FAIL:
        log.warning("health: no task worker has sent a heartbeat recently")
    return status


def health_report() -> tuple[bool, dict[str, str]]:
    checks = {"database": check_database(), "disk": check_disk(), "tasks": check_task_worker()}
    healthy = all(status != FAIL for status in checks.values())
    return healthy, checks

"""Honest batch status across crashes: 进行中 while a process works on it, 中断 once it is gone.

The runner saves a batch as 进行中 with its process id, host and a heartbeat before reading the
file (a committed row of its own), beats between phases, and writes the final status in the same
transaction as the data. So a batch left 进行中 by a process that no longer exists wrote nothing;
:func:`mark_interrupted` (run when batches are read and when an import starts) says so.

``CHAINBOARD_IMPORT_TEST_PAUSE=phase=seconds`` makes the runner sleep at a phase (``read``,
``plan``, ``write``: inside the write transaction) so a test can kill it there; it is honoured only
when the ``CHAINBOARD_TEST_HOOKS`` setting is true (the test settings), never in production.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
import time

from django.conf import settings
from django.utils import timezone

from chainboard.imports.models import ImportBatch, ImportStatus

STALE_AFTER = dt.timedelta(hours=6)  # no heartbeat for this long: gone, whatever the host
PAUSE_ENV = "CHAINBOARD_IMPORT_TEST_PAUSE"


def host_name() -> str:
    return socket.gethostname()[:255]


def start(batch: ImportBatch) -> None:
    """Save ``batch`` as running by this process (autocommit: visible to every reader)."""
    batch.status = ImportStatus.RUNNING
    batch.pid, batch.host = os.getpid(), host_name()
    batch.heartbeat_at = timezone.now()
    batch.save()


def beat(batch: ImportBatch) -> None:
    batch.heartbeat_at = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(heartbeat_at=batch.heartbeat_at)


def pause(phase: str) -> None:
    """Test hook: sleep at ``phase`` when the environment asks and the settings allow."""
    spec = os.environ.get(PAUSE_ENV, "")
    if not spec or not getattr(settings, "CHAINBOARD_TEST_HOOKS", False):
        return
    name, _, seconds = spec.partition("=")
    if name == phase:
        print(f"[test hook] paused at {phase}", file=sys.stderr, flush=True)
        time.sleep(float(seconds or 0))


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _gone(batch: ImportBatch, host: str, now: dt.datetime) -> bool:
    last = batch.heartbeat_at or batch.created_at
    if last is not None and now - last > STALE_AFTER:
        return True
    if batch.host != host or batch.pid is None:
        return False  # another server's process: only its heartbeat can tell
    if batch.pid == os.getpid():
        return False  # this process (another thread's import)
    return not process_alive(batch.pid)


def abandon(batch: ImportBatch) -> None:
    """The runner stopped on an unexpected error: nothing was committed; mark 中断 now."""
    _interrupt(batch, "导入因程序错误中止，未写入任何数据；请重新导入或联系管理员")


def _interrupt(batch: ImportBatch, message: str) -> int:
    error = {
        "file": batch.filename,
        "sheet": "",
        "row": 0,
        "column": "",
        "value": "",
        "message": message,
        "text": f"{batch.filename}：{message}",
    }
    return ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING).update(
        status=ImportStatus.INTERRUPTED,
        error_count=1,
        errors=[error],
        created_count=0,
        updated_count=0,
        unchanged_count=0,
    )


def mark_interrupted(now: dt.datetime | None = None) -> int:
    """Mark 中断 every running batch whose process is gone; return how many."""
    running = list(
        ImportBatch.objects.filter(status=ImportStatus.RUNNING).only(
            "pk", "filename", "pid", "host", "heartbeat_at", "created_at"
        )
    )
    if not running:
        return 0
    now = now or timezone.now()
    host = host_name()
    count = 0
    for batch in running:
        if not _gone(batch, host, now):
            continue
        count += _interrupt(
            batch,
            f"导入进程（{batch.host} 进程号 {batch.pid}）在完成前意外退出，"
            "未写入任何数据；请重新导入该文件",
        )
    return count

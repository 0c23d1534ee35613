"""The ``chainboard worker`` loop: django-tasks-db's worker plus a heartbeat and recovery.

On start the worker records a heartbeat row and recovers jobs left running by a worker that
stopped beating (:func:`~chainboard.jobs.services.recover_orphans`); while it runs, a thread
touches the heartbeat every ``JOBS_HEARTBEAT_SECONDS`` and repeats the recovery, so a worker that
dies beside a live one has its jobs re-queued too, and once an hour deletes the files of jobs past
their retention (:func:`~chainboard.jobs.services.jobs_purge`). ``/healthz`` reads the heartbeats.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from django.conf import settings
from django.db import connection
from django.utils.crypto import get_random_string
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from chainboard.jobs import services

log = logging.getLogger("chainboard.jobs")


class Heartbeat(threading.Thread):
    def __init__(self, worker_id: str, every: float) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id, self.every = worker_id, every
        self.stopped = threading.Event()
        self.purged_at: float | None = None
        self.periodic_at: dict[str, float] = {}

    def beat(self) -> None:
        services.heartbeat(self.worker_id, hostname=socket.gethostname(), pid=os.getpid())
        services.recover_orphans()
        self.purge_if_due()
        self.periodic_if_due()

    def periodic_if_due(self, now: float | None = None) -> list[str]:
        """Run each ``JOBS_PERIODIC`` function (dotted path → every N seconds) when due, first
        on the first beat; one that fails is logged and tried again at its next turn. The
        functions are idempotent (several workers may run them)."""
        now = time.monotonic() if now is None else now
        ran = []
        for dotted, every in settings.JOBS_PERIODIC.items():
            last = self.periodic_at.get(dotted)
            if last is not None and now - last < every:
                continue
            self.periodic_at[dotted] = now
            try:
                result = import_string(dotted)()
            except Exception:
                log.exception("worker %s: periodic %s failed", self.worker_id, dotted)
                continue
            log.info("worker %s: periodic %s: %s", self.worker_id, dotted, result)
            ran.append(dotted)
        return ran

    def purge_if_due(self, now: float | None = None) -> services.PurgeReport | None:
        """Delete expired job files once per ``JOBS_PURGE_EVERY_SECONDS`` (first beat: at once)."""
        now = time.monotonic() if now is None else now
        if self.purged_at is not None and now - self.purged_at < settings.JOBS_PURGE_EVERY_SECONDS:
            return None
        self.purged_at = now
        report = services.jobs_purge()
        if report.results or report.orphans or report.task_rows:
            log.info(
                "worker %s: purged %s job folders, %s orphans, %s task rows",
                self.worker_id,
                report.results,
                report.orphans,
                report.task_rows,
            )
        return report

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    self.beat()
                except Exception:  # a locked or lost database: try again next beat
                    log.exception("worker %s: heartbeat failed", self.worker_id)
        finally:
            connection.close()


def run_worker(
    *,
    worker_id: str | None = None,
    queue_names: tuple[str, ...] = ("default",),
    interval: float = 1.0,
    batch: bool = False,
    max_tasks: int | None = None,
    signals: bool = True,
) -> None:
    """Run the worker until stopped (or, with ``batch``, until the queue is empty)."""
    worker_id = worker_id or get_random_string(32)
    beat = Heartbeat(worker_id, settings.JOBS_HEARTBEAT_SECONDS)
    beat.beat()  # alive before recovering, so a second worker never takes our jobs
    worker = Worker(
        queue_names=list(queue_names),
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    if signals:
        worker.configure_signals()
    if not batch:
        beat.start()
    try:
        worker.run()
    finally:
        beat.stopped.set()
        if beat.is_alive():
            beat.join(timeout=settings.JOBS_HEARTBEAT_SECONDS + 1)
        services.heartbeat_remove(worker_id)

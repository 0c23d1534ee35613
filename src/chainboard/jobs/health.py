"""``/healthz`` task-worker check: is at least one worker beating?"""

from __future__ import annotations

from chainboard.jobs.services import live_worker_ids


def worker_status() -> str:
    return "ok" if live_worker_ids() else "fail"

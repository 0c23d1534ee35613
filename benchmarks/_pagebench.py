"""Shared parts of the page benchmarks: a fresh migrated SQLite database under ``var/bench/``,
request timing through the Django test client, and percentiles. Not a benchmark itself
(``make bench`` skips files starting with ``_``)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "bench"


def fresh_django(database: str) -> None:
    """Start Django (test settings) on a new, migrated ``var/bench/<database>.sqlite3``."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{database}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chainboard.settings.test")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    """Seconds per call of ``fn`` (a request that must answer 200), ``repeat`` times."""
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = fn()
        out.append(time.perf_counter() - t)
        assert response.status_code == 200, response.status_code
    return out


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``."""
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]

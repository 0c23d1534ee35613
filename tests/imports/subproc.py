"""Run chainboard in a child process against the test database (hostile files, crash tests).

On SQLite the test database lives in memory, so it is copied to a file with the online backup
API (migrated schema and reference data); on PostgreSQL the child connects to the test database
itself (use ``django_db(transaction=True)`` so what the test wrote is visible).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("child.py")


def child_database_url(folder: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = folder / "child.sqlite3"
        out = sqlite3.connect(target)
        connection.connection.backup(out)
        out.close()
        return f"sqlite:///{target}"
    s = connection.settings_dict
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


def child_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chainboard.settings.test",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    env.pop("CHAINBOARD_IMPORT_TEST_PAUSE", None)
    env.update(extra)
    return env


def run_child(args: list[str], env: dict[str, str], timeout: float = 120) -> dict[str, Any]:
    """Run ``child.py ARGS``; return its JSON line (the last line of stdout)."""
    done = subprocess.run(
        [sys.executable, str(CHILD), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0 and lines, (
        done.returncode,
        done.stdout[-2000:],
        done.stderr[-4000:],
    )
    return dict(json.loads(lines[-1]))

"""25 single-row saves while one user previews a 300k-row import, on a file SQLite database.

before: the preview ran the import's write in a transaction rolled back at the end (the write lock
        held for the whole write) and saves waited Django's default 5 s for the lock;
after:  the preview only reads (plan + counts, no write transaction) and saves wait up to 20 s.

Usage: .venv/bin/python benchmarks/sqlite_preview_writers.py [ROWS]
Prints failures ("database is locked") out of 25 for both set-ups.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

WRITERS = 25


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def setup(path: Path, rows: int) -> None:
    conn = connect(path, 5)
    conn.execute("CREATE TABLE firm (id INTEGER PRIMARY KEY, name TEXT, revenue REAL)")
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO firm VALUES (?, ?, ?)", ((i, f"企业{i}", i * 1.5) for i in range(1, rows + 1))
    )
    conn.execute("COMMIT")
    conn.close()


def preview_as_rolled_back_write(path: Path, rows: int) -> None:
    conn = connect(path, 5)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "UPDATE firm SET revenue = ? WHERE id = ?", ((i * 2.0, i) for i in range(1, rows + 1))
    )
    conn.executemany(
        "INSERT INTO firm VALUES (?, ?, ?)", ((rows + i, "新", 1.0) for i in range(1, rows + 1))
    )
    conn.execute("ROLLBACK")
    conn.close()


def preview_as_read(path: Path, rows: int) -> None:
    conn = connect(path, 5)
    for start in range(1, rows + 1, 5000):  # the plan's bulk lookups, in chunks
        conn.execute(
            "SELECT id, name, revenue FROM firm WHERE id BETWEEN ? AND ?", (start, start + 4999)
        ).fetchall()
    conn.close()


def run(path: Path, rows: int, preview, timeout: float) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    failures = 0
    lock = threading.Lock()
    waits: list[float] = []

    def save(pk: int) -> None:
        nonlocal failures
        t0 = time.perf_counter()
        conn = connect(path, timeout)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE firm SET name = ? WHERE id = ?", (f"改{pk}", pk))
            conn.execute("COMMIT")
        except sqlite3.OperationalError:
            with lock:
                failures += 1
        finally:
            conn.close()
            waits.append(time.perf_counter() - t0)

    bg = threading.Thread(target=preview, args=(path, rows))
    bg.start()
    threads = []
    for pk in range(1, WRITERS + 1):  # one save every 0.4 s while the preview runs
        time.sleep(0.4)
        t = threading.Thread(target=save, args=(pk,))
        t.start()
        threads.append(t)
    for t in [bg, *threads]:
        t.join()
    return failures, max(waits)


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    for label, preview, timeout in (
        ("before (rolled-back write preview, 5 s timeout)", preview_as_rolled_back_write, 5.0),
        ("timeout only (rolled-back write preview, 20 s)", preview_as_rolled_back_write, 20.0),
        ("after  (read-only preview, 20 s timeout)", preview_as_read, 20.0),
    ):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.sqlite3"
            setup(path, rows)
            t0 = time.perf_counter()
            failures, longest = run(path, rows, preview, timeout)
            print(
                f"{label}: {failures}/{WRITERS} saves failed, longest save {longest:.2f} s, "
                f"scenario {time.perf_counter() - t0:.1f} s"
            )


if __name__ == "__main__":
    main()

"""SQLite backups are consistent while another process keeps writing (the server stays up)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from chainboard.ops.archive import archive_read
from chainboard.ops.services import backup_create
from chainboard.ops.sqlite import file_connection

WAIT_S = 120  # generous upper bound for a loaded CI machine; the test never sleeps for a result


def _writer(path: Path, stop: threading.Event, done: list[int], errors: list[str]) -> None:
    """Another process's writes: each transaction adds one row to *both* ledgers, so any
    consistent snapshot has equally many rows in each."""
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        n = 0
        while not stop.is_set():
            n += 1
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO ledger_a (n, note) VALUES (?, ?)", (n, "写入" * 50))
            con.execute("INSERT INTO ledger_b (n) VALUES (?)", (n,))
            con.execute("COMMIT")
            done.append(n)
    except sqlite3.Error as exc:  # pragma: no cover - reported by the assertion below
        errors.append(str(exc))
    finally:
        con.close()


def _wait_for(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_backup_during_writes_is_one_consistent_snapshot(  # type: ignore[no-untyped-def]
    city, sqlite_file_db, tmp_path
) -> None:
    setup = sqlite3.connect(sqlite_file_db)
    setup.executescript(
        "CREATE TABLE ledger_a (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, note TEXT);"
        "CREATE TABLE ledger_b (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
    )
    setup.close()
    stop, done, errors = threading.Event(), [], []  # type: ignore[var-annotated]
    writer = threading.Thread(target=_writer, args=(sqlite_file_db, stop, done, errors))
    writer.start()
    try:
        _wait_for(lambda: len(done) >= 50 or errors, "the writer to start")
        result = backup_create(out=tmp_path / "online.tar.gz")
        at_backup_end = len(done)
        _wait_for(lambda: len(done) >= at_backup_end + 50 or errors, "writes after the backup")
    finally:
        stop.set()
        writer.join(WAIT_S)
    assert errors == []  # the writer was never locked out

    manifest, staged = archive_read(result.path, tmp_path / "staged")
    copy = file_connection(staged["database/chainboard.sqlite3"])  # Django's REGEXP for CHECKs
    with copy.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchall() == [("ok",)]
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("delete",)
        cursor.execute("SELECT COUNT(*), COALESCE(MAX(n), 0) FROM ledger_a")
        a = cursor.fetchone()
        cursor.execute("SELECT COUNT(*), COALESCE(MAX(n), 0) FROM ledger_b")
        b = cursor.fetchone()
    copy.close()
    assert a == b  # no transaction torn in half
    assert 50 <= a[0] < len(done)  # a snapshot taken mid-stream
    assert manifest["tables"]["ledger_a"] == manifest["tables"]["ledger_b"] == a[0]
    assert manifest["tables"]["enterprises_enterprise"] == 12

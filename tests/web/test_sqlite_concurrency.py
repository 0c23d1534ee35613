"""SQLite under concurrent writers: WAL on, a busy timeout, no "database is locked".

Each thread gets its own connection (a separate ``ConnectionHandler`` over a file database with
the project's OPTIONS), as the threads of a running server do. The scenario of issue 11: one
long transaction holds the write lock (an import committing) while a long read runs (a preview or
a dashboard) and 25 users each save one row.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.utils import ConnectionHandler

WRITERS = 25


@pytest.fixture(autouse=True)
def _own_databases(django_db_blocker: Any) -> Any:
    """These tests open their own file databases, not the test database."""
    with django_db_blocker.unblock():
        yield


def _handler(path: Path, **options: Any) -> ConnectionHandler:
    base = settings.DATABASES["default"]
    if not base["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite only")
    db = {**base, "NAME": str(path), "OPTIONS": {**base["OPTIONS"], **options}, "TEST": {}}
    return ConnectionHandler({"default": db})


def _setup(handler: ConnectionHandler) -> None:
    conn = handler["default"]
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE firm (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        cur.executemany(
            "INSERT INTO firm (id, name) VALUES (%s, %s)", [(i, "old") for i in range(1, 5001)]
        )
    conn.close()


def _write_one(handler: ConnectionHandler, pk: int) -> None:
    """One user's save: an IMMEDIATE transaction (what ``transaction.atomic`` opens)."""
    conn = handler["default"]
    try:
        conn.set_autocommit(False)  # BEGIN IMMEDIATE (settings' transaction_mode)
        with conn.cursor() as cur:
            cur.execute("UPDATE firm SET name = %s WHERE id = %s", [f"new {pk}", pk])
        conn.commit()
        conn.set_autocommit(True)
    finally:
        conn.close()


def _run(handler: ConnectionHandler, *, commit_when_started: bool) -> list[str]:
    """Hold the write lock and a read snapshot while WRITERS threads save one row each.

    ``commit_when_started``: the long writer commits once every writer is waiting (they must then
    succeed); otherwise it commits only after every writer has finished (they can only fail).
    Returns the writers' errors.
    """
    locked, reading = threading.Event(), threading.Event()
    started = threading.Semaphore(0)
    finished = threading.Semaphore(0)
    release = threading.Event()
    errors: list[str] = []

    def long_writer() -> None:  # an import: 20,000 rows in one transaction
        conn = handler["default"]
        conn.set_autocommit(False)
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO firm (id, name) VALUES (%s, %s)",
                [(i, "imported") for i in range(100_001, 120_001)],
            )
        locked.set()
        release.wait(60)
        conn.commit()
        conn.set_autocommit(True)
        conn.close()

    def long_reader() -> None:  # a preview reading the whole table inside one transaction
        conn = handler["default"]
        with conn.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("SELECT count(*), max(name) FROM firm")
            cur.fetchall()
            reading.set()
            release.wait(60)
            cur.execute("SELECT count(*) FROM firm")
            cur.fetchall()
            cur.execute("COMMIT")
        conn.close()

    def writer(pk: int) -> None:
        started.release()
        try:
            _write_one(handler, pk)
        except OperationalError as exc:
            errors.append(str(exc))
        finally:
            finished.release()

    background = [threading.Thread(target=long_writer), threading.Thread(target=long_reader)]
    for t in background:
        t.start()
    assert locked.wait(60) and reading.wait(60)
    writers = [threading.Thread(target=writer, args=(pk,)) for pk in range(1, WRITERS + 1)]
    for t in writers:
        t.start()
    for _ in writers:
        started.acquire()
    if not commit_when_started:
        for _ in writers:
            finished.acquire()
    release.set()
    for t in [*background, *writers]:
        t.join(60)
    return errors


def test_wal_and_busy_timeout_are_on(tmp_path: Path) -> None:
    handler = _handler(tmp_path / "wal.sqlite3")
    with handler["default"].cursor() as cur:
        cur.execute("PRAGMA journal_mode")
        assert cur.fetchone()[0] == "wal"
        cur.execute("PRAGMA busy_timeout")
        assert cur.fetchone()[0] == 20_000
    handler.close_all()


def test_concurrent_writers_wait_for_a_long_import_instead_of_failing(tmp_path: Path) -> None:
    handler = _handler(tmp_path / "busy.sqlite3")
    _setup(handler)
    errors = _run(handler, commit_when_started=True)
    assert errors == []
    with handler["default"].cursor() as cur:
        cur.execute("SELECT count(*) FROM firm WHERE name LIKE 'new %'")
        assert cur.fetchone()[0] == WRITERS
        cur.execute("SELECT count(*) FROM firm WHERE name = 'imported'")
        assert cur.fetchone()[0] == 20_000
    handler.close_all()


def test_without_a_busy_timeout_the_same_writers_fail(tmp_path: Path) -> None:
    """The control: with no wait (timeout 0) every save during the import is refused."""
    handler = _handler(tmp_path / "nowait.sqlite3", timeout=0)
    _setup(handler)
    errors = _run(handler, commit_when_started=False)
    assert len(errors) == WRITERS and all("locked" in e for e in errors)
    handler.close_all()

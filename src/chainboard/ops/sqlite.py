"""SQLite: copy the database with SQLite's online backup API, both ways.

Backup copies the whole database in one step from the running database: the copy is one
consistent snapshot (in WAL mode writers go on meanwhile, readers are never blocked). Restore
copies the verified file back *through* the backup API into the live database file, under
SQLite's own locking, so no connection ever sees a half-written file and a stale ``-wal`` file
can never be replayed onto a replaced one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from chainboard.ops.errors import BackupError

BUSY_TIMEOUT_S = 30.0


def _raw(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    if not isinstance(raw, sqlite3.Connection):  # pragma: no cover - engine checked by caller
        raise BackupError("当前数据库不是 SQLite")
    if connection.in_atomic_block:
        raise BackupError("不能在事务中备份或恢复 SQLite 数据库")
    return raw


def file_connection(path: Path) -> BaseDatabaseWrapper:
    """A Django connection to a SQLite file (Django's SQL functions such as REGEXP registered, so
    CHECK constraints evaluate), without the server's init_command: the file stays one file."""
    handler = ConnectionHandler(
        {DEFAULT_DB_ALIAS: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}}
    )
    return handler[DEFAULT_DB_ALIAS]


def integrity_check(path: Path) -> None:
    connection = file_connection(path)
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA integrity_check")
            rows = cursor.fetchall()
    except DatabaseError as exc:
        raise BackupError(f"SQLite 数据库文件损坏：{exc}") from exc
    finally:
        connection.close()
    if rows != [("ok",)]:
        detail = "；".join(str(r[0]) for r in rows[:5])
        raise BackupError(f"SQLite 数据库完整性检查未通过：{detail}")


def sqlite_dump(connection: BaseDatabaseWrapper, out: Path) -> str:
    """Copy the live database into ``out`` (a self-contained file); return SQLite's version."""
    src = _raw(connection)
    dst = sqlite3.connect(out)
    try:
        src.backup(dst, pages=-1)  # one step: one read transaction, one consistent snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # no -wal beside the copy
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 备份失败：{exc}") from exc
    finally:
        dst.close()
    integrity_check(out)
    return sqlite3.sqlite_version


@contextmanager
def sqlite_open(path: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S)
    try:
        yield con
    finally:
        con.close()


def sqlite_load(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Replace the live database's content by ``dump`` (backup API in reverse, atomic)."""
    integrity_check(dump)
    dst = _raw(connection)
    with sqlite_open(dump) as src:
        try:
            src.backup(dst, pages=-1)
        except sqlite3.Error as exc:
            raise BackupError(
                f"恢复 SQLite 数据库失败：{exc}（请先停止 chainboard 服务和任务进程再恢复）"
            ) from exc
    connection.close()

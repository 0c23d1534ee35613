"""Backup and restore of a whole chainboard installation (database + the files it refers to).

``backup_create`` takes one consistent snapshot (SQLite online backup API / PostgreSQL exported
snapshot shared by the row counts and ``pg_dump``) and writes one archive (``archive.py``).
``backup_restore`` verifies every checksum first, refuses a backup from a newer chainboard, a
database with newer migrations than the backup and (without ``force``) a database that holds data,
then restores the database, the files, and checks the row counts against the manifest.
See docs/operations.md.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from chainboard.ops import inventory
from chainboard.ops.archive import FORMAT, FORMAT_VERSION, Member, archive_read, archive_write
from chainboard.ops.errors import BackupError
from chainboard.ops.postgres import pg_dump, pg_restore
from chainboard.ops.sqlite import file_connection, integrity_check, sqlite_dump, sqlite_load

ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
DUMP_NAMES = {"sqlite": "database/chainboard.sqlite3", "postgresql": "database/chainboard.pgdump"}


def chainboard_version() -> str:
    try:
        return version("chainboard")
    except PackageNotFoundError:  # pragma: no cover - always installed (pip install -e .)
        return "unknown"


def backup_filename(when: Any) -> str:
    return f"chainboard-backup-{timezone.localtime(when):%Y%m%d-%H%M%S}.tar.gz"


@dataclass(frozen=True)
class Facts:
    """What one snapshot of the database holds."""

    tables: dict[str, int]
    applied: list[tuple[str, str]]
    files: list[inventory.FileRef]
    missing_files: list[str]


def _facts(connection: BaseDatabaseWrapper) -> Facts:
    files, missing = inventory.referenced_files(connection)
    return Facts(
        tables=inventory.table_counts(connection),
        applied=inventory.applied_migrations(connection),
        files=files,
        missing_files=missing,
    )


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ENGINES:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库（支持 SQLite 和 PostgreSQL）")
    return str(connection.vendor)


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    seconds: float

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def backup_create(*, out: str | Path | None = None, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write one backup archive of the database ``using`` and its files; return where."""
    started = time.monotonic()
    connection = connections[using]
    engine = _engine(connection)
    now = timezone.now()
    if out is None:
        out = Path(settings.VAR_DIR) / "backups" / backup_filename(now)
    elif Path(out).is_dir() or str(out).endswith(("/", os.sep)):
        out = Path(out) / backup_filename(now)
    out = Path(out).resolve()
    try:
        manifest = _backup_write(connection, engine, out, now)
    except OSError as exc:
        raise BackupError(f"无法写入备份 {out}：{exc.strerror or exc}") from exc
    return BackupResult(path=out, manifest=manifest, seconds=time.monotonic() - started)


def _backup_write(
    connection: BaseDatabaseWrapper, engine: str, out: Path, now: Any
) -> dict[str, Any]:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".chainboard-backup-") as tmp:
        dump = Path(tmp) / PurePosixPath(DUMP_NAMES[engine]).name
        if engine == "sqlite":
            database: dict[str, Any] = {"sqlite_version": sqlite_dump(connection, dump)}
            snapshot = file_connection(dump)
            try:
                facts = _facts(snapshot)
            finally:
                snapshot.close()
        else:
            database, facts = _pg_snapshot_dump(connection, dump)
        members = [Member(DUMP_NAMES[engine], dump)]
        members += [Member(f"files/{f.kind}/{f.relative}", f.path) for f in facts.files]
        manifest = archive_write(out, _manifest(engine, database, facts, now), members)
    return manifest


def _pg_snapshot_dump(connection: BaseDatabaseWrapper, dump: Path) -> tuple[dict[str, Any], Facts]:
    """Row counts, migrations, file references and pg_dump all read one exported snapshot."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupError("不能在事务中备份 PostgreSQL 数据库")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        facts = _facts(connection)
        database = pg_dump(connection, dump, snapshot=snapshot)
    return database, facts


def _manifest(engine: str, database: dict[str, Any], facts: Facts, now: Any) -> dict[str, Any]:
    state = inventory.migration_state(facts.applied)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "chainboard_version": chainboard_version(),
        "created_at": timezone.localtime(now).isoformat(timespec="seconds"),
        "created_epoch": int(now.timestamp()),
        "host": socket.gethostname(),
        "database": {"engine": engine, "file": DUMP_NAMES[engine], **database},
        "migrations": {
            "latest": {app: names[-1] for app, names in sorted(state.items())},
            "applied": state,
        },
        "tables": facts.tables,
        "rows": sum(facts.tables.values()),
        "files": {
            "roots": {root.kind: str(root.path) for root in inventory.file_roots()},
            "count": len(facts.files),
            "missing": facts.missing_files,
        },
    }


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    files: int = 0
    relocated_uploads: int = 0
    pending_migrations: list[str] = field(default_factory=list)
    seconds: float = 0.0


def backup_check(*, path: Path) -> dict[str, Any]:
    """Verify an archive without restoring it (checksums; SQLite: integrity of the copy)."""
    var_dir = Path(settings.VAR_DIR)  # a real disk, not a small tmpfs /tmp
    var_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var_dir, prefix=".chainboard-check-") as tmp:
        manifest, staged = archive_read(path, Path(tmp))
        database = manifest.get("database") or {}
        if database.get("engine") == "sqlite" and database.get("file") in staged:
            integrity_check(staged[database["file"]])
    return manifest


def backup_restore(
    *, path: Path, force: bool = False, using: str = DEFAULT_DB_ALIAS
) -> RestoreResult:
    """Replace the database ``using`` and the referenced files by the backup at ``path``.

    Stop the web server and the task worker first (docs/operations.md): restoring under a
    running server is safe for the database itself but the server may hold stale state.
    """
    try:
        return _restore(Path(path), force=force, using=using)
    except OSError as exc:
        where = f"（{exc.filename}）" if exc.filename else ""
        raise BackupError(f"恢复失败：{exc.strerror or exc}{where}") from exc


def _restore(path: Path, *, force: bool, using: str) -> RestoreResult:
    started = time.monotonic()
    connection = connections[using]
    engine = _engine(connection)
    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=var_dir, prefix=".chainboard-restore-") as tmp:
        manifest, staged = archive_read(path, Path(tmp))
        database = manifest.get("database") or {}
        if database.get("engine") != engine:
            raise BackupError(
                f"备份是 {ENGINES.get(str(database.get('engine')), database.get('engine'))} 数据库，"
                f"当前数据库是 {ENGINES[engine]}：不能跨数据库类型恢复"
            )
        dump = staged.get(str(database.get("file")))
        if dump is None:
            raise BackupError("备份中没有数据库文件")
        roots = {root.kind: root.path for root in inventory.file_roots()}
        _check_file_kinds(staged, roots)
        _check_migrations(manifest, connection)
        if not force:
            _check_empty(connection)
        if engine == "sqlite":
            sqlite_load(connection, dump)
        else:
            pg_restore(connection, dump, database)
        files = _files_restore(staged, roots)
    result = RestoreResult(manifest=manifest, files=files)
    result.relocated_uploads = _uploads_relocate(manifest, roots["uploads"], using)
    _check_counts(connection, manifest)
    for alias in settings.CACHES:
        caches[alias].clear()
    result.pending_migrations = _pending_migrations(connection)
    result.seconds = time.monotonic() - started
    return result


def _shown(items: list[str], limit: int = 5) -> str:
    head = "、".join(items[:limit])
    return head + (f" 等 {len(items)} 个" if len(items) > limit else "")


def _check_file_kinds(staged: dict[str, Path], roots: dict[str, Path]) -> None:
    for name in staged:
        parts = PurePosixPath(name).parts
        if parts[0] == "files" and (len(parts) < 3 or parts[1] not in roots):
            raise BackupError(f"备份中有无法归位的文件：{name}")


def _check_migrations(manifest: dict[str, Any], connection: BaseDatabaseWrapper) -> None:
    applied = (manifest.get("migrations") or {}).get("applied") or {}
    in_backup = {(app, name) for app, names in applied.items() for name in names}
    unknown = sorted(f"{a}.{n}" for a, n in in_backup - inventory.known_migrations())
    if unknown:
        raise BackupError(
            f"备份来自更新版本的 chainboard（{manifest.get('chainboard_version')}，本程序 "
            f"{chainboard_version()}），含本程序没有的迁移：{_shown(unknown)}。请先升级 chainboard 再恢复。"
        )
    newer = sorted(f"{a}.{n}" for a, n in set(inventory.applied_migrations(connection)) - in_backup)
    if newer:
        raise BackupError(
            f"目标数据库比备份新：它已应用了备份中没有的迁移 {_shown(newer)}，"
            "恢复会让数据库结构倒退，已拒绝。请把备份恢复到一个空数据库（SQLite：先把数据库文件移走；"
            "PostgreSQL：新建一个空库），然后运行 chainboard migrate 升级。"
        )


def _check_empty(connection: BaseDatabaseWrapper) -> None:
    data = inventory.user_data_counts(inventory.table_counts(connection))
    if data:
        labels = inventory.model_labels()
        biggest = sorted(data.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = _shown([f"{labels.get(t, t)} {n} 行" for t, n in biggest], limit=4)
        raise BackupError(
            f"目标数据库已有数据（{shown}），恢复会用备份替换全部数据。"
            "确认无误（建议先备份当前数据库）后加 --force 再运行。"
        )


def _files_restore(staged: dict[str, Path], roots: dict[str, Path]) -> int:
    restored = 0
    for name, source in sorted(staged.items()):
        parts = PurePosixPath(name).parts
        if parts[0] != "files":
            continue
        target = roots[parts[1]].joinpath(*parts[2:])
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.restore")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)  # atomic: a reader sees the old or the new file
        restored += 1
    return restored


def _uploads_relocate(manifest: dict[str, Any], uploads: Path, using: str) -> int:
    """Stored upload paths are absolute: point them at this installation's upload folder when the
    backup came from another one (a restore-time fix-up, like a data migration)."""
    from chainboard.imports.models import ImportBatch

    old = str((manifest.get("files") or {}).get("roots", {}).get("uploads") or "")
    new = str(uploads)
    if not old or old == new:
        return 0
    moved = 0
    prefix = old.rstrip("/") + "/"
    batches = ImportBatch.objects.using(using)
    rows = batches.filter(stored_path__startswith=prefix).values_list("pk", "stored_path")
    for pk, stored in list(rows):
        relocated = str(Path(new) / stored[len(prefix) :])
        moved += batches.filter(pk=pk).update(stored_path=relocated)
    return moved


def _check_counts(connection: BaseDatabaseWrapper, manifest: dict[str, Any]) -> None:
    expected: dict[str, int] = manifest.get("tables") or {}
    actual = inventory.table_counts(connection)
    wrong = [
        f"{t}（应为 {n}，实为 {actual.get(t, '缺表')}）"
        for t, n in sorted(expected.items())
        if actual.get(t) != n
    ]
    if wrong:
        raise BackupError(f"恢复后数据与备份清单不符：{_shown(wrong)}。请检查数据库后重新恢复。")


def _pending_migrations(connection: BaseDatabaseWrapper) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]

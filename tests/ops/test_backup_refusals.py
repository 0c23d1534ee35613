"""Bad input for restore: every refusal says why in Chinese and leaves the database untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from chainboard.enterprises.models import Enterprise
from chainboard.ops import postgres
from chainboard.ops.errors import BackupError
from chainboard.ops.services import backup_check, backup_create, backup_restore
from tests.ops.conftest import archive_rewrite, table_fingerprint, var_files


@pytest.fixture
def backup(city, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    return backup_create(out=tmp_path / "good.tar.gz").path


def refused(path: Path, match: str, *, force: bool = True) -> None:
    before = table_fingerprint(connection)
    with pytest.raises(BackupError, match=match):
        backup_restore(path=path, force=force)
    assert table_fingerprint(connection) == before


def _flip_a_database_byte(name: str, body: bytes) -> bytes:
    if not name.startswith("database/"):
        return body
    return body[:5000] + bytes([body[5000] ^ 0xFF]) + body[5001:]


def _escape(manifest: dict) -> None:  # type: ignore[type-arg]
    manifest["members"]["files/../../escaped.txt"] = {"size": 1, "sha256": "0" * 64}


def _from_the_future(manifest: dict) -> None:  # type: ignore[type-arg]
    manifest["migrations"]["applied"]["projects"].append("9999_from_the_future")


def _other_engine(manifest: dict) -> None:  # type: ignore[type-arg]
    manifest["database"]["engine"] = "sqlite" if connection.vendor != "sqlite" else "postgresql"


# One test (one database set-up) for every bad archive: each case is refused with its own
# message, nothing in the database or under var/ changes.
@pytest.mark.django_db(transaction=True)
def test_bad_archives_are_refused_and_change_nothing(backup, tmp_path, var_dirs) -> None:  # type: ignore[no-untyped-def]
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    foreign = tmp_path / "notes.tar.gz"
    foreign.write_bytes(b"\x1f\x8b this is not a chainboard backup")
    tampered = archive_rewrite(backup, tmp_path / "t.tar.gz", member=_flip_a_database_byte)
    cases = [
        ("truncated", truncated, "备份文件已损坏"),
        ("not a backup", foreign, "备份文件已损坏"),
        ("checksum", tampered, "校验失败：database/chainboard"),
        ("no such file", tmp_path / "nowhere.tar.gz", "备份文件不存在"),
        (
            "member missing",
            archive_rewrite(
                backup,
                tmp_path / "incomplete.tar.gz",
                member=lambda name, body: None if name.startswith("files/boundaries/") else body,
            ),
            "备份不完整，缺少清单列出的文件：files/boundaries/130500.json",
        ),
        (
            "unlisted member",
            archive_rewrite(
                backup, tmp_path / "extra.tar.gz", extra={"files/uploads/planted.xlsx": b"x"}
            ),
            "清单未列出的文件：files/uploads/planted.xlsx",
        ),
        (
            "unsafe path",
            archive_rewrite(backup, tmp_path / "unsafe.tar.gz", manifest=_escape),
            "不安全的文件路径",
        ),
        (
            "newer chainboard",
            archive_rewrite(backup, tmp_path / "newer.tar.gz", manifest=_from_the_future),
            "备份来自更新版本的 chainboard.*projects.9999_from_the_future.*请先升级",
        ),
        (
            "other engine",
            archive_rewrite(backup, tmp_path / "engine.tar.gz", manifest=_other_engine),
            "不能跨数据库类型恢复",
        ),
    ]
    files = var_files(var_dirs)
    for _label, path, match in cases:
        refused(path, match)
    refused(backup, r"目标数据库已有数据（.*企业 12 行.*加 --force", force=False)
    assert var_files(var_dirs) == files
    assert not (var_dirs.parent / "escaped.txt").exists()
    for path in (truncated, tampered):
        with pytest.raises(BackupError, match=r"备份文件已损坏|校验失败"):
            backup_check(path=path)


@pytest.mark.django_db(transaction=True)
def test_database_with_newer_migrations_is_refused(backup) -> None:  # type: ignore[no-untyped-def]
    future = ["projects", "9999_from_the_future"]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, %s)",
            [*future, timezone.now()],
        )
    try:
        refused(
            backup, "目标数据库比备份新：它已应用了备份中没有的迁移 projects.9999_from_the_future"
        )
    finally:  # the test flush empties model tables only, not django_migrations
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM django_migrations WHERE app = %s AND name = %s", future)


@pytest.mark.django_db(transaction=True)
def test_empty_database_restores_without_force(sqlite_file_db, var_dirs, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import EnterpriseFactory

    result = backup_create(out=tmp_path / "empty.tar.gz")  # only what migrate writes
    EnterpriseFactory()
    Enterprise.objects.all().delete()  # history rows remain: the database holds data
    with pytest.raises(BackupError, match="已有数据"):
        backup_restore(path=result.path)
    backup_restore(path=result.path, force=True)
    assert backup_restore(path=result.path).files == 0  # now empty again: no --force needed


@pytest.mark.django_db(transaction=True)
def test_missing_referenced_file_is_listed_not_fatal(city, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chainboard.imports.models import ImportBatch

    city["upload"].unlink()
    ImportBatch.objects.create(  # its upload was deleted by the retention clean-up: not missing
        kind="figures",
        filename="旧指标.xlsx",
        stored_path=str(city["upload"].with_name("cleaned.xlsx")),
        status="committed",
        file_deleted_at=timezone.now(),
    )
    manifest = backup_create(out=tmp_path / "b.tar.gz").manifest
    assert manifest["files"]["missing"] == [str(city["upload"])]
    assert manifest["files"]["count"] == 2


@pytest.mark.django_db(transaction=True)
def test_commands_report_and_refuse_in_chinese(city, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("backup", out=f"{tmp_path}/out/")
    out = capsys.readouterr().out
    assert "备份完成" in out and "文件 3 个" in out
    (path,) = (tmp_path / "out").glob("chainboard-backup-*.tar.gz")
    call_command("restore", str(path), check=True)
    assert "备份完好" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(path))
    call_command("restore", str(path), force=True)
    assert "恢复完成" in capsys.readouterr().out


def test_too_old_pg_dump_names_the_package_to_install(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    old = tmp_path / "pg_dump"
    old.write_text("")
    monkeypatch.setattr(postgres, "_candidates", lambda name: [str(old)])
    monkeypatch.setattr(postgres, "tool_major", lambda binary: 14)
    with pytest.raises(BackupError, match=r"15 版或更新的 pg_dump.*14 版.*postgresql-client-15"):
        postgres.pick_tool("pg_dump", at_least=15, reason="PostgreSQL 服务器是 15 版，备份")


def test_pg_backup_of_a_newer_server_is_refused(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(postgres, "server_major", lambda connection: 15)
    with pytest.raises(BackupError, match="备份来自 PostgreSQL 16 版，当前服务器是 15 版"):
        postgres.pg_restore(
            object(),  # type: ignore[arg-type]
            tmp_path / "x.pgdump",
            {"server_major": 16, "pg_dump_major": 16},
        )


def test_pg_tool_version_is_read_from_its_banner(tmp_path) -> None:  # type: ignore[no-untyped-def]
    fake = tmp_path / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)'\n")
    fake.chmod(0o755)
    assert postgres.tool_major(str(fake)) == 15
    broken = tmp_path / "pg_broken"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    with pytest.raises(BackupError, match="无法运行"):
        postgres.tool_major(str(broken))


@pytest.mark.django_db(transaction=True)
def test_unwritable_destination_is_a_clear_error(city, tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(BackupError, match="无法写入备份"):
        backup_create(out=blocker / "b.tar.gz")
    assert list(tmp_path.glob("**/*.tar.gz")) == []

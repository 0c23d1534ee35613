"""PostgreSQL: ``pg_dump``/``pg_restore`` in custom format (-Fc), connection from DATABASES.

pg_dump cannot dump a server newer than itself and pg_restore cannot read an archive written by
a newer pg_dump: the client tools are picked (``CHAINBOARD_PG_BIN``, then ``PATH``, then Debian's
``/usr/lib/postgresql/<major>/bin``) and their versions checked first, with a message that says
which package to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from chainboard.ops.errors import BackupError

PG_BIN_ENV = "CHAINBOARD_PG_BIN"
_SSL_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


def pg_env(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq environment for the client tools: no password on a command line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGAPPNAME": "chainboard-backup",
    }
    options = settings_dict.get("OPTIONS") or {}
    for option, var in _SSL_OPTIONS.items():
        pairs[var] = options.get(option)
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    return env


def server_major(connection: BaseDatabaseWrapper) -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def tool_major(binary: str) -> int:
    try:
        out = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackupError(f"无法运行 {binary}：{exc}") from exc
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    if match is None:
        raise BackupError(f"无法识别 {binary} 的版本：{out.strip()}")
    return int(match.group(1))


def _candidates(name: str) -> list[str]:
    found: list[str] = []
    configured = os.environ.get(PG_BIN_ENV)
    if configured:
        found.append(str(Path(configured) / name))
    on_path = shutil.which(name)
    if on_path:
        found.append(on_path)
    found.extend(
        str(p)
        for p in sorted(
            Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
            key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
            reverse=True,
        )
    )
    return list(dict.fromkeys(found))


def pick_tool(name: str, *, at_least: int, reason: str) -> tuple[str, int]:
    """The first ``name`` binary whose major version is ``at_least`` or newer."""
    seen: list[str] = []
    for binary in _candidates(name):
        if not Path(binary).is_file():
            continue
        major = tool_major(binary)
        if major >= at_least:
            return binary, major
        seen.append(f"{binary}（{major} 版）")
    have = "、".join(seen) if seen else "未找到"
    raise BackupError(
        f"{reason}需要 {at_least} 版或更新的 {name}，本机只有：{have}。"
        f"请安装 postgresql-client-{at_least}，或把环境变量 {PG_BIN_ENV} 设为它的 bin 目录。"
    )


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"{what}失败：{exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what}失败（退出码 {done.returncode}）：{detail}")


def pg_dump(connection: BaseDatabaseWrapper, out: Path, *, snapshot: str | None) -> dict[str, Any]:
    """Dump the database (custom format) into ``out``; return the versions for the manifest."""
    server = server_major(connection)
    binary, major = pick_tool(
        "pg_dump", at_least=server, reason=f"PostgreSQL 服务器是 {server} 版，备份"
    )
    args = [binary, "--format=custom", "--no-password", f"--file={out}"]
    if snapshot:
        args.append(f"--snapshot={snapshot}")
    _run(args, pg_env(connection.settings_dict), "pg_dump 备份")
    return {"server_major": server, "pg_dump_major": major}


def pg_restore(connection: BaseDatabaseWrapper, dump: Path, manifest_db: dict[str, Any]) -> None:
    """Restore ``dump`` over the current database: objects in the dump are dropped and recreated
    (``--clean --if-exists``) in one transaction, so a failure leaves the database as it was."""
    server = server_major(connection)
    source_server = int(manifest_db.get("server_major") or 0)
    if source_server > server:
        raise BackupError(
            f"备份来自 PostgreSQL {source_server} 版，当前服务器是 {server} 版：不能恢复到更旧的服务器。"
            f"请使用 {source_server} 版或更新的 PostgreSQL。"
        )
    dumped_with = int(manifest_db.get("pg_dump_major") or 0)
    binary, _major = pick_tool(
        "pg_restore",
        at_least=max(dumped_with, 1),
        reason=f"备份由 {dumped_with} 版 pg_dump 写出，恢复",
    )
    connection.close()
    args = [
        binary,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={connection.settings_dict['NAME']}",
        str(dump),
    ]
    _run(args, pg_env(connection.settings_dict), "pg_restore 恢复")

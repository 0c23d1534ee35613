"""The backup archive: one gzip-compressed tar file.

    manifest.json          what is inside (version, migrations, row counts, members)
    database/<file>        the database: a SQLite file or a pg_dump custom-format dump
    files/<kind>/<path>    the files the database refers to (uploads, media, map boundaries)

``manifest.json`` is the first member and lists every other member with its size and SHA-256.
Reading stages every member in a scratch directory and checks it against the manifest before
anything is restored; a member that is missing, extra, not a plain file, outside the two folders
or different from its checksum refuses the whole archive.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from chainboard.ops.errors import BackupError

FORMAT = "chainboard-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
TOP_FOLDERS = ("database", "files")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Member:
    name: str  # path inside the archive, e.g. "files/uploads/ab12.xlsx"
    source: Path  # the file on disk


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def member_name_check(name: str) -> PurePosixPath:
    """A member name is a relative POSIX path under database/ or files/ (no '..', no root)."""
    path = PurePosixPath(name)
    if (
        not name
        or path.is_absolute()
        or "\\" in name
        or any(part in ("", ".", "..") for part in path.parts)
        or len(path.parts) < 2
        or path.parts[0] not in TOP_FOLDERS
    ):
        raise BackupError(f"备份中有不安全的文件路径：{name!r}，已拒绝恢复")
    return path


def archive_write(out: Path, manifest: dict[str, Any], members: list[Member]) -> dict[str, Any]:
    """Write ``out`` (tar.gz, mode 0600) atomically: a partial file never takes its name.
    Return the manifest as written (with every member's size and SHA-256)."""
    listed: dict[str, dict[str, Any]] = {}
    for member in members:
        member_name_check(member.name)
        if member.name in listed:
            raise BackupError(f"备份成员重名：{member.name}")
        listed[member.name] = {
            "size": member.source.stat().st_size,
            "sha256": sha256_file(member.source),
        }
    manifest = {**manifest, "members": listed}
    body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            tarfile.open(
                fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
            ) as tar,
        ):
            _add_bytes(tar, MANIFEST, body, manifest.get("created_epoch", 0))
            for member in members:
                info = tarfile.TarInfo(member.name)
                info.size = listed[member.name]["size"]
                info.mtime = int(member.source.stat().st_mtime)
                info.mode = 0o600
                with member.source.open("rb") as fh:
                    tar.addfile(info, fh)
            raw.flush()
            os.fsync(raw.fileno())
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: int) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = mtime
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def archive_read(path: Path, staging: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Verify the archive at ``path``; return its manifest and each member's staged file."""
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            return _read_members(tar, staging)
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(
            f"备份文件已损坏或不是 chainboard 备份（{path.name}）：{exc}。请换一份备份。"
        ) from exc


def _read_members(tar: tarfile.TarFile, staging: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError("不是 chainboard 备份：第一个文件不是 manifest.json")
    manifest = _manifest_parse(_read_all(tar, first))
    listed: dict[str, Any] = manifest["members"]
    staged: dict[str, Path] = {}
    while (info := tar.next()) is not None:
        name = info.name
        member_name_check(name)
        if not info.isfile():
            raise BackupError(f"备份中的 {name} 不是普通文件，已拒绝恢复")
        if name not in listed:
            raise BackupError(f"备份中有清单未列出的文件：{name}，已拒绝恢复")
        if name in staged:
            raise BackupError(f"备份中 {name} 出现了两次，已拒绝恢复")
        target = staging.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest, size = _copy_hashing(tar.extractfile(info), target)
        expected = listed[name]
        if digest != expected.get("sha256") or size != expected.get("size"):
            raise BackupError(
                f"校验失败：{name} 的 SHA-256 或大小与清单不符，备份文件已损坏或被改动。请换一份备份。"
            )
        staged[name] = target
    missing = sorted(set(listed) - set(staged))
    if missing:
        shown = "、".join(missing[:5]) + (f" 等 {len(missing)} 个" if len(missing) > 5 else "")
        raise BackupError(f"备份不完整，缺少清单列出的文件：{shown}")
    return manifest, staged


def _read_all(tar: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    if info.size > 64 * 1024 * 1024:
        raise BackupError("manifest.json 过大，不是 chainboard 备份")
    fh = tar.extractfile(info)
    return fh.read() if fh is not None else b""


def _manifest_parse(body: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"备份清单 manifest.json 无法读取：{exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("不是 chainboard 备份：清单格式不符")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {version} 比本程序支持的（{FORMAT_VERSION}）新，请先升级 chainboard 再恢复"
        )
    members = manifest.get("members")
    if not isinstance(members, dict) or not all(isinstance(v, dict) for v in members.values()):
        raise BackupError("备份清单 manifest.json 缺少文件列表")
    for name in members:
        member_name_check(name)
    return manifest


def _copy_hashing(src: IO[bytes] | None, target: Path) -> tuple[str, int]:
    if src is None:
        raise BackupError(f"无法读取备份中的 {target.name}")
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for chunk in iter(lambda: src.read(_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size

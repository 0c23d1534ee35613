"""Import entry points shared by the upload page, the API and the CLI, and the upload store.

Stored uploads (``UPLOAD_DIR``) are deleted by :func:`uploads_cleanup`, run after every import
from an upload and by ``chainboard imports cleanup``: a refused file at once, a preview or a
rejected file after ``CHAINBOARD_UPLOAD_DRAFT_HOURS``, an imported file (the evidence of its
batch) after ``CHAINBOARD_UPLOAD_RETENTION_DAYS`` (0 = keep). The batch rows themselves, with
their located errors and counts, and the change history are never deleted.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from chainboard.accounts.scope import can_see_import_batch, require_importer
from chainboard.core.errors import DomainError, NotFound
from chainboard.imports import liveness
from chainboard.imports.cells import canon
from chainboard.imports.guard import megabytes
from chainboard.imports.models import ColumnMapping, ImportBatch, ImportStatus
from chainboard.imports.readers import SPREADSHEET_SUFFIXES
from chainboard.imports.registry import IMPORTERS, NAME_ALIAS_SAVERS
from chainboard.imports.runner import CONTROL_CHARACTERS as CONTROL
from chainboard.imports.runner import ImportOutcome, run_import

ALLOWED_SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}
ORPHAN_GRACE = dt.timedelta(hours=1)  # a file stored by an upload still being handled
RowProgress = Callable[[Iterable[Any], int], Iterable[Any]]  # wraps the rows being checked


def importer_for(kind: str, actor: Any) -> Any:
    if kind not in IMPORTERS:
        raise DomainError(f"未知的导入类型 {kind}")
    require_importer(actor, kind)
    return IMPORTERS[kind]()


def upload_store(*, filename: str, content: IO[bytes], size: int) -> Path:
    """Keep an uploaded file under UPLOAD_DIR so the preview can be committed later."""
    suffix = Path(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise DomainError(f"{filename}: 不支持的文件类型，请上传 .xlsx、.xls 或 .csv")
    limit = settings.CHAINBOARD_MAX_UPLOAD_BYTES
    if size > limit:
        raise DomainError(f"{filename}: 文件大小超过上限 {megabytes(limit)}")
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    written = 0
    with target.open("wb") as out:
        for chunk in iter(lambda: content.read(1 << 20), b""):
            written += len(chunk)
            if written > limit:  # the declared size lied
                out.close()
                target.unlink()
                raise DomainError(f"{filename}: 文件大小超过上限 {megabytes(limit)}")
            out.write(chunk)
    return target


def import_file(
    *,
    kind: str,
    path: Path,
    filename: str,
    actor: Any,
    dry_run: bool,
    partial: bool = False,
    sheet: str = "",
    source: str = "",
    data_source: str = "",
    progress: RowProgress | None = None,
) -> ImportOutcome:
    """Import a stored upload, then drop the stored files nobody needs any more."""
    outcome = run_import(
        importer_for(kind, actor),
        path,
        actor=actor,
        filename=filename,
        dry_run=dry_run,
        partial=partial,
        sheet=sheet,
        source=source_clean(source),
        data_source=data_source,
        progress=progress,
    )
    uploads_cleanup(orphans=False)
    return outcome


def batches_recent(*, actor: Any, limit: int = 10) -> list[ImportBatch]:
    liveness.mark_interrupted()
    return list(ImportBatch.objects.filter(actor=actor)[:limit])


def batch_get(*, batch_id: int, actor: Any) -> ImportBatch:
    """A batch is visible to the user who ran it (and to superusers)."""
    liveness.mark_interrupted()
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or not can_see_import_batch(actor, batch):
        raise NotFound("导入批次不存在")
    return batch


def commit_in_background(batch: ImportBatch) -> bool:
    """Whether committing ``batch`` runs as a background job: files with more data rows than
    ``CHAINBOARD_IMPORT_JOB_ROWS`` (2,000: about a second of writing) do, smaller ones are
    committed in the request."""
    return batch.total_rows > settings.CHAINBOARD_IMPORT_JOB_ROWS


def batch_commit(
    *,
    batch: ImportBatch,
    actor: Any,
    partial: bool = False,
    progress: RowProgress | None = None,
) -> ImportOutcome:
    """Import for real the file a preview checked (re-validated: data may have changed since)."""
    if batch.status != ImportStatus.PREVIEWED:
        raise DomainError("该批次不是待确认的预检结果")
    path = Path(batch.stored_path)
    if not path.is_file():
        raise DomainError("预检文件已过期，请重新上传")
    return import_file(
        kind=batch.kind,
        path=path,
        filename=batch.filename,
        actor=actor,
        dry_run=False,
        partial=partial,
        sheet=batch.sheet,
        source=batch.source,
        data_source=batch.data_source,
        progress=progress,
    )


def batch_reread(*, batch: ImportBatch, actor: Any, sheet: str) -> ImportOutcome:
    """Preview the same stored file again, reading the sheet the user chose."""
    path = Path(batch.stored_path)
    if not path.is_file():
        raise DomainError("预检文件已过期，请重新上传")
    if batch.status != ImportStatus.PREVIEWED and batch.status != ImportStatus.REJECTED:
        raise DomainError("只能为待确认或被拒绝的预检重新读取文件")
    return import_file(
        kind=batch.kind,
        path=path,
        filename=batch.filename,
        actor=actor,
        dry_run=True,
        sheet=sheet,
        source=batch.source,
        data_source=batch.data_source,
    )


def source_clean(source: str) -> str:
    """A data source name as typed (宁晋县税务局): trimmed, NFKC, at most 100 characters."""
    text = " ".join(unicodedata.normalize("NFKC", source or "").split())
    if len(text) > 100:
        raise DomainError("来源单位名称不能超过100个字符")
    if CONTROL.search(text):
        raise DomainError("来源单位名称含不可见的控制字符")
    return text


def mappings_save(*, batch: ImportBatch, actor: Any, choices: dict[str, str]) -> ImportOutcome:
    """Remember the user's matches (file title → template field, '' = leave out) for the batch's
    kind and source, then preview the same file again with them."""
    require_importer(actor, batch.kind)
    importer = IMPORTERS[batch.kind]
    fields = {c.field for c in importer.columns}
    offered = set(batch.unmatched)
    for title, field_name in choices.items():
        if title not in offered:
            raise DomainError(f"列「{title[:50]}」不是本次文件中未对应的列")
        if field_name and field_name not in fields:
            raise DomainError(f"模板中没有列「{field_name[:50]}」")
    chosen = {t: f for t, f in choices.items() if f}
    if len(set(chosen.values())) < len(chosen):
        raise DomainError("两列不能对应同一个模板列")
    with transaction.atomic():
        for title, field_name in chosen.items():
            ColumnMapping.objects.update_or_create(
                kind=batch.kind,
                source=batch.source,
                file_title=canon(title),
                defaults={"field": field_name, "created_by": actor},
            )
    return batch_reread(batch=batch, actor=actor, sheet=batch.sheet)


def name_choices_save(
    *, batch: ImportBatch, actor: Any, choices: dict[int, int | None]
) -> ImportOutcome:
    """Remember the firms a user chose for the rows whose name matched several firms or none
    (row number → firm pk among that row's candidates; None = leave the row out), then preview
    the same file again: the chosen names now match as remembered names.

    The firms offered were those of the user's scope when the preview ran; the saver checks
    again that each chosen firm is in the user's scope.
    """
    require_importer(actor, batch.kind)
    if batch.status not in (ImportStatus.PREVIEWED, ImportStatus.REJECTED):
        raise DomainError("只能为待确认或被拒绝的预检选择企业")
    by_row = {int(m["row"]): m for m in batch.name_matches if m.get("status") != "confirmed"}
    pairs: list[tuple[str, int]] = []
    for row, firm in choices.items():
        match = by_row.get(row)
        if match is None:
            raise DomainError(f"第{row}行不是待选择企业的行")
        if firm is None:
            continue
        if firm not in {c["id"] for c in match.get("candidates", [])}:
            raise DomainError(f"第{row}行：所选企业不在候选企业中")
        pairs.append((str(match["name"]), firm))
    if pairs:
        if not NAME_ALIAS_SAVERS:
            raise DomainError("未配置企业名称对应关系的保存")
        with transaction.atomic():
            for save in NAME_ALIAS_SAVERS:
                save(actor=actor, pairs=pairs)
    return batch_reread(batch=batch, actor=actor, sheet=batch.sheet)


@dataclass
class CleanupReport:
    deleted: int = 0
    freed_bytes: int = 0
    kept: int = 0
    interrupted: int = 0


def _expires(batch: ImportBatch, now: dt.datetime) -> dt.datetime | None:
    """When ``batch`` stops needing its stored file (None: keep)."""
    created = batch.created_at or now
    if batch.status == ImportStatus.RUNNING:
        return None
    if batch.status in (ImportStatus.COMMITTED, ImportStatus.PARTIAL):
        days = settings.CHAINBOARD_UPLOAD_RETENTION_DAYS
        return None if days <= 0 else created + dt.timedelta(days=days)
    if batch.status == ImportStatus.REJECTED and batch.total_rows == 0:
        return created  # the file itself was refused (hostile, unreadable, empty)
    return created + dt.timedelta(hours=settings.CHAINBOARD_UPLOAD_DRAFT_HOURS)


def uploads_cleanup(*, now: dt.datetime | None = None, orphans: bool = True) -> CleanupReport:
    """Delete the stored uploads no batch needs any more (only files inside ``UPLOAD_DIR``).

    ``orphans``: also delete files no batch refers to, once older than an hour.
    """
    report = CleanupReport(interrupted=liveness.mark_interrupted())
    folder = Path(settings.UPLOAD_DIR)
    if not folder.is_dir():
        return report
    now = now or timezone.now()
    home = folder.resolve()
    by_name: dict[str, list[ImportBatch]] = {}
    for batch in ImportBatch.objects.filter(file_deleted_at__isnull=True).exclude(stored_path=""):
        stored = Path(batch.stored_path)
        if stored.parent.resolve() == home:
            by_name.setdefault(stored.name, []).append(batch)
    for path in sorted(home.iterdir()):
        if not path.is_file() or path.is_symlink():
            continue
        batches = by_name.get(path.name, [])
        if batches:
            ends = [_expires(b, now) for b in batches]
            due = all(e is not None and e <= now for e in ends)
        else:
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            due = orphans and now - modified > ORPHAN_GRACE
        if not due:
            report.kept += 1
            continue
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        report.deleted += 1
        report.freed_bytes += size
        ImportBatch.objects.filter(pk__in=[b.pk for b in batches]).update(file_deleted_at=now)
    return report

"""Import entry points shared by the upload page, the API and the CLI."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from chainboard.accounts.scope import can_see_import_batch, require_importer
from chainboard.core.errors import DomainError, NotFound
from chainboard.imports.models import ImportBatch
from chainboard.imports.readers import SPREADSHEET_SUFFIXES
from chainboard.imports.registry import IMPORTERS
from chainboard.imports.runner import ImportOutcome, run_import

ALLOWED_SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


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
    if size > MAX_UPLOAD_BYTES:
        raise DomainError(f"{filename}: 文件超过 50 MB")
    folder = Path(settings.UPLOAD_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        for chunk in iter(lambda: content.read(1 << 20), b""):
            out.write(chunk)
    return target


def import_file(
    *, kind: str, path: Path, filename: str, actor: Any, dry_run: bool, partial: bool = False
) -> ImportOutcome:
    return run_import(
        importer_for(kind, actor),
        path,
        actor=actor,
        filename=filename,
        dry_run=dry_run,
        partial=partial,
    )


def batch_get(*, batch_id: int, actor: Any) -> ImportBatch:
    """A batch is visible to the user who ran it (and to superusers)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or not can_see_import_batch(actor, batch):
        raise NotFound("导入批次不存在")
    return batch


def batch_commit(*, batch: ImportBatch, actor: Any, partial: bool = False) -> ImportOutcome:
    """Import for real the file a preview checked (re-validated: data may have changed since)."""
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
    )

"""Attachments users upload with a form (异议, 诉求): checked, hashed, never trusted by name.

:func:`attachments_check` is the one entry point: at most ``CHAINBOARD_ATTACHMENT_MAX_FILES``
files, each refused by :func:`chainboard.imports.guard.check_attachment` when its suffix, first
bytes, size or zip structure is not what it claims; the message names the file as shown
(:func:`~chainboard.imports.guard.attachment_name`). Callers store each file under a random name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from chainboard.core.errors import DomainError
from chainboard.imports.guard import FileRefused, Limits, attachment_name, check_attachment


@dataclass(frozen=True)
class Upload:
    """One uploaded file as a service sees it (a Django ``UploadedFile`` fits)."""

    name: str
    size: int
    file: IO[bytes]


@dataclass(frozen=True)
class CheckedUpload:
    upload: Upload
    name: str  # as shown and offered for download
    kind: str  # the lower-case suffix
    sha256: str


def attachments_check(files: Sequence[Upload]) -> list[CheckedUpload]:
    """Every file checked (``DomainError`` 400 naming the first refused one), with its digest."""
    limit = settings.CHAINBOARD_ATTACHMENT_MAX_FILES
    if len(files) > limit:
        raise DomainError(f"附件最多 {limit} 个，收到 {len(files)} 个", fields={"files": "过多"})
    limits = Limits.from_settings()
    out = []
    for upload in files:
        shown = attachment_name(upload.name)
        try:
            kind = check_attachment(
                upload.file,
                upload.name,
                upload.size,
                max_bytes=settings.CHAINBOARD_ATTACHMENT_MAX_BYTES,
                limits=limits,
            )
        except FileRefused as exc:
            raise DomainError(f"附件“{shown}”：{exc}", fields={"files": str(exc)}) from exc
        digest = hashlib.sha256()
        upload.file.seek(0)
        while chunk := upload.file.read(1 << 20):
            digest.update(chunk)
        upload.file.seek(0)
        out.append(CheckedUpload(upload, shown, kind, digest.hexdigest()))
    return out

"""The one error of backup and restore; its message (Chinese) says what is wrong and what to do."""

from __future__ import annotations

from chainboard.core.errors import DomainError


class BackupError(DomainError):
    code = "backup"

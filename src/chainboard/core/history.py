"""Who changed a row and why: what django-simple-history records with the next ``save()``."""

from __future__ import annotations

from typing import Any, TypeVar

M = TypeVar("M")


def set_history(obj: M, actor: Any, reason: str = "") -> M:
    """Mark ``obj``'s next save with ``actor`` (a user; None = the system) and ``reason`` (shown
    in the change history: 导入批次#N, 发布, …); returns ``obj``."""
    target: Any = obj
    target._history_user = actor
    target._change_reason = reason
    return obj

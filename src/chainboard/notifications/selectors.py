"""Reads of notifications: a user sees only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from chainboard.notifications.models import Notification


def notification_list(*, user: Any) -> QuerySet[Notification]:
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def unread_count(*, user: Any) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()

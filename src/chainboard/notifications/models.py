"""In-app notifications 站内通知: one row per recipient (docs/services.md "通知")."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    ASSIGNED = "assigned", "分办"
    REMINDER = "reminder", "即将到期"
    OVERDUE = "overdue", "已逾期"
    ANSWERED = "answered", "已答复"
    ESCALATED = "escalated", "逾期升级"
    CLOSED = "closed", "已办结"
    REVIEWED = "reviewed", "评审结果"
    CALL_STAGE = "call_stage", "揭榜挂帅进展"
    OTHER = "other", "其他"


class Notification(models.Model):
    """A message for one user; ``read_at`` set when the user opens or dismisses it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    kind = models.CharField("类型", max_length=16, choices=NotificationKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

"""``GET /api/notifications/``: the user's own notifications (newest first)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from chainboard.notifications.selectors import notification_list

router = Router(tags=["通知"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationsOut(Schema):
    unread: int
    items: list[NotificationOut]


@router.get("/", response=NotificationsOut, summary="我的站内通知（最近 100 条）")
def notifications(request: HttpRequest, unread: bool = False) -> dict[str, object]:
    rows = notification_list(user=request.user)
    n = rows.filter(read_at__isnull=True).count()
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return {"unread": n, "items": list(rows[:100])}

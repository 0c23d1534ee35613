"""Every write of notifications: :func:`notify` (in-app rows, then the optional email and
webhook once the transaction commits), marking read.

Email and webhook are optional and never required: email goes out only with
``CHAINBOARD_NOTIFY_EMAIL`` on (Django's ``EMAIL_*`` SMTP settings, recipients with an address);
the webhook only when ``CHAINBOARD_NOTIFY_WEBHOOK_URL`` is set (an 企业微信 group robot takes
``{"msgtype": "text", "text": {"content": …}}``). A failure of either is logged and dropped: the
in-app notification is the record.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from chainboard.core.errors import NotFound
from chainboard.notifications.models import Notification

log = logging.getLogger("chainboard.notifications")


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str = ""
    link: str = ""


def notify(*, users: Iterable[Any], message: Message) -> list[Notification]:
    """One unread notification per distinct active user; email/webhook after commit."""
    seen: dict[int, Any] = {}
    for u in users:
        if u is not None and u.is_active and u.pk not in seen:
            seen[u.pk] = u
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk,
                kind=message.kind,
                title=message.title[:200],
                body=message.body,
                link=message.link[:200],
            )
            for pk in seen
        ]
    )
    recipients = [u.email for u in seen.values() if u.email]
    transaction.on_commit(lambda: deliver(message, recipients))
    return rows


def deliver(message: Message, emails: list[str]) -> None:
    """The optional channels; never raises."""
    if settings.CHAINBOARD_NOTIFY_EMAIL and emails:
        try:
            text = f"{message.body}\n\n{_absolute(message.link)}".strip()
            send_mass_mail(
                [(f"[chainboard] {message.title}", text, None, [e]) for e in emails],
                fail_silently=False,
            )
        except Exception:  # SMTP down or refused: the in-app row is the record
            log.exception("notification email failed: %s", message.title)
    url = settings.CHAINBOARD_NOTIFY_WEBHOOK_URL
    if url:
        try:
            webhook_post(url, message)
        except Exception:
            log.exception("notification webhook failed: %s", message.title)


def _absolute(link: str) -> str:
    base = settings.CHAINBOARD_SITE_URL.rstrip("/")
    return f"{base}{link}" if link and base else link


def webhook_post(url: str, message: Message) -> int:
    """POST the 企业微信 group-robot text message; the HTTP status."""
    content = "\n".join(x for x in (message.title, message.body, _absolute(message.link)) if x)
    data = json.dumps(
        {"msgtype": "text", "text": {"content": content}}, ensure_ascii=False
    ).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    timeout = settings.CHAINBOARD_NOTIFY_WEBHOOK_TIMEOUT
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return int(response.status)


def _pk(actor: Any) -> int:
    return int(actor.pk) if getattr(actor, "is_authenticated", False) else 0


def notification_read(*, actor: Any, pk: int) -> Notification:
    """Mark one of the actor's own notifications read (another user's: NotFound)."""
    row = Notification.objects.filter(user_id=_pk(actor), pk=pk).first()
    if row is None:
        raise NotFound("通知不存在")
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


def notifications_read_all(*, actor: Any) -> int:
    return Notification.objects.filter(user_id=_pk(actor), read_at__isnull=True).update(
        read_at=timezone.now()
    )

"""Account writes: the security audit log.

Other apps call :func:`security_event_record` for the events an administrator must be able to
trace (exports of firm lists, publishes of evaluation runs, permission denials); logins, failed
logins and lockouts are recorded from Django's and django-axes' signals (``signals.py``).
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from chainboard.accounts.models import SecurityEvent, SecurityEventKind, User

if TYPE_CHECKING:
    from django.db.models import Model

log = logging.getLogger("chainboard.security")


TRUSTED_PROXIES = {"127.0.0.1", "::1"}


def client_ip_behind_proxy(request: HttpRequest) -> str | None:
    """The client's address when a local reverse proxy forwards the request: the right-most
    ``X-Forwarded-For`` entry (the address nginx saw; entries left of it are the client's own
    claims). Used as django-axes' ``AXES_CLIENT_IP_CALLABLE`` behind a TLS proxy, so the
    per-address lockout does not lock everybody out through the proxy's 127.0.0.1."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in TRUSTED_PROXIES and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return remote or None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as django-axes resolves it (REMOTE_ADDR unless configured)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    raw = get_client_ip_address(request)
    try:
        return str(ipaddress.ip_address(raw)) if raw else None
    except ValueError:
        return None


def security_event_record(
    event: SecurityEventKind | str,
    *,
    request: HttpRequest | None = None,
    user: User | AnonymousUser | None = None,
    username: str = "",
    target: Model | str = "",
    detail: str = "",
) -> SecurityEvent:
    """Append one event to the audit log (and the ``chainboard.security`` logger).

    ``user`` defaults to ``request.user``; ``username`` is for events without a user row (a
    failed login with an unknown name). ``target`` is the object acted on or a short label.
    """
    kind = SecurityEventKind(event)
    if user is None and request is not None:
        user = getattr(request, "user", None)
    actor = user if isinstance(user, User) else None
    name = (username or (actor.get_username() if actor else ""))[:150]
    label = str(target)[:255] if target != "" else ""
    if not label and request is not None and kind == SecurityEventKind.PERMISSION_DENIED:
        label = request.path[:255]
    row = SecurityEvent.objects.create(
        event=kind,
        user=actor,
        username=name,
        ip_address=client_ip(request),
        target=label,
        detail=detail[:500],
    )
    log.info("%s user=%s ip=%s target=%s %s", kind.value, name, row.ip_address, label, detail)
    return row

"""Logins, failed logins, logouts, lockouts and refused requests go to the security audit log."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from chainboard.accounts.models import SecurityEventKind
from chainboard.accounts.services import security_event_record
from chainboard.core.signals import access_denied


@receiver(user_logged_in, dispatch_uid="chainboard_audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security_event_record(SecurityEventKind.LOGIN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="chainboard_audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(SecurityEventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="chainboard_audit_login_failed")
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    security_event_record(
        SecurityEventKind.LOGIN_FAILED,
        request=request,
        user=_anonymous(),
        username=str(credentials.get("username", "")),
    )


@receiver(access_denied, dispatch_uid="chainboard_audit_access_denied")
def _access_denied(sender: Any, request: Any, message: str = "", **kwargs: Any) -> None:
    security_event_record(SecurityEventKind.PERMISSION_DENIED, request=request, detail=message)


@receiver(user_locked_out, dispatch_uid="chainboard_audit_lockout")
def _locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    security_event_record(
        SecurityEventKind.LOCKOUT,
        request=request,
        user=_anonymous(),
        username=username or "",
        detail="连续登录失败次数过多，已暂时锁定",
    )


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()

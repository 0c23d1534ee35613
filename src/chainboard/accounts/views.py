"""Login-related pages that Django does not ship: the lockout page and the password change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from chainboard.accounts.models import SecurityEventKind
from chainboard.accounts.services import security_event_record


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' ``AXES_LOCKOUT_CALLABLE``: the Chinese lockout page, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every signed-in user may change their own password (validators apply)."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("dashboards:home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security_event_record(SecurityEventKind.PASSWORD_CHANGE, request=self.request)
        messages.success(self.request, "密码已修改。")
        return response

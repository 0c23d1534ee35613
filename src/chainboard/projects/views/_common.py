"""Helpers shared by the project views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from chainboard.core.downloads import download
from chainboard.projects.params import month_param
from chainboard.projects.selectors import ranking


def ranking_month(request: HttpRequest) -> dt.date:
    """``?month=YYYY-MM`` (or the form's ``month``), else the latest stored ranking's month, else
    this month."""
    data = request.POST if request.method == "POST" else request.GET
    return month_param(data, ranking.latest_month() or timezone.localdate().replace(day=1))


def attachment(data: Any, filename: str) -> HttpResponseBase:
    """The file as a download with its Chinese name (``core.downloads``)."""
    return download(data, filename)


def safe_next(request: HttpRequest) -> str | None:
    """The form's ``next`` URL when it stays on this site."""
    target = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target and ok else None

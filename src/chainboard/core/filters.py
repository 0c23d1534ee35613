"""Query-string filters (django-filter sets) of the list pages, their exports and the API.

:func:`filtered` is the one way to apply a filter set: a value that is not valid (``?batch=abc``,
``?above_scale=x``, a region outside the user's scope) is refused with :class:`InvalidQuery`
(400, the message names each parameter), never a server error nor a silently ignored filter.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet

from chainboard.core.errors import DomainError


class InvalidQuery(DomainError):
    """A query parameter is not valid (400, API code ``invalid`` like every rule refused)."""


def filtered(filterset: django_filters.FilterSet) -> QuerySet[Any]:
    """The filtered queryset, or :class:`InvalidQuery` naming each refused parameter."""
    if not filterset.is_valid():
        raise invalid(filterset.form.errors)
    return filterset.qs


def invalid(errors: dict[str, Any]) -> InvalidQuery:
    """:class:`InvalidQuery` for a form's ``errors`` ("参数 batch：请选择有效的项")."""
    parts = {name: "；".join(str(e) for e in errs) for name, errs in errors.items()}
    text = "，".join(f"参数 {name}：{msg}" for name, msg in parts.items())
    return InvalidQuery(f"查询条件有误：{text}", fields=parts)

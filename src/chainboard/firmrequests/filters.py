"""The filter set of the officer's queue page and ``GET /api/requests/`` (bad values → 400)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from chainboard.firmrequests.models import Category, Level, Status, Urgency
from chainboard.firmrequests.selectors import overdue_q


class RequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, label="状态")
    category = django_filters.ChoiceFilter(choices=Category.choices, label="类别")
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices, label="紧急程度")
    level = django_filters.TypedChoiceFilter(
        field_name="escalation_level", choices=Level.choices, coerce=int, label="升级"
    )
    region = django_filters.CharFilter(field_name="region__code", label="区县代码")
    department = django_filters.NumberFilter(field_name="department_id", label="承办部门")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="只看逾期")
    open = django_filters.BooleanFilter(method="filter_open", label="只看未办结")
    q = django_filters.CharFilter(method="filter_q", label="关键词")

    def filter_overdue(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.filter(overdue_q()) if value else qs.exclude(overdue_q())

    def filter_open(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        cond = Q(status__in=[Status.SUBMITTED, Status.ACCEPTED])
        return qs.filter(cond) if value else qs.exclude(cond)

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()[:50]
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(enterprise__name__icontains=value))

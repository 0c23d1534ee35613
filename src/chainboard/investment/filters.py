"""The filter set of the pipeline page, its xlsx export and ``GET /api/investment/leads``
(bad values → 400 through ``core.filters.filtered``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from chainboard.investment.models import LeadSource, LeadStage


class LeadFilter(django_filters.FilterSet):
    chain = django_filters.NumberFilter(field_name="chain_id", label="产业链")
    region = django_filters.CharFilter(field_name="region__code", label="负责区县代码")
    stage = django_filters.ChoiceFilter(choices=LeadStage.choices, label="阶段")
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label="线索来源")
    owner = django_filters.NumberFilter(field_name="owner_id", label="负责人")
    q = django_filters.CharFilter(method="filter_q", label="关键词")

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()[:50]
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(products__icontains=value) | Q(origin__icontains=value)
        )

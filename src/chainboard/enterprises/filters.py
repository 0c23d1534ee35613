"""django-filter set for the enterprise list page and its xlsx export (the API filters with
``schemas.EnterpriseFilterIn``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from chainboard.accounts.scope import parks_visible, regions_visible
from chainboard.enterprises.models import Enterprise, EnterpriseStatus
from chainboard.geo.models import Park, Region, RegionLevel
from chainboard.industries.models import IndustryCode, IndustryLevel


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="搜索（名称/信用代码）")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="in_region", label="区县"
    )
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.none(), label="园区")
    division = django_filters.ModelChoiceFilter(
        queryset=IndustryCode.objects.filter(
            level=IndustryLevel.DIVISION, code__gte="13", code__lte="43"
        ),
        method="in_division",
        label="行业大类",
    )
    above_scale = django_filters.BooleanFilter(label="规上")
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices, label="状态")

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        used = Enterprise.objects.values("region_id").distinct()
        self.filters["region"].queryset = (
            regions_visible(user)
            .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY], code__in=used)
            .order_by("code")
        )
        self.filters["park"].queryset = parks_visible(user).select_related("region")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))

    def in_region(self, qs: QuerySet, name: str, value: Region | None) -> QuerySet:
        return qs.filter(region__path__startswith=value.path) if value else qs

    def in_division(self, qs: QuerySet, name: str, value: IndustryCode | None) -> QuerySet:
        return qs.filter(industry_id__startswith=value.code) if value else qs

"""django-filter sets of the enterprise registry: the list page and its xlsx export
(:class:`EnterpriseFilter`) and ``GET /api/enterprises/`` (:class:`EnterpriseApiFilter`, the same
filters plus an industry code prefix). Apply them with ``core.filters.filtered``: a bad value is a
400 naming the parameter."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet

from chainboard.accounts.scope import parks_visible, regions_visible
from chainboard.enterprises.models import Enterprise, EnterpriseStatus
from chainboard.geo.models import Park, Region, RegionLevel
from chainboard.industries.models import IndustryCode, IndustryLevel


class EnterpriseFilter(django_filters.FilterSet):
    """企业名录: search, region (with the regions below it), park, industry division, 规上, status."""

    q = django_filters.CharFilter(method="search", label="搜索（名称/信用代码）")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.none(), method="in_region", label="区县", empty_label="全部"
    )
    park = django_filters.ModelChoiceFilter(
        queryset=Park.objects.none(), label="园区", empty_label="全部"
    )
    division = django_filters.ModelChoiceFilter(
        queryset=IndustryCode.objects.filter(
            level=IndustryLevel.DIVISION, code__gte="13", code__lte="43"
        ),
        method="in_division",
        label="行业大类",
        empty_label="全部",
    )
    above_scale = django_filters.BooleanFilter(
        label="规上",
        widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )
    status = django_filters.ChoiceFilter(
        choices=EnterpriseStatus.choices, label="状态", empty_label="全部"
    )
    #: column sorting of the list (and the same order in its export): ``sort=region``,
    #: ``sort=-region``; the page shows it as links in the column headings, not as a field
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("uscc", "uscc"),
            ("region__code", "region"),
            ("park__name", "park"),
            ("industry_id", "industry"),
            ("above_scale", "above_scale"),
            ("status", "status"),
        ),
        label="排序",
    )

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = self.region_choices(user)
        self.filters["park"].queryset = parks_visible(user).select_related("region")

    def region_choices(self, user: Any) -> QuerySet[Region]:
        """The page offers the visible cities and counties that have firms."""
        used = Enterprise.objects.values("region_id").distinct()
        return (
            regions_visible(user)
            .filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY], code__in=used)
            .order_by("code")
        )

    def ordered(self, qs: QuerySet) -> QuerySet:
        """``qs`` (this set's result) in the chosen column order, by name without one; ``pk``
        last so pages never overlap."""
        chosen = list(qs.query.order_by)
        return qs.order_by(*chosen, "pk") if chosen else qs.order_by("name", "pk")

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(uscc__startswith=value.upper()))

    def in_region(self, qs: QuerySet, name: str, value: Region | None) -> QuerySet:
        return qs.filter(region__path__startswith=value.path) if value else qs

    def in_division(self, qs: QuerySet, name: str, value: IndustryCode | None) -> QuerySet:
        return qs.filter(industry__code__startswith=value.code) if value else qs


class EnterpriseApiFilter(EnterpriseFilter):
    """``GET /api/enterprises/``: the page's filters; ``region`` takes any region code (a province,
    a region outside the user's scope: the answer is then empty, the list being scoped anyway),
    ``industry`` a GB/T 4754 code prefix of 1-4 digits (大类/中类/小类). Unknown codes are 400."""

    industry = django_filters.CharFilter(
        method="in_industry",
        label="行业代码前缀",
        validators=[RegexValidator(r"^\d{1,4}$", "应为 GB/T 4754 行业代码（1-4 位数字）")],
    )

    def region_choices(self, user: Any) -> QuerySet[Region]:
        return Region.objects.all()

    def in_industry(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(industry__code__startswith=value) if value else qs

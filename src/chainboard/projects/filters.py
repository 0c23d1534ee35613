"""django-filter sets for the project pages and API: the project list (page, export, API), the
wall map (page and ``/api/projects/map``), alerts and tasks.

A value that is not one of the choices (``?batch=abc``, ``?stage=x``, ``?band=y``) is refused:
``core.filters.filtered`` raises ``InvalidQuery`` (400, the message names the field), never a
server error nor a silently ignored filter.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from chainboard.accounts.scope import regions_visible
from chainboard.core.filters import invalid
from chainboard.geo.models import Region
from chainboard.projects.models import (
    YI,
    Batch,
    Project,
    ProjectKind,
    ProjectSource,
    Stage,
    Task,
)
from chainboard.projects.selectors.projects import ALERT_KINDS, SEVERITIES, filter_by_chain


def _cities_and_counties(user: Any) -> QuerySet[Region]:
    return regions_visible(user).filter(level__in=["city", "county"]).order_by("code")


def _stage() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label="阶段", choices=Stage.choices, empty_label="全部")


def _source() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label="来源", choices=ProjectSource.choices, empty_label="全部"
    )


def _batch() -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
        label="集中开工批次", queryset=Batch.objects.all(), empty_label="全部"
    )


def _chain() -> django_filters.CharFilter:
    return django_filters.CharFilter(label="产业链/环节", method=on_chain)


def on_chain(qs: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
    """A chain id (the map's select) or text (segment, chain or free label)."""
    return filter_by_chain(qs, value) if value.strip() else qs


class ProjectFilter(django_filters.FilterSet):
    """The project list 项目库: search, county, source, kind, stage, batch, chain, scale."""

    q = django_filters.CharFilter(label="搜索", method="search")
    region = django_filters.ModelChoiceFilter(
        label="区县", queryset=Region.objects.none(), method="in_region", empty_label="全部"
    )
    source = _source()
    kind = django_filters.ChoiceFilter(
        label="性质", choices=ProjectKind.choices, empty_label="全部"
    )
    stage = _stage()
    batch = _batch()
    chain = _chain()
    big = django_filters.ChoiceFilter(
        label="规模",
        choices=[("100m", "过亿"), ("1b", "过10亿")],
        method="by_size",
        empty_label="全部",
    )
    county_key = django_filters.ChoiceFilter(
        label="县级重点",
        choices=[("1", "县级重点"), ("0", "非县级重点")],
        method="by_county_key",
        empty_label="全部",
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = _cities_and_counties(user)

    def search(self, qs: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(investor_name__icontains=value)
        )

    def in_region(
        self, qs: QuerySet[Project], name: str, value: Region | None
    ) -> QuerySet[Project]:
        return qs.filter(region__path__contains=f"{value.code}/") if value else qs

    def by_size(self, qs: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        floor = {"100m": YI, "1b": 10 * YI}.get(value)
        return qs.filter(total_investment_wan_yuan__gte=floor) if floor else qs

    def by_county_key(self, qs: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        return qs.filter(county_key=value == "1") if value else qs


class MapFilter(django_filters.FilterSet):
    """The wall map 挂图: stage, source, batch and chain (a chain id or text)."""

    stage = _stage()
    source = _source()
    batch = _batch()
    chain = _chain()

    class Meta:
        model = Project
        fields: list[str] = []


class AlertQuery(forms.Form):
    """The alerts page's and export's parameters (alerts are a list, not a queryset): county,
    kind, severity, a project name/code search and the page."""

    region = forms.RegexField(regex=r"^\d{6}$", required=False, label="区县")
    kind = forms.ChoiceField(choices=[("", "全部"), *ALERT_KINDS.items()], required=False)
    severity = forms.ChoiceField(
        choices=[("", "全部"), *SEVERITIES.items()], required=False, label="严重程度"
    )
    q = forms.CharField(required=False, max_length=100, label="项目")
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="页码")

    def values(self) -> dict[str, Any]:
        """The cleaned parameters ("" for an absent text, None for an absent page), or
        :class:`InvalidQuery`."""
        if not self.is_valid():
            raise invalid(self.errors)
        return {k: (v if k == "page" else v or "") for k, v in self.cleaned_data.items()}


TASK_BANDS = {"done": "已完成", "above75": "75%及以上", "below75": "不足75%", "overdue": "逾期"}


class TaskFilter(django_filters.FilterSet):
    """Tasks 任务 by programme, owner department and completion band."""

    programme = django_filters.CharFilter(label="专项行动")
    department = django_filters.CharFilter(label="牵头部门", field_name="owner_department")
    band = django_filters.ChoiceFilter(
        label="完成情况",
        choices=list(TASK_BANDS.items()),
        method="in_band",
        empty_label="全部",
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, today: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def in_band(self, qs: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if value == "done":
            return qs.filter(percent_complete__gte=100)
        if value == "above75":
            return qs.filter(percent_complete__gte=75, percent_complete__lt=100)
        if value == "below75":
            return qs.filter(percent_complete__lt=75)
        if value == "overdue":
            return qs.filter(percent_complete__lt=100, due_on__lt=self.today)
        return qs

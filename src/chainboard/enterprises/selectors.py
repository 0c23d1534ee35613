"""Reads of the enterprise registry; every one starts from the user's scope."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from chainboard.accounts.models import DataSource
from chainboard.accounts.scope import enterprise_q, enterprises_visible, scope_key
from chainboard.core.errors import NotFound
from chainboard.core.versioning import cached_for_version
from chainboard.enterprises.figure_sources import (
    default_rules,
    field_rules,
    resolve_year,
    source_fields,
)
from chainboard.enterprises.models import (
    FIGURE_TITLES,
    Enterprise,
    EnterpriseYear,
    FigureDecision,
    FigureValues,
)


def enterprise_list(*, user: Any) -> QuerySet[Enterprise]:
    return enterprises_visible(user).select_related("region", "park", "industry")


def enterprise_get(*, user: Any, uscc: str) -> Enterprise:
    """One visible firm by USCC; a firm outside the scope is reported as not found."""
    firm = enterprise_list(user=user).filter(uscc=uscc).first()
    if firm is None:
        raise NotFound("企业不存在或不在您的管辖范围")
    return firm


def enterprise_years(*, user: Any, enterprise: Enterprise) -> QuerySet[EnterpriseYear]:
    return EnterpriseYear.objects.filter(enterprise_q(user, "enterprise__"), enterprise=enterprise)


def dashboard_figures(*, user: Any) -> dict[str, Any]:
    """Headline figures for the home page within the user's scope, cached per data version."""
    return cached_for_version(f"dashboard:{scope_key(user)}", lambda: _dashboard_figures(user))


def _dashboard_figures(user: Any) -> dict[str, Any]:
    firms = enterprises_visible(user)
    totals = firms.aggregate(n=Count("pk"), above=Count("pk", filter=Q(above_scale=True)))
    by_region = list(
        firms.values("region_id", "region__name")
        .annotate(n=Count("pk"), above=Count("pk", filter=Q(above_scale=True)))
        .order_by("region_id")
    )
    by_division = list(
        firms.annotate(division=Substr("industry_id", 1, 2))
        .values("division")
        .annotate(n=Count("pk"))
        .order_by("-n")[:12]
    )
    years = list(
        EnterpriseYear.objects.filter(enterprise_q(user, "enterprise__"))
        .values("year")
        .annotate(
            revenue=Sum("revenue_wan_yuan"),
            tax=Sum("tax_paid_wan_yuan"),
            above_revenue=Sum("revenue_wan_yuan", filter=Q(enterprise__above_scale=True)),
        )
        .order_by("year")
    )
    return {"totals": totals, "by_region": by_region, "by_division": by_division, "years": years}


# --- several sources for one figure (docs/imports.md「一个指标多个来源」) ----------------------


@dataclass(frozen=True)
class FigureConflict:
    """One figure of one firm-year whose sources disagree beyond the tolerance (or that an
    analyst decided): every source's value, the used one and the largest relative difference
    (``None``: infinitely far, the used value is 0)."""

    enterprise: Enterprise
    year: int
    field: str
    values: dict[str, Decimal]
    used_source: str
    used_value: Decimal
    difference: Decimal | None
    decided: bool
    tolerance: Decimal

    @property
    def title(self) -> str:
        return FIGURE_TITLES[self.field]

    @property
    def sources(self) -> list[tuple[str, str, Decimal | None]]:
        """(code, 中文, value) of every source, in the DataSource order."""
        return [(code, label, self.values.get(code)) for code, label in DataSource.choices]


def figure_conflicts(
    user: Any,
    *,
    year: int | None = None,
    field: str | None = None,
    decided: bool = False,
    enterprise: Enterprise | None = None,
) -> list[FigureConflict]:
    """The figures of the firms ``user`` sees whose sources conflict (open ones; with
    ``decided`` the analyst-decided ones instead), newest year first, then by firm name."""
    rows = FigureValues.objects.filter(enterprise_q(user, "enterprise__"))
    if year is not None:
        rows = rows.filter(year=year)
    if enterprise is not None:
        rows = rows.filter(enterprise=enterprise)
    if field is not None:
        rows = rows.filter(**{f"{field}__isnull": False})
    fields = [field] if field else list(FIGURE_TITLES)
    multi = rows.values("enterprise_id", "year").annotate(n=Count("pk")).filter(n__gt=1)
    pairs = {(r["enterprise_id"], r["year"]) for r in multi}
    if not pairs:
        return []
    firm_ids = {p[0] for p in pairs}
    by_pair: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
    for r in rows.filter(enterprise_id__in=firm_ids).values(
        "enterprise_id", "year", "source", *fields
    ):
        key = (r.pop("enterprise_id"), r.pop("year"))
        if key in pairs:
            by_pair.setdefault(key, {})[r.pop("source")] = r
    decisions: dict[tuple[int, int], dict[str, tuple[str, Decimal]]] = {}
    for d in FigureDecision.objects.filter(enterprise_id__in=firm_ids):
        decisions.setdefault((d.enterprise_id, d.year), {})[d.field] = (d.source, d.value)
    rules = field_rules()
    firms = Enterprise.objects.in_bulk(firm_ids)
    out: list[FigureConflict] = []
    for (firm_id, y), sources in by_pair.items():
        for name, r in resolve_year(sources, rules, fields, decisions.get((firm_id, y))).items():
            if (r.decided if decided else r.conflict) and r.value is not None and r.source:
                out.append(
                    FigureConflict(
                        enterprise=firms[firm_id],
                        year=y,
                        field=name,
                        values={
                            s: Decimal(v[name]) for s, v in sources.items() if v[name] is not None
                        },
                        used_source=r.source,
                        used_value=r.value,
                        difference=r.difference,
                        decided=r.decided,
                        tolerance=rules[name].tolerance,
                    )
                )
    out.sort(key=lambda c: (-c.year, c.enterprise.name, list(FIGURE_TITLES).index(c.field)))
    return out


def figure_rules_list() -> list[dict[str, Any]]:
    """Every figure's precedence (中文 labels) and tolerance, with whether it is the default."""
    rules, defaults = field_rules(), default_rules()
    labels = dict(DataSource.choices)
    return [
        {
            "field": name,
            "title": title,
            "order": list(rules[name].precedence),
            "labels": [labels[s] for s in rules[name].precedence],
            "tolerance": rules[name].tolerance,
            "is_default": rules[name] == defaults[name],
            "carried_by": [labels[s] for s in DataSource.values if name in source_fields(s)],
        }
        for name, title in FIGURE_TITLES.items()
    ]

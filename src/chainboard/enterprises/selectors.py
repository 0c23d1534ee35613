"""Reads of the enterprise registry; every one starts from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from chainboard.accounts.scope import enterprise_q, enterprises_visible, scope_key
from chainboard.core.errors import NotFound
from chainboard.core.versioning import cached_for_version
from chainboard.enterprises.models import Enterprise, EnterpriseYear


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

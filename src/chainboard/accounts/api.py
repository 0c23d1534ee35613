"""Regions API: the regions in the user's scope (the scope rules live in ``scope.py``)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from chainboard.accounts.scope import authenticated, regions_visible

router = Router(tags=["regions 行政区划"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None


@router.get("/", response=list[RegionOut])
def list_regions(request: HttpRequest, parent: str | None = None) -> Any:
    """Regions in the user's scope; ``parent`` lists one region's children."""
    qs = regions_visible(request.user)
    if parent:
        qs = qs.filter(parent_id=parent)
    else:
        scoped = authenticated(request.user).scope_region_id is not None
        qs = qs if scoped else qs.filter(level__in=["province", "city"])
    return qs.order_by("code")[:5000]

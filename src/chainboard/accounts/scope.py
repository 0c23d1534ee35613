"""The one place that decides what a user may see and change.

Every selector starts from :func:`enterprises_visible` / :func:`regions_visible`; every service
that writes calls one of the ``require_*`` checks. Scope is a prefix filter on ``Region.path``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from chainboard.accounts.models import Role, User
from chainboard.core.errors import OutOfScope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from chainboard.enterprises.models import Enterprise
    from chainboard.geo.models import Park, Region

NOTHING = Q(pk__in=[])

REGISTRY_WRITERS = {Role.ADMIN, Role.ANALYST, Role.REGION_STAFF, Role.PARK_STAFF}


def _user(user: User | AnonymousUser | None) -> User | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user  # type: ignore[return-value]


def enterprise_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """A ``Q`` selecting the enterprises ``user`` may see; ``prefix`` reaches them through a FK."""
    u = _user(user)
    if u is None:
        return NOTHING
    if u.is_superuser and u.role == Role.ADMIN and not u.scope_region_id:
        return Q()
    if u.role == Role.ENTERPRISE:
        return Q(**{f"{prefix}pk": u.scope_enterprise_id}) if u.scope_enterprise_id else NOTHING
    if u.role == Role.PARK_STAFF:
        return Q(**{f"{prefix}park_id": u.scope_park_id}) if u.scope_park_id else NOTHING
    if (region := u.scope_region) is not None:
        return Q(**{f"{prefix}region__path__startswith": region.path})
    if u.role in (Role.ADMIN, Role.ANALYST):
        return Q()
    return NOTHING


def enterprises_visible(user: User | AnonymousUser | None, qs: QuerySet | None = None) -> QuerySet:
    from chainboard.enterprises.models import Enterprise

    base = Enterprise.objects.all() if qs is None else qs
    return base.filter(enterprise_q(user))


def region_q(user: User | AnonymousUser | None, prefix: str = "") -> Q:
    """Regions the user works in: their subtree (a park or firm user: the one region)."""
    u = _user(user)
    if u is None:
        return NOTHING
    if u.role == Role.ENTERPRISE:
        firm = u.scope_enterprise
        return Q(**{f"{prefix}pk": firm.region_id}) if firm is not None else NOTHING
    if u.role == Role.PARK_STAFF:
        park = u.scope_park
        return Q(**{f"{prefix}pk": park.region_id}) if park is not None else NOTHING
    if (region := u.scope_region) is not None:
        return Q(**{f"{prefix}path__startswith": region.path})
    if u.role in (Role.ADMIN, Role.ANALYST) or u.is_superuser:
        return Q()
    return NOTHING


def regions_visible(user: User | AnonymousUser | None) -> QuerySet:
    from chainboard.geo.models import Region

    return Region.objects.filter(region_q(user))


def parks_visible(user: User | AnonymousUser | None) -> QuerySet:
    from chainboard.geo.models import Park

    u = _user(user)
    if u is not None and u.role == Role.PARK_STAFF:
        return Park.objects.filter(pk=u.scope_park_id or 0)
    return Park.objects.filter(region_q(user, prefix="region__"))


def authenticated(user: User | AnonymousUser) -> User:
    """The request's user as a ``User`` (views and API handlers are behind login)."""
    if not isinstance(user, User):
        raise OutOfScope("请先登录")
    return user


def can_see_enterprise(user: User | AnonymousUser | None, enterprise: Enterprise) -> bool:
    return enterprises_visible(user).filter(pk=enterprise.pk).exists()


def require_enterprise_visible(user: User | AnonymousUser | None, enterprise: Enterprise) -> None:
    if not can_see_enterprise(user, enterprise):
        raise OutOfScope("无权访问该企业")


def require_registry_writer(user: User | AnonymousUser | None) -> User:
    u = _user(user)
    if u is None or (u.role not in REGISTRY_WRITERS and not u.is_superuser):
        raise OutOfScope("当前角色不能修改企业名录")
    return u


def place_in_scope(user: User | AnonymousUser | None, region: Region, park: Park | None) -> bool:
    """May ``user`` put (or keep) a firm in ``region``/``park``?"""
    u = _user(user)
    if u is None:
        return False
    if u.role == Role.ENTERPRISE:
        return False
    if u.role == Role.PARK_STAFF:
        return park is not None and park.pk == u.scope_park_id
    if (scope := u.scope_region) is not None:
        return region.path.startswith(scope.path)
    return u.role in (Role.ADMIN, Role.ANALYST) or u.is_superuser


def require_place_in_scope(
    user: User | AnonymousUser | None, region: Region, park: Park | None = None
) -> None:
    if not place_in_scope(user, region, park):
        raise OutOfScope(f"{region.name}{'/' + park.name if park else ''} 不在您的管辖范围")


def require_figures_writer(user: User | AnonymousUser | None, enterprise: Enterprise) -> None:
    """Registry writers in scope, or the firm's own enterprise user, may change its figures."""
    u = _user(user)
    if u is not None and u.role == Role.ENTERPRISE and u.scope_enterprise_id == enterprise.pk:
        return
    require_registry_writer(user)
    require_enterprise_visible(user, enterprise)

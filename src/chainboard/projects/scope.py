"""Project scope, built on ``chainboard.accounts.scope`` (the one place that filters).

A county user sees and fills the projects located in their county; a park user those in their
park; an enterprise user the projects its firm invests in; analysts and admins their region (or
everything). Out-of-scope reads answer 404, out-of-scope writes 403.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from chainboard.accounts.models import Role
from chainboard.accounts.scope import (
    NOTHING,
    place_in_scope,
    region_q,
    require_place_in_scope,
    require_registry_writer,
)
from chainboard.core.errors import OutOfScope


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def project_q(user: Any, prefix: str = "") -> Q:
    """A ``Q`` selecting the projects ``user`` may see; ``prefix`` reaches them through a FK."""
    if not _active(user):
        return NOTHING
    if user.role == Role.ENTERPRISE:
        firm = user.scope_enterprise_id
        return Q(**{f"{prefix}investor_id": firm}) if firm else NOTHING
    if user.role == Role.PARK_STAFF:
        return Q(**{f"{prefix}park_id": user.scope_park_id}) if user.scope_park_id else NOTHING
    return region_q(user, prefix=f"{prefix}region__")


def can_see_project(user: Any, project: Any) -> bool:
    from chainboard.projects.models import Project

    return Project.objects.filter(project_q(user), pk=project.pk).exists()


def require_project_editor(user: Any, project: Any) -> None:
    """Create/edit the project itself: registry writers whose scope holds its place."""
    require_registry_writer(user)
    if not can_see_project(user, project):
        raise OutOfScope("该项目不在您的管辖范围")
    require_place_in_scope(user, project.region, project.park)


def require_project_placement(user: Any, region: Any, park: Any) -> None:
    require_registry_writer(user)
    require_place_in_scope(user, region, park)


def require_update_filer(user: Any, project: Any) -> None:
    """File a weekly update: registry writers in scope, or the investor's own enterprise user."""
    if not _active(user):
        raise OutOfScope("请先登录")
    if user.role == Role.ENTERPRISE:
        if project.investor_id and user.scope_enterprise_id == project.investor_id:
            return
        raise OutOfScope("只能填报本企业投资的项目")
    require_project_editor(user, project)


def require_city_officer(user: Any) -> None:
    """Rankings, review scores, targets and tasks are kept by city-level analysts and admins."""
    if not _active(user) or not (user.is_superuser or (user.role in (Role.ADMIN, Role.ANALYST))):
        raise OutOfScope("只有市级分析员或管理员可以执行此操作")


def can_place(user: Any, region: Any, park: Any) -> bool:
    return place_in_scope(user, region, park)

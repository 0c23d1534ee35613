"""Capabilities on one object, for templates: ``{% load cb_perms %}``, then
``{% if user|can_edit_project:p %}`` (the rules are in ``accounts/scope.py``)."""

from __future__ import annotations

from typing import Any

from django import template

from chainboard.accounts import scope

register = template.Library()


@register.filter
def can_edit_project(user: Any, project: Any) -> bool:
    return scope.can_edit_project(user, project)


@register.filter
def can_file_weekly_update(user: Any, project: Any) -> bool:
    return scope.can_file_weekly_update(user, project)

"""Template filters for the chain pages (percentages and money: the ``chainboard`` library)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key, []) if hasattr(mapping, "get") else []

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):+,.{int(digits)}f}"

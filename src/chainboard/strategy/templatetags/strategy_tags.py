from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: float | None, digits: int = 1) -> str:
    """``0.1234|pct`` → ``12.3%``."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def signed(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{float(value):+,.{int(digits)}f}"

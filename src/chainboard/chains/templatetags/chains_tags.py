"""Template filters for the chain pages: percentages and 亿元."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def pct(value: float | Decimal | None, digits: int = 1) -> str:
    """0.1234 → "12.3%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def yi(value: float | Decimal | None) -> str:
    """万元 → "12.34" 亿元."""
    if value is None:
        return "—"
    return f"{float(value) / 10000:,.2f}"


@register.filter
def signed_pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:+.1f}%"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key, []) if hasattr(mapping, "get") else []

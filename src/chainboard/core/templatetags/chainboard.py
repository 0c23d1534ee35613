from __future__ import annotations

from decimal import Decimal

from django import template

from chainboard.core.formatting import format_pct, format_wan_yuan

register = template.Library()


@register.filter
def wan_yuan(value: Decimal | float | int | None) -> str:
    """``{{ x|wan_yuan }}`` → ``1,234.50 万元`` or ``12.35 亿元``."""
    return format_wan_yuan(value)


@register.filter
def pct(value: Decimal | float | int | None, digits: int = 1) -> str:
    """``{{ 0.1234|pct }}`` → ``12.3%``; ``None`` → ``—``."""
    return format_pct(value, digits=int(digits))


@register.filter
def signed_pct(value: Decimal | float | int | None, digits: int = 1) -> str:
    """``{{ 0.05|signed_pct }}`` → ``+5.0%``."""
    return format_pct(value, digits=int(digits), signed=True)


@register.filter
def number(value: Decimal | float | int | None, digits: int = 2) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{Decimal(str(value)):,.{int(digits)}f}"


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()

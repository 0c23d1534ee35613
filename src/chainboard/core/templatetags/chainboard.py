from __future__ import annotations

from decimal import Decimal

from django import template
from django.core.paginator import Page
from django.utils.html import format_html

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


@register.simple_tag
def page_numbers(page: Page) -> list[int | str]:
    """The page numbers a pager shows: the first and last, two either side of the current one,
    ``…`` for the gaps (``Paginator.get_elided_page_range``)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def sort_header(
    context: template.Context, key: str, label: str, css: str = "", param: str = "sort"
) -> str:
    """A ``<th>`` whose link sorts the list by ``key`` (a second click: descending), keeping the
    other query parameters and going back to page 1; the current order is marked ▲/▼ and in
    ``aria-sort``."""
    request = context["request"]
    current = request.GET.get(param, "")
    params = request.GET.copy()
    params.pop("page", None)
    params[param] = f"-{key}" if current == key else key
    mark, aria = "", "none"
    if current == key:
        mark, aria = " ▲", "ascending"
    elif current == f"-{key}":
        mark, aria = " ▼", "descending"
    return format_html(
        '<th class="{}" aria-sort="{}"><a class="sort" href="?{}">{}{}</a></th>',
        css,
        aria,
        params.urlencode(),
        label,
        mark,
    )

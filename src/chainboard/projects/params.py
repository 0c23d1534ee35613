"""Query parameters of the project pages that are not filters: month, week, year.

Each returns the parsed value or raises :class:`InvalidQuery`
(400, with the expected format), so ``?month=13-2025``, ``?week=9999-12-31`` or ``?year=0``
never reach a date computation that fails with a server error.
"""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from chainboard.core.filters import InvalidQuery
from chainboard.projects.models import week_start

MIN_YEAR, MAX_YEAR = 2000, 2100  # the years the plans, rankings and reports can be about


def year_param(data: QueryDict, default: int, name: str = "year") -> int:
    """``?year=YYYY`` between 2000 and 2100; ``default`` when absent."""
    text = (data.get(name) or "").strip()
    if not text:
        return default
    if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
        raise InvalidQuery(
            f"年份应为 {MIN_YEAR}–{MAX_YEAR} 之间的四位数字：{text}", fields={name: text}
        )
    return int(text)


def parse_month(text: str) -> dt.date:
    """``YYYY-MM`` → the first of that month (years 2000–2100); ``ValueError`` otherwise."""
    try:
        year, month = (int(p) for p in text.strip().split("-"))
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError
        return dt.date(year, month, 1)
    except ValueError:
        raise ValueError(f"月份格式应为 YYYY-MM（{MIN_YEAR}–{MAX_YEAR} 年）：{text}") from None


def month_param(data: QueryDict, default: dt.date, name: str = "month") -> dt.date:
    """``?month=YYYY-MM`` → its first day; ``default`` when absent."""
    text = (data.get(name) or "").strip()
    if not text:
        return default
    try:
        return parse_month(text)
    except ValueError as exc:
        raise InvalidQuery(str(exc), fields={name: text}) from exc


def week_param(data: QueryDict, default: dt.date, name: str = "week") -> dt.date:
    """``?week=YYYY-MM-DD`` (any day of the week) → its Monday; ``default`` when absent."""
    text = (data.get(name) or "").strip()
    if not text:
        return default
    try:
        day = dt.date.fromisoformat(text)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValueError
    except ValueError as exc:
        raise InvalidQuery(
            f"周格式应为 YYYY-MM-DD（{MIN_YEAR}–{MAX_YEAR} 年）：{text}", fields={name: text}
        ) from exc
    return week_start(day)

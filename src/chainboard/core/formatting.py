"""Money and number formatting: amounts are stored in 万元 and shown as 万元 or 亿元 with units;
shares are stored as fractions and shown as percentages. The template filters (``chainboard``
library) and the pages' Python code both use these."""

from __future__ import annotations

from decimal import Decimal

WAN_PER_YI = Decimal(10000)


def format_wan_yuan(value: Decimal | float | int | str | None, *, digits: int = 2) -> str:
    """Render an amount held in 万元: below 1亿元 as ``1,234.50 万元``, above as ``12.35 亿元``."""
    if value is None or value == "":  # templates pass "" for a missing variable
        return "—"
    amount = Decimal(str(value))
    if abs(amount) >= WAN_PER_YI:
        return f"{amount / WAN_PER_YI:,.{digits}f} 亿元"
    return f"{amount:,.{digits}f} 万元"


def format_pct(
    value: Decimal | float | int | str | None, *, digits: int = 1, signed: bool = False
) -> str:
    """Render a share held as a fraction: ``0.1234`` → ``12.3%`` (``+12.3%`` with ``signed``)."""
    if value is None or value == "":
        return "—"
    sign = "+" if signed else ""
    return f"{float(value) * 100:{sign}.{digits}f}%"

"""What every ECharts option builder shares: the palette, 万元 → 亿元 and fraction → percent values.

The builders themselves live in each app's ``charts.py``; their options are serialised into the
page with ``json_script`` and drawn by ``static/js/charts.js``.
"""

from __future__ import annotations

from decimal import Decimal

PALETTE = ["#b91c1c", "#1d4ed8", "#047857", "#b45309", "#7c3aed", "#0e7490", "#be185d", "#4d7c0f"]


def yi(value: Decimal | float | int | None) -> float:
    """An amount held in 万元 as 亿元 for a chart axis, rounded to 0.01 (None → 0)."""
    return round(float(value or 0) / 10000, 2)


def pct(value: Decimal | float | int) -> float:
    """A share held as a fraction as percent for a chart axis, rounded to 0.1."""
    return round(float(value) * 100, 1)

"""ECharts option builders: plain dicts, serialised into the page and drawn by static/js/charts.js."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from chainboard.industries.models import IndustryCode

PALETTE = ["#b91c1c", "#1d4ed8", "#047857", "#b45309", "#7c3aed", "#0e7490", "#be185d", "#4d7c0f"]


def _yi(value: Decimal | None) -> float:
    """万元 → 亿元, rounded for display."""
    return round(float(value or 0) / 10000, 2)


def firms_by_region(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    names = [r["region__name"] for r in rows]
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["企业数", "规上企业"]},
        "grid": {"left": 50, "right": 20, "bottom": 70},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "name": "家"},
        "series": [
            {"name": "企业数", "type": "bar", "data": [r["n"] for r in rows]},
            {"name": "规上企业", "type": "bar", "data": [r["above"] for r in rows]},
        ],
    }


def firms_by_division(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    names = IndustryCode.objects.in_bulk([r["division"] for r in rows])
    data = [
        {
            "name": f"{r['division']} {names[r['division']].name if r['division'] in names else ''}",
            "value": r["n"],
        }
        for r in rows
    ]
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}<br/>{c} 家 ({d}%)"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "68%"],
                "data": data,
                "label": {"formatter": "{b}", "fontSize": 11},
            }
        ],
    }


def revenue_trend(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    years = [str(r["year"]) for r in rows]
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis", "valueSuffix": " 亿元"},
        "legend": {"data": ["营业收入", "其中规上", "实缴税金"]},
        "grid": {"left": 60, "right": 60},
        "xAxis": {"type": "category", "data": years},
        "yAxis": [
            {"type": "value", "name": "营业收入(亿元)"},
            {"type": "value", "name": "税金(亿元)"},
        ],
        "series": [
            {"name": "营业收入", "type": "line", "data": [_yi(r["revenue"]) for r in rows]},
            {"name": "其中规上", "type": "line", "data": [_yi(r["above_revenue"]) for r in rows]},
            {
                "name": "实缴税金",
                "type": "bar",
                "yAxisIndex": 1,
                "data": [_yi(r["tax"]) for r in rows],
            },
        ],
    }


def firm_figures(years: Sequence[Any]) -> dict[str, Any]:
    labels = [str(y.year) for y in years]

    def series(name: str, field: str, axis: int = 0) -> dict[str, Any]:
        values = [
            None if getattr(y, field) is None else round(float(getattr(y, field)), 2) for y in years
        ]
        return {"name": name, "type": "bar" if axis else "line", "yAxisIndex": axis, "data": values}

    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": [{"type": "value", "name": "万元"}, {"type": "value", "name": "万元"}],
        "series": [
            series("营业收入", "revenue_wan_yuan"),
            series("工业增加值", "value_added_wan_yuan"),
            series("实缴税金", "tax_paid_wan_yuan", 1),
            series("研发费用", "rd_spend_wan_yuan", 1),
        ],
    }

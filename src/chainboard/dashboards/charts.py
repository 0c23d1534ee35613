"""ECharts options of the home page (plain dicts, drawn by static/js/charts.js)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainboard.core.charts import PALETTE, yi
from chainboard.industries.models import IndustryCode


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
            {"name": "营业收入", "type": "line", "data": [yi(r["revenue"]) for r in rows]},
            {"name": "其中规上", "type": "line", "data": [yi(r["above_revenue"]) for r in rows]},
            {
                "name": "实缴税金",
                "type": "bar",
                "yAxisIndex": 1,
                "data": [yi(r["tax"]) for r in rows],
            },
        ],
    }

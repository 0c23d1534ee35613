"""ECharts options for the evaluation pages (plain dicts, drawn by static/js/charts.js)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CLASS_COLORS = {"A": "#047857", "B": "#1d4ed8", "C": "#b45309", "D": "#b91c1c"}
OTHER = "#6b7280"


def class_stack(
    rows: Sequence[dict[str, Any]], classes: Sequence[str], *, rotate: int = 30
) -> dict[str, Any]:
    """Stacked bars: one bar per county/park/industry, one segment per class."""
    labels = [str(r["label"] or r["key"]) for r in rows]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"data": list(classes), "top": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 120 if rotate else 60},
        "xAxis": {
            "type": "category",
            "data": labels,
            "axisLabel": {"rotate": rotate, "interval": 0},
        },
        "yAxis": {"type": "value", "name": "家"},
        "series": [
            {
                "name": c,
                "type": "bar",
                "stack": "n",
                "itemStyle": {"color": CLASS_COLORS.get(c, OTHER)},
                "data": [r["counts"].get(c, 0) for r in rows],
            }
            for c in classes
        ],
    }


def class_pie(
    counts: dict[str, int], classes: Sequence[str], names: dict[str, str]
) -> dict[str, Any]:
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} 家 ({d}%)"},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "70%"],
                "label": {"formatter": "{b}\n{c} 家"},
                "data": [
                    {
                        "name": f"{c}类 {names.get(c, '')}",
                        "value": counts.get(c, 0),
                        "itemStyle": {"color": CLASS_COLORS.get(c, OTHER)},
                    }
                    for c in classes
                    if counts.get(c)
                ],
            }
        ],
    }


def migration_heatmap(matrix: dict[tuple[str, str], int], classes: Sequence[str]) -> dict[str, Any]:
    """Last year's class (rows) × this year's class (columns)."""
    prev = [*classes, ""]
    data = [
        [j, i, matrix.get((p, c), 0)] for i, p in enumerate(prev) for j, c in enumerate(classes)
    ]
    peak = max([v for *_, v in data] + [1])
    return {
        "tooltip": {"position": "top"},
        "grid": {"left": 90, "right": 20, "bottom": 60, "top": 20},
        "xAxis": {"type": "category", "data": [f"{c}类" for c in classes], "name": "本年"},
        "yAxis": {
            "type": "category",
            "data": [f"{p}类" if p else "上年未评" for p in prev],
            "name": "上年",
            "inverse": True,
        },
        "visualMap": {
            "min": 0,
            "max": peak,
            "calculable": False,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "inRange": {"color": ["#f8fafc", "#1d4ed8"]},
        },
        "series": [{"type": "heatmap", "data": data, "label": {"show": True}}],
    }


def coverage_bars(
    rows: Sequence[dict[str, Any]], kinds: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    labels = [str(r["label"]) for r in rows]
    return {
        "tooltip": {"trigger": "axis", "valueSuffix": "%"},
        "legend": {"data": [label for _, label in kinds], "top": 0},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 80},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 30, "interval": 0}},
        "yAxis": {"type": "value", "name": "%", "max": 100},
        "series": [
            {
                "name": label,
                "type": "bar",
                "data": [round(r["shares"][kind][1], 1) for r in rows],
            }
            for kind, label in kinds
        ],
    }

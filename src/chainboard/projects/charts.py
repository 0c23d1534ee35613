"""ECharts options for the project pages (plain dicts from plain data, drawn by
``static/js/charts.js``). The wall map's option is in :mod:`chainboard.projects.wallmap`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any


def ranking_stack(
    labels: Sequence[str],
    scores: Sequence[Mapping[str, Decimal]],
    components: Mapping[str, str],
) -> dict[str, Any]:
    """月评比: one horizontal bar per county (in rank order), one stacked segment per component
    score (``components``: key → Chinese label).

    The legend sits above the plot in its own band (``grid.top``) and scrolls instead of
    wrapping, and ``containLabel`` keeps the county names and the score axis inside the grid,
    so the legend never covers an axis label (it used to sit at the bottom over the x axis).
    """
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 10, "right": 30, "top": 40, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "value", "name": "得分（分）", "nameLocation": "middle", "nameGap": 24},
        "yAxis": {"type": "category", "inverse": True, "data": list(labels)},
        "series": [
            {
                "type": "bar",
                "stack": "s",
                "name": label,
                "data": [float(s.get(key, 0)) for s in scores],
            }
            for key, label in components.items()
        ],
    }


def target_progress(
    names: Sequence[str], progress: Sequence[float | None], projected: Sequence[float | None]
) -> dict[str, Any]:
    """目标: per target, the share done now and the projected share at the period end (both as
    % of the target value; missing shown as 0), with a line at 100 %."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 230, "right": 30, "top": 10, "bottom": 40},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": list(names)},
        "series": [
            {
                "type": "bar",
                "name": "当前完成",
                "data": [round(100 * (p or 0), 1) for p in progress],
            },
            {
                "type": "bar",
                "name": "期末预计",
                "data": [round(100 * (p or 0), 1) for p in projected],
                "markLine": {"symbol": "none", "label": {"show": False}, "data": [{"xAxis": 100}]},
            },
        ],
    }


def target_history(
    days: Sequence[str], values: Sequence[float], projected: Sequence[float], goal: float
) -> dict[str, Any]:
    """One target's readings over time: current value, projected end value (dashed) and the
    target value as a flat line."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 30, "top": 20, "bottom": 50},
        "xAxis": {"type": "category", "data": list(days)},
        "yAxis": {"type": "value"},
        "series": [
            {"type": "line", "name": "当前值", "data": list(values)},
            {
                "type": "line",
                "name": "期末预计",
                "lineStyle": {"type": "dashed"},
                "data": list(projected),
            },
            {"type": "line", "name": "目标值", "symbol": "none", "data": [goal for _ in days]},
        ],
    }

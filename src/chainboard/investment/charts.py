"""ECharts options of the 招商 pages (plain dicts from plain data, drawn by
``static/js/charts.js``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from chainboard.core.charts import PALETTE


def funnel_option(stages: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The pipeline funnel: per stage (线索 … 落地) the leads that reached it."""
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "valueSuffix": " 家"},
        "series": [
            {
                "type": "funnel",
                "name": "招商漏斗",
                "sort": "none",
                "left": "10%",
                "width": "80%",
                "minSize": "10%",
                "label": {"show": True, "position": "inside", "formatter": "{b}：{c}"},
                "data": [{"name": s["label"], "value": s["reached"]} for s in stages],
            }
        ],
    }


def stacked_by(rows: Sequence[Mapping[str, Any]], labels: Sequence[str]) -> dict[str, Any]:
    """One horizontal bar per chain or county, stacked by current stage."""
    names = [r["name"] for r in rows]
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0, "type": "scroll"},
        "grid": {"left": 10, "right": 30, "top": 40, "bottom": 20, "containLabel": True},
        "xAxis": {"type": "value", "name": "线索数（家）"},
        "yAxis": {"type": "category", "inverse": True, "data": names},
        "series": [
            {"type": "bar", "stack": "s", "name": label, "data": [r["cells"][i] for r in rows]}
            for i, label in enumerate(labels)
        ],
    }

"""The wall map 挂图: ECharts option for the city's counties with projects placed on it.

A project sits at its coordinates when given, otherwise near its county's interior point (spread
on a small spiral so projects of one county do not overlap); colour = stage, size = investment.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from chainboard.projects.models import Stage

CENTRES: dict[str, list[float]] = json.loads(
    (Path(__file__).parent / "data/centres.json").read_text(encoding="utf-8")
)
COLOURS = {
    Stage.PLANNED: "#9ca3af",
    Stage.SIGNED: "#f59e0b",
    Stage.STARTED: "#dc2626",
    Stage.PRODUCING: "#2563eb",
    Stage.EFFECTIVE: "#059669",
}


def map_option(data: dict[str, Any], region_names: dict[str, str]) -> dict[str, Any]:
    seen: dict[str, int] = {}
    series: dict[str, list[Any]] = {s: [] for s in Stage.values}
    for p in data["points"]:
        if p["lon"] is not None and p["lat"] is not None:
            lon, lat = p["lon"], p["lat"]
        else:
            cx, cy = CENTRES.get(p["region"], [114.5, 37.1])
            k = seen.get(p["region"], 0)
            seen[p["region"]] = k + 1
            r, a = 0.012 * math.sqrt(k), k * 2.4
            lon, lat = cx + r * math.cos(a), cy + r * math.sin(a) * 0.8
        size = max(4.0, min(28.0, math.sqrt(p["total"]) / 12))
        series[p["stage"]].append(
            {
                "name": p["name"],
                "value": [round(lon, 4), round(lat, 4), p["total"]],
                "symbolSize": round(size, 1),
                "code": p["code"],
            }
        )
    totals = [
        {"name": region_names.get(code, code), "value": round(v["total"] / 10000, 2)}
        for code, v in data["by_region"].items()
    ]
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0, "data": [str(s.label) for s in Stage]},
        "visualMap": {
            "min": 0,
            "max": max([t["value"] for t in totals] or [1]),
            "seriesIndex": 0,
            "left": 10,
            "bottom": 40,
            "text": ["亿元", ""],
            "calculable": True,
            "inRange": {"color": ["#fff7ed", "#fdba74"]},
        },
        "geo": {
            "map": "xingtai",
            "roam": True,
            "label": {"show": True, "fontSize": 11},
            "itemStyle": {"borderColor": "#6b7280"},
            "layoutSize": "95%",
        },
        "series": [
            {
                "type": "map",
                "map": "xingtai",
                "geoIndex": 0,
                "name": "区县总投资(亿元)",
                "data": totals,
            },
            *[
                {
                    "type": "scatter",
                    "coordinateSystem": "geo",
                    "name": str(Stage(s).label),
                    "itemStyle": {"color": COLOURS[s], "opacity": 0.8},
                    "data": pts,
                }
                for s, pts in series.items()
            ],
        ],
    }

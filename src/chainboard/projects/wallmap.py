"""The wall map 挂图: ECharts option for the city's counties with projects placed on it.

The outlines come from ``chainboard.geo.boundaries`` (one file per city, registered in the page
under the city's code). A project sits at its coordinates when given, otherwise near its county's
interior point (spread on a small spiral so projects of one county do not overlap); colour =
stage, size = investment.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from chainboard.core.charts import yi
from chainboard.projects.models import Stage

COLOURS = {
    Stage.PLANNED: "#9ca3af",
    Stage.SIGNED: "#f59e0b",
    Stage.STARTED: "#dc2626",
    Stage.PRODUCING: "#2563eb",
    Stage.EFFECTIVE: "#059669",
}


def map_city(data: dict[str, Any], scope_code: str | None) -> str | None:
    """The city whose counties the map draws: the user's own city (a county user's parent), else
    the city holding most of the visible projects."""
    if scope_code and len(scope_code) == 6:
        if scope_code.endswith("0000"):  # a province: its busiest city below
            in_province = Counter(
                c[:4] + "00" for c in data["by_region"] if c.startswith(scope_code[:2])
            )
            return in_province.most_common(1)[0][0] if in_province else None
        return scope_code[:4] + "00"
    cities: Counter[str] = Counter()
    for code, v in data["by_region"].items():
        cities[code[:4] + "00"] += v["n"]
    return cities.most_common(1)[0][0] if cities else None


def map_option(
    data: dict[str, Any],
    region_names: dict[str, str],
    *,
    map_name: str,
    centres: dict[str, list[float]],
) -> dict[str, Any]:
    seen: dict[str, int] = {}
    fallback = _middle(centres)
    series: dict[str, list[Any]] = {s: [] for s in Stage.values}
    for p in data["points"]:
        if p["lon"] is not None and p["lat"] is not None:
            lon, lat = p["lon"], p["lat"]
        else:
            if p["region"] not in centres:
                continue  # a county outside the drawn city: listed in the panel, not placed
            cx, cy = centres.get(p["region"], fallback)
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
        {"name": region_names.get(code, code), "value": yi(v["total"])}
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
            "map": map_name,
            "roam": True,
            "label": {"show": True, "fontSize": 11},
            "itemStyle": {"borderColor": "#6b7280"},
            "layoutSize": "95%",
        },
        "series": [
            {
                "type": "map",
                "map": map_name,
                "geoIndex": 0,
                "name": "区县总投资(亿元)",
                "data": totals,
            },
            *[
                {
                    "type": "scatter",
                    "coordinateSystem": "geo",
                    "name": str(Stage(s).label),
                    "itemStyle": {"color": COLOURS[Stage(s)], "opacity": 0.8},
                    "data": pts,
                }
                for s, pts in series.items()
            ],
        ],
    }


def _middle(centres: dict[str, list[float]]) -> list[float]:
    if not centres:
        return [0.0, 0.0]
    xs, ys = zip(*centres.values(), strict=True)
    return [sum(xs) / len(xs), sum(ys) / len(ys)]

"""The wall map 挂图: ECharts option for the city's counties with projects placed on it.

The outlines come from ``chainboard.geo.boundaries`` (one file per city, registered in the page
under the city's code). A project sits at its coordinates when given, otherwise near its county's
interior point (spread on a small spiral so projects of one county do not overlap); colour =
stage, size = investment. Each point carries its tooltip (name, total investment in 万元/亿元,
stage, county) and what the click card shows (``static/projects/wallmap.js``). County names are a
series of their own on a layer above the bubbles, just north of each county's cluster. The view
is framed on ``focus`` (a county user's county, a park user's projects) when given.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils.html import escape

from chainboard.core.charts import yi
from chainboard.core.formatting import format_wan_yuan
from chainboard.projects.models import Stage

#: a box on the map: ``[[west, north], [east, south]]`` (ECharts ``geo.boundingCoords``)
Box = list[list[float]]
SPIRAL = 0.012  # degrees between rings of the spiral of a county's unplaced projects

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
    focus: Box | None = None,
    county_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The ECharts option of the wall map. ``region_names``: the visible counties' names (for the
    totals); ``county_names``: every drawn county's name (for the labels; default
    ``region_names``); ``focus``: the box to frame (:func:`focus_box`)."""
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
        total = p["total"] or 0.0
        size = max(4.0, min(28.0, math.sqrt(max(total, 0.0)) / 12))
        stage = str(Stage(p["stage"]).label)
        county = region_names.get(p["region"], "")
        investment = format_wan_yuan(total)
        series[p["stage"]].append(
            {
                "name": p["name"],
                "value": [round(lon, 4), round(lat, 4), total],
                "symbolSize": round(size, 1),
                "code": p["code"],
                "url": reverse("projects:detail", args=[p["code"]]),
                "stage": stage,
                "county": county,
                "investment": investment,
                "done": format_wan_yuan(p.get("done")),
                # a ready string: JSON carries no formatter function (HTML-escaped user text)
                "tooltip": {
                    "formatter": (
                        f"<b>{_tip(p['name'])}</b><br>总投资 {investment}<br>"
                        f"阶段 {stage}{' · ' + _tip(county) if county else ''}"
                    )
                },
            }
        )
    totals = [
        {"name": region_names.get(code, code), "value": yi(v["total"])}
        for code, v in data["by_region"].items()
    ]
    labels = _county_labels(centres, county_names or region_names, seen)
    return {
        "tooltip": {"trigger": "item", "confine": True},
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
            # the names are the label series below, drawn above the bubbles
            "label": {"show": False},
            "emphasis": {"label": {"show": False}},
            "itemStyle": {"borderColor": "#6b7280"},
            **({"boundingCoords": focus} if focus else {"layoutSize": "95%"}),
        },
        "series": [
            {
                "type": "map",
                "map": map_name,
                "geoIndex": 0,
                "name": "区县总投资(亿元)",
                "data": totals,
                "tooltip": {"formatter": "{b}<br>区县项目总投资 {c} 亿元"},
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
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": "区县名称",
                "zlevel": 1,
                "silent": True,
                "symbolSize": 1,
                # transparent, not opacity 0: the label would inherit the opacity
                "itemStyle": {"color": "rgba(0,0,0,0)"},
                "tooltip": {"show": False},
                "label": {
                    "show": True,
                    "formatter": "{b}",
                    "position": "inside",
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "color": "#111827",
                    "textBorderColor": "#ffffff",
                    "textBorderWidth": 3,
                },
                "data": labels,
            },
        ],
    }


def _tip(text: str) -> str:
    """User text inside a tooltip string: HTML-escaped, and braces (ECharts' template syntax)
    turned into full-width ones."""
    return str(escape(text)).replace("{", "｛").replace("}", "｝")


def _county_labels(
    centres: dict[str, list[float]], names: dict[str, str], placed: dict[str, int]
) -> list[dict[str, Any]]:
    """One label point per drawn county, just north of the spiral of its unplaced projects."""
    out = []
    for code, (lon, lat) in centres.items():
        if code not in names:
            continue
        rings = SPIRAL * math.sqrt(max(placed.get(code, 0) - 1, 0)) * 0.8
        out.append({"name": names[code], "value": [lon, round(lat + rings + 0.02, 4)]})
    return out


def focus_box(
    outlines: dict[str, Any], *, county: str | None, points: list[dict[str, Any]] | None = None
) -> Box | None:
    """The box the map frames: the bounding box of ``points`` with coordinates (a park's projects)
    when there are any, else of ``county``'s outline, padded by a tenth; None for neither (the
    whole city)."""
    coords: list[tuple[float, float]] = [
        (p["lon"], p["lat"])
        for p in points or []
        if p.get("lon") is not None and p.get("lat") is not None
    ]
    if not coords and county:
        for f in outlines.get("features", []):
            if f["properties"].get("code") == county:
                coords = list(_ring_points(f["geometry"]))
                break
    if not coords:
        return None
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    pad_x = max((max(xs) - min(xs)) * 0.1, 0.02)
    pad_y = max((max(ys) - min(ys)) * 0.1, 0.02)
    return [
        [round(min(xs) - pad_x, 4), round(max(ys) + pad_y, 4)],
        [round(max(xs) + pad_x, 4), round(min(ys) - pad_y, 4)],
    ]


def _ring_points(geometry: dict[str, Any]) -> list[tuple[float, float]]:
    """Every vertex of a GeoJSON Polygon / MultiPolygon."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [(x, y) for polygon in polygons for ring in polygon for x, y in ring]


def _middle(centres: dict[str, list[float]]) -> list[float]:
    if not centres:
        return [0.0, 0.0]
    xs, ys = zip(*centres.values(), strict=True)
    return [sum(xs) / len(xs), sum(ys) / len(ys)]


def with_route(option: dict[str, Any], codes: list[str]) -> dict[str, Any]:
    """``option`` (:func:`map_option`) with a 观摩 route: the projects ``codes`` joined in visiting
    order by a line, each stop labelled with its number (above the bubbles, ``zlevel`` 1)."""
    placed: dict[str, list[float]] = {}
    for series in option["series"]:
        if series.get("type") == "scatter":
            for point in series["data"]:
                if isinstance(point, dict) and "code" in point:
                    placed[point["code"]] = point["value"][:2]
    coords = [placed[c] for c in codes if c in placed]
    stops = [
        {"name": str(i), "value": placed[c]} for i, c in enumerate(codes, start=1) if c in placed
    ]
    route_series: list[dict[str, Any]] = [
        {
            "type": "lines",
            "coordinateSystem": "geo",
            "name": "观摩路线",
            "polyline": True,
            "zlevel": 1,
            "silent": True,
            "lineStyle": {"color": "#b91c1c", "width": 3, "opacity": 0.8},
            "data": [{"coords": coords}] if len(coords) > 1 else [],
        },
        {
            "type": "scatter",
            "coordinateSystem": "geo",
            "name": "观摩顺序",
            "zlevel": 1,
            "silent": True,
            "symbolSize": 18,
            "itemStyle": {"color": "#b91c1c"},
            "tooltip": {"show": False},
            "label": {"show": True, "formatter": "{b}", "color": "#ffffff", "fontWeight": "bold"},
            "data": stops,
        },
    ]
    return {**option, "series": [*option["series"], *route_series]}

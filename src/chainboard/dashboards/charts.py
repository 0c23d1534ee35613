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


# --- 驾驶舱 / 大屏 -------------------------------------------------------------------------------

CLASS_COLORS = {"A": "#047857", "B": "#1d4ed8", "C": "#b45309", "D": "#b91c1c"}
LIGHT_COLORS = {"green": "#16a34a", "amber": "#d97706", "red": "#dc2626"}
LIGHT_LABELS = {"green": "按进度/已完成", "amber": "有风险", "red": "滞后/暂无数据"}
DARK_TEXT = "#cbd5e1"
CLASS_RANK = {"A": 4, "B": 3, "C": 2, "D": 1}


def _dark(option: dict[str, Any]) -> dict[str, Any]:
    """Light text and axis lines on a transparent background (the 大屏's dark theme)."""
    option["backgroundColor"] = "transparent"
    option["textStyle"] = {"color": DARK_TEXT}
    if "legend" in option:
        option["legend"]["textStyle"] = {"color": DARK_TEXT}
    for axis_key in ("xAxis", "yAxis"):
        axes = option.get(axis_key)
        for axis in axes if isinstance(axes, list) else [axes] if axes else []:
            axis["axisLabel"] = {**axis.get("axisLabel", {}), "color": DARK_TEXT}
            axis["nameTextStyle"] = {"color": DARK_TEXT}
            axis["splitLine"] = {"lineStyle": {"color": "#1e293b"}}
    for series in option.get("series", []):
        if series.get("type") == "bar" and "label" in series:
            series["label"] = {**series["label"], "color": DARK_TEXT}
    return option


def stage_bars(stages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Projects by stage: count (bars) and total investment in 亿元 (line)."""
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["项目数", "总投资(亿元)"], "top": 0},
        "grid": {"left": 50, "right": 60, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [s["label"] for s in stages]},
        "yAxis": [{"type": "value", "name": "个"}, {"type": "value", "name": "亿元"}],
        "series": [
            {"name": "项目数", "type": "bar", "barMaxWidth": 40, "data": [s["n"] for s in stages]},
            {
                "name": "总投资(亿元)",
                "type": "line",
                "yAxisIndex": 1,
                "data": [yi(s["total"]) for s in stages],
            },
        ],
    }


def class_pie(classes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """亩均 classes A/B/C/D of the newest run (firms)."""
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}类 {c} 家 ({d}%)"},
        "legend": {"bottom": 0, "data": [c["klass"] for c in classes]},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "72%"],
                "center": ["50%", "45%"],
                "label": {"position": "inside", "formatter": "{b}", "color": "#fff"},
                "data": [
                    {
                        "name": c["klass"],
                        "value": c["n"],
                        "itemStyle": {"color": CLASS_COLORS[c["klass"]]},
                    }
                    for c in classes
                ],
            }
        ],
    }


def target_lights(lights: dict[str, int]) -> dict[str, Any]:
    """Targets by traffic light (counts)."""
    return {
        "tooltip": {"trigger": "item", "formatter": "{b}：{c} 项"},
        "legend": {"bottom": 0, "data": [LIGHT_LABELS[k] for k, n in lights.items() if n]},
        "series": [
            {
                "type": "pie",
                "radius": ["45%", "72%"],
                "center": ["50%", "45%"],
                "label": {"position": "inside", "formatter": "{c}", "color": "#fff"},
                "data": [
                    {
                        "name": LIGHT_LABELS[k],
                        "value": n,
                        "itemStyle": {"color": LIGHT_COLORS[k]},
                    }
                    for k, n in lights.items()
                    if n
                ],
            }
        ],
    }


def chain_gaps(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Gap count (断链/弱链 segments) per chain, most first."""
    rows = list(rows)[:12][::-1]
    names = [r["name"] for r in rows]
    labels = [
        f"{r['name']}（{r['region']}）" if names.count(r["name"]) > 1 else r["name"] for r in rows
    ]
    return {
        "color": ["#b91c1c"],
        "tooltip": {"trigger": "axis", "valueSuffix": " 个"},
        "grid": {"left": 170, "right": 30, "top": 10, "bottom": 25},
        "xAxis": {"type": "value", "name": "个", "minInterval": 1},
        "yAxis": {"type": "category", "data": labels},
        "series": [
            {
                "name": "缺口环节",
                "type": "bar",
                "barMaxWidth": 22,
                "data": [r["gaps"] for r in rows],
            }
        ],
    }


def tier_bars(held: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Titles held per cultivation tier (firms in scope), lowest tier at the top."""
    rows = list(held)[::-1]
    return {
        "color": ["#7c3aed"],
        "tooltip": {"trigger": "axis", "valueSuffix": " 家"},
        "grid": {"left": 150, "right": 40, "top": 10, "bottom": 25},
        "xAxis": {"type": "value", "name": "家", "minInterval": 1},
        "yAxis": {"type": "category", "data": [h["label"] for h in rows]},
        "series": [
            {
                "name": "持有企业",
                "type": "bar",
                "barMaxWidth": 18,
                "data": [h["n"] for h in rows],
                "label": {"show": True, "position": "right"},
            }
        ],
    }


def cockpit_charts(data: dict[str, Any], *, dark: bool = False) -> dict[str, dict[str, Any]]:
    """The options of the 驾驶舱 (and, ``dark``, of the 大屏), by chart id."""
    out: dict[str, dict[str, Any]] = {
        "chart-targets": target_lights(data["targets"]["lights"]),
        "chart-stages": stage_bars(data["projects"]["stages"]),
        "chart-gaps": chain_gaps(data["chains"]["rows"]),
        "chart-tiers": tier_bars(data["tiers"]["held"]),
    }
    if data["evaluation"].get("run"):
        out["chart-classes"] = class_pie(data["evaluation"]["classes"])
    figures = data["registry"]["figures"]
    out["chart-regions"] = firms_by_region(figures["by_region"])
    out["chart-trend"] = revenue_trend(figures["years"])
    if dark:
        out = {k: _dark(v) for k, v in out.items()}
    return out


def class_trend(results: Sequence[Any]) -> dict[str, Any]:
    """A firm's 亩均 class (A=4 … D=1) and total score over the years of its results."""
    rows = sorted(
        {r.run.year: r for r in reversed(list(results))}.values(), key=lambda r: r.run.year
    )
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["等级", "总得分"], "top": 0},
        "grid": {"left": 50, "right": 50, "top": 50, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(r.run.year) for r in rows]},
        "yAxis": [
            {"type": "category", "name": "等级", "data": ["D", "C", "B", "A"]},
            {"type": "value", "name": "得分"},
        ],
        "series": [
            {
                "name": "等级",
                "type": "line",
                "step": "middle",
                "data": [r.klass if r.klass in CLASS_RANK else None for r in rows],
                "symbolSize": 10,
            },
            {
                "name": "总得分",
                "type": "bar",
                "yAxisIndex": 1,
                "data": [round(r.total, 2) if r.total is not None else None for r in rows],
            },
        ],
    }

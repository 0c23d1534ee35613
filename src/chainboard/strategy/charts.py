"""ECharts option builders for the strategy page (plain dicts, drawn by static/js/charts.js).

Options carry no JavaScript functions: tooltips use ECharts string templates, and every tooltip
names the formula of the number it shows.
"""

from __future__ import annotations

from typing import Any

from chainboard.core.charts import yi

PRESENT = "#b91c1c"
ABSENT = "#94a3b8"
OPPORTUNITY = "#1d4ed8"


def lq_bars(rows: list[dict[str, Any]], top: int = 15) -> dict[str, Any]:
    """Horizontal bars of the region's highest location quotients, a line at LQ = 1."""
    shown = list(reversed(rows[:top]))
    return {
        "tooltip": {
            "trigger": "item",
            "formatter": "{b}<br/>LQ = (e_ri/e_r)/(E_i/E) = {c}",
        },
        "grid": {"left": 190, "right": 40, "top": 24, "bottom": 30},
        "xAxis": {"type": "value", "name": "LQ"},
        "yAxis": {
            "type": "category",
            "data": [f"{r['industry']} {r['name']}" for r in shown],
            "axisLabel": {"fontSize": 11, "width": 180, "overflow": "truncate"},
        },
        "series": [
            {
                "type": "bar",
                "data": [
                    {
                        "value": r["lq"],
                        "itemStyle": {"color": PRESENT if (r["lq"] or 0) >= 1 else ABSENT},
                    }
                    for r in shown
                ],
                "markLine": {
                    "symbol": "none",
                    "data": [{"xAxis": 1}],
                    "label": {"formatter": "LQ=1"},
                    "lineStyle": {"type": "dashed", "color": "#334155"},
                },
            }
        ],
    }


def shift_share_bars(shift: dict[str, Any], top: int = 12) -> dict[str, Any]:
    """Stacked bars: national share + industry mix + regional shift = change (万元 → 亿元)."""
    rows = shift["rows"][:top]
    labels = [f"{r['industry']} {r['name']}" for r in rows]

    def series(key: str, name: str, color: str) -> dict[str, Any]:
        return {
            "name": name,
            "type": "bar",
            "stack": "ss",
            "itemStyle": {"color": color},
            "data": [yi(r[key]) for r in rows],
        }

    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {
            "data": ["全省增长份额 NS", "产业结构效应 IM", "区域竞争效应 RS", "实际变化"],
            "top": 0,
        },
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 110},
        "xAxis": {
            "type": "category",
            "data": labels,
            "axisLabel": {"rotate": 40, "fontSize": 10, "width": 120, "overflow": "truncate"},
        },
        "yAxis": {"type": "value", "name": "亿元"},
        "series": [
            series("ns", "全省增长份额 NS", "#64748b"),
            series("im", "产业结构效应 IM", "#0e7490"),
            series("rs", "区域竞争效应 RS", "#b45309"),
            {
                "name": "实际变化",
                "type": "scatter",
                "symbol": "diamond",
                "symbolSize": 10,
                "itemStyle": {"color": "#111827"},
                "data": [yi(r["change"]) for r in rows],
            },
        ],
    }


def product_space(
    nodes: list[dict[str, Any]],
    edges: list[tuple[str, str, float]],
    opportunities: list[dict[str, Any]],
) -> dict[str, Any]:
    """Product-space-style graph: industries linked by proximity φ (maximum spanning tree + φ ≥
    0.5), red = present in the region (RCA ≥ 1), blue = top opportunities, grey = others."""
    opp = {o["industry"] for o in opportunities[:10]}
    data = []
    for n in nodes:
        category = 0 if n["m"] else (1 if n["id"] in opp else 2)
        data.append(
            {
                "id": n["id"],
                "name": f"{n['id']} {n['name']}",
                "x": n["x"],
                "y": n["y"],
                "category": category,
                "symbolSize": 8 + 3 * max(min((n["pci"] or 0) + 2, 5), 0),
                "value": f"RCA {n['rca']} · 密度 {n['density']} · PCI {n['pci']}",
            }
        )
    links = [
        {
            "source": a,
            "target": b,
            "value": w,
            "lineStyle": {"width": 0.5 + 3 * w, "opacity": 0.25 + 0.5 * w},
        }
        for a, b, w in edges
    ]
    return {
        "tooltip": {"formatter": "{b}<br/>{c}"},
        "legend": {
            "data": ["本地已有优势产业 (RCA≥1)", "建链/延链机会 (前10)", "其他产业"],
            "top": 0,
        },
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "categories": [
                    {"name": "本地已有优势产业 (RCA≥1)", "itemStyle": {"color": PRESENT}},
                    {"name": "建链/延链机会 (前10)", "itemStyle": {"color": OPPORTUNITY}},
                    {"name": "其他产业", "itemStyle": {"color": ABSENT}},
                ],
                "data": data,
                "links": links,
                "label": {"show": True, "position": "right", "fontSize": 9, "formatter": "{b}"},
                "labelLayout": {"hideOverlap": True},
                "lineStyle": {"color": "#64748b", "curveness": 0.1},
                "emphasis": {"focus": "adjacency"},
                "top": 40,
            }
        ],
    }

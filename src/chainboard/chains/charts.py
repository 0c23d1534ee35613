"""Panorama layout, ECharts options and the server-side SVG of a chain (产业链全景图)."""

from __future__ import annotations

from html import escape
from typing import Any

from chainboard.chains.selectors import NodeView, Panorama
from chainboard.core.charts import yi

STATUS_COLORS = {
    "strong": "#15803d",
    "normal": "#2563eb",
    "weak": "#d97706",
    "fragile": "#c2410c",
    "missing": "#9ca3af",
    "group": "#475569",
}
STAGE_COLUMNS = {"upstream": 0, "midstream": 1, "downstream": 2}
STAGE_TITLES = {
    "upstream": "上游",
    "midstream": "中游",
    "downstream": "下游",
    "service": "配套服务",
}
COL_W, ROW_H, BOX_W, BOX_H, INDENT = 330, 50, 220, 38, 22
SERVICE_COLS = 4


def layout(p: Panorama) -> dict[int, tuple[float, float]]:
    """Top-left corner of every node box: stages left to right, services in a band below."""
    pos: dict[int, tuple[float, float]] = {}
    rows = [0, 0, 0]
    for v in p.nodes:
        if v.node.stage == "service":
            continue
        col = STAGE_COLUMNS[v.node.stage]
        pos[v.node.pk] = (col * COL_W + v.depth * INDENT, 40 + rows[col] * ROW_H)
        rows[col] += 1
    top = 40 + max(rows) * ROW_H + 50
    services = p.by_stage("service")
    for i, v in enumerate(services):
        r, c = divmod(i, SERVICE_COLS)
        pos[v.node.pk] = (c * (COL_W * 3 / SERVICE_COLS), top + r * ROW_H)
    return pos


def _label(v: NodeView) -> str:
    if v.status == "missing":
        return f"{v.node.name}\n缺失"
    return f"{v.node.name}\n{v.firms}家 · {yi(v.revenue)}亿 · 规上{v.above_scale}"


def panorama_option(p: Panorama) -> dict[str, Any]:
    pos = layout(p)
    data = []
    for v in p.nodes:
        x, y = pos[v.node.pk]
        color = STATUS_COLORS.get(v.status, "#2563eb")
        missing = v.status == "missing"
        data.append(
            {
                "id": str(v.node.pk),
                "name": v.node.name,
                "x": x + BOX_W / 2,
                "y": y + BOX_H / 2,
                "value": v.firms,
                "symbol": "rect",
                "symbolSize": [BOX_W - v.depth * INDENT, BOX_H],
                # no border: ECharts scales a rect symbol's stroke and dash pattern with the
                # box's width/height ratio (thick dotted sides); missing = pale red fill
                "itemStyle": {
                    "color": "#fef2f2" if missing else color,
                    "borderWidth": 0,
                    "opacity": 0.75 if v.status == "group" else 1,
                },
                "label": {
                    "show": True,
                    "formatter": _label(v),
                    "color": "#b91c1c" if missing else "#ffffff",
                    "fontSize": 11,
                    "lineHeight": 14,
                },
                "tooltip": {
                    "formatter": f"{v.node.name}（{STAGE_TITLES[v.node.stage]}）<br/>"
                    f"企业 {v.firms} 家，规上 {v.above_scale} 家<br/>"
                    f"营业收入 {yi(v.revenue)} 亿元<br/>状态：{v.status_label or '分组'}"
                    + (f"<br/>区位熵 SLQ {v.slq:.2f}" if v.slq is not None else "")
                },
            }
        )
    titles = [
        {
            "id": f"stage-{stage}",
            "name": STAGE_TITLES[stage],
            "x": col * COL_W + BOX_W / 2,
            "y": 0,
            "symbolSize": 1,
            "label": {
                "show": True,
                "formatter": STAGE_TITLES[stage],
                "fontSize": 15,
                "fontWeight": "bold",
                "color": "#111827",
            },
            "tooltip": {"show": False},
            "silent": True,
        }
        for stage, col in STAGE_COLUMNS.items()
    ]
    services = p.by_stage("service")
    if services:
        y0 = min(pos[v.node.pk][1] for v in services)
        titles.append(
            {
                "id": "stage-service",
                "name": "配套服务",
                "x": BOX_W / 2,
                "y": y0 - 30,
                "symbolSize": 1,
                "label": {
                    "show": True,
                    "formatter": "配套服务",
                    "fontSize": 15,
                    "fontWeight": "bold",
                    "color": "#111827",
                },
                "tooltip": {"show": False},
                "silent": True,
            }
        )
    return {
        "animation": False,
        "tooltip": {"confine": True},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                # one scale for x and y: ECharts keeps node boxes at their pixel size, so an
                # unequal scale would squash them vertically
                "preserveAspect": "contain",
                "roam": True,
                "left": BOX_W / 2 + 8,
                "right": BOX_W / 2 + 8,
                "top": 30,
                "bottom": BOX_H / 2 + 8,
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 7,
                "lineStyle": {"color": "#94a3b8", "width": 1, "curveness": 0.08, "opacity": 0.8},
                "data": data + titles,
                "links": [{"source": str(a), "target": str(b)} for a, b in p.edges],
            }
        ],
    }


def panorama_height(p: Panorama) -> int:
    pos = layout(p)
    return int(max((y for _, y in pos.values()), default=0) + 2 * BOX_H + 40)


def panorama_svg(p: Panorama, *, title: str | None = None) -> str:
    """A standalone SVG of the panorama (server-side; also embedded in the PDF brief)."""
    pos = layout(p)
    width = 3 * COL_W - (COL_W - BOX_W) + 20
    height = panorama_height(p) + 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="-10 -40 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        'font-family="Noto Sans CJK SC, sans-serif">',
        f'<rect x="-10" y="-40" width="{width}" height="{height}" fill="#ffffff"/>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#94a3b8"/></marker></defs>',
    ]
    if title:
        out.append(f'<text x="0" y="-18" font-size="16" font-weight="bold">{escape(title)}</text>')
    for stage, col in STAGE_COLUMNS.items():
        out.append(
            f'<text x="{col * COL_W}" y="20" font-size="14" font-weight="bold" '
            f'fill="#111827">{STAGE_TITLES[stage]}</text>'
        )
    by_pk = {v.node.pk: v for v in p.nodes}
    for a, b in p.edges:
        if a in pos and b in pos:
            (x1, y1), (x2, y2) = pos[a], pos[b]
            wa = BOX_W - by_pk[a].depth * INDENT
            out.append(
                f'<line x1="{x1 + wa}" y1="{y1 + BOX_H / 2}" x2="{x2}" y2="{y2 + BOX_H / 2}" '
                'stroke="#94a3b8" stroke-width="1" marker-end="url(#arrow)"/>'
            )
    services = p.by_stage("service")
    if services:
        y0 = min(pos[v.node.pk][1] for v in services)
        out.append(
            f'<text x="0" y="{y0 - 12}" font-size="14" font-weight="bold" fill="#111827">配套服务</text>'
        )
    for v in p.nodes:
        x, y = pos[v.node.pk]
        w = BOX_W - v.depth * INDENT
        color = STATUS_COLORS.get(v.status, "#2563eb")
        missing = v.status == "missing"
        fill = "#ffffff" if missing else color
        stroke = "#dc2626" if missing else color
        dash = ' stroke-dasharray="4 3"' if missing else ""
        text = "#b91c1c" if missing else "#ffffff"
        first, _, second = _label(v).partition("\n")
        out.append(
            f"<g><title>{escape(v.node.name)}</title>"
            f'<rect x="{x}" y="{y}" width="{w}" height="{BOX_H}" rx="5" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.5"{dash}/>'
            f'<text x="{x + w / 2}" y="{y + 16}" font-size="12" text-anchor="middle" '
            f'fill="{text}" font-weight="bold">{escape(first)}</text>'
            f'<text x="{x + w / 2}" y="{y + 31}" font-size="10" text-anchor="middle" '
            f'fill="{text}">{escape(second)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def services_option(p: Panorama, providers: dict[int, list[str]]) -> dict[str, Any]:
    """配套服务体系结构图: chain → service kinds → service nodes → providers (a tree)."""
    kinds: dict[str, list[dict[str, Any]]] = {}
    for v in p.by_stage("service"):
        firms = providers.get(v.node.pk, [])
        children = [{"name": name, "value": 1} for name in firms[:8]]
        if len(firms) > 8:
            children.append({"name": f"… 另 {len(firms) - 8} 家", "value": 1})
        missing = v.status == "missing"
        kinds.setdefault(v.node.get_service_kind_display(), []).append(
            {
                "name": f"{v.node.name}（{v.firms}家）",
                "children": children,
                "itemStyle": {
                    "color": "#dc2626" if missing else STATUS_COLORS.get(v.status, "#2563eb"),
                },
                # the page's legend: missing services in a red (dashed) frame
                **(
                    {
                        "label": {
                            "color": "#b91c1c",
                            "borderColor": "#dc2626",
                            "borderType": "dashed",
                            "borderWidth": 1,
                            "borderRadius": 3,
                            "padding": [2, 4],
                        }
                    }
                    if missing
                    else {}
                ),
            }
        )
    root = {
        "name": f"{p.chain.name}\n配套服务体系",
        "children": [{"name": k, "children": v} for k, v in kinds.items()],
    }
    return {
        "animation": False,
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "tree",
                "data": [root],
                "top": 20,
                "bottom": 20,
                "left": 220,
                "right": 260,
                "symbolSize": 9,
                "initialTreeDepth": 4,
                "label": {
                    "position": "left",
                    "verticalAlign": "middle",
                    "align": "right",
                    "fontSize": 12,
                },
                "leaves": {"label": {"position": "right", "align": "left"}},
                "expandAndCollapse": True,
            }
        ],
    }


def cluster_trend_option(
    years: list[int],
    revenue: list[float | None],
    targets: dict[int, float],
    projected: dict[int, float] | None = None,
) -> dict[str, Any]:
    projected = projected or {}
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": ["营业收入", "目标", "预测"]},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": "亿元"},
        "series": [
            {
                "name": "营业收入",
                "type": "bar",
                "data": [yi(v) if v is not None else None for v in revenue],
                "itemStyle": {"color": "#1d4ed8"},
            },
            {
                "name": "目标",
                "type": "line",
                "data": [yi(targets[y]) if y in targets else None for y in years],
                "itemStyle": {"color": "#b91c1c"},
                "lineStyle": {"type": "dashed"},
                "symbolSize": 10,  # a single target year is one point: keep it visible
                "z": 3,
                "connectNulls": True,
            },
            {
                "name": "预测",
                "type": "bar",
                "data": [yi(projected[y]) if y in projected else None for y in years],
                "itemStyle": {"color": "#93c5fd"},
                "barGap": "-100%",
            },
        ],
    }


def league_option(rows: list[dict[str, Any]]) -> dict[str, Any]:
    names = [r["cluster"].name for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 140, "right": 40, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "name": "亿元"},
        "yAxis": {"type": "category", "data": names[::-1]},
        "series": [
            {
                "type": "bar",
                "data": [yi(r["revenue"]) for r in rows][::-1],
                "itemStyle": {"color": "#b91c1c"},
                "label": {"show": True, "position": "right"},
            }
        ],
    }

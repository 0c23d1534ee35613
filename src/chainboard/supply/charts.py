"""ECharts option of the supply-risk page (a plain dict, drawn by static/js/charts.js)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from chainboard.core.charts import pct
from chainboard.supply.models import SupplyNodeResult

VERDICT_COLORS = {"high": "#b91c1c", "watch": "#d97706", "ok": "#15803d"}


def node_option(
    nodes: list[SupplyNodeResult], *, threshold: float, hhi_high: float
) -> dict[str, Any]:
    """Per node: local supply ratio and outside-province share (bars, %), top-supplier share
    (line, %, with the single-source threshold) and HHI (line, right axis, with its band)."""
    names = [n.node.name for n in nodes]
    local, top, outside = _("本地配套率"), _("第一大供应商占比"), _("省外采购占比")
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"data": [local, outside, top, "HHI"], "top": 0},
        "grid": {"left": 50, "right": 50, "top": 40, "bottom": 110},
        "xAxis": {
            "type": "category",
            "data": names,
            "axisLabel": {"rotate": 35, "interval": 0},
        },
        "yAxis": [
            {"type": "value", "name": "%", "min": 0, "max": 100},
            {"type": "value", "name": "HHI", "min": 0, "max": 1, "splitLine": {"show": False}},
        ],
        "series": [
            {
                "name": local,
                "type": "bar",
                "itemStyle": {"color": "#2563eb"},
                "data": [
                    {
                        "value": pct(n.local_share),
                        "itemStyle": {"borderColor": VERDICT_COLORS[n.verdict], "borderWidth": 2},
                    }
                    for n in nodes
                ],
            },
            {
                "name": outside,
                "type": "bar",
                "itemStyle": {"color": "#94a3b8"},
                "data": [pct(n.outside_province_share) for n in nodes],
            },
            {
                "name": top,
                "type": "line",
                "itemStyle": {"color": "#b91c1c"},
                "data": [pct(n.top_supplier_share) for n in nodes],
                "markLine": {
                    "symbol": "none",
                    "lineStyle": {"type": "dashed", "color": "#b91c1c"},
                    "label": {
                        "position": "insideEndTop",
                        "formatter": _("单一来源阈值 %(t)s%%") % {"t": pct(threshold)},
                    },
                    "data": [{"yAxis": pct(threshold)}],
                },
            },
            {
                "name": "HHI",
                "type": "line",
                "yAxisIndex": 1,
                "itemStyle": {"color": "#7c3aed"},
                "data": [round(float(n.hhi), 3) for n in nodes],
                "markLine": {
                    "symbol": "none",
                    "lineStyle": {"type": "dotted", "color": "#7c3aed"},
                    "label": {
                        "position": "insideEndTop",
                        "formatter": _("HHI 高度集中 %(h)s") % {"h": hhi_high},
                    },
                    "data": [{"yAxis": hhi_high}],
                },
            },
        ],
    }

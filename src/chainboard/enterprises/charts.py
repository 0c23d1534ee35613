"""ECharts options of the enterprise pages (plain dicts, drawn by static/js/charts.js)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainboard.core.charts import PALETTE


def firm_figures(years: Sequence[Any]) -> dict[str, Any]:
    labels = [str(y.year) for y in years]

    def series(name: str, field: str, axis: int = 0) -> dict[str, Any]:
        values = [
            None if getattr(y, field) is None else round(float(getattr(y, field)), 2) for y in years
        ]
        return {"name": name, "type": "bar" if axis else "line", "yAxisIndex": axis, "data": values}

    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": [{"type": "value", "name": "万元"}, {"type": "value", "name": "万元"}],
        "series": [
            series("营业收入", "revenue_wan_yuan"),
            series("工业增加值", "value_added_wan_yuan"),
            series("实缴税金", "tax_paid_wan_yuan", 1),
            series("研发费用", "rd_spend_wan_yuan", 1),
        ],
    }

"""Demo step: the synthetic Hebei county × industry panel (示例数据) for the strategy page.

All counties of Hebei (GB/T 2260 codes ``13xxxx`` at county level, from the Region table) get a
deterministic revenue panel 2019-2023 from
:func:`chainboard_analytics.strategy.demo_panel.generate_demo_panel`, so complexity measures have
a province-wide context. It is sample data: rows carry ``sample=True`` and the page says 示例数据.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chainboard.geo.models import Region, RegionLevel
from chainboard.industries.models import IndustryCode
from chainboard.strategy.models import PanelMeasure, PanelValue
from chainboard.strategy.services import panel_bulk_write
from chainboard_analytics.strategy.demo_panel import generate_demo_panel

PROVINCE_PREFIX = "13"  # 河北省
REASON = "示例数据：河北省区县行业面板（合成）"


def demo_panel_rows() -> list[dict[str, Any]]:
    """The demo panel as plain rows for :func:`panel_bulk_write`."""
    counties = list(
        Region.objects.filter(code__startswith=PROVINCE_PREFIX, level=RegionLevel.COUNTY)
        .order_by("code")
        .values_list("code", "name")
    )
    panel = generate_demo_panel(counties)
    known = set(
        IndustryCode.objects.filter(code__in=panel["industry"].unique()).values_list(
            "code", flat=True
        )
    )
    panel = panel[panel["industry"].isin(known)]
    return [
        {
            "region_id": region,
            "industry_id": industry,
            "year": int(year),
            "measure": PanelMeasure.REVENUE.value,
            "value": Decimal(str(value)),
            "sample": True,
        }
        for region, industry, year, value in panel[
            ["region", "industry", "year", "value"]
        ].itertuples(index=False)
    ]


def demo_step(*, stdout: Any) -> None:
    """Load the panel once; a second run finds the sample rows and does nothing."""
    if PanelValue.objects.filter(sample=True).exists():
        return
    rows = demo_panel_rows()
    panel_bulk_write(creates=rows, updates=[], actor=None, reason=REASON)
    regions = len({r["region_id"] for r in rows})
    stdout.write(f"strategy: 河北省 {regions} 个区县的行业面板（示例数据，{len(rows)} 行）\n")

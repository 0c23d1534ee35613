"""A small real panel: the demo generator on the counties of 邢台市 and 石家庄市 (示例数据)."""

from __future__ import annotations

from decimal import Decimal

import pytest


@pytest.fixture
def panel(db):  # type: ignore[no-untyped-def]
    from chainboard.geo.models import Region
    from chainboard.strategy.services import panel_bulk_write
    from chainboard_analytics.strategy.demo_panel import generate_demo_panel

    counties = list(
        Region.objects.filter(level="county", code__regex=r"^13(01|05)")
        .order_by("code")
        .values_list("code", "name")
    )
    frame = generate_demo_panel(counties, years=(2021, 2023))
    rows = [
        {
            "region_id": r,
            "industry_id": i,
            "year": int(y),
            "measure": "revenue",
            "value": Decimal(str(v)),
            "sample": True,
        }
        for r, i, y, v in frame[["region", "industry", "year", "value"]].itertuples(index=False)
    ]
    panel_bulk_write(creates=rows, updates=[], actor=None, reason="测试面板")
    return frame

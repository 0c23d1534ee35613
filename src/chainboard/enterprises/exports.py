"""Enterprise list as xlsx, with the same Chinese titles the import reads (round-trip safe)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from chainboard.enterprises.models import Enterprise
from chainboard_analytics.exports import Col, Workbook

TITLES = [
    "统一社会信用代码",
    "企业名称",
    "行政区划代码",
    "区县",
    "所属园区",
    "行业代码",
    "行业名称",
    "是否规上",
    "成立日期",
    "经营状态",
    "经营范围",
]
COLUMNS = [Col(t, "date" if t == "成立日期" else "text") for t in TITLES]


def write_enterprises_xlsx(firms: Iterable[Enterprise]) -> Path:
    """Write to a temporary file (constant memory, fine for 100k rows) and return its path."""
    fd, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    with Workbook(name, constant_memory=True) as book:
        sheet = book.sheet("企业名录", COLUMNS, freeze_cols=2)
        for f in firms:
            sheet.row(
                [
                    f.uscc,
                    f.name,
                    f.region_id,
                    f.region.name,
                    f.park.name if f.park else "",
                    f.industry_id,
                    f.industry.name,
                    "是" if f.above_scale else "否",
                    f.founded_on,
                    f.get_status_display(),
                    f.business_scope,
                ]
            )
    return Path(name)

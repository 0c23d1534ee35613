"""The pipeline as xlsx (one row per lead, the page's filters applied)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from chainboard.investment.models import Lead
from chainboard_analytics.exports import Col, Workbook

COLUMNS = [
    Col("企业名称"),
    Col("统一社会信用代码"),
    Col("来源地区"),
    Col("主要产品", "wrap"),
    Col("拟投资额(万元)", "wan"),
    Col("联系人及方式"),
    Col("线索来源"),
    Col("产业链"),
    Col("拟补环节"),
    Col("负责区县"),
    Col("负责人"),
    Col("阶段"),
    Col("进入阶段日期", "date"),
    Col("签约日期", "date"),
    Col("落地日期", "date"),
    Col("落地项目"),
    Col("失败/搁置原因"),
    Col("下一步"),
    Col("下一步日期", "date"),
]


def leads_xlsx(leads: Iterable[Lead]) -> io.BytesIO:
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        sheet = book.sheet("招商线索", COLUMNS, freeze_cols=1)
        for x in leads:
            sheet.row(
                [
                    x.name,
                    x.uscc,
                    x.origin,
                    x.products,
                    float(x.amount_wan_yuan) if x.amount_wan_yuan is not None else None,
                    x.contacts,
                    x.get_source_display(),
                    x.chain.name,
                    x.node.name if x.node else "",
                    x.region.name,
                    x.owner.get_full_name() or x.owner.get_username() if x.owner else "",
                    x.get_stage_display(),
                    x.stage_on,
                    x.signed_on,
                    x.landed_on,
                    x.project.name if x.project else "",
                    x.lost_reason,
                    x.next_step,
                    x.next_step_on,
                ]
            )
    buffer.seek(0)
    return buffer

"""xlsx exports of the 攻关清单 (per chain; the same columns the importer reads, plus status and
result) and of the 揭榜挂帅 calls the user sees, through the shared writer
(``chainboard_analytics.exports``: text never becomes a formula)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from chainboard.chains.models import Chain
from chainboard.chiefs import selectors
from chainboard.chiefs.importers import CHAIN, FIRMS, NODES, REASON, TECH
from chainboard_analytics.exports import Col, Workbook


def _temp() -> str:
    fd, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    return name


def chokepoints_workbook(*, user: selectors.AnyUser, chain: Chain) -> Path:
    """The chain's 攻关清单 as the import template reads it (re-importing it changes nothing)."""
    name = _temp()
    with Workbook(name) as wb:
        ws = wb.sheet(
            "攻关清单",
            [
                Col(CHAIN),
                Col(TECH),
                Col(NODES),
                Col(REASON),
                Col("原因说明", "wrap"),
                Col("进口依赖度", "pct"),
                Col("主要境外供应商"),
                Col("国内现状", "wrap"),
                Col(FIRMS),
                Col("攻关目标", "wrap"),
                Col("目标年份", "int"),
                Col("攻关状态"),
                Col("攻关结果", "wrap"),
            ],
            freeze_cols=2,
        )
        for item in selectors.chokepoints(user=user, chain=chain):
            ws.row(
                [
                    chain.name,
                    item.technology,
                    "、".join(n.name for n in item.nodes.all()),
                    item.get_reason_display(),
                    item.reason_detail,
                    float(item.import_share) if item.import_share is not None else None,
                    item.foreign_supplier,
                    item.domestic_state,
                    "、".join(f.uscc for f in item.needing_firms.all()),
                    item.target,
                    item.target_year,
                    item.get_status_display(),
                    item.result,
                ]
            )
    return Path(name)


def calls_workbook(*, user: selectors.AnyUser) -> Path:
    """The 揭榜挂帅 calls the user sees (drafts only for the chains' keepers), money 万元."""
    name = _temp()
    calls = selectors.calls_visible(user).prefetch_related("milestones").order_by("chain_id", "-pk")
    with Workbook(name) as wb:
        ws = wb.sheet(
            "揭榜挂帅榜单",
            [
                Col("产业链"),
                Col("榜单名称"),
                Col("攻关清单条目"),
                Col("阶段"),
                Col("攻关目标", "wrap"),
                Col("考核指标", "wrap"),
                Col("榜单金额(万元)", "wan"),
                Col("攻关周期(月)", "int"),
                Col("揭榜条件", "wrap"),
                Col("揭榜截止日期"),
                Col("发布日期"),
                Col("揭榜单位"),
                Col("挂帅人"),
                Col("立项日期"),
                Col("已拨付(万元)", "wan"),
                Col("验收日期"),
                Col("验收意见", "wrap"),
            ],
            freeze_cols=2,
        )
        for c in calls:
            paid = sum(float(m.payment_wan_yuan) for m in c.milestones.all() if m.done_on)
            ws.row(
                [
                    c.chain.name,
                    c.title,
                    c.chokepoint.technology,
                    c.get_stage_display(),
                    c.goal,
                    "\n".join(c.indicators),
                    float(c.budget_wan_yuan),
                    c.period_months,
                    c.eligibility,
                    c.apply_by.isoformat() if c.apply_by else "",
                    c.published_on.isoformat() if c.published_on else "",
                    c.winner.applicant_name if c.winner else "",
                    c.team_lead,
                    c.awarded_on.isoformat() if c.awarded_on else "",
                    paid,
                    c.accepted_on.isoformat() if c.accepted_on else "",
                    c.acceptance_note,
                ]
            )
    return Path(name)

"""Chain exports: the xlsx workbook (环节、缺链、挂链企业、招商目标) and the one-page PDF brief."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from chainboard.chains import charts, selectors
from chainboard.chains.briefs import brief_sections
from chainboard.chains.models import Chain
from chainboard.core.models import site_setting_get
from chainboard.core.pdf import render_pdf
from chainboard_analytics.exports import Col, Workbook

STAGES = charts.STAGE_TITLES


def chain_workbook(*, user: selectors.AnyUser, chain: Chain, year: int | None) -> Path:
    """Write the chain's workbook to a temporary file and return its path."""
    p = selectors.chain_panorama(user=user, chain=chain, year=year)
    fd, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    with Workbook(name) as wb:
        ws = wb.sheet(
            "环节",
            [
                Col("位置"),
                Col("环节"),
                Col("上级环节"),
                Col("服务类型"),
                Col("企业数", "int"),
                Col("规上企业数", "int"),
                Col(f"营业收入(万元,{p.year}年)", "wan"),
                Col("营收占全链", "pct"),
                Col("参照占比", "pct"),
                Col("区位熵SLQ", "num3"),
                Col("状态"),
                Col("行业代码"),
                Col("关键词"),
            ],
            freeze_cols=2,
        )
        for v in p.nodes:
            n = v.node
            ws.row(
                [
                    STAGES[n.stage],
                    n.name,
                    n.parent.name if n.parent is not None else "",
                    n.get_service_kind_display() if n.service_kind else "",
                    v.firms,
                    v.above_scale,
                    float(v.revenue),
                    v.share,
                    float(n.ref_share) if n.ref_share is not None else None,
                    v.slq,
                    v.status_label or "分组",
                    "、".join(n.codes + n.related_codes),
                    "、".join(n.keywords),
                ]
            )

        gaps = p.gaps
        targets = selectors.investment_targets(
            user=user, chain=chain, node_ids=[g["node"].pk for g in gaps], year=p.year
        )
        ws = wb.sheet(
            "缺链分析",
            [
                Col("环节"),
                Col("位置"),
                Col("问题"),
                Col("建议"),
                Col("理由", "wrap"),
                Col("招商目标企业（区外，按梯度和规模）", "wrap"),
            ],
            freeze_cols=1,
        )
        for g in gaps:
            names = "；".join(
                f"{t['firm'].name}（{t['reason']}）" for t in targets.get(g["node"].pk, [])
            )
            ws.row(
                [
                    g["node"].name,
                    STAGES[g["node"].stage],
                    g["kind_label"],
                    g["action_label"],
                    g["reason"],
                    names,
                ]
            )
        ws.note("链条完整度（不加权）", p.report.completeness, kinds=["text", "pct"], gap=True)
        ws.note("链条完整度（加权）", p.report.completeness_weighted, kinds=["text", "pct"])
        if p.report.build:
            ws.note("建链", p.report.build, kinds=["text", "text"])

        ws = wb.sheet(
            "挂链企业",
            [
                Col("环节"),
                Col("企业名称"),
                Col("统一社会信用代码"),
                Col("区县"),
                Col("行业代码"),
                Col("规上"),
                Col(f"营业收入(万元,{p.year}年)", "wan"),
                Col("审核状态"),
                Col("来源"),
                Col("置信度", "num2"),
                Col("依据", "wrap"),
            ],
            freeze_cols=2,
        )
        links = (
            selectors.local_links(user, chain)
            .select_related("enterprise__region", "node")
            .order_by("node__order", "enterprise__name")
        )
        link_rows = list(links)
        revenue = selectors.revenues([x.enterprise_id for x in link_rows], p.year)
        for link in link_rows:
            e = link.enterprise
            ws.row(
                [
                    link.node.name,
                    e.name,
                    e.uscc,
                    e.region.name,
                    e.industry_id,
                    "是" if e.above_scale else "否",
                    float(revenue[e.pk]) if e.pk in revenue else None,
                    link.get_state_display(),
                    link.get_source_display(),
                    float(link.confidence),
                    link.explanation,
                ]
            )

        ws = wb.sheet("模板与出处", [Col("项目"), Col("内容", "wrap")])
        ws.rows(
            [
                ("产业链", chain.name),
                ("地区", chain.region.name),
                ("类别", chain.get_category_display()),
                ("模板", f"{chain.code} v{chain.template_version}"),
                ("链长", chain.chief_name),
                *(("出处", s) for s in chain.sources),
            ]
        )
    return Path(name)


def chain_brief_pdf(
    *,
    user: selectors.AnyUser,
    chain: Chain,
    year: int | None,
    progress: Callable[[int, int, str], None] | None = None,
) -> bytes:
    """One A4 landscape page: key figures, the panorama (SVG) and the gap list, in ``user``'s
    scope (``core.pdf``: Noto CJK SC embedded). Made by a background job (``chains.tasks``)."""
    p = selectors.chain_panorama(user=user, chain=chain, year=year)
    if progress is not None:
        progress(1, 2, "排版生成 PDF")
    return render_pdf(
        "chains/brief.html",
        {
            "chain": chain,
            "p": p,
            "svg": charts.panorama_svg(p),
            "gaps": p.gaps[:16],
            "more_gaps": max(0, len(p.gaps) - 16),
            "demo_data": site_setting_get("demo_data") == "1",
            "sections": brief_sections(user, chain),
        },
    )

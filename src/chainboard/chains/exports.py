"""Chain exports: the xlsx workbook (环节、缺链、挂链企业、招商目标) and the one-page PDF brief."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import xlsxwriter
from django.http import HttpRequest
from django.template.loader import render_to_string

from chainboard.chains import charts, selectors
from chainboard.chains.models import Chain

STAGES = charts.STAGE_TITLES


def chain_workbook(*, user: selectors.AnyUser, chain: Chain, year: int | None) -> Path:
    """Write the chain's workbook to a temporary file and return its path."""
    p = selectors.chain_panorama(user=user, chain=chain, year=year)
    fd, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    wb = xlsxwriter.Workbook(name)
    head = wb.add_format({"bold": True, "bg_color": "#F2F2F2", "text_wrap": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    pct = wb.add_format({"num_format": "0.0%"})

    ws = wb.add_worksheet("环节")
    ws.write_row(
        0,
        0,
        [
            "位置",
            "环节",
            "上级环节",
            "服务类型",
            "企业数",
            "规上企业数",
            f"营业收入(万元,{p.year}年)",
            "营收占全链",
            "参照占比",
            "区位熵SLQ",
            "状态",
            "行业代码",
            "关键词",
        ],
        head,
    )
    ws.set_column(0, 0, 8)
    ws.set_column(1, 2, 18)
    ws.set_column(6, 6, 16)
    ws.set_column(11, 12, 30)
    for i, v in enumerate(p.nodes, 1):
        n = v.node
        ws.write_row(
            i,
            0,
            [
                STAGES[n.stage],
                n.name,
                n.parent.name if n.parent is not None else "",
                n.get_service_kind_display() if n.service_kind else "",
                v.firms,
                v.above_scale,
            ],
        )
        ws.write_number(i, 6, float(v.revenue), money)
        if v.share is not None:
            ws.write_number(i, 7, v.share, pct)
        if n.ref_share is not None:
            ws.write_number(i, 8, float(n.ref_share), pct)
        if v.slq is not None:
            ws.write_number(i, 9, round(v.slq, 3))
        ws.write_row(
            i,
            10,
            [v.status_label or "分组", "、".join(n.codes + n.related_codes), "、".join(n.keywords)],
        )

    gaps = p.gaps
    targets = selectors.investment_targets(
        user=user, chain=chain, node_ids=[g["node"].pk for g in gaps], year=p.year
    )
    ws = wb.add_worksheet("缺链分析")
    ws.write_row(
        0, 0, ["环节", "位置", "问题", "建议", "理由", "招商目标企业（区外，按梯度和规模）"], head
    )
    ws.set_column(0, 0, 18)
    ws.set_column(4, 5, 60)
    for i, g in enumerate(gaps, 1):
        names = "；".join(
            f"{t['firm'].name}（{t['reason']}）" for t in targets.get(g["node"].pk, [])
        )
        ws.write_row(
            i,
            0,
            [
                g["node"].name,
                STAGES[g["node"].stage],
                g["kind_label"],
                g["action_label"],
                g["reason"],
                names,
            ],
        )
    r = len(gaps) + 2
    ws.write(r, 0, "链条完整度（不加权）", head)
    ws.write_number(r, 1, p.report.completeness, pct)
    ws.write(r + 1, 0, "链条完整度（加权）", head)
    ws.write_number(r + 1, 1, p.report.completeness_weighted, pct)
    if p.report.build:
        ws.write(r + 2, 0, "建链", head)
        ws.write(r + 2, 1, p.report.build)

    ws = wb.add_worksheet("挂链企业")
    ws.write_row(
        0,
        0,
        [
            "环节",
            "企业名称",
            "统一社会信用代码",
            "区县",
            "行业代码",
            "规上",
            f"营业收入(万元,{p.year}年)",
            "审核状态",
            "来源",
            "置信度",
            "依据",
        ],
        head,
    )
    ws.set_column(0, 1, 24)
    ws.set_column(2, 2, 21)
    ws.set_column(10, 10, 60)
    links = (
        selectors.local_links(user, chain)
        .select_related("enterprise__region", "node")
        .order_by("node__order", "enterprise__name")
    )
    link_rows = list(links)
    revenue = selectors.revenues([x.enterprise_id for x in link_rows], p.year)
    for i, link in enumerate(link_rows, 1):
        e = link.enterprise
        ws.write_row(
            i,
            0,
            [
                link.node.name,
                e.name,
                e.uscc,
                e.region.name,
                e.industry_id,
                "是" if e.above_scale else "否",
            ],
        )
        if e.pk in revenue:
            ws.write_number(i, 6, float(revenue[e.pk]), money)
        ws.write_row(
            i,
            7,
            [
                link.get_state_display(),
                link.get_source_display(),
                float(link.confidence),
                link.explanation,
            ],
        )

    ws = wb.add_worksheet("模板与出处")
    rows = [
        ("产业链", chain.name),
        ("地区", chain.region.name),
        ("类别", chain.get_category_display()),
        ("模板", f"{chain.code} v{chain.template_version}"),
        ("链长", chain.chief_name),
        *(("出处", s) for s in chain.sources),
    ]
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 80)
    for i, (k, v) in enumerate(rows):
        ws.write_row(i, 0, [k, v])
    wb.close()
    return Path(name)


def chain_brief_pdf(*, request: HttpRequest, chain: Chain, year: int | None) -> bytes:
    """One A4 landscape page: key figures, the panorama (SVG) and the gap list; CJK fonts embedded."""
    from weasyprint import HTML

    p = selectors.chain_panorama(user=request.user, chain=chain, year=year)
    svg = charts.panorama_svg(p)
    html = render_to_string(
        "chains/brief.html",
        {
            "chain": chain,
            "p": p,
            "svg": svg,
            "gaps": p.gaps[:16],
            "more_gaps": max(0, len(p.gaps) - 16),
        },
        request=request,
    )
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()

"""The PDF bulletin 亩均效益评价结果公告 of a run (``core.pdf.render_pdf``: one Noto CJK SC family)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from chainboard.core.errors import DomainError
from chainboard.core.pdf import render_pdf, svg_open
from chainboard.evaluation import selectors
from chainboard.evaluation.charts import CLASS_COLORS, OTHER
from chainboard.evaluation.models import EvaluationRun, RunStage
from chainboard_analytics.evaluation import MuMethod


def _svg_stack(rows: list[dict[str, Any]], classes: list[str]) -> str:
    """A static stacked-bar chart (SVG) of classes per county: PDFs cannot run ECharts."""
    width, bar_h, gap, left = 640, 16, 6, 110
    peak = max([sum(r["counts"].values()) for r in rows] + [1])
    height = len(rows) * (bar_h + gap) + 30
    parts = [svg_open(width, height, font_size=11)]
    for i, r in enumerate(rows):
        y = i * (bar_h + gap)
        parts.append(f'<text x="{left - 6}" y="{y + 12}" text-anchor="end">{r["label"]}</text>')
        x = float(left)
        for c in classes:
            n = r["counts"].get(c, 0)
            w = (width - left - 50) * n / peak
            if n:
                color = CLASS_COLORS.get(c, OTHER)
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"/>'
                )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}">{sum(r["counts"].values())}</text>')
    ly = len(rows) * (bar_h + gap) + 16
    for j, c in enumerate(classes):
        parts.append(
            f'<rect x="{left + j * 70}" y="{ly - 9}" width="10" height="10" fill="{CLASS_COLORS.get(c, OTHER)}"/>'
        )
        parts.append(f'<text x="{left + j * 70 + 14}" y="{ly}">{c}类</text>')
    parts.append("</svg>")
    return "".join(parts)


def require_bulletin(run: EvaluationRun) -> None:
    """A 公告 exists for a published run, or as a 公示稿 of a run in 公示/复核; never for a draft."""
    if run.stage == RunStage.DRAFT:
        raise DomainError("草稿不能生成公告：请先开始公示（生成公示稿）或发布")


def render_bulletin(*, run: EvaluationRun, user: Any, method: MuMethod) -> bytes:
    """The 公告 PDF; during 公示/复核 it is marked 公示稿 with the period and how to object."""
    require_bulletin(run)
    results = selectors.result_list(user=user, run=run)
    classes = method.class_order()
    shown = classes + (
        [method.special.code] if method.special and method.special.action == "special" else []
    )
    counts = selectors.class_counts(results)
    policies = selectors.class_policies_for_run(run)
    by_region = selectors.distribution(results, "region")
    groups = []
    for g in method.groups:
        a_list = list(
            results.filter(group=g.id, klass=classes[0]).order_by("rank", "enterprise__uscc")[:30]
        )
        d_list = list(
            results.filter(group=g.id, klass=classes[-1]).order_by("rank", "enterprise__uscc")
        )
        groups.append((g, a_list, d_list))
    return render_pdf(
        "evaluation/bulletin.html",
        {
            "run": run,
            "method": method,
            "classes": [
                (c, method.class_name(c), counts.get(c, 0), policies.get(c)) for c in shown
            ],
            "total": sum(counts.values()),
            "by_region": by_region,
            "shown": shown,
            "svg": _svg_stack(by_region, shown),
            "groups": groups,
            "scope": user.scope_label if hasattr(user, "scope_label") else "",
            "today": timezone.localdate(),
        },
    )

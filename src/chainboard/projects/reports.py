"""The three supervision reports, assembled from the scoped selectors (``selectors/reports.py``
holds their reads; nothing here queries the database itself).

* 产业链发展项目情况表 — xlsx, a summary sheet then one sheet per chain (a project's chain node
  codes; the chain's name when the chains app knows the code), with totals.
* 周调度表 — the weekly scheduling table of one ISO week (named by its Monday): per county, the
  projects under construction that week, updates filed / on time / late / missing, investment of
  the week; the projects' updates, problems needing help and missing reports. xlsx and PDF.
* 月评比通报 — the monthly ranking bulletin: stored ranking rows with components and moves,
  alerts per county and the task summary. xlsx and PDF.

PDFs go through ``core.pdf.render_pdf`` (WeasyPrint, one Noto CJK SC family, fonts checked).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chainboard.core.pdf import render_pdf, svg_open
from chainboard.projects import selectors
from chainboard.projects.models import Project, ProjectUpdate, RankingScope, week_start
from chainboard.projects.selectors import ranking
from chainboard.projects.selectors import reports as reads
from chainboard.projects.selectors.targets import task_summary, tasks_visible
from chainboard_analytics.exports import Col, Kind, Workbook, kind_from_title

NO_CHAIN = "未挂链项目"
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


# --- 产业链发展项目情况表 -------------------------------------------------------------------

CHAIN_COLUMNS: list[str] = [  # widths come from the content (docs/exports.md)
    "序号",
    "项目编号",
    "项目名称",
    "建设单位",
    "所在区县",
    "所在园区",
    "产业链环节",
    "建设性质",
    "项目来源",
    "总投资(万元)",
    "年度计划投资(万元)",
    "累计完成投资(万元)",
    "投资完成率",
    "项目阶段",
    "签约日期",
    "开工日期",
    "投产日期",
    "最新进展",
    "存在问题",
    "包联领导",
    "责任单位",
    "省/市重点",
]
SUM_COLUMNS = {"总投资(万元)", "年度计划投资(万元)", "累计完成投资(万元)"}


def _sheet_name(label: str, used: set[str]) -> str:
    base = SHEET_BAD.sub("_", label)[:28] or "sheet"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base[:26]}-{n}", n + 1
    used.add(name.lower())
    return name


def chain_projects(*, user: Any, year: int) -> list[dict[str, Any]]:
    """Projects in scope grouped by chain: [{code, label, projects, plans, latest}]."""
    projects = reads.report_projects(user=user)
    ids = [p.pk for p in projects]
    plans = reads.year_plans(project_ids=ids, year=year)
    latest = reads.latest_updates(ids)
    groups: dict[str, list[Project]] = defaultdict(list)
    for p in projects:
        for code in p.chain_node_codes or [NO_CHAIN]:
            groups[code].append(p)
    names = reads.chain_names(set(groups) - {NO_CHAIN})
    names[NO_CHAIN] = NO_CHAIN
    order = sorted(groups, key=lambda c: (c == NO_CHAIN, names[c]))
    return [
        {"code": c, "label": names[c], "projects": groups[c], "plans": plans, "latest": latest}
        for c in order
    ]


def _chain_kind(title: str) -> Kind:
    if title == "序号":
        return "int"
    if title.endswith("日期"):
        return "date"
    if title in ("最新进展", "存在问题"):
        return "wrap"
    return kind_from_title(title)


def chain_workbook(*, user: Any, year: int | None = None) -> io.BytesIO:
    """产业链发展项目情况表 (xlsx): 汇总 sheet, then one sheet per chain with totals."""
    year = year or timezone.localdate().year
    groups = chain_projects(user=user, year=year)
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        used: set[str] = {"汇总"}
        head = ["产业链", "项目数", "在建", "投产/达效", "过亿元", "总投资(万元)"]
        head += ["年度计划投资(万元)", "累计完成投资(万元)", "投资完成率"]
        summary = book.sheet(
            "汇总",
            [Col(head[0]), *(Col(t, "int") for t in head[1:5])]
            + [Col(t, kind_from_title(t)) for t in head[5:]],
            title=f"{year}年产业链发展项目情况汇总表",
            freeze_cols=1,
        )
        sums = [0.0] * 8
        for g in groups:
            ps: list[Project] = g["projects"]
            total = sum((p.total_investment_wan_yuan for p in ps), Decimal(0))
            done = sum((p.investment_done_wan_yuan for p in ps), Decimal(0))
            plan = sum((g["plans"].get(p.pk, Decimal(0)) for p in ps), Decimal(0))
            line = [
                len(ps),
                sum(p.stage in ("signed", "started") for p in ps),
                sum(p.stage in ("producing", "effective") for p in ps),
                sum(p.over_100m for p in ps),
                float(total),
                float(plan),
                float(done),
            ]
            summary.row([g["label"], *line, float(done / total) if total else 0])
            sums = [a + b for a, b in zip(sums, [0, *line], strict=True)]
            _chain_sheet(book, _sheet_name(g["label"], used), g, year)
        if groups:
            share = sums[7] / sums[5] if sums[5] else 0
            summary.row(["合计", *sums[1:], share], total=True)
        summary.note("注：一个项目挂多条产业链时在各链分表中分别列示，汇总按链统计。", gap=True)
    buffer.seek(0)
    return buffer


def _chain_sheet(book: Workbook, name: str, g: dict[str, Any], year: int) -> None:
    titles = [c.replace("年度", f"{year}年") for c in CHAIN_COLUMNS]
    sheet = book.sheet(
        name,
        [Col(t, _chain_kind(t)) for t in titles],
        title=f"{g['label']}产业链发展项目情况表（{year}年）",
        freeze_cols=3,
    )
    sums: dict[int, float] = defaultdict(float)
    for i, p in enumerate(g["projects"], start=1):
        last: ProjectUpdate | None = g["latest"].get(p.pk)
        plan = g["plans"].get(p.pk)
        values: list[Any] = [
            i,
            p.code,
            p.name,
            p.investor_name,
            p.region.name,
            p.park.name if p.park else "",
            "、".join(p.chain_node_codes),
            p.get_kind_display(),
            p.get_source_display(),
            float(p.total_investment_wan_yuan),
            float(plan) if plan is not None else None,
            float(p.investment_done_wan_yuan),
            p.progress,
            p.get_stage_display(),
            p.signed_on,
            p.started_on,
            p.producing_on,
            f"{last.week:%m-%d}周：{last.done_this_week}" if last else "",
            last.problems if last and last.problems and not last.problem_resolved_on else "",
            p.responsible_official,
            p.responsible_department,
            "省重点" if p.provincial_key else "市重点" if p.city_key else "",
        ]
        for col, (head, value) in enumerate(zip(CHAIN_COLUMNS, values, strict=True)):
            if head in SUM_COLUMNS and value is not None:
                sums[col] += value
        sheet.row(values)
    heads = CHAIN_COLUMNS
    total_col, done_col = heads.index("总投资(万元)"), heads.index("累计完成投资(万元)")
    totals: list[Any] = [sums[col] if h in SUM_COLUMNS else None for col, h in enumerate(heads)]
    totals[0], totals[2] = "合计", f"{len(g['projects'])}个项目"
    totals[heads.index("投资完成率")] = sums[done_col] / sums[total_col] if sums[total_col] else 0
    sheet.row(totals, total=True)


# --- 周调度表 -------------------------------------------------------------------------------


@dataclass
class WeeklyCounty:
    code: str
    name: str
    expected: int = 0
    filed: int = 0
    on_time: int = 0
    investment: Decimal = Decimal(0)
    problems: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.filed

    @property
    def late(self) -> int:
        return self.filed - self.on_time


@dataclass
class WeeklyReport:
    week: dt.date
    counties: list[WeeklyCounty]
    updates: list[ProjectUpdate]
    missing: list[Project]
    scope_label: str
    today: dt.date
    totals: WeeklyCounty = field(default_factory=lambda: WeeklyCounty("", "合计"))

    @property
    def week_end(self) -> dt.date:
        return self.week + dt.timedelta(days=6)

    @property
    def problems(self) -> list[ProjectUpdate]:
        return [u for u in self.updates if u.problems]


def weekly_report(*, user: Any, week: dt.date) -> WeeklyReport:
    """The 周调度 of ``week`` (any day of it) over the user's projects.

    Expected: projects under construction that Monday (started, not yet producing), plus any
    other project that filed an update. On time: filed by the Monday after (UPDATE_GRACE_DAYS).
    """
    monday = week_start(week)
    updates = reads.week_updates(user=user, monday=monday)
    filed = {u.project_id for u in updates}
    expected = reads.projects_building(user=user, monday=monday)
    counties: dict[str, WeeklyCounty] = {}

    def county(p: Project) -> WeeklyCounty:
        return counties.setdefault(p.region_id, WeeklyCounty(p.region_id, p.region.name))

    for p in expected:
        county(p).expected += 1
    expected_ids = {p.pk for p in expected}
    for u in updates:
        c = county(u.project)
        if u.project_id not in expected_ids:
            c.expected += 1
        c.filed += 1
        c.on_time += 0 if u.late else 1
        c.investment += u.investment_period_wan_yuan
        c.problems += bool(u.problems)
    rows = sorted(counties.values(), key=lambda c: c.code)
    totals = WeeklyCounty("", "合计")
    for c in rows:
        totals.expected += c.expected
        totals.filed += c.filed
        totals.on_time += c.on_time
        totals.investment += c.investment
        totals.problems += c.problems
    return WeeklyReport(
        week=monday,
        counties=rows,
        updates=updates,
        missing=[p for p in expected if p.pk not in filed],
        scope_label=getattr(user, "scope_label", ""),
        today=timezone.localdate(),
        totals=totals,
    )


def weekly_workbook(report: WeeklyReport) -> io.BytesIO:
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        title = f"重点项目周调度表（{report.week:%Y-%m-%d} 至 {report.week_end:%Y-%m-%d}）"
        s = book.sheet(
            "汇总",
            [
                Col("区县"),
                *(Col(t, "int") for t in ["应报项目", "已报", "按时", "迟报", "未报"]),
                Col("本周完成投资(万元)", "wan"),
                Col("需协调问题", "int"),
            ],
            title=title,
            freeze_cols=1,
        )
        for c in [*report.counties, report.totals]:
            s.row(
                [
                    c.name,
                    c.expected,
                    c.filed,
                    c.on_time,
                    c.late,
                    c.missing,
                    float(c.investment),
                    c.problems,
                ],
                total=c is report.totals,
            )
        d = book.sheet(
            "明细",
            [
                Col("区县"),
                Col("项目编号"),
                Col("项目名称"),
                Col("总投资(万元)", "wan"),
                Col("本周完成投资(万元)", "wan"),
                Col("累计完成投资(万元)", "wan"),
                Col("本周进展", "wrap"),
                Col("下步计划", "wrap"),
                Col("存在问题", "wrap"),
                Col("请求协调部门"),
                Col("填报时间", "datetime"),
                Col("是否按时"),
            ],
            freeze_cols=3,
        )
        for u in report.updates:
            p = u.project
            d.row(
                [
                    p.region.name,
                    p.code,
                    p.name,
                    float(p.total_investment_wan_yuan),
                    float(u.investment_period_wan_yuan),
                    float(u.investment_cumulative_wan_yuan),
                    u.done_this_week,
                    u.next_steps,
                    u.problems,
                    u.help_department,
                    timezone.localtime(u.submitted_at).replace(tzinfo=None),
                    "迟报" if u.late else "按时",
                ]
            )
        m = book.sheet(
            "未报项目", [Col(t) for t in ["区县", "项目编号", "项目名称", "包联领导", "责任单位"]]
        )
        for p in report.missing:
            m.row([p.region.name, p.code, p.name, p.responsible_official, p.responsible_department])
    buffer.seek(0)
    return buffer


def weekly_pdf(report: WeeklyReport) -> bytes:
    return render_pdf("projects/pdf/weekly.html", {"r": report})


# --- 月评比通报 -----------------------------------------------------------------------------


@dataclass
class MonthlyReport:
    month: dt.date
    rows: list[ranking.RankRow]
    components: dict[str, str]
    alerts: list[dict[str, Any]]
    task_text: str
    investment: list[tuple[str, Decimal]]
    scope_label: str
    today: dt.date

    @property
    def best_mover(self) -> ranking.RankRow | None:
        moved = [r for r in self.rows if r.move]
        best = max(moved, key=lambda r: r.move or 0, default=None)
        return best if best is not None and (best.move or 0) > 0 else None


def monthly_report(*, user: Any, month: dt.date) -> MonthlyReport:
    """The 月评比通报 of ``month``: stored county ranking (as published to every county), plus
    alerts, investment of the month and the task summary over the user's own scope."""
    first, end = ranking.month_bounds(month)
    rows = ranking.ranking_with_moves(first, scope=RankingScope.REGION)
    items = selectors.alerts(user=user, today=min(end, timezone.localdate()))
    return MonthlyReport(
        month=first,
        rows=rows,
        components=ranking.COMPONENTS,
        alerts=selectors.alerts_by_region(items),
        task_text=task_summary(tasks_visible(user)).text,
        investment=reads.month_investment_by_region(user=user, first=first, end=end),
        scope_label=getattr(user, "scope_label", ""),
        today=timezone.localdate(),
    )


def monthly_workbook(report: MonthlyReport) -> io.BytesIO:
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        columns = [Col("排名", "int"), Col("较上月", "int"), Col("行政区划代码"), Col("区县")]
        columns.append(Col("得分", "num2"))
        for key in report.components:
            columns += [
                Col(
                    ranking.VALUE_LABELS[key], "int" if key in ranking.COUNT_COMPONENTS else "num4"
                ),
                Col(ranking.SCORE_LABELS[key], "num2"),
            ]
        s = book.sheet(
            "月评比",
            columns,
            title=f"{report.month.year}年{report.month.month}月重点项目建设月评比通报",
            freeze_cols=4,
        )
        for r in report.rows:
            line: list[Any] = [r.rank, r.move, r.key, r.label, float(r.score)]
            for key in report.components:
                value, score = r.column_value(key), r.scores.get(key)
                line += [
                    ranking.MISSING if value is None else value,
                    ranking.MISSING if score is None else float(score),
                ]
            s.row(line)
        s.note(
            "较上月：正数为名次上升位数。分项得分 = 权重 × min(数值 ÷ 基准, 封顶)；"
            "缺：无法计算的分项不计分，其余分项按权重放大至同一总分。",
            gap=True,
        )
        a = book.sheet(
            "预警",
            [Col("区县"), *(Col(t, "int") for t in ["节点逾期", "两周未更新", "投资滞后", "合计"])],
        )
        for alert in report.alerts:
            a.row(
                [
                    alert["name"],
                    alert.get("milestone", 0),
                    alert.get("stale", 0),
                    alert.get("behind", 0),
                    alert["total"],
                ]
            )
        v = book.sheet("本月投资", [Col("区县"), Col("本月完成投资(万元)", "wan")])
        for name, amount in report.investment:
            v.row([name, float(amount)])
    buffer.seek(0)
    return buffer


def monthly_pdf(report: MonthlyReport) -> bytes:
    return render_pdf(
        "projects/pdf/monthly.html",
        {"r": report, "svg": _score_svg(report.rows), "score_labels": ranking.SCORE_LABELS},
    )


def _score_svg(rows: list[ranking.RankRow]) -> str:
    """A static bar chart of the scores (PDFs cannot run ECharts)."""
    width, bar_h, gap, left = 640, 14, 5, 90
    peak = max([float(r.score) for r in rows] + [1.0])
    height = len(rows) * (bar_h + gap) + 10
    parts = [svg_open(width, height, font_size=10)]
    for i, r in enumerate(rows):
        y = i * (bar_h + gap)
        w = (width - left - 50) * float(r.score) / peak
        colour = "#b91c1c" if i < 3 else "#2563eb"
        parts.append(f'<text x="{left - 6}" y="{y + 11}" text-anchor="end">{r.label}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 11}">{r.score}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- 半年考核通报 ------------------------------------------------------------------------------


@dataclass
class AssessmentReport:
    year: int
    half: int
    half_label: str
    rows: list[Any]
    months: list[dt.date]
    quarters: list[int]
    weights: dict[str, Decimal]
    rule_text: str
    scope_label: str
    today: dt.date


def assessment_report(*, user: Any, year: int, half: int) -> AssessmentReport:
    """The 半年考核通报: the counties of the user's scope with their monthly ranks, 观摩 scores
    and the combined score (``selectors.site_reviews.half_year``)."""
    from chainboard.projects.selectors import site_reviews

    method, rows = site_reviews.half_year(user, year, half)
    return AssessmentReport(
        year=year,
        half=half,
        half_label=site_reviews.HALVES[half],
        rows=rows,
        months=[dt.date(year, m, 1) for m in range(6 * half - 5, 6 * half + 1)],
        quarters=[2 * half - 1, 2 * half],
        weights={
            site_reviews.ASSESSMENT_LABELS[k]: Decimal(str(v)) for k, v in method.weights.items()
        },
        rule_text=method.rule_text(),
        scope_label=getattr(user, "scope_label", ""),
        today=timezone.localdate(),
    )


def assessment_pdf(report: AssessmentReport) -> bytes:
    return render_pdf("projects/pdf/assessment.html", {"r": report})

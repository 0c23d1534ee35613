"""Project workbooks: the pool list (same titles as the import, round-trip safe)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from chainboard.projects.importers import TITLES
from chainboard.projects.models import Project
from chainboard.projects.selectors import ranking
from chainboard_analytics.exports import (
    Col,
    Kind,
    TextOut,
    Workbook,
    csv_bytes,
    kind_from_title,
    write_csv,
)

COLUMNS = [
    "code",
    "name",
    "region_code",
    "park_name",
    "investor_name",
    "investor_uscc",
    "kind",
    "source",
    "total_investment_wan_yuan",
    "stage",
    "listed_on",
    "planned_start_on",
    "signed_on",
    "started_on",
    "producing_on",
    "effective_on",
    "responsible_official",
    "responsible_department",
    "batch_name",
    "provincial_key",
    "city_key",
    "county_key",
    "chain_node_codes",
    "longitude",
    "latitude",
]
EXTRA = ["区县", "累计完成投资(万元)", "投资完成率", "产业链环节"]


def _cell(p: Project, key: str) -> Any:
    if key == "region_code":
        return p.region_id
    if key == "park_name":
        return p.park.name if p.park else ""
    if key == "investor_uscc":
        return p.investor.uscc if p.investor else ""
    if key == "batch_name":
        return p.batch.name if p.batch else ""
    if key in ("kind", "source", "stage"):
        return getattr(p, f"get_{key}_display")()
    if key in ("provincial_key", "city_key", "county_key"):
        return "是" if getattr(p, key) else "否"
    if key == "chain_node_codes":
        return ",".join(p.chain_node_codes)
    value = getattr(p, key)
    return float(value) if hasattr(value, "is_finite") else value


def _kind(key: str) -> Kind:
    if key.endswith("_on"):
        return "date"
    if key in ("longitude", "latitude"):
        return "auto"
    return kind_from_title(TITLES[key])


def projects_xlsx(projects: Iterable[Project]) -> io.BytesIO:
    buffer = io.BytesIO()
    columns = [Col(TITLES[c], _kind(c)) for c in COLUMNS]
    columns += [Col(t, kind_from_title(t)) for t in EXTRA]
    with Workbook(buffer) as book:
        sheet = book.sheet("重点项目", columns, freeze_cols=2)
        for p in projects:
            sheet.row(
                [_cell(p, key) for key in COLUMNS]
                + [
                    p.region.name,
                    float(p.investment_done_wan_yuan),
                    p.progress,
                    "；".join(f"{n.chain.name}·{n.name}" for n in p.chain_nodes.all()),
                ]
            )
    buffer.seek(0)
    return buffer


def ranking_columns() -> list[Col]:
    """月评比 CSV: 行政区划代码, 名称, 得分, 排名, then each component's value and score."""
    columns = [Col("行政区划代码"), Col("名称"), Col("得分", "num2"), Col("排名", "int")]
    for key in ranking.COMPONENTS:
        value = Col(ranking.VALUE_LABELS[key], "int" if key in ranking.COUNT_COMPONENTS else "num4")
        columns += [value, Col(ranking.SCORE_LABELS[key], "num2")]
    return columns


def _ranking_rows(rows: list[ranking.RankRow]) -> Iterable[list[Any]]:
    for r in rows:
        line: list[Any] = [r.key, r.label, r.score, r.rank]
        for key in ranking.COMPONENTS:
            value, score = r.column_value(key), r.scores.get(key)
            line += [
                ranking.MISSING if value is None else value,
                ranking.MISSING if score is None else score,
            ]
        yield line


def write_ranking_csv(out: TextOut, rows: list[ranking.RankRow]) -> None:
    """The ranking as CSV through the shared safe writer (CLI: a file or stdout)."""
    write_csv(out, ranking_columns(), _ranking_rows(rows))


def ranking_csv_bytes(rows: list[ranking.RankRow]) -> bytes:
    return csv_bytes(ranking_columns(), _ranking_rows(rows))


ALERT_COLUMNS = [
    Col("严重程度"),
    Col("预警类型"),
    Col("区县"),
    Col("项目编号"),
    Col("项目名称"),
    Col("包联领导"),
    Col("责任单位"),
    Col("说明", "wrap"),
    Col("起始日期", "date"),
    Col("天数", "int"),
]


def alerts_xlsx(items: Iterable[Any]) -> io.BytesIO:
    """预警 (``selectors.Alert``, in the page's order) through the shared writer."""
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        sheet = book.sheet("项目预警", ALERT_COLUMNS, freeze_cols=1)
        for a in items:
            sheet.row(
                [
                    a.severity_label,
                    a.label,
                    a.region_name,
                    a.project.code,
                    a.project.name,
                    a.project.responsible_official,
                    a.project.responsible_department,
                    a.detail,
                    a.since,
                    a.days,
                ]
            )
    buffer.seek(0)
    return buffer

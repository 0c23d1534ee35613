"""Project workbooks: the pool list (same titles as the import, round-trip safe)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

import xlsxwriter

from chainboard.projects.importers import TITLES
from chainboard.projects.models import Project

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
    if key in ("provincial_key", "city_key"):
        return "是" if getattr(p, key) else "否"
    if key == "chain_node_codes":
        return ",".join(p.chain_node_codes)
    value = getattr(p, key)
    return float(value) if hasattr(value, "is_finite") else value


def projects_xlsx(projects: Iterable[Project]) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("重点项目")
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "#,##0.00"})
    pct = book.add_format({"num_format": "0.0%"})
    sheet.write_row(0, 0, [TITLES[c] for c in COLUMNS] + EXTRA, head)
    sheet.set_column(1, 1, 36)
    sheet.set_column(4, 4, 28)
    line = 0
    for line, p in enumerate(projects, start=1):
        for col, key in enumerate(COLUMNS):
            value = _cell(p, key)
            if value is None:
                continue
            if hasattr(value, "isoformat"):
                sheet.write_datetime(line, col, value, date)
            elif isinstance(value, float):
                sheet.write_number(line, col, value, money)
            else:
                sheet.write_string(line, col, str(value))
        base = len(COLUMNS)
        sheet.write_string(line, base, p.region.name)
        sheet.write_number(line, base + 1, float(p.investment_done_wan_yuan), money)
        sheet.write_number(line, base + 2, p.progress, pct)
        sheet.write_string(
            line, base + 3, "；".join(f"{n.chain.name}·{n.name}" for n in p.chain_nodes.all())
        )
    sheet.autofilter(0, 0, max(line, 1), len(COLUMNS) + len(EXTRA) - 1)
    sheet.freeze_panes(1, 2)
    book.close()
    buffer.seek(0)
    return buffer

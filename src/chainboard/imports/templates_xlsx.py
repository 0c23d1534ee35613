"""Blank import workbooks with the exact Chinese column titles and a notes sheet.

Not a data export (no rows), so it keeps its own layout (yellow titles, the key column formatted
as text for typing); it still opens the workbook with the shared writer's safe options and writes
strings only (docs/exports.md)."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from chainboard_analytics.exports import WORKBOOK_OPTIONS


def template_xlsx(importer: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **WORKBOOK_OPTIONS})
    head = workbook.add_format({"bold": True, "bg_color": "#FDE68A", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(importer.label)
    for col, column in enumerate(importer.columns):
        sheet.write_string(0, col, column.title, head)
        sheet.set_column(col, col, max(14, len(column.title) * 2 + 2), text if col == 0 else None)
    notes = workbook.add_worksheet("填写说明")
    for col, title in enumerate(["列", "必填", "说明"]):
        notes.write_string(0, col, title, head)
    for line, column in enumerate(importer.columns, start=1):
        for col, value in enumerate((column.title, "是" if column.required else "否", column.help)):
            notes.write_string(line, col, value)
    notes.set_column(0, 0, 24)
    notes.set_column(2, 2, 60)
    workbook.close()
    buffer.seek(0)
    return buffer

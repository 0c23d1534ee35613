"""The rejected rows of an import as an xlsx: the original columns plus a 错误 column."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import IO, Any

import xlsxwriter

from chainboard.imports.runner import ImportOutcome


def write_errors_xlsx(outcome: ImportOutcome, target: Path | str | IO[bytes]) -> None:
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in outcome.errors:
        by_row[error.row].append((f"{error.column}：" if error.column else "") + error.message)
    options: dict[str, Any] = {"constant_memory": True}
    if not isinstance(target, str | Path):
        options["in_memory"] = True
        options.pop("constant_memory")
    workbook = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, options)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    red = workbook.add_format({"font_color": "#C00000"})
    sheet = workbook.add_worksheet("错误行")
    table = outcome.table
    headers = ["行号", "错误", *(table.headers if table else [])]
    sheet.write_row(0, 0, headers, bold)
    sheet.set_column(1, 1, 60)
    line = 1
    if 0 in by_row:
        sheet.write_row(line, 0, ["文件", "；".join(by_row[0])], red)
        line += 1
    if table is not None:
        header_issues = by_row.get(table.header_row)
        if header_issues:
            sheet.write_row(line, 0, [table.header_row, "；".join(header_issues)], red)
            line += 1
        for row in table.rows:
            if row.number in by_row:
                sheet.write(line, 0, row.number)
                sheet.write(line, 1, "；".join(by_row[row.number]), red)
                for col, value in enumerate(row.cells, start=2):
                    sheet.write(line, col, value if value is not None else "")
                line += 1
    detail = workbook.add_worksheet("错误明细")
    detail.write_row(0, 0, ["文件", "工作表", "行", "列", "值", "原因"], bold)
    for i, error in enumerate(outcome.errors, start=1):
        detail.write_row(
            i, 0, [error.filename, error.sheet, error.row, error.column, error.value, error.message]
        )
    workbook.close()

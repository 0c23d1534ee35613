"""The rejected rows of an import as an xlsx: the original columns plus a 错误 column."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import IO

from chainboard.imports.runner import ImportOutcome
from chainboard_analytics.exports import Col, Workbook


def write_errors_xlsx(outcome: ImportOutcome, target: Path | str | IO[bytes]) -> None:
    by_row: dict[int, list[str]] = defaultdict(list)
    for error in outcome.errors:
        by_row[error.row].append((f"{error.column}：" if error.column else "") + error.message)
    table = outcome.table
    columns = [Col("行号", "int"), Col("错误", "wrap")]
    columns += [Col(str(h), "auto") for h in (table.headers if table else [])]
    with Workbook(target, constant_memory=True) as workbook:
        sheet = workbook.sheet("错误行", columns, freeze_cols=2)
        if 0 in by_row:
            sheet.row(["文件", "；".join(by_row[0])])
        if table is not None:
            header_issues = by_row.get(table.header_row)
            if header_issues:
                sheet.row([table.header_row, "；".join(header_issues)])
            for row in table.rows:
                if row.number in by_row:
                    sheet.row([row.number, "；".join(by_row[row.number]), *row.cells])
        detail = workbook.sheet(
            "错误明细",
            [
                Col("文件"),
                Col("工作表"),
                Col("行", "int"),
                Col("列"),
                Col("值", "auto"),
                Col("原因", "wrap"),
            ],
        )
        for error in outcome.errors:
            detail.row(
                [error.filename, error.sheet, error.row, error.column, error.value, error.message]
            )

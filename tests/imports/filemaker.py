"""Write real .xlsx / .xls / .csv files for import tests."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
import xlwt

ENTERPRISE_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "行政区划代码",
    "所属园区",
    "行业代码",
    "是否规上",
    "成立日期",
    "经营范围",
]


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], sheet: str = "企业名录") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    ws = workbook.add_worksheet(sheet)
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if hasattr(value, "year") and hasattr(value, "month"):
                ws.write_datetime(r, c, value, date)
            elif value is not None:
                ws.write(r, c, value)
    workbook.close()
    return path


def write_xls(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path

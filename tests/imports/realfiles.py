"""Write the spreadsheets county offices really send (issue: "Getting real data in").

Each function writes one file shaped like what arrives by e-mail or WeChat: a merged title row,
a ``填报单位：… 填报日期：…`` line, the header on row 3 with a ``序号`` column and extra columns
(``法定代表人``, ``联系电话``), a ``合计`` and a ``注：`` row under the data, a ``填表说明`` sheet
before the data sheet, units in titles (亿元, 平方米, 万度), a two-row header. Run as a script to
write them all into a folder and open them in LibreOffice/WPS:

    python -m tests.imports.realfiles /tmp/realfiles
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

REGISTER_HEADER = [
    "序号",
    "统一社会信用代码",
    "企业名称",
    "法定代表人",
    "行政区划代码",
    "所属园区",
    "行业代码",
    "是否规上",
    "成立日期",
    "联系电话",
]


def register_rows(firms: Sequence[tuple[str, str]]) -> list[list[Any]]:
    """One register row per (USCC, name), in 宁晋县 (130528), 电线电缆 (3831)."""
    return [
        [i, uscc, name, "张三", "130528", "", "3831", "是", dt.date(2015, 6, i), "0319-5123456"]
        for i, (uscc, name) in enumerate(firms, start=1)
    ]


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "head": book.add_format({"bold": True, "border": 1, "align": "center", "text_wrap": True}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "border": 1}),
        "cell": book.add_format({"border": 1}),
    }


def _write_rows(ws: Any, first_row: int, rows: Sequence[Sequence[Any]], fmt: dict[str, Any]) -> int:
    r = first_row
    for row in rows:
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(
                    r, c, dt.datetime(value.year, value.month, value.day), fmt["date"]
                )
            elif value is not None:
                ws.write(r, c, value, fmt["cell"])
        r += 1
    return r


def county_register(path: Path, firms: Sequence[tuple[str, str]]) -> Path:
    """``2025年宁晋县规模以上工业企业名录``: title, 填报单位 line, header on row 3, 合计, 注."""
    book = xlsxwriter.Workbook(str(path))
    fmt = _formats(book)
    ws = book.add_worksheet("企业名录")
    width = len(REGISTER_HEADER)
    ws.merge_range(0, 0, 0, width - 1, "2025年宁晋县规模以上工业企业名录", fmt["title"])
    ws.write(1, 0, "填报单位：宁晋县工业和信息化局（盖章）")
    ws.write(1, 6, "填报日期：2026年1月15日")
    ws.write_row(2, 0, REGISTER_HEADER, fmt["head"])
    r = _write_rows(ws, 3, register_rows(firms), fmt)
    ws.merge_range(r, 0, r, 2, "合计", fmt["cell"])
    ws.write(r, 3, f"{len(firms)}家", fmt["cell"])
    ws.write(r + 1, 0, "注：1.行业代码按GB/T 4754-2017填写；2.成立日期以营业执照为准。")
    book.close()
    return path


def instructions_first(path: Path, firms: Sequence[tuple[str, str]]) -> Path:
    """A workbook whose first sheet is ``填表说明`` and whose data is on sheet 2 ``企业名录``."""
    book = xlsxwriter.Workbook(str(path))
    fmt = _formats(book)
    notes = book.add_worksheet("填表说明")
    for i, line in enumerate(
        [
            "填表说明",
            "1. 统一社会信用代码为18位，请勿填写注册号。",
            "2. 企业名称与营业执照一致。",
            "3. 是否规上：填“是”或“否”。",
        ]
    ):
        notes.write(i, 0, line)
    ws = book.add_worksheet("企业名录")
    ws.write_row(0, 0, REGISTER_HEADER, fmt["head"])
    _write_rows(ws, 1, register_rows(firms), fmt)
    book.close()
    return path


def figures_in_yi_yuan(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """Yearly figures with the tax bureau's units: 亿元, 平方米, 万度 (rows: uscc, year, then
    revenue 亿元, tax 亿元, land 平方米, electricity 万度)."""
    book = xlsxwriter.Workbook(str(path))
    fmt = _formats(book)
    ws = book.add_worksheet("2025年度指标")
    ws.merge_range(0, 0, 0, 6, "2025年度工业企业主要经济指标", fmt["title"])
    header = [
        "序号",
        "统一社会信用代码",
        "年份",
        "营业收入（亿元）",
        "实缴税金（亿元）",
        "用地面积（平方米）",
        "用电量（万度）",
    ]
    ws.write_row(1, 0, header, fmt["head"])
    r = _write_rows(ws, 2, [[i, *row] for i, row in enumerate(rows, start=1)], fmt)
    ws.write(r, 0, "总计", fmt["cell"])
    book.close()
    return path


def two_row_header(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """A grouped header: ``企业信息`` over (统一社会信用代码, 年份) and ``主要指标（万元）`` over
    (营业收入, 实缴税金) — the lower titles alone carry no unit."""
    book = xlsxwriter.Workbook(str(path))
    fmt = _formats(book)
    ws = book.add_worksheet("Sheet1")
    ws.merge_range(0, 0, 0, 1, "企业信息", fmt["head"])
    ws.merge_range(0, 2, 0, 3, "主要指标", fmt["head"])
    ws.write_row(
        1, 0, ["统一社会信用代码", "年份", "营业收入（万元）", "实缴税金（万元）"], fmt["head"]
    )
    _write_rows(ws, 2, rows, fmt)
    book.close()
    return path


def unknown_unit(path: Path, uscc: str) -> Path:
    """营业收入 in 美元: an error naming the column, never a silent ignore."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("指标")
    ws.write_row(0, 0, ["统一社会信用代码", "年份", "营业收入（美元）"])
    ws.write_row(1, 0, [uscc, 2025, 1000])
    book.close()
    return path


def gbk_csv_with_title(path: Path, firms: Sequence[tuple[str, str]]) -> Path:
    """A CSV saved by Excel in GBK, with a title line and a 序号 column."""
    with path.open("w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["2025年宁晋县规模以上工业企业名录"])
        writer.writerow(REGISTER_HEADER)
        for row in register_rows(firms):
            writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in row])
        writer.writerow(["合计", "", f"{len(firms)}家"])
    return path


SRDI_LIST_ROWS: list[tuple[str, str, str]] = [
    # (企业名称 as the province writes it, 所在地, 主导产品)
    ("宁晋县华通电缆有限公司", "宁晋县", "交联聚乙烯绝缘电力电缆"),
    ("河北晶龙电子材料有限公司", "宁晋县", "单晶硅片"),
    ("沙河华通电缆有限公司", "沙河市", "控制电缆"),
    ("宁晋县星河新能源科技有限公司", "宁晋县", "光伏组件"),
    ("华通线缆", "宁晋县", "特种线缆"),
]


def srdi_recognition_list(
    path: Path,
    rows: Sequence[tuple[str, str, str]] = SRDI_LIST_ROWS,
    title: str = "2025年第一批河北省省级专精特新中小企业认定名单",
    dated: str = "发布单位：河北省工业和信息化厅    公告日期：2025年11月28日",
) -> Path:
    """A provincial 认定名单 as published: a merged title (kind, level, year and batch), a line
    with the announcement date, header ``序号 企业名称 所在地 主导产品`` on row 3 — no 统一社会信用
    代码 — a name with 有限公司 for 有限责任公司, a firm of another county, one unknown firm, an
    abbreviated name, and a ``注：`` line."""
    book = xlsxwriter.Workbook(str(path))
    fmt = _formats(book)
    ws = book.add_worksheet("Sheet1")
    ws.merge_range(0, 0, 0, 3, title, fmt["title"])
    if dated:
        ws.write(1, 0, dated)
    ws.write_row(2, 0, ["序号", "企业名称", "所在地", "主导产品"], fmt["head"])
    r = _write_rows(ws, 3, [[i, *row] for i, row in enumerate(rows, start=1)], fmt)
    ws.write(r, 0, "注：排名不分先后。")
    book.close()
    return path


def chain_firm_list(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    """A 链长办 list of a chain's firms: title, header ``序号 企业名称 所属产业链 产业链环节
    所在县区 备注`` on row 2, no codes."""
    book = xlsxwriter.Workbook(str(path))
    fmt = _formats(book)
    ws = book.add_worksheet("重点企业")
    header = ["序号", "企业名称", "所属产业链", "产业链环节", "所在县区", "备注"]
    ws.merge_range(0, 0, 0, len(header) - 1, "邢台市重点产业链企业名单", fmt["title"])
    ws.write_row(1, 0, header, fmt["head"])
    _write_rows(ws, 2, [[i, *row] for i, row in enumerate(rows, start=1)], fmt)
    book.close()
    return path


def main(folder: str) -> None:
    from tests.factories import make_uscc

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    firms = [(make_uscc("130528", i), f"宁晋县示例电缆{i}号有限公司") for i in range(1, 6)]
    county_register(out / "2025年宁晋县规上工业企业名录.xlsx", firms)
    instructions_first(out / "企业名录（第二个工作表）.xlsx", firms)
    figures_in_yi_yuan(
        out / "2025年度主要指标（亿元）.xlsx",
        [[u, 2025, 1.25, 0.08, 20000, 150] for u, _ in firms],
    )
    two_row_header(out / "两行表头.xlsx", [[u, 2025, 12000, 800] for u, _ in firms])
    gbk_csv_with_title(out / "企业名录GBK.csv", firms)
    srdi_recognition_list(out / "2025年第一批省级专精特新中小企业认定名单.xlsx")
    print(f"written to {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "realfiles")

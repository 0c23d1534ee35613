"""Read .xlsx, .xls and .csv files into header + rows, without the user naming the encoding.

Spreadsheets go through python-calamine (Rust; a 100k-row xlsx in about a second, against ~18 s
with openpyxl), but only after :mod:`chainboard.imports.guard` has checked the archive and the
range the sheet really uses (calamine sizes its grid from what the file declares). CSV is streamed
and tried as UTF-8 (with or without BOM) and then as GB18030, the superset of GBK/GB2312 that
Chinese Excel writes by default; it stops at the cell cap and at the first NUL character.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainboard.imports import guard
from chainboard.imports.cells import canon
from chainboard.imports.guard import FileRefused, Limits

XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SPREADSHEET_SUFFIXES = XLSX_SUFFIXES | {".xls"}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong format, corrupt, empty, no header)."""


@dataclass
class SourceRow:
    number: int  # the row number a user sees in Excel (1-based, header included)
    cells: list[Any]


@dataclass
class SourceTable:
    filename: str
    sheet: str
    headers: list[str]  # as written in the file
    header_row: int
    rows: list[SourceRow] = field(default_factory=list)
    encoding: str = ""

    @property
    def canonical_headers(self) -> list[str]:
        return [canon(h) for h in self.headers]


def read_table(
    path: Path | str, filename: str | None = None, limits: Limits | None = None
) -> SourceTable:
    """Read the first sheet (or the CSV) of ``path``; ``filename`` is the name shown in errors.

    ``limits`` default to the settings (``CHAINBOARD_MAX_UPLOAD_MB``, ``CHAINBOARD_IMPORT_*``).
    """
    path = Path(path)
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    limits = limits or Limits.from_settings()
    try:
        if suffix == ".csv":
            grid, encoding = _read_csv(path, name, limits)
            sheet = ""
        elif suffix in SPREADSHEET_SUFFIXES:
            if suffix in XLSX_SUFFIXES:
                guard.check_xlsx(path, limits)
            else:
                guard.check_xls(path, limits)
            grid, sheet = _read_spreadsheet(path, name)
            encoding = ""
        else:
            raise ImportFileError(
                f"{name}: 不支持的文件类型 {suffix or '(无扩展名)'}，请上传 .xlsx、.xls 或 .csv"
            )
    except FileRefused as exc:
        raise ImportFileError(f"{name}: {exc}") from exc
    return _to_table(grid, name, sheet, encoding)


def _read_spreadsheet(path: Path, name: str) -> tuple[list[list[Any]], str]:
    """Only after the guard's checks: the grid is bounded by the cell cap."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ImportFileError(f"{name}: 工作簿中没有工作表")
        sheet = workbook.get_sheet_by_index(0)
        grid = sheet.to_python(skip_empty_area=False)
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise ImportFileError(
            f"{name}: 文件已损坏或不是有效的 Excel 文件（{type(exc).__name__}）"
        ) from exc
    return grid, sheet.name


CSV_ENCODINGS = (("UTF-8", "utf-8-sig"), ("GB18030", "gb18030"))


def _read_csv(path: Path, name: str, limits: Limits) -> tuple[list[list[Any]], str]:
    guard.check_size(path, limits)
    with path.open("rb") as fh:
        head = fh.read(4096)
    if head.startswith((guard.ZIP_MAGIC, guard.OLE_MAGIC)):
        raise ImportFileError(f"{name}: 这是 Excel 文件，请把扩展名改为 .xlsx 或 .xls 后重新上传")
    if b"\x00" in head:
        raise ImportFileError(f"{name}: 不是文本 CSV 文件（含二进制内容）")
    for label, codec in CSV_ENCODINGS:
        try:
            return _csv_grid(path, name, codec, limits), label
        except UnicodeDecodeError:
            continue
    raise ImportFileError(f"{name}: 无法识别文件编码（支持 UTF-8 与 GBK/GB18030）")


def _csv_grid(path: Path, name: str, codec: str, limits: Limits) -> list[list[Any]]:
    """Stream the records, refusing at the first NUL and once rows × columns pass the cap."""
    grid: list[list[Any]] = []
    width = 0
    with path.open(encoding=codec, newline="") as fh:
        reader = csv.reader(fh)
        try:
            for number, record in enumerate(reader, start=1):
                width = max(width, len(record))
                if number * width > limits.max_cells:
                    raise FileRefused(
                        f"数据达到 {number:,} 行 × {width:,} 列，超过每次导入 "
                        f"{limits.max_cells:,} 个单元格的上限；请把数据拆成几个文件"
                    )
                for column, value in enumerate(record, start=1):
                    if "\x00" in value:
                        raise FileRefused(
                            f"第{number}行第{column}列含空字符（NUL），不是正常的文本 CSV 文件"
                        )
                grid.append(record)
        except csv.Error as exc:
            raise ImportFileError(
                f"{name}: CSV 格式错误（第{reader.line_num}行附近：{exc}）"
            ) from exc
    return grid


def _to_table(grid: list[list[Any]], name: str, sheet: str, encoding: str) -> SourceTable:
    header_index = next(
        (i for i, row in enumerate(grid) if any(str(c).strip() for c in row if c is not None)),
        None,
    )
    if header_index is None:
        raise ImportFileError(f"{name}: 文件为空，没有表头")
    headers = [("" if c is None else str(c)).strip() for c in grid[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    table = SourceTable(name, sheet, headers, header_index + 1, encoding=encoding)
    width = len(headers)
    for offset, row in enumerate(grid[header_index + 1 :], start=header_index + 2):
        cells = list(row[:width]) + [None] * (width - len(row))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        table.rows.append(SourceRow(offset, cells))
    return table

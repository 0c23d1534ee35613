"""Read .xlsx, .xls and .csv files into header + rows, without the user naming the encoding.

Given the importer's columns, the reader looks for the data the way a person would
(:mod:`chainboard.imports.headers`): the sheet whose header names the most template columns
(``填表说明`` on sheet 1, the data on sheet 2), the header row among the first 20 rows (title
and ``填报单位`` lines above it; a two-row header joined), and it skips ``合计``/``注：`` rows,
saying which in :attr:`SourceTable.skipped`.

Spreadsheets go through python-calamine (Rust; a 100k-row xlsx in about a second, against ~18 s
with openpyxl), but only after :mod:`chainboard.imports.guard` has checked the archive and the
range the sheet really uses (calamine sizes its grid from what the file declares). CSV is streamed
and tried as UTF-8 (with or without BOM) and then as GB18030, the superset of GBK/GB2312 that
Chinese Excel writes by default; it stops at the cell cap and at the first NUL character.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainboard.imports import guard
from chainboard.imports.cells import canon
from chainboard.imports.guard import FileRefused, Limits
from chainboard.imports.headers import (
    HEADER_SCAN_ROWS,
    HeaderFound,
    TemplateColumn,
    TemplateIndex,
    find_header,
    skip_reason,
)

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
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, why)
    sheets: list[str] = field(default_factory=list)  # every visible sheet of the workbook
    other_matching_sheets: list[str] = field(default_factory=list)  # also look like the data
    preamble: list[str] = field(default_factory=list)  # the text of the rows above the header

    def reading_notes(self) -> list[str]:
        """What the reader decided, in the words the preview shows."""
        notes = []
        if self.sheet and len(self.sheets) > 1:
            notes.append(f"读取工作表「{self.sheet}」（共 {len(self.sheets)} 个工作表）")
        if self.other_matching_sheets:
            others = "、".join(f"「{s}」" for s in self.other_matching_sheets)
            notes.append(f"工作表{others}也像数据表，未读取；如需读取请在上传时选择工作表")
        if self.header_row > 1:
            notes.append(
                f"表头在第{self.header_row}行，上方{self.header_row - 1}行（标题、填报单位等）已跳过"
            )
        by_reason: dict[str, list[int]] = {}
        for number, reason in self.skipped:
            by_reason.setdefault(reason, []).append(number)
        for reason, numbers in by_reason.items():
            shown = "、".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")
            notes.append(f"已跳过{reason} {len(numbers)} 行（第{shown}行）")
        return notes

    @property
    def canonical_headers(self) -> list[str]:
        return [canon(h) for h in self.headers]


def read_table(
    path: Path | str,
    filename: str | None = None,
    limits: Limits | None = None,
    *,
    columns: Sequence[TemplateColumn] | None = None,
    sheet: str | None = None,
    mapped: dict[str, str] | None = None,
) -> SourceTable:
    """Read the data of ``path``; ``filename`` is the name shown in errors.

    With ``columns`` (the importer's), the data sheet and header row are found by matching
    titles; without, the first sheet's first non-empty row is the header. ``sheet`` names the
    sheet to read (the user's choice in the preview); ``mapped`` adds file titles the user
    matched to template fields. ``limits`` default to the settings
    (``CHAINBOARD_MAX_UPLOAD_MB``, ``CHAINBOARD_IMPORT_*``).
    """
    path = Path(path)
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    limits = limits or Limits.from_settings()
    index = TemplateIndex(columns, mapped) if columns else None
    found: HeaderFound | None = None
    sheets: list[str] = []
    others: list[str] = []
    try:
        if suffix == ".csv":
            grid, encoding = _read_csv(path, name, limits)
            sheet_name = ""
        elif suffix in SPREADSHEET_SUFFIXES:
            refused: dict[str, str] = {}
            if suffix in XLSX_SUFFIXES:
                refused = guard.check_xlsx(path, limits).refused
            else:
                guard.check_xls(path, limits)
            grid, sheet_name, sheets, others, found = _read_spreadsheet(
                path, name, index, sheet, refused
            )
            encoding = ""
        else:
            raise ImportFileError(
                f"{name}: 不支持的文件类型 {suffix or '(无扩展名)'}，请上传 .xlsx、.xls 或 .csv"
            )
    except FileRefused as exc:
        raise ImportFileError(f"{name}: {exc}") from exc
    if index is not None and found is None:
        found = find_header(grid, index)
    table = _to_table(grid, name, sheet_name, encoding, found)
    table.sheets, table.other_matching_sheets = sheets, others
    return table


def _read_spreadsheet(
    path: Path,
    name: str,
    index: TemplateIndex | None,
    wanted: str | None,
    refused: dict[str, str],
) -> tuple[list[list[Any]], str, list[str], list[str], HeaderFound | None]:
    """Only after the guard's checks: every sheet read is bounded by the cell cap (the sheets
    the guard ``refused`` are never opened).

    Returns the grid, the sheet read, every visible sheet, the other sheets whose header also
    matches, and the header found (when ``index`` is given).
    """
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = [
            m.name
            for m in workbook.sheets_metadata
            if str(m.visible).endswith("Visible") and str(m.typ).endswith("WorkSheet")
        ] or list(workbook.sheet_names)
        if not names:
            raise ImportFileError(f"{name}: 工作簿中没有工作表")
        found: HeaderFound | None = None
        others: list[str] = []
        if wanted:
            if wanted not in workbook.sheet_names:
                listed = "、".join(f"「{n}」" for n in names)
                raise ImportFileError(f"{name}: 没有名为「{wanted}」的工作表（有：{listed}）")
            chosen = wanted
        elif index is None or len(names) == 1:
            chosen = names[0]
        else:
            scored = []
            for sheet_name in names:
                if sheet_name in refused:
                    continue
                head = workbook.get_sheet_by_name(sheet_name).to_python(
                    skip_empty_area=False, nrows=HEADER_SCAN_ROWS + 1
                )
                scored.append((find_header(head, index), sheet_name))
            best = max((f.score if f else 0) for f, _ in scored)
            matching = [n for f, n in scored if f and f.score == best]
            chosen = matching[0] if matching else next(n for n in names if n not in refused)
            others = [n for f, n in scored if f and n != chosen and f.score >= max(2, best - 1)]
        if chosen in refused:
            raise FileRefused(refused[chosen])
        grid = workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
    except (ImportFileError, FileRefused):
        raise
    except Exception as exc:  # calamine raises several unrelated types for corrupt files
        raise ImportFileError(
            f"{name}: 文件已损坏或不是有效的 Excel 文件（{type(exc).__name__}）"
        ) from exc
    if index is not None:
        found = find_header(grid, index)
    return grid, chosen, names, others, found


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


def _to_table(
    grid: list[list[Any]], name: str, sheet: str, encoding: str, found: HeaderFound | None
) -> SourceTable:
    """Rows under the header; with a matched header (``found``) 合计/注/repeated-header rows
    are skipped and recorded, without one only blank rows are (the template path)."""
    if found is not None:
        header_index, headers = found.index, list(found.titles)
    else:
        header_index = next(
            (i for i, row in enumerate(grid) if any(str(c).strip() for c in row if c is not None)),
            -1,
        )
        if header_index < 0:
            raise ImportFileError(f"{name}: 文件为空，没有表头")
        headers = [("" if c is None else str(c)).strip() for c in grid[header_index]]
    while headers and not headers[-1]:
        headers.pop()
    table = SourceTable(name, sheet, headers, header_index + 1, encoding=encoding)
    table.preamble = [
        text
        for row in grid[:header_index]
        if (text := " ".join(str(c).strip() for c in row if c is not None and str(c).strip()))
    ]
    width = len(headers)
    for offset, row in enumerate(grid[header_index + 1 :], start=header_index + 2):
        cells = list(row[:width]) + [None] * (width - len(row))
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        if found is not None and (reason := skip_reason(cells, headers)) is not None:
            table.skipped.append((offset, reason))
            continue
        table.rows.append(SourceRow(offset, cells))
    return table

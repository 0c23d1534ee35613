"""The one xlsx/CSV writer behind every export (web, CLI, analytics): safe and formatted.

Safety (formula injection, OWASP "CSV Injection"):

* xlsx: every text value is written with ``write_string`` (never ``write``), and the workbook is
  opened with ``strings_to_formulas``/``strings_to_urls``/``strings_to_numbers`` off, so a firm
  named ``=cmd|' /C calc'!A0`` or ``=HYPERLINK(...)`` stays a plain text cell.
* CSV: a text cell starting with ``= + - @`` TAB or CR gets a leading ``'`` (:func:`neutralise`);
  numbers are written as numbers and stay numbers.

Formatting: each column has a kind (text, integer count, 万元/亿元 amount, %, 2-decimal value,
date...) giving its number format; column widths are computed from the content written (CJK
characters count 2) so dates and amounts never show ``###``; the header row is frozen and
filtered, repeats on every printed page, and pages are A4 landscape fitted to the page width.

Pure Python (xlsxwriter + csv), no Django: the web app and ``chainboard_analytics`` CLIs share it.
"""

from __future__ import annotations

import csv
import datetime as dt
import numbers
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal, Protocol

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

Kind = Literal[
    "text",
    "auto",
    "wrap",
    "int",
    "wan",
    "yi",
    "pct",
    "num1",
    "num2",
    "num3",
    "num4",
    "date",
    "datetime",
]

#: number format per column kind (Excel/LibreOffice codes)
FORMATS: dict[str, str | None] = {
    "text": None,
    "auto": None,
    "wrap": None,
    "int": "#,##0",
    "wan": "#,##0.00",
    "yi": "#,##0.00",
    "pct": "0.0%",
    "num1": "0.0",
    "num2": "#,##0.00",
    "num3": "0.000",
    "num4": "0.0000",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
#: characters that make a spreadsheet treat a CSV cell as a formula (OWASP)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TEXT_MAX_WIDTH = 50  # wider text wraps
HEADER_MAX_WIDTH = 30  # longer headers wrap
MIN_WIDTH = 6
# xlsx width unit = one "0" of the default font; LibreOffice substitutes fonts, so leave room
WIDTH_FACTOR = 1.15
WIDTH_PAD = 2
A4 = 9
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class TextOut(Protocol):
    def write(self, text: str, /) -> object: ...


@dataclass(frozen=True)
class Col:
    """One column: its header (units in the header, e.g. ``总投资(万元)``) and its kind."""

    title: str
    kind: Kind = "text"


def text_width(text: str) -> int:
    """Display width: East Asian wide/fullwidth characters count 2, the longest line counts."""
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.split("\n")
        ),
        default=0,
    )


def neutralise(text: str) -> str:
    """A CSV text cell a spreadsheet will not run: ``=1+2`` → ``'=1+2`` (OWASP CSV injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real | Decimal):
        number = float(value)
        return number if number == number and abs(number) != float("inf") else None
    return None


def display(value: Any, kind: str) -> str:
    """The text a spreadsheet shows for ``value`` in a column of ``kind`` (widths and CSV)."""
    if value is None:
        return ""
    if kind in ("date", "datetime") and isinstance(value, dt.date):
        if isinstance(value, dt.datetime):
            return f"{value:%Y-%m-%d %H:%M}" if kind == "datetime" else f"{value:%Y-%m-%d}"
        return value.isoformat()
    number = _number(value)
    if number is None:
        return str(value)
    if kind == "int":
        return f"{number:,.0f}"
    if kind == "pct":
        return f"{number * 100:.1f}%"
    if kind in ("wan", "yi", "num2"):
        return f"{number:,.2f}"
    if kind in ("num1", "num3", "num4"):
        return f"{number:.{kind[-1]}f}"
    return str(value)


class Sheet:
    """A worksheet written row by row: a header row, data rows, then totals and notes."""

    def __init__(
        self,
        book: Workbook,
        ws: Worksheet,
        columns: Sequence[Col],
        *,
        title: str | None,
        freeze_cols: int,
    ) -> None:
        self.book, self.ws, self.columns = book, ws, list(columns)
        self.widths = [min(text_width(c.title), HEADER_MAX_WIDTH) for c in self.columns]
        self.freeze_cols = freeze_cols
        self.next_row = 0
        if title:
            if len(self.columns) > 1:
                ws.merge_range(0, 0, 0, len(self.columns) - 1, title, book.style("title"))
            else:
                ws.write_string(0, 0, title, book.style("title"))
            self.next_row = 2
        self.header_row = self.next_row
        for col, c in enumerate(self.columns):
            ws.write_string(self.header_row, col, c.title, book.style("head"))
        self.next_row += 1
        self.last_data_row = self.header_row

    def row(self, values: Sequence[Any], *, total: bool = False) -> None:
        """A data row (``total=True``: a bold totals row, outside the filter range)."""
        self._write(self.next_row, values, [c.kind for c in self.columns], total=total)
        if not total:
            self.last_data_row = self.next_row
        self.next_row += 1

    def rows(self, values: Iterable[Sequence[Any]]) -> None:
        for line in values:
            self.row(line)

    def note(self, *values: Any, kinds: Sequence[Kind] | None = None, gap: bool = False) -> None:
        """A line below the table (labels, remarks): text by default, or the given kinds."""
        if gap:
            self.next_row += 1
        kinds = list(kinds or ["text"] * len(values))
        self._write(self.next_row, values, kinds, note=True)
        self.next_row += 1

    def _write(
        self,
        row: int,
        values: Sequence[Any],
        kinds: Sequence[str],
        *,
        total: bool = False,
        note: bool = False,
    ) -> None:
        ws, book = self.ws, self.book
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            kind = kinds[col] if col < len(kinds) else "text"
            if note and col == 0 and kind == "text" and len(values) == 1:
                ws.write_string(row, col, str(value))  # a remark: may run across columns
                continue
            style = book.style(kind, total=total)
            number = _number(value)
            if kind == "auto" and isinstance(value, dt.date):
                kind = "datetime" if isinstance(value, dt.datetime) else "date"
                style = book.style(kind, total=total)
            if kind in ("date", "datetime") and isinstance(value, dt.date):
                if isinstance(value, dt.datetime) and value.tzinfo is not None:
                    raise ValueError("convert aware datetimes to local time before export")
                ws.write_datetime(row, col, value, style)
            elif kind not in ("text", "wrap") and number is not None:
                ws.write_number(row, col, number, style)
            else:
                text = value if isinstance(value, str) else display(value, kind)
                if kind == "wrap" or text_width(text) > TEXT_MAX_WIDTH:
                    style = book.style("wrap", total=total)  # long text wraps in its cell
                elif kind != "text":
                    style = book.style("text", total=total)
                ws.write_string(row, col, text, style)
            if col < len(self.widths) and not (note and len(values) == 1):
                self.widths[col] = max(self.widths[col], text_width(display(value, kind)))

    def finish(self) -> None:
        ws, n = self.ws, len(self.columns)
        for col, c in enumerate(self.columns):
            content = self.widths[col]
            if c.kind in ("text", "wrap", "auto"):
                content = min(content, TEXT_MAX_WIDTH)
            ws.set_column(col, col, max(MIN_WIDTH, round(content * WIDTH_FACTOR + WIDTH_PAD, 1)))
        if n:
            ws.autofilter(self.header_row, 0, max(self.last_data_row, self.header_row), n - 1)
        ws.freeze_panes(self.header_row + 1, self.freeze_cols)
        ws.repeat_rows(self.header_row)
        ws.set_paper(A4)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)


class Workbook:
    """An xlsx workbook of :class:`Sheet` s; use as a context manager or call :meth:`close`.

    ``target``: a path or a binary file object. ``constant_memory`` streams rows to disk (large
    exports; rows must then be written in order, which :class:`Sheet` always does).
    """

    def __init__(self, target: str | Path | IO[bytes], *, constant_memory: bool = False) -> None:
        options: dict[str, Any] = dict(WORKBOOK_OPTIONS)
        if isinstance(target, str | Path):
            options["constant_memory"] = constant_memory
            target = str(target)
        else:
            options["in_memory"] = True
        self._book = xlsxwriter.Workbook(target, options)
        self._styles: dict[tuple[str, bool], Any] = {}
        self._sheets: list[Sheet] = []

    def style(self, kind: str, *, total: bool = False) -> Any:
        key = (kind, total)
        if key not in self._styles:
            props: dict[str, Any] = {"valign": "top"}
            if kind == "head":
                props |= {"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True}
            elif kind == "title":
                props = {"bold": True, "font_size": 14, "align": "center"}
            elif kind == "wrap":
                props["text_wrap"] = True
            elif FORMATS.get(kind):
                props["num_format"] = FORMATS[kind]
            if total:
                props |= {"bold": True, "top": 1}
            self._styles[key] = self._book.add_format(props)
        return self._styles[key]

    def sheet(
        self,
        name: str,
        columns: Sequence[Col],
        *,
        title: str | None = None,
        freeze_cols: int = 0,
    ) -> Sheet:
        """A new sheet with its header row written (``title``: a merged title line above)."""
        sheet = Sheet(
            self, self._book.add_worksheet(name), columns, title=title, freeze_cols=freeze_cols
        )
        self._sheets.append(sheet)
        return sheet

    def close(self) -> None:
        for sheet in self._sheets:
            sheet.finish()
        self._book.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def write_csv(out: TextOut, columns: Sequence[Col], rows: Iterable[Sequence[Any]]) -> None:
    """CSV with a header row: text neutralised, numbers formatted by column kind (no thousands
    separators), dates ISO. Open ``out`` with ``encoding="utf-8-sig", newline=""``."""
    writer = csv.writer(out)
    writer.writerow([neutralise(c.title) for c in columns])
    for line in rows:
        writer.writerow([_csv_cell(v, c.kind) for v, c in zip(line, columns, strict=True)])


def _csv_cell(value: Any, kind: str) -> str | int | float:
    if value is None:
        return ""
    number = _number(value)
    if number is not None and kind not in ("text", "wrap"):
        if kind == "auto":
            return int(number) if number.is_integer() and not isinstance(value, float) else number
        if kind == "int":
            return round(number)
        if kind == "pct":
            return f"{number * 100:.1f}%"
        digits = {"num1": 1, "num3": 3, "num4": 4}.get(kind, 2)
        return f"{number:.{digits}f}"
    return neutralise(display(value, kind))


def csv_bytes(columns: Sequence[Col], rows: Iterable[Sequence[Any]]) -> bytes:
    """:func:`write_csv` into UTF-8 with BOM (Excel opens it as UTF-8)."""
    import io

    buffer = io.StringIO()
    write_csv(buffer, columns, rows)
    return buffer.getvalue().encode("utf-8-sig")


def frame_columns(
    frame: pd.DataFrame, kinds: Mapping[str, Kind] | None = None, *, numbers: Kind = "auto"
) -> list[Col]:
    """Columns for a data frame: ``kinds`` by title, else a unit in the title (万元, 率), else
    ``numbers`` for numeric columns, dates for datetime columns, ``auto`` for the rest."""
    out = []
    for name in frame.columns:
        title, dtype = str(name), frame[name].dtype
        kind: Kind = "auto"  # text stays text, a number in a mixed column stays a number
        if kinds and title in kinds:
            kind = kinds[title]
        elif pd.api.types.is_datetime64_any_dtype(dtype):
            kind = "datetime"
        elif pd.api.types.is_bool_dtype(dtype):
            kind = "text"
        elif pd.api.types.is_numeric_dtype(dtype):
            kind = kind_from_title(title, numbers)
        out.append(Col(title, kind))
    return out


def frame_rows(frame: pd.DataFrame) -> Iterable[list[Any]]:
    """The rows of ``frame`` as lists, missing values (NaN, NA, NaT) as None."""
    for line in frame.itertuples(index=False):
        yield [None if _missing(v) else v for v in line]


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not a missing scalar
        return False


def kind_from_title(title: str, default: Kind = "text") -> Kind:
    """A kind guessed from the unit in a header: ``(万元)`` amounts, ``(亿元)``, ``率``/``%``."""
    if "万元" in title:
        return "wan"
    if "亿元" in title:
        return "yi"
    if title.endswith(("率", "占比", "(%)", "（%）")):
        return "pct"
    return default

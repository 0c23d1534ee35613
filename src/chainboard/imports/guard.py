"""Check a spreadsheet before any parser touches it: size, archive and the range really used.

The spreadsheet reader (python-calamine) sizes its grid from the sheet's declared dimension and
from the farthest cell, so a 1.6 KB file with one cell at XFD1048576 asks for 512 GB, and a
5 MB zip of repeated XML inflates to gigabytes. Here every check runs in bounded memory:

- .xlsx/.xlsm: the zip directory (entry count, total and per-entry inflated size, compression
  ratio), then every entry is inflated in 1 MB chunks with a running byte cap (a forged size in the
  directory shows up as a CRC error), and every worksheet's XML is streamed through expat to find
  the declared ``<dimension>`` and the farthest cell actually present (no DTDs, no entities): the
  reader looks for the data sheet among all of them;
- .xls: the OLE container's Workbook stream is walked record by record (DIMENSIONS and every cell
  record of every sheet);
- the grid the reader would build, rows × columns counted from A1, must stay within
  ``IMPORT_MAX_CELLS``.

Each refusal is an :class:`~chainboard.imports.readers.ImportFileError` whose Chinese message
names the limit. Nothing here imports Django except :meth:`Limits.from_settings`.
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn
from xml.parsers import expat

MB = 1024 * 1024
CHUNK = MB
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RATIO_FLOOR = 4 * MB  # small entries may compress as much as they like
EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384
CELL_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


class FileRefused(Exception):
    """Raised with a Chinese message (no file name; the reader adds it)."""


class SheetRefused(FileRefused):
    """One worksheet is too large or broken; other sheets of the workbook may still be read."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB  # the file itself (and an upload's request body)
    max_cells: int = 2_000_000  # rows × columns of the sheet or CSV, counted from A1
    max_unzipped_bytes: int = 256 * MB  # all entries of an .xlsx, inflated
    max_zip_entries: int = 1000
    max_zip_ratio: int = 100  # inflated / compressed, for entries past RATIO_FLOOR

    @classmethod
    def from_settings(cls) -> Limits:
        from django.conf import settings

        return cls(
            max_bytes=settings.CHAINBOARD_MAX_UPLOAD_BYTES,
            max_cells=settings.CHAINBOARD_IMPORT_MAX_CELLS,
            max_unzipped_bytes=settings.CHAINBOARD_IMPORT_MAX_UNZIPPED_BYTES,
            max_zip_entries=settings.CHAINBOARD_IMPORT_MAX_ZIP_ENTRIES,
            max_zip_ratio=settings.CHAINBOARD_IMPORT_MAX_ZIP_RATIO,
        )


@dataclass
class Extent:
    """The grid a sheet spans from A1: ``rows`` × ``columns`` (1-based maxima)."""

    rows: int = 0
    columns: int = 0
    cells: int = 0  # cells actually present

    @property
    def area(self) -> int:
        return self.rows * self.columns


def megabytes(n: int) -> str:
    return f"{n / MB:.1f}".removesuffix(".0") + " MB"


def check_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRefused(f"文件大小 {megabytes(size)} 超过上限 {megabytes(limits.max_bytes)}")
    if size == 0:
        raise FileRefused("文件为空")


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _too_big(extent_rows: int, extent_cols: int, limits: Limits, what: str) -> SheetRefused:
    last = f"{column_letters(extent_cols)}{extent_rows}"
    return SheetRefused(
        f"{what}达到 {last}（{extent_rows:,} 行 × {extent_cols:,} 列 = "
        f"{extent_rows * extent_cols:,} 个单元格），超过每次导入 {limits.max_cells:,} 个单元格"
        "的上限；请删除多余的空行、空列后另存，或把数据拆成几个文件"
    )


# ---------------------------------------------------------------------------------------- xlsx


@dataclass
class XlsxCheck:
    """What the reader may open: the first sheet's extent and the sheets refused on their own
    (too large or broken XML; the reader skips them, and says so if the user picks one)."""

    first: Extent
    refused: dict[str, str]  # sheet name → reason


def check_xlsx(path: Path, limits: Limits) -> XlsxCheck:
    """Refuse a hostile .xlsx; scan every worksheet, refusing the file when every one is bad."""
    check_size(path, limits)
    head = path.open("rb").read(8)
    if head.startswith(OLE_MAGIC):
        raise FileRefused("这是旧版 Excel（.xls）文件，请把扩展名改为 .xls 后重新上传")
    if not head.startswith(ZIP_MAGIC):
        raise FileRefused(
            "不是有效的 .xlsx 文件（内容不是 Excel 工作簿，可能是改了扩展名的 CSV 或网页）"
        )
    refused: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            _check_directory(entries, limits)
            sheets = _sheet_paths(archive)
            by_path = {zip_path: name for name, zip_path in sheets}
            first_path = sheets[0][1] if sheets else None
            extent = Extent()
            inflated = 0
            for info in entries:
                if not _is_worksheet(info.filename) and info.filename not in by_path:
                    inflated = _read_entry(archive, info, limits, inflated, None)
                    continue
                scanned = extent if info.filename == first_path else Extent()
                try:
                    inflated = _read_entry(archive, info, limits, inflated, scanned)
                except SheetRefused as exc:
                    name = by_path.get(info.filename)
                    if name is None:  # no workbook.xml to name it: the file as a whole
                        raise
                    refused[name] = str(exc)
                    inflated += info.file_size
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise FileRefused(f"文件已损坏或不是有效的 Excel 文件（{type(exc).__name__}）") from exc
    if not sheets:
        raise FileRefused("工作簿中没有工作表")
    if len(refused) == len(sheets):
        raise FileRefused(refused[sheets[0][0]])
    return XlsxCheck(extent, refused)


def _check_directory(entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(entries) > limits.max_zip_entries:
        raise FileRefused(
            f"压缩包内有 {len(entries):,} 个文件，超过 {limits.max_zip_entries:,} 个的上限"
            "（正常的 Excel 工作簿只有几十个）"
        )
    total = sum(i.file_size for i in entries)
    if total > limits.max_unzipped_bytes:
        raise FileRefused(
            f"解压后大小 {megabytes(total)} 超过上限 {megabytes(limits.max_unzipped_bytes)}"
        )
    for info in entries:
        if info.file_size > RATIO_FLOOR:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_zip_ratio:
                raise FileRefused(
                    f"压缩比 {ratio:,.0f}:1 超过上限 {limits.max_zip_ratio}:1（疑似压缩炸弹）"
                )


def _read_entry(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: Limits,
    inflated: int,
    extent: Extent | None,
) -> int:
    """Inflate one entry in chunks (the CRC check at its end catches forged sizes), feeding a
    worksheet's XML to the extent scanner; return the running inflated total."""
    scanner = _SheetScanner(extent, limits) if extent is not None else None
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            inflated += len(chunk)
            if inflated > limits.max_unzipped_bytes:
                raise FileRefused(f"解压后大小超过上限 {megabytes(limits.max_unzipped_bytes)}")
            if scanner is not None:
                scanner.feed(chunk)
    if scanner is not None:
        scanner.close()
    return inflated


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _sheet_paths(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip path) of every worksheet in workbook order; without a workbook.xml the
    zip paths name themselves."""
    names = set(archive.namelist())
    workbook = "xl/workbook.xml"
    if workbook not in names:
        return [(n, n) for n in sorted(n for n in names if _is_worksheet(n))]
    declared: list[tuple[str, str]] = []  # (name, relationship id)
    targets: dict[str, str] = {}

    def on_workbook(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            declared.append((attrs.get("name", ""), rid))

    def on_rels(name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _parse_small(archive, workbook, on_workbook)
    rels = "xl/_rels/workbook.xml.rels"
    if rels in names:
        _parse_small(archive, rels, on_rels)
    found = []
    for sheet_name, rid in declared:
        target = targets.get(rid, "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        if path in names:
            found.append((sheet_name, path))
    return found


def _parse_small(archive: zipfile.ZipFile, name: str, on_start: Any) -> None:
    info = archive.getinfo(name)
    if info.file_size > 16 * MB:
        raise FileRefused(f"工作簿结构文件 {name} 异常庞大")
    parser = _safe_parser()
    parser.StartElementHandler = on_start
    try:
        parser.Parse(archive.read(name), True)
    except expat.ExpatError as exc:
        raise FileRefused(f"工作簿结构已损坏（{exc}）") from exc


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _refuse_dtd(*_: Any) -> NoReturn:
    raise FileRefused("工作表 XML 含 DTD/实体声明，不是 Excel 生成的文件")


def _safe_parser() -> Any:
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    return parser


class _SheetScanner:
    """Streams a worksheet's XML and keeps the farthest row and column; refuses as soon as the
    declared dimension or the grid so far passes the cap."""

    def __init__(self, extent: Extent, limits: Limits) -> None:
        self.extent, self.limits = extent, limits
        self.row = 0  # current row (a <row> or <c> without r follows the previous one)
        self.column = 0
        self.parser = _safe_parser()
        self.parser.StartElementHandler = self._start
        self.parser.buffer_text = True

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError as exc:
            raise SheetRefused(f"工作表 XML 已损坏（{exc}）") from exc

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise SheetRefused(f"工作表 XML 已损坏（{exc}）") from exc

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            ref = attrs.get("r")
            if ref:
                letters, digits = self._ref(ref)
                self.column, self.row = column_number(letters), max(int(digits), 1)
            else:
                self.column += 1
            self._grow(self.row or 1, self.column)
            self.extent.cells += 1
            if self.extent.cells > self.limits.max_cells:  # repeated addresses
                raise SheetRefused(
                    f"工作表中的单元格超过每次导入 {self.limits.max_cells:,} 个单元格的上限"
                )
        elif tag == "row":
            r = attrs.get("r", "")
            self.row = int(r) if r.isdigit() else self.row + 1
            self.column = 0
        elif tag == "dimension":
            self._declared(attrs.get("ref", ""))

    def _ref(self, ref: str) -> tuple[str, str]:
        match = CELL_REF.fullmatch(ref)
        if match is None:
            raise SheetRefused(f"工作表中的单元格地址「{ref[:20]}」无效")
        letters, digits = match.groups()
        if column_number(letters) > EXCEL_MAX_COLUMNS or int(digits) > EXCEL_MAX_ROWS:
            raise SheetRefused(f"工作表中的单元格地址「{ref}」超出 Excel 的范围")
        return letters, digits

    def _declared(self, ref: str) -> None:
        last = ref.split(":")[-1]
        if not last:
            return
        letters, digits = self._ref(last)
        rows, columns = int(digits), column_number(letters)
        if rows * columns > self.limits.max_cells:
            raise _too_big(rows, columns, self.limits, "工作表声明的使用范围")

    def _grow(self, row: int, column: int) -> None:
        e = self.extent
        if row > e.rows or column > e.columns:
            e.rows, e.columns = max(e.rows, row), max(e.columns, column)
            if e.area > self.limits.max_cells:
                raise _too_big(e.rows, e.columns, self.limits, "工作表中的数据")


# ----------------------------------------------------------------------------------------- xls

BOF, EOF, DIMENSIONS, BOUNDSHEET = 0x0809, 0x000A, 0x0200, 0x0085
CELL_RECORDS = {0x0203, 0x00FD, 0x027E, 0x0201, 0x0205, 0x0006, 0x0204, 0x00D6}
MULTI_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column … last column


def check_xls(path: Path, limits: Limits) -> Extent:
    """Refuse a hostile .xls (BIFF); return the largest sheet extent found."""
    import olefile

    check_size(path, limits)
    head = path.open("rb").read(8)
    if head.startswith(ZIP_MAGIC):
        raise FileRefused("这是新版 Excel（.xlsx）文件，请把扩展名改为 .xlsx 后重新上传")
    if not head.startswith(OLE_MAGIC[:4]):  # a damaged header still reads as damaged below
        raise FileRefused(
            "不是有效的 .xls 文件（内容不是 Excel 工作簿，可能是改了扩展名的 CSV 或网页）"
        )
    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise FileRefused("不是有效的 .xls 文件（没有工作簿数据）")
            data = ole.openstream(stream).read()
    except FileRefused:
        raise
    except Exception as exc:  # olefile raises OSError and several of its own for corrupt files
        raise FileRefused(f"文件已损坏或不是有效的 Excel 文件（{type(exc).__name__}）") from exc
    return _walk_biff(data, limits)


def _walk_biff(data: bytes, limits: Limits) -> Extent:
    largest = Extent()
    outer: list[Extent | None] = []  # substreams nest (a chart inside a sheet)
    sheet: Extent | None = None
    offset, end = 0, len(data)
    unpack = struct.unpack_from
    while offset + 4 <= end:
        kind, length = unpack("<HH", data, offset)
        body = offset + 4
        offset = body + length
        if offset > end:
            raise FileRefused("文件已损坏（工作簿记录被截断）")
        if kind == BOF:
            outer.append(sheet)
            sheet = Extent() if _is_sheet_bof(data, body, length) else None
        elif kind == EOF:
            if sheet is not None and sheet.area > largest.area:
                largest = sheet
            sheet = outer.pop() if outer else None
        elif sheet is None:
            continue
        elif kind == DIMENSIONS and length >= 10:
            if length >= 14:
                _, row_end, _, col_end = unpack("<IIHH", data, body)
            else:
                _, row_end, _, col_end = unpack("<HHHH", data, body)
            if row_end * col_end > limits.max_cells:
                raise _too_big(row_end, col_end, limits, "工作表声明的使用范围")
        elif kind in CELL_RECORDS and length >= 4:
            row, col = unpack("<HH", data, body)
            _grow_sheet(sheet, row + 1, col + 1, limits)
        elif kind in MULTI_RECORDS and length >= 6:
            row, _ = unpack("<HH", data, body)
            (last,) = unpack("<H", data, body + length - 2)
            _grow_sheet(sheet, row + 1, last + 1, limits)
    return largest


def _is_sheet_bof(data: bytes, body: int, length: int) -> bool:
    """BIFF5/8 BOF: the second field says what follows (0x0010 = a worksheet)."""
    if length < 4:
        return False
    (what,) = struct.unpack_from("<H", data, body + 2)
    return bool(what == 0x0010)


def _grow_sheet(sheet: Extent, row: int, column: int, limits: Limits) -> None:
    sheet.cells += 1
    if row > sheet.rows or column > sheet.columns:
        sheet.rows, sheet.columns = max(sheet.rows, row), max(sheet.columns, column)
        if sheet.area > limits.max_cells:
            raise _too_big(sheet.rows, sheet.columns, limits, "工作表中的数据")


# ------------------------------------------------------------------------- attachments (异议)

#: Attachment types accepted with 异议 (and the like): suffix → what the first bytes must be.
ATTACHMENT_KINDS = {
    "pdf": "PDF 文件",
    "png": "PNG 图片",
    "jpg": "JPEG 图片",
    "jpeg": "JPEG 图片",
    "docx": "Word 文档",
    "xlsx": "Excel 工作簿",
    "doc": "Word 97-2003 文档",
    "xls": "Excel 97-2003 工作簿",
}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def attachment_name(name: str, max_length: int = 100) -> str:
    """The uploaded file name as it may be shown and offered for download: no folders (``/`` or
    ``\\``), no control characters, at most ``max_length`` characters (the suffix kept)."""
    base = _CONTROL.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip().lstrip(".")
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = suffix[:8]
    keep = max(max_length - len(suffix) - 1, 1)
    return (stem[:keep] or "附件") + (f".{suffix}" if suffix else "")


def check_attachment(stream: Any, name: str, size: int, *, max_bytes: int, limits: Limits) -> str:
    """Refuse a hostile or unexpected attachment; return its kind (the lower-case suffix).

    Accepted: PDF, PNG, JPEG, Word/Excel (.docx/.xlsx and the 97-2003 .doc/.xls). The suffix must
    be one of these and the first bytes must match it (an HTML page renamed ``.pdf`` or ``.png``
    is refused); .docx/.xlsx also pass the zip checks of an import (entry count, inflated size
    read in chunks with a running cap, compression ratio) and must hold their main part. The size
    is at most ``max_bytes`` and not 0. ``stream`` is a seekable binary file, read from the start.
    """
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ATTACHMENT_KINDS:
        allowed = "、".join(sorted({k.upper() for k in ATTACHMENT_KINDS} - {"JPEG"}))
        raise FileRefused(f"不支持的附件类型“.{suffix}”，只接受 {allowed}")
    if size == 0:
        raise FileRefused("附件为空")
    if size > max_bytes:
        raise FileRefused(f"附件大小 {megabytes(size)} 超过上限 {megabytes(max_bytes)}")
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    expected = ATTACHMENT_KINDS[suffix]
    ok = {
        "pdf": head.startswith(b"%PDF-"),
        "png": head.startswith(b"\x89PNG\r\n\x1a\n"),
        "jpg": head.startswith(b"\xff\xd8\xff"),
        "jpeg": head.startswith(b"\xff\xd8\xff"),
        "docx": head.startswith(ZIP_MAGIC),
        "xlsx": head.startswith(ZIP_MAGIC),
        "doc": head.startswith(OLE_MAGIC),
        "xls": head.startswith(OLE_MAGIC),
    }[suffix]
    if not ok:
        raise FileRefused(f"文件内容不是{expected}（扩展名与内容不符）")
    if suffix in _OOXML_PART:
        _check_ooxml(stream, _OOXML_PART[suffix], expected, limits)
    stream.seek(0)
    return "jpg" if suffix == "jpeg" else suffix


def _check_ooxml(stream: Any, part: str, expected: str, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            _check_directory(entries, limits)
            names = {i.filename for i in entries}
            if "[Content_Types].xml" not in names or part not in names:
                raise FileRefused(f"文件内容不是{expected}（压缩包中没有 {part}）")
            inflated = 0
            for info in entries:
                inflated = _read_entry(archive, info, limits, inflated, None)
    except FileRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise FileRefused(f"文件已损坏（{type(exc).__name__}）") from exc

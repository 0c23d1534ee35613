"""Make the hostile-file corpus: files an attacker (any logged-in user) could upload.

    python tests/imports/hostile/make_corpus.py OUT_DIR

Each file is generated (nothing binary is kept in the repository); the big ones are streamed to
disk so making them needs little memory. ``CORPUS`` maps a file name to the words its refusal
message must contain.
"""

from __future__ import annotations

import os
import random
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import xlwt

HEADERS = "统一社会信用代码,企业名称,行政区划代码,所属园区,行业代码,是否规上,成立日期,经营范围"
FIRM = "91130528MA0011AA1X,宁晋示例电缆有限公司,130528,,3831,是,2015-06-01,电缆"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="企业名录" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _sheet(body: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{SHEET_HEAD}{dim}<sheetData>{body}</sheetData></worksheet>"


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> str:
    cells = "".join(_inline(f"{chr(65 + i)}1", h) for i, h in enumerate(HEADERS.split(",")))
    return f'<row r="1">{cells}</row>'


def _xlsx(
    path: Path, sheet: str | Callable[[zipfile.ZipFile], None], extra: int = 0, level: int = 9
) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if callable(sheet):
            sheet(z)
        else:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        for i in range(extra):
            z.writestr(f"xl/media/pad{i}.xml", "<a/>")


def huge_dimension(path: Path) -> None:
    """1.6 KB; declares A1:XFD1048576 with one cell there (the reader asked for 512 GB)."""
    body = _header_row() + f'<row r="1048576">{_inline("XFD1048576", "x")}</row>'
    _xlsx(path, _sheet(body, "A1:XFD1048576"))


def far_cell(path: Path) -> None:
    """One cell at ZZ100000 and no dimension tag (the reader took 3.2 GB)."""
    body = _header_row() + f'<row r="100000">{_inline("ZZ100000", "x")}</row>'
    _xlsx(path, _sheet(body))


def lying_dimension(path: Path) -> None:
    """Declares A1:B2 but has a cell at ZZ100000: the actual extent counts, not the tag."""
    body = _header_row() + f'<row r="100000">{_inline("ZZ100000", "x")}</row>'
    _xlsx(path, _sheet(body, "A1:B2"))


def zip_bomb(path: Path, megabytes: int = 400) -> None:
    """A few hundred KB that inflate to hundreds of MB of sheet XML (all cells in column A)."""

    def write(z: zipfile.ZipFile) -> None:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write((SHEET_HEAD + "<sheetData>" + _header_row()).encode())
            row = b'<row><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>'
            block = row * (1024 * 1024 // len(row))
            for _ in range(megabytes):
                out.write(block)
            out.write(b"</sheetData></worksheet>")

    _xlsx(path, write, level=1)  # fast to make; still over 200:1


def ratio_bomb(path: Path) -> None:
    """Under the inflated-size cap but over the compression-ratio cap."""
    zip_bomb(path, megabytes=160)


def many_entries(path: Path) -> None:
    _xlsx(path, _sheet(_header_row()), extra=5000)


def entity_bomb(path: Path) -> None:
    """Billion laughs in the sheet XML."""
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    sheet = _sheet(_header_row() + '<row r="2">' + _inline("A2", "&lol2;") + "</row>")
    _xlsx(path, sheet.replace("<worksheet", lol + "<worksheet", 1))


def truncated_xlsx(path: Path) -> None:
    body = _header_row() + "".join(
        f'<row r="{r}">{_inline(f"B{r}", "公司" * 20)}</row>' for r in range(2, 3000)
    )
    _xlsx(path, _sheet(body))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def html_as_xlsx(path: Path) -> None:
    path.write_text(
        "<html><body><table><tr><td>统一社会信用代码</td></tr></table></body></html>", "utf-8"
    )


def csv_as_xlsx(path: Path) -> None:
    path.write_text(f"{HEADERS}\n{FIRM}\n", "utf-8")


def garbage_xls(path: Path) -> None:
    rng = random.Random(11)
    path.write_bytes(bytes(rng.randrange(256) for _ in range(64 * 1024)))


def damaged_xls(path: Path) -> None:
    """The OLE signature, then noise."""
    rng = random.Random(12)
    body = bytes(rng.randrange(256) for _ in range(64 * 1024))
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)


def far_cell_xls(path: Path) -> None:
    """A real .xls with one cell at IV65536: a 65,536 × 256 grid from A1."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("企业名录")
    for i, title in enumerate(HEADERS.split(",")):
        sheet.write(0, i, title)
    sheet.write(65535, 255, "x")
    book.save(str(path))


def oversize_csv(path: Path, megabytes: int = 60) -> None:
    line = (FIRM + "\n").encode()
    block = line * (1024 * 1024 // len(line) + 1)
    with path.open("wb") as out:
        out.write((HEADERS + "\n").encode())
        for _ in range(megabytes):
            out.write(block)


def many_cells_csv(path: Path) -> None:
    """Under the size cap, over the cell cap: 3,000,000 one-character cells."""
    row = ",".join("1" for _ in range(300)) + "\n"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADERS + "\n")
        for _ in range(10_000):
            out.write(row)


def nul_after_4k_csv(path: Path) -> None:
    rows = [HEADERS] + [FIRM] * 60
    data = ("\n".join(rows) + "\n").encode()
    cut = data.index(b"\n", 4500) + 5  # inside the (ASCII) USCC of a row past the first 4 KB
    path.write_bytes(data[:cut] + b"\x00" + data[cut:])


def control_chars_csv(path: Path) -> None:
    firm = FIRM.replace("宁晋示例电缆有限公司", "宁晋示例\x1b[31m电缆有限公司")
    path.write_text(f"{HEADERS}\n{firm}\n", "utf-8")


# file name → (maker, words the refusal must contain)
CORPUS: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "huge_dimension.xlsx": (huge_dimension, ("XFD1048576", "上限")),
    "far_cell.xlsx": (far_cell, ("ZZ100000", "上限")),
    "lying_dimension.xlsx": (lying_dimension, ("ZZ100000", "上限")),
    "zip_bomb.xlsx": (zip_bomb, ("解压后大小", "256 MB")),
    "ratio_bomb.xlsx": (ratio_bomb, ("压缩比", "100:1")),
    "many_entries.xlsx": (many_entries, ("5,005", "上限")),
    "entity_bomb.xlsx": (entity_bomb, ("DTD",)),
    "truncated.xlsx": (truncated_xlsx, ("已损坏",)),
    "html_as.xlsx": (html_as_xlsx, ("不是有效的 .xlsx",)),
    "csv_as.xlsx": (csv_as_xlsx, ("不是有效的 .xlsx",)),
    "garbage.xls": (garbage_xls, ("不是有效的 .xls",)),
    "damaged.xls": (damaged_xls, ("已损坏",)),
    "far_cell.xls": (far_cell_xls, ("IV65536", "上限")),
    "oversize.csv": (oversize_csv, ("50 MB",)),
    "many_cells.csv": (many_cells_csv, ("上限",)),
    "nul_after_4k.csv": (nul_after_4k_csv, ("空字符", "第")),
    "control_chars.csv": (control_chars_csv, ("控制字符", "U+001B", "第2行")),
}


def make_corpus(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for name in names or list(CORPUS):
        path = folder / name
        if not path.exists():
            CORPUS[name][0](path)
        made[name] = path
    return made


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
    for name, path in make_corpus(out).items():
        print(f"{name}\t{os.path.getsize(path):,} bytes")

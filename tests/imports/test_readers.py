from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.imports.filemaker import write_csv, write_xls, write_xlsx

from chainboard.imports.readers import ImportFileError, read_table

ROWS = [
    ["统一社会信用代码", "企业名称", "成立日期"],
    ["91350100M000100Y43", "示例电缆（宁晋）有限公司", 43466],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_detected(tmp_path: Path, encoding: str) -> None:
    table = read_table(write_csv(tmp_path / "a.csv", ROWS, encoding))
    assert table.headers == ROWS[0]
    assert table.rows[0].cells[1] == "示例电缆（宁晋）有限公司"
    assert table.rows[0].number == 2


def test_xlsx_and_xls_read(tmp_path: Path) -> None:
    rows = [*ROWS, [None, None, None], ["91350100M000100Y43", "第二家", dt.date(2020, 1, 2)]]
    xlsx = read_table(write_xlsx(tmp_path / "a.xlsx", rows))
    assert [r.number for r in xlsx.rows] == [2, 4]  # blank row skipped, numbering kept
    assert xlsx.sheet == "企业名录"
    xls = read_table(write_xls(tmp_path / "a.xls", ROWS))
    assert xls.rows[0].cells[1] == "示例电缆（宁晋）有限公司"


def test_header_below_blank_rows(tmp_path: Path) -> None:
    table = read_table(write_xlsx(tmp_path / "a.xlsx", [[], [], *ROWS]))
    assert table.header_row == 3 and table.rows[0].number == 4


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("bad.xlsx", b"PK\x03\x04 not really a zip", "已损坏"),
        ("bad.xls", b"\xd0\xcf\x11\xe0garbage", "已损坏"),
        ("empty.csv", b"", "文件为空"),
        ("binary.csv", b"\x00\x01\x02", "二进制"),
        ("notes.txt", b"hello", "不支持的文件类型"),
        ("latin.csv", "统一社会信用代码\n".encode("utf-16"), "二进制"),
    ],
)
def test_malformed_files_are_rejected_with_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=reason) as info:
        read_table(path)
    assert name in str(info.value)

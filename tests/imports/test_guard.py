"""The pre-parse checks at their boundaries, in process (the hostile corpus runs in subprocesses)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.imports.filemaker import write_csv, write_xls, write_xlsx

from chainboard.imports.guard import Limits
from chainboard.imports.readers import ImportFileError, read_table

GRID = [["a", "b", "c"], [1, 2, 3], [4, 5, 6], [7, 8, 9]]  # 4 rows × 3 columns = 12 cells


@pytest.mark.parametrize("writer", [write_xlsx, write_xls, write_csv], ids=["xlsx", "xls", "csv"])
def test_the_cell_cap_is_inclusive_and_named_in_the_refusal(writer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    suffix = {write_xlsx: ".xlsx", write_xls: ".xls", write_csv: ".csv"}[writer]
    path = writer(tmp_path / f"grid{suffix}", GRID)
    table = read_table(path, limits=Limits(max_cells=12))
    cells = [[int(float(c)) for c in r.cells] for r in table.rows]  # CSV cells are text
    assert table.headers == ["a", "b", "c"] and cells == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    with pytest.raises(ImportFileError, match="超过每次导入 11 个单元格的上限"):
        read_table(path, limits=Limits(max_cells=11))


def test_only_the_first_sheet_counts(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("企业名录").write_row(0, 0, ["a", "b"])
    book.add_worksheet("说明").write(5000, 50, "far away, never imported")
    book.close()
    assert read_table(path, limits=Limits(max_cells=10)).headers == ["a", "b"]


def test_file_size_cap(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", GRID)
    with pytest.raises(ImportFileError, match="超过上限 0 MB"):
        read_table(path, limits=Limits(max_bytes=10))


def test_a_csv_nul_is_located(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 2000 + b"3,x\x00y\n")
    with pytest.raises(ImportFileError, match="第2002行第2列含空字符"):
        read_table(path, limits=Limits())

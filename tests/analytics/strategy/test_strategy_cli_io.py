"""Long-table and IO-table readers (located errors, all-or-nothing) and the strategy CLI."""

from __future__ import annotations

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from chainboard_analytics.strategy.cli import main
from chainboard_analytics.strategy.complexity import calc_complexity
from chainboard_analytics.strategy.io_tables import read_io_table
from chainboard_analytics.strategy.long_table import (
    TableValidationError,
    pivot_long_table,
    read_long_table,
    validate_long_table,
)

IO_CSV = """sector,sector_name,A,B,fd_consumption,fd_export,total_output
A,农业,150,500,300,50,1000
B,工业,200,100,1000,700,2000
va_compensation,劳动者报酬,650,1400,,,
"""


def _write_fixture_long(trade_sample, path):
    long = trade_sample.rename(
        columns={"origin": "region", "hs92": "industry", "export_val": "value"}
    )
    long.to_csv(path, index=False)


def test_validate_long_table_collects_located_errors():
    df = pd.DataFrame(
        {
            "地区": ["130582", "", "130582", "130582", "130582"],
            "行业代码": ["3041", "3041", "3042", "3041", "3043"],
            "年份": ["2023", "2023", "20x3", "2023", "2023"],
            "数值": ["10", "5", "1", "7", "-1"],
        }
    )
    with pytest.raises(TableValidationError) as exc:
        validate_long_table(df, source="panel.csv")
    messages = [str(e) for e in exc.value.errors]
    assert messages == [
        "row 3 column region value '': must not be blank",
        "row 4 column year value '20x3': must be a whole year 1900-2100",
        "row 5 column industry value '3041': duplicate of row 2 (same region, industry and year)",
        "row 6 column value value '-1': must be >= 0",
    ]
    assert str(exc.value).startswith("panel.csv: 4 error(s)")


def test_validate_long_table_missing_columns_and_codes_keep_zeros():
    with pytest.raises(TableValidationError, match="required column is missing"):
        validate_long_table(pd.DataFrame({"region": ["a"]}))
    ok = validate_long_table(
        pd.DataFrame({"region": ["a"], "industry": ["0511"], "year": ["2023"], "value": ["1,5"]})
    )
    assert ok.industry.tolist() == ["0511"] and ok.value.tolist() == [15.0]


def test_pivot_long_table_latest_year_and_missing_year():
    long = validate_long_table(
        pd.DataFrame(
            {"region": ["a", "a", "b"], "industry": ["x", "x", "y"], "year": [2022, 2023, 2023]}
            | {"value": [1, 2, 3]}
        )
    )
    wide = pivot_long_table(long)
    assert wide.loc["a", "x"] == 2 and wide.loc["a", "y"] == 0
    with pytest.raises(ValueError, match="years present"):
        pivot_long_table(long, 2019)


def test_read_io_table_csv_and_xlsx(tmp_path):
    path = tmp_path / "io.csv"
    path.write_text(IO_CSV, encoding="utf-8")
    table = read_io_table(path)
    assert_allclose(table.z, [[150, 500], [200, 100]])
    assert_allclose(table.x, [1000, 2000])
    assert table.names.tolist() == ["农业", "工业"]
    assert table.value_added.index.tolist() == ["va_compensation"]
    xlsx = tmp_path / "io.xlsx"
    pd.read_csv(path, dtype=str, keep_default_na=False).to_excel(xlsx, index=False)
    assert_allclose(read_io_table(xlsx).z, table.z)


def test_read_io_table_located_errors(tmp_path):
    bad = IO_CSV.replace("150,500,300", "abc,-5,300").replace("2000\n", "2500\n")
    path = tmp_path / "bad.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(TableValidationError) as exc:
        read_io_table(path)
    messages = [str(e) for e in exc.value.errors]
    assert "row 2 column A value 'abc': must be a number" in messages
    assert "row 2 column B value '-5': intermediate flow must be >= 0" in messages
    header = tmp_path / "header.csv"
    header.write_text(IO_CSV.replace(",A,B,fd", ",B,A,fd"), encoding="utf-8")
    with pytest.raises(TableValidationError, match="same order"):
        read_io_table(header)


def test_cli_complexity_writes_stata_outputs(tmp_path, trade_sample, trade_wide):
    src = tmp_path / "panel.csv"
    _write_fixture_long(trade_sample, src)
    out = tmp_path / "out"
    assert main(["complexity", "--input", str(src), "--out", str(out), "--year", "1995"]) == 0
    eci = pd.read_csv(out / "eci.csv")
    pci = pd.read_csv(out / "pci.csv")
    dens = pd.read_csv(out / "density.csv")
    assert eci.columns.tolist() == ["region", "eci", "coi", "diversity"]
    assert pci.columns.tolist() == ["industry", "pci", "ubiquity"]
    assert dens.columns.tolist() == ["region", "industry", "rca", "m", "density", "cog"]
    ref = calc_complexity(trade_wide).regions
    assert_allclose(eci.sort_values("region").eci, ref.sort_values("region").eci, atol=1e-12)
    assert len(dens) == 300


def test_cli_refuses_bad_input_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("region,industry,year,value\na,x,2023,1\nb,y,2023,oops\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["complexity", "--input", str(src), "--out", str(out)]) == 2
    assert "row 3 column value value 'oops': must be a number" in capsys.readouterr().err
    assert not out.exists()


def test_cli_lq_shift_share_and_io(tmp_path):
    src = tmp_path / "panel.csv"
    src.write_text(
        "region,industry,year,value\n"
        "a,x,2022,10\na,y,2022,20\nb,x,2022,30\nb,y,2022,40\n"
        "a,x,2023,12\na,y,2023,18\nb,x,2023,33\nb,y,2023,45\n",
        encoding="utf-8",
    )
    assert main(["lq", "--input", str(src), "--out", str(tmp_path / "lq")]) == 0
    lq = pd.read_csv(tmp_path / "lq" / "lq.csv")
    assert {"region", "industry", "value", "lq"} <= set(lq.columns)
    args = ["shift-share", "--input", str(src), "--out", str(tmp_path / "ss")]
    assert main([*args, "--base", "2022", "--end", "2023"]) == 0
    regions = pd.read_csv(tmp_path / "ss" / "shift_share_regions.csv")
    parts = regions.national_share + regions.industry_mix + regions.regional_shift
    assert_allclose(parts, regions.change, atol=1e-9)
    io = tmp_path / "io.csv"
    io.write_text(IO_CSV, encoding="utf-8")
    projects = tmp_path / "projects.csv"
    projects.write_text("project,sector,amount\np1,A,100\np2,B,50\n", encoding="utf-8")
    argv = ["io", "--input", str(io), "--out", str(tmp_path / "io"), "--projects", str(projects)]
    assert main(argv) == 0
    link = pd.read_csv(tmp_path / "io" / "linkages.csv")
    assert link.sector_class.tolist() == ["key", "weak"]
    impacts = pd.read_csv(tmp_path / "io" / "impacts.csv")
    assert len(impacts) == 4


def test_read_long_table_from_file(tmp_path, trade_sample):
    src = tmp_path / "panel.csv"
    _write_fixture_long(trade_sample, src)
    long = read_long_table(src)
    assert long.shape == (300, 4)
    (tmp_path / "x.txt").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="unsupported"):
        read_long_table(tmp_path / "x.txt")

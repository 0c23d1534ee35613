"""CLI end to end on DuckDB (CSV input as in the issue), generator determinism."""

import pandas as pd
import pyarrow.parquet as pq
import pytest
from numpy.testing import assert_allclose

from chainboard_analytics.supply.cli import main
from chainboard_analytics.supply.demo_transactions import generate_transactions


def test_analyze_csv_writes_outputs(tmp_path, hand_tx, hand_firm_nodes, firms_ids):
    tx_path = tmp_path / "tx.csv"
    hand_tx.to_csv(tx_path, index=False)
    fn_path = tmp_path / "fn.csv"
    hand_firm_nodes.to_csv(fn_path, index=False)
    out = tmp_path / "out"
    rc = main(
        [
            "analyze", "--transactions", str(tx_path), "--region", "130500",
            "--backend", "duckdb", "--out", str(out), "--firm-nodes", str(fn_path),
            "--shock-supplier", firms_ids["S3"],
        ]
    )  # fmt: skip
    assert rc == 0
    dep = pd.read_csv(out / "firm_dependence.csv", dtype={"buyer_uscc": str})
    assert list(dep.columns) == [
        "buyer_uscc", "purchases", "local_share", "outside_province_share",
        "top_supplier_uscc", "top_supplier_share", "hhi", "single_source",
    ]  # fmt: skip
    a = dep.set_index("buyer_uscc").loc[firms_ids["A"]]
    assert_allclose([a.purchases, a.local_share, a.hhi], [100, 0.6, 0.46])
    assert bool(a.single_source)
    for name in ("node_dependence", "node_flows", "backup_suppliers", "shock_summary"):
        assert (out / f"{name}.parquet").exists()
    assert (out / "supply_summary.xlsx").stat().st_size > 0
    nodes = pd.read_parquet(out / "node_dependence.parquet").set_index("node_code")
    assert_allclose(nodes.loc["mid", "local_share"], 72.5 / 162.5)


def test_analyze_reports_bad_input(tmp_path, capsys):
    rc = main(["analyze", "--transactions", str(tmp_path / "none.csv"), "--region", "130500",
               "--out", str(tmp_path)])  # fmt: skip
    assert rc == 2 and "no such file" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("seller_uscc,amount\nX,1\n")
    rc = main(["analyze", "--transactions", str(bad), "--region", "130500", "--out", str(tmp_path)])
    assert rc == 2 and "buyer_uscc" in capsys.readouterr().err
    rc = main(["analyze", "--transactions", str(bad), "--region", "13", "--out", str(tmp_path)])
    assert rc == 2


def test_generator_is_deterministic_and_chunked(tmp_path):
    a = generate_transactions(tmp_path / "a.parquet", size=5000, seed=3, chunk_rows=2000)
    b = generate_transactions(tmp_path / "b.parquet", size=5000, seed=3, chunk_rows=2000)
    assert pq.ParquetFile(a).metadata.num_row_groups == 3
    ta, tb = pd.read_parquet(a), pd.read_parquet(b)
    pd.testing.assert_frame_equal(ta, tb)
    assert len(ta) == 5000 and set(ta.columns) == {
        "seller_uscc", "buyer_uscc", "date", "amount", "category",
    }  # fmt: skip
    firms = pd.read_parquet(tmp_path / "a_firms.parquet")
    assert set(ta["seller_uscc"]) <= set(firms["uscc"])
    outside = ~ta["seller_uscc"].str[2:6].eq("1305")
    assert 0 < outside.mean() < 0.6  # some, not most, purchases from outside the city
    with pytest.raises(ValueError):
        generate_transactions(tmp_path / "c.parquet", size=0)


def test_generate_command_with_firms_file(tmp_path):
    firms = pd.DataFrame({"uscc": [f"91130502{i:09d}X" for i in range(50)]})
    firms.to_csv(tmp_path / "firms.csv", index=False)
    out = tmp_path / "tx.parquet"
    assert main(["generate", "--firms", str(tmp_path / "firms.csv"), "--size", "1000",
                 "--out", str(out)]) == 0  # fmt: skip
    assert pq.ParquetFile(out).metadata.num_rows == 1000
    assert (tmp_path / "tx_firm_nodes.parquet").exists()

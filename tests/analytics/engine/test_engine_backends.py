import subprocess
import sys

import ibis
import pandas as pd
import pytest

from chainboard_analytics.engine import (
    EngineConfig,
    collect,
    connect,
    in_province,
    in_region,
    province_code,
    read_table,
    region_prefix,
    register_frame,
    uscc_region,
)


def test_analytics_never_imports_django():
    code = (
        "import sys; import chainboard_analytics, chainboard_analytics.engine, "
        "chainboard_analytics.supply, chainboard_analytics.supply.cli, "
        "chainboard_analytics.supply.demo_transactions; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.') "
        "or m == 'chainboard' or m.startswith('chainboard.')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("code", "prefix"),
    [("130500", "1305"), ("130000", "13"), ("130528", "130528"), ("110100", "1101")],
)
def test_region_prefix_strips_zero_levels(code, prefix):
    assert region_prefix(code) == prefix


@pytest.mark.parametrize("code", ["13050", "1305000", "abcdef", "000000"])
def test_region_prefix_rejects_bad_codes(code):
    with pytest.raises(ValueError):
        region_prefix(code)


def test_province_code():
    assert province_code("130528") == "13"


def test_uscc_region_and_membership(duck_con):
    frame = pd.DataFrame({"u": ["91130528MA0000000X", "91320506000000005X", "short", None]})
    t = register_frame(duck_con, frame)
    r = uscc_region(t.u)
    out = collect(
        duck_con,
        t.select(
            r=r,
            city=in_region(r, "130500"),
            prov=in_province(r, "130500"),
            ctry=in_region(r, "130528"),
        ),
    )
    assert out["r"].tolist()[:2] == ["130528", "320506"]
    assert pd.isna(out["r"][2]) and pd.isna(out["r"][3])
    assert out["city"].tolist() == [True, False, False, False]
    assert out["prov"].tolist() == [True, False, False, False]
    assert out["ctry"].tolist() == [True, False, False, False]


def test_read_table_keeps_digit_usccs_as_text(tmp_path, duck_con):
    path = tmp_path / "tx.csv"
    path.write_text(
        "seller_uscc,buyer_uscc,date,amount\n911305280000000012,911305000000000023,2025-01-01,1.5\n"
    )
    t = read_table(duck_con, path, string_columns=("seller_uscc", "buyer_uscc"))
    assert t.seller_uscc.type().is_string()
    pq_path = tmp_path / "tx.parquet"
    collect(duck_con, t).to_parquet(pq_path)
    t2 = read_table(duck_con, pq_path)
    assert collect(duck_con, t2)["seller_uscc"].tolist() == ["911305280000000012"]


def test_read_table_missing_file(duck_con, tmp_path):
    with pytest.raises(FileNotFoundError):
        read_table(duck_con, tmp_path / "nope.csv")


def test_connect_config_and_errors(monkeypatch):
    cfg = EngineConfig.from_env({"CHAINBOARD_ENGINE_BACKEND": "duckdb"})
    con = connect(cfg)
    assert con.name == "duckdb"
    assert con.execute(ibis.literal(1) + 1) == 2
    with pytest.raises(ValueError):
        connect("oracle")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        connect("postgres")
    with pytest.raises(ValueError):
        EngineConfig.from_env({"CHAINBOARD_ENGINE_BACKEND": "nope"})

"""DuckDB and Spark give the same results (one shared Spark session, see conftest.py)."""

import numpy as np
import pandas as pd
import pytest

from chainboard_analytics.engine import collect, register_frame
from chainboard_analytics.supply import (
    calc_firm_dependence,
    calc_firm_network,
    calc_node_dependence,
    calc_node_flows,
    calc_region_supply,
    calc_risky_dependences,
    find_backup_suppliers,
    simulate_shock,
)

pytestmark = pytest.mark.spark
HOME = "130500"


def _random_network(seed: int = 7, n_lines: int = 3000):
    rng = np.random.default_rng(seed)
    regions = ["130502", "130503", "130521", "130102", "320506", "440300"]
    firms = [f"91{regions[i % len(regions)]}{i:09d}X" for i in range(60)]
    s = rng.integers(0, 60, n_lines)
    b = rng.integers(0, 60, n_lines)
    amount = np.round(rng.pareto(1.5, n_lines) * 10 + 1, 2)
    amount[rng.random(n_lines) < 0.02] *= -1
    tx = pd.DataFrame(
        {
            "seller_uscc": [firms[i] for i in s],
            "buyer_uscc": [firms[i] for i in b],
            "date": pd.to_datetime("2025-01-01")
            + pd.to_timedelta(rng.integers(0, 365, n_lines), unit="D"),
            "amount": amount,
            "category": [f"cat{i % 7}" for i in s],
        }
    )
    tx["date"] = tx["date"].dt.strftime("%Y-%m-%d")
    fn = pd.DataFrame(
        {
            "uscc": firms[:45] + firms[:10],
            "chain_code": ["C1"] * 30 + ["C2"] * 15 + ["C2"] * 10,
            "node_code": [f"n{i % 4}" for i in range(45)] + [f"n{i % 3}" for i in range(10)],
        }
    )
    fn["capacity_wan_yuan"] = np.where(
        np.arange(len(fn)) % 3 == 0, 100.0 + np.arange(len(fn)), np.nan
    )
    return tx, fn


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b)
    keys = [
        c for c in a.columns if a[c].dtype == object or not np.issubdtype(a[c].dtype, np.floating)
    ]
    a = a.sort_values(keys, na_position="last").reset_index(drop=True)
    b = b.sort_values(keys, na_position="last").reset_index(drop=True)
    for col in a.columns:
        x, y = a[col], b[col]
        if np.issubdtype(x.dtype, np.floating) or np.issubdtype(y.dtype, np.floating):
            np.testing.assert_allclose(
                x.astype(float), y.astype(float), rtol=1e-9, atol=1e-9, err_msg=col
            )
        else:
            xs = [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in x]
            ys = [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in y]
            assert xs == ys, col


@pytest.fixture(scope="module")
def both(duck_con, spark_con, hand_tx, hand_firm_nodes):
    tx, fn = _random_network()
    out = {}
    for name, con in (("duckdb", duck_con), ("spark", spark_con)):
        out[name] = {
            "rand": (register_frame(con, tx), register_frame(con, fn)),
            "hand": (register_frame(con, hand_tx), register_frame(con, hand_firm_nodes)),
            "con": con,
        }
    return out


def _run(both, build, data="rand"):
    res = {}
    for name in ("duckdb", "spark"):
        con = both[name]["con"]
        tx, fn = both[name][data]
        res[name] = collect(con, build(tx, fn))
    _assert_same(res["duckdb"], res["spark"])
    return res["duckdb"]


@pytest.mark.parametrize("data", ["hand", "rand"])
def test_firm_dependence_parity(both, data):
    out = _run(both, lambda tx, fn: calc_firm_dependence(tx, home_region=HOME), data)
    assert len(out) > 0


def test_network_and_region_parity(both):
    _run(both, lambda tx, fn: calc_firm_network(tx))
    _run(both, lambda tx, fn: calc_region_supply(tx, home_region=HOME))


@pytest.mark.parametrize("level", ["node", "chain"])
def test_node_dependence_parity(both, level):
    _run(both, lambda tx, fn: calc_node_dependence(tx, fn, home_region=HOME, level=level))


def test_node_flows_parity(both):
    out = _run(both, lambda tx, fn: calc_node_flows(tx, fn, home_region=HOME))
    assert out["chain_code"].nunique() == 2


def test_backups_parity(both):
    def build(tx, fn):
        dep = calc_risky_dependences(tx, home_region=HOME, single_source_threshold=0.1)
        return find_backup_suppliers(dep, fn, transactions=tx, home_region=HOME, top_k=3)

    out = _run(both, build)
    assert len(out) > 0


def test_shock_parity(both):
    res = {}
    for name in ("duckdb", "spark"):
        tx, fn = both[name]["rand"]
        r = simulate_shock(
            tx, remove_region="320000", firm_nodes=fn, home_region=HOME, con=both[name]["con"]
        )
        res[name] = r
    _assert_same(res["duckdb"].firms, res["spark"].firms)
    _assert_same(res["duckdb"].nodes, res["spark"].nodes)
    _assert_same(res["duckdb"].summary, res["spark"].summary)

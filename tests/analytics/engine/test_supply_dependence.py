"""Hand-worked dependence metrics on the network of conftest.py (home region 130500)."""

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from chainboard_analytics.engine import collect, register_frame
from chainboard_analytics.supply import (
    calc_firm_dependence,
    calc_firm_network,
    calc_local_supply_ratio,
    calc_node_concentration,
    calc_node_dependence,
    calc_region_supply,
)
from chainboard_analytics.supply.schemas import SchemaError

HOME = "130500"


@pytest.fixture
def tables(duck_con, hand_tx, hand_firm_nodes):
    return register_frame(duck_con, hand_tx), register_frame(duck_con, hand_firm_nodes)


def test_firm_network_nets_red_invoices_and_drops_self_trade(duck_con, tables, firms_ids):
    tx, _ = tables
    net = collect(duck_con, calc_firm_network(tx)).set_index(["seller_uscc", "buyer_uscc"])
    ids = firms_ids
    assert len(net) == 7
    assert net.loc[(ids["S1"], ids["A"]), "amount"] == 60.0
    assert net.loc[(ids["S1"], ids["A"]), "n_lines"] == 2
    assert (ids["S2"], ids["S1"]) not in net.index  # +5 - 5
    assert (ids["A"], ids["A"]) not in net.index
    assert net.loc[(ids["S3"], ids["A"]), "seller_region"] == "320506"


def test_firm_network_is_idempotent(duck_con, tables):
    tx, _ = tables
    once = calc_firm_network(tx)
    twice = calc_firm_network(once)
    a = collect(duck_con, once.order_by(["seller_uscc", "buyer_uscc"]))
    b = collect(duck_con, twice.order_by(["seller_uscc", "buyer_uscc"]))
    pd.testing.assert_frame_equal(a, b)


def test_firm_dependence_by_hand(duck_con, tables, firms_ids):
    tx, _ = tables
    out = collect(duck_con, calc_firm_dependence(tx, home_region=HOME)).set_index("buyer_uscc")
    ids = firms_ids
    assert list(out.index) == sorted([ids["A"], ids["B"], ids["S1"]])
    a = out.loc[ids["A"]]  # S1 60 (local), S2 30 (province), S3 10 (outside)
    assert_allclose(
        [a.purchases, a.local_share, a.outside_province_share, a.top_supplier_share, a.hhi],
        [100, 0.6, 0.1, 0.6, 0.6**2 + 0.3**2 + 0.1**2],
    )
    assert a.top_supplier_uscc == ids["S1"] and a.single_source and a.n_suppliers == 3
    b = out.loc[ids["B"]]  # S2 50, S3 50, A 25 (local); tie S2/S3 -> smallest USCC (S2)
    assert_allclose(
        [b.purchases, b.local_share, b.outside_province_share, b.top_supplier_share, b.hhi],
        [125, 25 / 125, 50 / 125, 50 / 125, (0.4**2) * 2 + 0.2**2],
    )
    assert b.top_supplier_uscc == ids["S2"] and not b.single_source
    s1 = out.loc[ids["S1"]]  # only S3 10
    assert_allclose(
        [s1.purchases, s1.local_share, s1.outside_province_share, s1.hhi], [10, 0, 1, 1]
    )
    assert s1.single_source and bool(s1.buyer_is_local)


def test_single_source_threshold_is_strict_and_configurable(duck_con, tables, firms_ids):
    tx, _ = tables
    out = collect(
        duck_con, calc_firm_dependence(tx, home_region=HOME, single_source_threshold=0.6)
    ).set_index("buyer_uscc")
    assert not out.loc[firms_ids["A"], "single_source"]  # 0.6 is not above 0.6
    with pytest.raises(ValueError):
        calc_firm_dependence(tx, home_region=HOME, single_source_threshold=0)


def test_home_region_levels_change_local(duck_con, tables, firms_ids):
    tx, _ = tables
    prov = collect(duck_con, calc_firm_dependence(tx, home_region="130000")).set_index("buyer_uscc")
    assert_allclose(prov.loc[firms_ids["A"], "local_share"], 0.9)  # S1 + S2 in Hebei
    county = collect(duck_con, calc_firm_dependence(tx, home_region="130502")).set_index(
        "buyer_uscc"
    )
    assert_allclose(county.loc[firms_ids["B"], "local_share"], 0.2)  # A is in 130502


def test_registry_region_overrides_uscc(duck_con, tables, firms_ids):
    tx, _ = tables
    firms = register_frame(
        duck_con, pd.DataFrame({"uscc": [firms_ids["S3"]], "region_code": ["130521"]})
    )
    out = collect(duck_con, calc_firm_dependence(tx, home_region=HOME, firms=firms))
    a = out.set_index("buyer_uscc").loc[firms_ids["A"]]
    assert_allclose([a.local_share, a.outside_province_share], [0.7, 0.0])


def test_amount_alias_and_missing_columns(duck_con, hand_tx):
    tx = register_frame(duck_con, hand_tx.rename(columns={"amount": "amount_wan_yuan"}))
    out = collect(duck_con, calc_firm_dependence(tx, home_region=HOME))
    assert_allclose(out["purchases"].sum(), 235)
    bad = register_frame(duck_con, hand_tx.drop(columns=["buyer_uscc"]))
    with pytest.raises(SchemaError, match="buyer_uscc"):
        calc_firm_dependence(bad, home_region=HOME)


def test_node_dependence_by_hand(duck_con, tables, firms_ids):
    tx, fn = tables
    out = collect(duck_con, calc_node_dependence(tx, fn, home_region=HOME)).set_index("node_code")
    # mid = A (w 1) + B (w 1/2): S1 60, S2 30 + 25, S3 10 + 25, A 12.5
    mid = out.loc["mid"]
    p = 60 + 55 + 35 + 12.5
    assert_allclose(
        [mid.purchases, mid.local_share, mid.outside_province_share, mid.top_supplier_share],
        [p, (60 + 12.5) / p, 35 / p, 60 / p],
    )
    assert_allclose(mid.hhi, (60**2 + 55**2 + 35**2 + 12.5**2) / p**2)
    assert mid.top_supplier_uscc == firms_ids["S1"]
    assert not mid.single_source
    assert mid.n_buyers == 2 and mid.n_single_source_buyers == 1  # A
    assert_allclose(mid.single_source_share, 60 / p)
    down = out.loc["down"]  # B (w 1/2): S2 25, S3 25, A 12.5
    assert_allclose([down.purchases, down.local_share], [62.5, 12.5 / 62.5])
    up = out.loc["up"]  # S1 bought from S3 only
    assert_allclose([up.purchases, up.hhi, up.outside_province_share], [10, 1, 1])
    assert up.single_source


def test_chain_level_counts_each_firm_once(duck_con, tables):
    tx, fn = tables
    out = collect(duck_con, calc_node_dependence(tx, fn, home_region=HOME, level="chain"))
    row = out.iloc[0]
    assert_allclose([row.purchases, row.local_share], [235, 85 / 235])
    assert_allclose(row.top_supplier_share, 80 / 235)  # S2: 30 + 50


def test_local_supply_ratio_per_node_and_chain(duck_con, tables):
    tx, fn = tables
    node = collect(duck_con, calc_local_supply_ratio(tx, fn, home_region=HOME))
    assert node["node_code"].tolist() == ["down", "mid", "up"]
    assert_allclose(node["local_supply_ratio"], [0.2, 72.5 / 162.5, 0.0])
    chain = collect(duck_con, calc_local_supply_ratio(tx, fn, home_region=HOME, level="chain"))
    assert_allclose(chain["local_supply_ratio"], [85 / 235])
    with pytest.raises(ValueError):
        calc_local_supply_ratio(tx, fn, home_region=HOME, level="region")


def test_outside_buyers_excluded_from_nodes_by_default(duck_con, hand_tx, hand_firm_nodes):
    extra = hand_tx.copy()
    outsider = "91320506000000009X"
    extra.loc[len(extra)] = ["91130521000000003X", outsider, "2025-01-01", 99.0, "c1"]
    fn = hand_firm_nodes.copy()
    fn.loc[len(fn)] = [outsider, "C1", "down"]
    tx, f = register_frame(duck_con, extra), register_frame(duck_con, fn)
    local = collect(duck_con, calc_local_supply_ratio(tx, f, home_region=HOME)).set_index(
        "node_code"
    )
    assert_allclose(local.loc["down", "purchases"], 62.5)
    allb = collect(
        duck_con, calc_local_supply_ratio(tx, f, home_region=HOME, local_buyers_only=False)
    ).set_index("node_code")
    assert_allclose(allb.loc["down", "purchases"], 62.5 + 99)


def test_node_concentration(duck_con, tables):
    tx, fn = tables
    out = collect(duck_con, calc_node_concentration(tx, fn, home_region=HOME)).set_index(
        "node_code"
    )
    assert_allclose(out.loc["down", "hhi"], 0.4**2 + 0.4**2 + 0.2**2)
    assert_allclose(out.loc["down", "equivalent_suppliers"], 1 / 0.36)
    assert out.loc["up", "concentration"] == "high"


def test_region_supply(duck_con, tables):
    tx, _ = tables
    out = collect(duck_con, calc_region_supply(tx, home_region=HOME, buyer_level=4))
    assert out["buyer_region"].tolist() == ["130500"]
    assert_allclose(out["purchases"], [235])
    assert_allclose(out["same_region_share"], [85 / 235])
    assert_allclose(out["outside_province_share"], [70 / 235])

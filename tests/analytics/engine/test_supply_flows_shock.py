"""Node flows, shock cascade and backup suppliers on the hand-worked network."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from chainboard_analytics.engine import collect, register_frame
from chainboard_analytics.supply import (
    calc_node_flows,
    calc_risky_dependences,
    find_backup_suppliers,
    propagate_losses,
    simulate_shock,
)

HOME = "130500"


@pytest.fixture
def tables(duck_con, hand_tx, hand_firm_nodes):
    return register_frame(duck_con, hand_tx), register_frame(duck_con, hand_firm_nodes)


def test_node_flows_by_hand(duck_con, tables):
    tx, fn = tables
    out = collect(duck_con, calc_node_flows(tx, fn, home_region=HOME))
    got = {
        (r.seller_node_code, r.buyer_node_code): (r.amount, r.local_amount)
        for r in out.itertuples()
    }
    assert got == {
        ("mid", "down"): (12.5, 12.5),  # A -> B, B half in down
        ("mid", "mid"): (12.5, 12.5),
        ("up", "down"): (25.0, 0.0),  # S2 -> B 50 * 1/2
        ("up", "mid"): (115.0, 60.0),  # S1 -> A 60, S2 -> A 30, S2 -> B 25
        (None, "down"): (25.0, 0.0),  # S3 (not in the chain) -> B
        (None, "mid"): (35.0, 0.0),
        (None, "up"): (10.0, 0.0),
    }
    # conservation: inflows to the chain's nodes = purchases of its firms (235)
    assert_allclose(out["amount"].sum(), 235)


def test_node_flows_seller_only_rows(duck_con, hand_tx, hand_firm_nodes):
    tx = hand_tx.copy()
    tx.loc[len(tx)] = ["91130502000000001X", "91440300000000007X", "2025-05-01", 7.0, None]
    out = collect(
        duck_con,
        calc_node_flows(register_frame(duck_con, tx), register_frame(duck_con, hand_firm_nodes)),
    )
    row = out[out["buyer_node_code"].isna()]
    assert row["seller_node_code"].tolist() == ["mid"] and row["amount"].tolist() == [7.0]
    assert "local_amount" not in out.columns


def test_shock_remove_one_supplier_by_hand(duck_con, tables, firms_ids):
    tx, fn = tables
    ids = firms_ids
    r = simulate_shock(
        tx, remove_sellers=[ids["S3"]], firm_nodes=fn, home_region=HOME, con=duck_con
    )
    f = r.firms.set_index("uscc")
    # first order: S1 loses 10/10, A 10/100, B 50/125
    assert_allclose(f.loc[[ids["S1"], ids["A"], ids["B"]], "loss_share_first_order"], [1, 0.1, 0.4])
    # propagated: A = (60*1 + 10)/100 = 0.7; B = (50 + 25*0.7)/125 = 0.54
    assert_allclose(f.loc[[ids["S1"], ids["A"], ids["B"]], "loss_share_propagated"], [1, 0.7, 0.54])
    assert_allclose(f.loc[ids["B"], "purchases_at_risk_propagated"], 67.5)
    assert f.loc[ids["S3"], "removed"] and r.converged
    # revenue: no registry -> max(observed sales, purchases); A sells 25, buys 100
    assert_allclose(f.loc[ids["A"], "revenue"], 100)
    assert_allclose(f.loc[ids["A"], "revenue_at_risk_propagated"], 70)
    s = r.summary.set_index("scope").loc["local"]
    assert_allclose(
        [s.purchases_at_risk_first_order, s.purchases_at_risk_propagated], [70, 10 + 70 + 67.5]
    )
    nodes = r.nodes.set_index("node_code")
    assert_allclose(nodes.loc["mid", "purchases_at_risk_propagated"], 70 + 0.5 * 67.5)


def test_shock_remove_region_and_registry_revenue(duck_con, tables, firms_ids):
    tx, _ = tables
    ids = firms_ids
    firms = register_frame(
        duck_con, pd.DataFrame({"uscc": [ids["A"]], "revenue_wan_yuan": [500.0]})
    )
    r = simulate_shock(tx, remove_region="320000", firms=firms, con=duck_con)
    f = r.firms.set_index("uscc")
    assert f.loc[ids["S3"], "removed"] and not f.loc[ids["S2"], "removed"]
    assert f.loc[ids["A"], "revenue_source"] == "registry"
    assert_allclose(f.loc[ids["A"], "revenue_at_risk_propagated"], 500 * 0.7)
    with pytest.raises(ValueError):
        simulate_shock(tx, con=duck_con)


def test_propagate_losses_cycle_and_first_order_only():
    # 0 removed; 1 buys 10 from 0 and 10 from 2; 2 buys 10 from 1 (cycle 1 <-> 2)
    a = np.zeros((3, 3))
    a[0, 1], a[2, 1], a[1, 2] = 10, 10, 10
    first, s, rounds, conv = propagate_losses(a, np.array([True, False, False]))
    assert_allclose(first, [1, 0.5, 0])
    # fixed point: s1 = min(1, .5 + .5 s2), s2 = s1 -> s1 = s2 = 1
    assert_allclose(s, [1, 1, 1], atol=1e-6)
    assert conv and rounds == 0  # exact solve
    _, s_it, rounds, conv = propagate_losses(
        a, np.array([True, False, False]), method="iterate", max_rounds=500
    )
    assert_allclose(s_it, [1, 1, 1], atol=1e-6)
    f1, s1, rounds1, _ = propagate_losses(
        a, np.array([True, False, False]), method="iterate", max_rounds=1
    )
    assert_allclose(s1, f1) and rounds1 == 1


def test_risky_dependences_and_backups(duck_con, tables, firms_ids):
    tx, fn = tables
    ids = firms_ids
    dep = calc_risky_dependences(tx, home_region=HOME)
    d = collect(duck_con, dep)
    assert list(zip(d.buyer_uscc, d.supplier_uscc, d.risk, strict=True)) == [
        (ids["A"], ids["S1"], "single_source"),
        (ids["B"], ids["S3"], "outside_province"),
        (ids["S1"], ids["S3"], "single_source,outside_province"),
    ]
    # add a local firm L in node up with capacity, and a category c3 seller elsewhere
    local_l, far = "91130522000000008X", "91440300000000007X"
    fn2 = pd.concat(
        [
            collect(duck_con, fn),
            pd.DataFrame({"uscc": [local_l], "chain_code": ["C1"], "node_code": ["up"]}),
        ]
    )
    fn2["capacity_wan_yuan"] = np.where(fn2["uscc"] == local_l, 1000.0, np.nan)
    tx2 = pd.concat(
        [
            collect(duck_con, tx),
            pd.DataFrame(
                {
                    "seller_uscc": [far],
                    "buyer_uscc": [ids["B"]],
                    "date": ["2025-06-01"],
                    "amount": [3.0],
                    "category": ["c3"],
                }
            ),
        ]
    )
    t2, f2 = register_frame(duck_con, tx2), register_frame(duck_con, fn2)
    dep2 = calc_risky_dependences(t2, home_region=HOME)
    out = collect(duck_con, find_backup_suppliers(dep2, f2, transactions=t2, home_region=HOME))
    a = out[out.buyer_uscc == ids["A"]]
    # backups for S1 (node up): L (local, capacity 1000) first, then S2 (province)
    assert a["backup_uscc"].tolist() == [local_l, ids["S2"]]
    assert a["tier"].tolist() == [1, 2] and a["rank"].tolist() == [1, 2]
    assert a["capacity_source"].tolist() == ["capacity", "observed_sales"]
    assert bool(a["already_supplies_buyer"].iloc[1]) and "已在向该企业供货" in a["reason"].iloc[1]
    # S3 is not in the registry: backups by category c3 -> far (sold c3 to B)
    s1 = out[out.buyer_uscc == ids["S1"]]
    assert s1["backup_uscc"].tolist() == [far]
    assert s1["match"].tolist() == ["same_category"] and s1["tier"].tolist() == [3]

"""The hand-worked network of conftest.py stored through the service: every number checked.

Home region 邢台市 130500 (province 13). Net pairs (万元): C→A 60 (3 lines), E→A 40, D→B 90,
C→B 10, E→C 50, F→G 30; A→A is a self-trade and dropped. Local buyers: A, B, C.

Firms      purchases  local  outside-prov  top (share)  HHI                 single source
  A        100        0.6    0.4           C 0.6        0.6²+0.4² = 0.52     yes (0.6 > 0.5)
  B        100        1.0    0            D 0.9        0.9²+0.1² = 0.82     yes
  C         50        0      1.0           E 1.0        1                    yes

Node 电缆 (A, B; weight 1 each): P = 200; C 70, D 90, E 40 → local 160/200 = 0.8, outside 0.2,
top D 0.45, HHI 0.35²+0.45²+0.2² = 0.365 (> 0.25: high band), 1/HHI = 2.7397, single-source
buyers 2 with pairs 60 + 90 = 150 → share 0.75. Verdict: not high (0.45 ≤ 0.5, outside 0.2 <
0.5); watch because HHI 0.365 > 0.25 and single-source share 0.75 ≥ 0.5.
Node 铜杆 (C; D buys nothing): P = 50 all from E → local 0, outside 1, top 1, HHI 1; verdict high
(top 1 > 0.5, outside 1 ≥ 0.5) with the watch reasons HHI and single-source share 1.0 after.
Chain (A, B, C once): P = 250; C 70, D 90, E 90 → local 0.64, outside 0.36, top tie D/E at 0.36
→ the smaller USCC, D (9113…); HHI 0.28²+0.36²+0.36² = 0.3376; 3 single-source buyers with
60 + 90 + 50 = 200 → 0.8.
Risky dependences: A←C 0.6 single source; A←E 0.4 outside province; B←D 0.9 single source;
C←E 1.0 both.
Backups: A←C: D (same node 铜杆, tier 1, capacity = revenue 300, sold 90 to 1 buyer);
B←D: C (tier 1, revenue 800, sold 70 to 2 buyers, already supplies B); A←E and C←E: E is not
linked, so sellers of 电解铜 — F (tier 2 province, capacity = observed sales 30).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from chainboard.supply.models import (
    RunStatus,
    SupplyBackup,
    SupplyChainResult,
    SupplyFirm,
    SupplyFirmDependence,
    SupplyFirmNode,
    SupplyNodeResult,
    SupplyPair,
    SupplyRiskyDependence,
    SupplyRun,
)
from chainboard.supply.services import run_supply_analysis, supply_run_publish

pytestmark = pytest.mark.django_db
approx = pytest.approx


def test_hand_worked_network_is_stored_with_every_number(real_compute, net, stored):  # type: ignore[no-untyped-def]
    u = net.uscc
    run = stored
    assert run.status == RunStatus.CURRENT and run.published_at is not None
    assert run.region_id == "130500" and run.created_by is None and run.source == "tx.csv"
    assert len(run.inputs_hash) == 64
    assert run.parameters["single_source_threshold"] == 0.5
    assert run.parameters["outside_province_threshold"] == 0.2
    assert (run.n_lines, run.n_pairs, run.n_firms, run.n_buyers) == (9, 6, 7, 3)
    assert (run.n_chains, run.n_nodes, run.n_risky_nodes) == (1, 2, 2)
    assert (run.n_single_source_buyers, run.n_risky_dependences, run.n_backups) == (3, 4, 4)
    assert run.purchases_wan_yuan == Decimal("250.0000")

    firms = {f.uscc: f for f in SupplyFirm.objects.filter(run=run)}
    assert set(firms) == set(u.values())
    for key in "ABCD":
        f = firms[u[key]]
        assert f.enterprise == net.firms[key] and f.is_local and f.name == net.firms[key].name
    assert firms[u["A"]].revenue_wan_yuan == Decimal("1000.0000")
    assert firms[u["B"]].region_id == "130582"
    for key, region in (("E", "320500"), ("F", "130400"), ("G", "320500")):
        f = firms[u[key]]
        assert f.enterprise is None and not f.is_local and f.region_code == region
        assert f.revenue_wan_yuan is None and f.name == ""

    weights = {(x.firm.uscc, x.node.name): x.weight for x in SupplyFirmNode.objects.filter(run=run)}
    assert weights == {
        (u["A"], "电缆"): 1.0,
        (u["B"], "电缆"): 1.0,
        (u["C"], "铜杆"): 1.0,
        (u["D"], "铜杆"): 1.0,
    }

    pairs = {
        (p.seller.uscc, p.buyer.uscc): (p.amount_wan_yuan, p.n_lines)
        for p in SupplyPair.objects.filter(run=run).select_related("seller", "buyer")
    }
    assert pairs == {
        (u["C"], u["A"]): (Decimal("60.0000"), 3),
        (u["E"], u["A"]): (Decimal("40.0000"), 1),
        (u["D"], u["B"]): (Decimal("90.0000"), 1),
        (u["C"], u["B"]): (Decimal("10.0000"), 1),
        (u["E"], u["C"]): (Decimal("50.0000"), 1),
        (u["F"], u["G"]): (Decimal("30.0000"), 1),
    }

    deps = {
        d.firm.uscc: d
        for d in SupplyFirmDependence.objects.filter(run=run).select_related("firm", "top_supplier")
    }
    assert set(deps) == {u["A"], u["B"], u["C"]}  # G buys too but is not local
    expected = {
        "A": (100, 0.6, 0.4, "C", 0.6, 0.52, True, 2),
        "B": (100, 1.0, 0.0, "D", 0.9, 0.82, True, 2),
        "C": (50, 0.0, 1.0, "E", 1.0, 1.0, True, 1),
    }
    for key, (p, local, outside, top, top_share, hhi, single, n) in expected.items():
        d = deps[u[key]]
        assert d.purchases_wan_yuan == Decimal(p)
        assert d.local_share == approx(local) and d.outside_province_share == approx(outside)
        assert d.top_supplier.uscc == u[top] and d.top_supplier_share == approx(top_share)
        assert d.hhi == approx(hhi) and d.single_source is single and d.n_suppliers == n

    nodes = {
        n.node.name: n
        for n in SupplyNodeResult.objects.filter(run=run).select_related("node", "top_supplier")
    }
    cable, copper = nodes["电缆"], nodes["铜杆"]
    assert cable.purchases_wan_yuan == Decimal("200.0000")
    assert cable.local_purchases_wan_yuan == Decimal("160.0000")
    assert cable.local_share == approx(0.8) and cable.outside_province_share == approx(0.2)
    assert cable.top_supplier.uscc == u["D"] and cable.top_supplier_share == approx(0.45)
    assert cable.hhi == approx(0.365) and cable.equivalent_suppliers == approx(1 / 0.365)
    assert cable.concentration == "high" and cable.single_source is False
    assert (cable.n_suppliers, cable.n_buyers, cable.n_single_source_buyers) == (3, 2, 2)
    assert cable.single_source_purchases_wan_yuan == Decimal("150.0000")
    assert cable.single_source_share == approx(0.75)
    assert cable.verdict == "watch"
    assert [r["code"] for r in cable.reasons] == ["hhi", "single_source_share"]
    assert cable.reason == (
        "供应集中度 HHI 0.365 > 0.250（高度集中）；单一来源企业的采购占环节 75.0% ≥ 50.0%"
    )
    assert copper.purchases_wan_yuan == Decimal("50.0000") and copper.local_share == 0.0
    assert copper.outside_province_share == approx(1.0) and copper.hhi == approx(1.0)
    assert copper.top_supplier.uscc == u["E"] and copper.single_source is True
    assert (copper.n_suppliers, copper.n_buyers, copper.n_single_source_buyers) == (1, 1, 1)
    assert copper.single_source_share == approx(1.0) and copper.equivalent_suppliers == approx(1.0)
    assert copper.verdict == "high"
    assert [r["code"] for r in copper.reasons] == [
        "top_supplier",
        "outside_province_high",
        "hhi",
        "single_source_share",
    ]
    assert copper.reason.startswith(
        "第一大供应商占环节采购 100.0% > 50.0%；省外采购占 100.0% ≥ 50.0%"
    )

    chain = SupplyChainResult.objects.select_related("top_supplier").get(run=run)
    assert chain.chain == net.chain
    assert chain.purchases_wan_yuan == Decimal("250.0000")
    assert chain.local_purchases_wan_yuan == Decimal("160.0000")
    assert chain.local_share == approx(0.64) and chain.outside_province_share == approx(0.36)
    assert chain.top_supplier.uscc == u["D"] and chain.top_supplier_share == approx(0.36)
    assert chain.hhi == approx(0.3376)
    assert (chain.n_suppliers, chain.n_buyers, chain.n_single_source_buyers) == (3, 3, 3)
    assert chain.single_source_purchases_wan_yuan == Decimal("200.0000")
    assert chain.single_source_share == approx(0.8)

    risky = {
        (r.buyer.uscc, r.supplier.uscc): r
        for r in SupplyRiskyDependence.objects.filter(run=run).select_related("buyer", "supplier")
    }
    flags = {
        k: (r.amount_wan_yuan, r.share, r.single_source, r.outside_province)
        for k, r in risky.items()
    }
    assert flags == {
        (u["A"], u["C"]): (Decimal("60.0000"), approx(0.6), True, False),
        (u["A"], u["E"]): (Decimal("40.0000"), approx(0.4), False, True),
        (u["B"], u["D"]): (Decimal("90.0000"), approx(0.9), True, False),
        (u["C"], u["E"]): (Decimal("50.0000"), approx(1.0), True, True),
    }

    backups = {
        (b.dependence.buyer.uscc, b.dependence.supplier.uscc): b
        for b in SupplyBackup.objects.filter(run=run).select_related(
            "dependence__buyer", "dependence__supplier", "backup", "match_node"
        )
    }
    assert set(backups) == set(risky)
    b = backups[(u["A"], u["C"])]
    assert (b.rank, b.backup.uscc, b.match, b.match_node, b.tier) == (
        1,
        u["D"],
        "same_node",
        net.copper,
        1,
    )
    assert b.capacity_wan_yuan == Decimal("300.0000") and b.capacity_source == "revenue"
    assert b.observed_sales_wan_yuan == Decimal("90.0000") and b.n_buyers_served == 1
    assert b.already_supplies_buyer is False
    assert b.reason == "同环节 cabletest/铜杆; 本地(区域内); 按营业收入排序"
    b = backups[(u["B"], u["D"])]
    assert (b.backup.uscc, b.tier, b.capacity_wan_yuan, b.capacity_source) == (
        u["C"],
        1,
        Decimal("800.0000"),
        "revenue",
    )
    assert b.observed_sales_wan_yuan == Decimal("70.0000") and b.n_buyers_served == 2
    assert b.already_supplies_buyer is True and b.reason.endswith("已在向该企业供货")
    for buyer in ("A", "C"):
        b = backups[(u[buyer], u["E"])]
        assert (b.backup.uscc, b.match, b.match_detail, b.match_node, b.tier) == (
            u["F"],
            "same_category",
            "电解铜",
            None,
            2,
        )
        assert b.capacity_wan_yuan == Decimal("30.0000") and b.capacity_source == "observed_sales"
        assert b.reason == "同品类 电解铜; 省内; 按已观测销售额排序"


def test_same_inputs_give_back_the_run_and_history_is_kept(net, stored, city_analyst):  # type: ignore[no-untyped-def]
    again, created = run_supply_analysis(actor=None, region="130500", transactions_path=net.path)
    assert not created and again == stored
    assert SupplyRun.objects.count() == 1
    assert stored.history.count() >= 2  # created, published
    # a changed parameter is a new run; publishing it supersedes the old one, both stay
    new, created = run_supply_analysis(
        actor=city_analyst,
        region="130500",
        transactions_path=net.path,
        single_source_threshold=0.95,
        publish=False,
    )
    assert created and new.status == RunStatus.DRAFT and new.created_by == city_analyst
    assert new.n_single_source_buyers == 1  # only C (1.0 > 0.95)
    stored.refresh_from_db()
    assert stored.status == RunStatus.CURRENT
    supply_run_publish(actor=city_analyst, run=new)
    stored.refresh_from_db()
    assert stored.status == RunStatus.SUPERSEDED and stored.superseded_by == new
    assert SupplyRun.objects.filter(status=RunStatus.CURRENT).get() == new
    assert new.history.first().history_user == city_analyst
    assert SupplyNodeResult.objects.filter(run=stored).count() == 2  # old results untouched


def test_parquet_input_gives_the_same_results(net, stored, tmp_path):  # type: ignore[no-untyped-def]
    import pandas as pd

    frame = pd.read_csv(net.path, dtype={"seller_uscc": str, "buyer_uscc": str})
    path = tmp_path / "tx.parquet"
    frame.to_parquet(path)
    run, created = run_supply_analysis(
        actor=None, region="130500", transactions_path=path, publish=False
    )
    assert created and run.inputs_hash != stored.inputs_hash
    a = SupplyNodeResult.objects.filter(run=stored).order_by("node_id")
    b = SupplyNodeResult.objects.filter(run=run).order_by("node_id")
    assert [(x.local_share, x.hhi, x.verdict) for x in a] == [
        (x.local_share, x.hhi, x.verdict) for x in b
    ]

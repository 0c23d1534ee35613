"""Supply dependence: local supply ratio (本地配套率), outside-province and top-supplier shares,
single-source purchases and concentration (HHI), per firm, per chain node, per chain, per region.

Notation (all amounts in 万元 over the analysed period). For a buyer b and seller s,
``a(s, b)`` is the net amount b bought from s (:func:`calc_firm_network`). For a group G of
buyers (one firm, the firms linked to a chain node, ...), with firm weights ``w_b`` (1 for a
firm; the firm→node weight for nodes):

* purchases        P_G   = Σ_b∈G Σ_s w_b a(s, b)
* supplier share   q_s   = Σ_b∈G w_b a(s, b) / P_G
* local share      L_G   = Σ_{s local} q_s        (本地配套率 when G is a node or chain)
* outside province O_G   = Σ_{s outside the home province} q_s
* top supplier     max_s q_s (ties: smallest USCC)
* HHI              H_G   = Σ_s q_s²  ∈ (0, 1]  (1 = single supplier; 1/n for n equal ones)
* single source    max_s q_s > θ  (θ = ``single_source_threshold``, default 0.5)

"Local" means the seller's region (registry region, else USCC characters 3-8) lies inside the
home region code by its non-zero prefix (:func:`chainboard_analytics.engine.uscc.in_region`).

Sources
-------
* 本地配套率 (local supporting/sourcing rate): the share of a region's firms' purchased
  inputs (by value) that come from suppliers located in the same region. This is the
  definition in common use in Chinese local industrial policy documents and planning reports
  (e.g. provincial and municipal 产业链 action plans that set 本地配套率 targets); there is no
  national statistical standard, so the measure here is that common-usage definition computed
  on invoice values, stated explicitly.
* HHI: U.S. Department of Justice & Federal Trade Commission, *Horizontal Merger Guidelines*
  (2010, §5.3; 2023 Merger Guidelines, §2.1), which define HHI as the sum of squared market
  shares; here on supplier shares of a buyer's (or node's) purchases, scaled to [0, 1]
  (the Guidelines' 0-10,000 scale divided by 10^4: 0.25 ≈ 2,500, 0.18 ≈ 1,800).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from chainboard_analytics.engine.uscc import region_prefix
from chainboard_analytics.supply.network import (
    calc_firm_network,
    node_weights,
    with_home_flags,
)

DEFAULT_SINGLE_SOURCE_THRESHOLD = 0.5


def _check_threshold(threshold: float) -> None:
    if not 0 < threshold <= 1:
        raise ValueError(f"single_source_threshold={threshold}: expected 0 < θ <= 1")


def _flagged_network(transactions: ir.Table, home_region: str, firms: ir.Table | None) -> ir.Table:
    region_prefix(home_region)  # validates the code early
    net = with_home_flags(calc_firm_network(transactions, firms=firms), home_region)
    buyer_total = net.amount.sum().over(ibis.window(group_by=net.buyer_uscc))
    return net.mutate(pair_share=net.amount / buyer_total)


def _profile(pairs: ir.Table, keys: list[str], threshold: float) -> ir.Table:
    """Supplier profile of groups; ``pairs`` has one row per (keys, seller)."""
    p = pairs
    tot = p.group_by(keys).aggregate(
        purchases=p.amount.sum(),
        local_purchases=ibis.ifelse(p.seller_local, p.amount, 0.0).sum(),
        outside_province_purchases=ibis.ifelse(p.seller_in_province, 0.0, p.amount).sum(),
        sum_sq=(p.amount * p.amount).sum(),
        n_suppliers=p.count(),
    )
    win = ibis.window(group_by=[p[k] for k in keys], order_by=[ibis.desc(p.amount), p.seller_uscc])
    ranked = p.mutate(rn=ibis.row_number().over(win))
    top = ranked.filter(ranked.rn == 0).select(
        *keys, top_supplier_uscc=ranked.seller_uscc, top_amount=ranked.amount
    )
    j = tot.inner_join(top, keys)
    return j.select(
        *keys,
        purchases=j.purchases,
        local_purchases=j.local_purchases,
        local_share=j.local_purchases / j.purchases,
        outside_province_share=j.outside_province_purchases / j.purchases,
        top_supplier_uscc=j.top_supplier_uscc,
        top_supplier_share=j.top_amount / j.purchases,
        hhi=j.sum_sq / (j.purchases * j.purchases),
        single_source=(j.top_amount / j.purchases) > threshold,
        n_suppliers=j.n_suppliers.cast("int64"),
    )


def calc_firm_dependence(
    transactions: ir.Table,
    *,
    home_region: str,
    firms: ir.Table | None = None,
    single_source_threshold: float = DEFAULT_SINGLE_SOURCE_THRESHOLD,
) -> ir.Table:
    """Dependence profile of every buyer (one row per buyer_uscc).

    local_share = Σ_{s local} a(s,b) / Σ_s a(s,b); outside_province_share likewise for sellers
    outside the home region's province; top_supplier_share = max_s a(s,b)/P_b;
    hhi = Σ_s (a(s,b)/P_b)²; single_source = top_supplier_share > θ. Units: purchases in
    万元, shares and HHI in [0, 1]. See the module docstring for sources.

    Parameters
    ----------
    transactions
        TRANSACTIONS lines or a firm network (:func:`calc_firm_network`).
    home_region
        6-digit GB/T 2260 code of the home region (province, city or county).
    firms
        Optional FIRMS table (registry regions override the USCC region).
    single_source_threshold
        θ in (0, 1]; a buyer is single-source when its top supplier's share exceeds θ.

    Returns
    -------
    ibis.Table
        buyer_uscc, purchases, local_share, outside_province_share, top_supplier_uscc,
        top_supplier_share, hhi, single_source, n_suppliers, buyer_region, buyer_is_local;
        ordered by buyer_uscc.

    Notes
    -----
    Every buyer in the transactions is reported (outside buyers too, flagged by
    ``buyer_is_local``); shares are always relative to the home region. Buyers whose net
    purchases are not positive do not appear. Ties for the top supplier go to the smallest USCC.
    """
    _check_threshold(single_source_threshold)
    net = _flagged_network(transactions, home_region, firms)
    prof = _profile(net, ["buyer_uscc"], single_source_threshold)
    buyers = net.select("buyer_uscc", "buyer_region", "buyer_local").distinct()
    j = prof.inner_join(buyers, "buyer_uscc")
    return j.select(
        *[c for c in prof.columns if c != "local_purchases"],
        buyer_region=j.buyer_region,
        buyer_is_local=j.buyer_local,
    ).order_by("buyer_uscc")


def _group_pairs(
    transactions: ir.Table,
    firm_nodes: ir.Table,
    *,
    home_region: str,
    firms: ir.Table | None,
    level: str,
    local_buyers_only: bool,
    threshold: float,
) -> tuple[ir.Table, ir.Table, list[str]]:
    net = _flagged_network(transactions, home_region, firms)
    if local_buyers_only:
        net = net.filter(net.buyer_local)
    fw = node_weights(firm_nodes)
    if level == "node":
        keys = ["chain_code", "node_code"]
    elif level == "chain":
        keys = ["chain_code"]
        fw = fw.group_by(["uscc", "chain_code"]).aggregate(weight=fw.weight.sum())
    else:
        raise ValueError(f"level={level!r}: expected 'node' or 'chain'")
    j = net.inner_join(fw, net.buyer_uscc == fw.uscc)
    j = j.mutate(w_amount=j.amount * j.weight, is_ss=j.pair_share > threshold)
    pairs = j.group_by([*keys, "seller_uscc", "seller_local", "seller_in_province"]).aggregate(
        amount=j.w_amount.sum()
    )
    extra = j.group_by(keys).aggregate(
        n_buyers=j.buyer_uscc.nunique().cast("int64"),
        n_single_source_buyers=j.buyer_uscc.nunique(where=j.is_ss).cast("int64"),
        single_source_purchases=ibis.ifelse(j.is_ss, j.w_amount, 0.0).sum(),
    )
    return pairs, extra, keys


def calc_node_dependence(
    transactions: ir.Table,
    firm_nodes: ir.Table,
    *,
    home_region: str,
    firms: ir.Table | None = None,
    level: str = "node",
    single_source_threshold: float = DEFAULT_SINGLE_SOURCE_THRESHOLD,
    local_buyers_only: bool = True,
) -> ir.Table:
    """Dependence profile of each chain node (``level="node"``) or chain (``"chain"``).

    The group G is the node's (or chain's) buyers — by default only those inside the home
    region, i.e. the region's node — each weighted by its firm→node weight (weights sum to 1
    per firm and chain, so a firm's purchases count once per chain). Formulas as in the module
    docstring; in addition

    single_source_purchases = Σ_b w_b a(s*_b, b) over buyers b whose top supplier s*_b has
    share > θ of b's purchases (firm-level single source), and single_source_share =
    single_source_purchases / P_G.

    Returns
    -------
    ibis.Table
        chain_code, [node_code,] purchases, local_purchases, local_share (本地配套率),
        outside_province_share, top_supplier_uscc, top_supplier_share, hhi, single_source
        (node-level top share > θ), n_suppliers, n_buyers, n_single_source_buyers,
        single_source_purchases, single_source_share.

    Notes
    -----
    Nodes without purchases by (local) linked firms do not appear. Sellers need not be linked
    to any node.
    """
    _check_threshold(single_source_threshold)
    pairs, extra, keys = _group_pairs(
        transactions,
        firm_nodes,
        home_region=home_region,
        firms=firms,
        level=level,
        local_buyers_only=local_buyers_only,
        threshold=single_source_threshold,
    )
    prof = _profile(pairs, keys, single_source_threshold)
    j = prof.inner_join(extra, keys)
    return j.mutate(single_source_share=j.single_source_purchases / j.purchases).order_by(keys)


def calc_local_supply_ratio(
    transactions: ir.Table,
    firm_nodes: ir.Table,
    *,
    home_region: str,
    firms: ir.Table | None = None,
    level: str = "node",
    local_buyers_only: bool = True,
) -> ir.Table:
    """本地配套率 (local supply ratio) per chain node or per chain.

    local_supply_ratio = purchases of the home region's node (chain) firms from sellers inside
    the home region / all purchases of those firms                          [0, 1]

    This is the common-usage definition of 本地配套率 in Chinese regional industrial-chain
    planning (no national statistical standard defines it); computed on invoice values.
    Buyer weights as in :func:`calc_node_dependence`.

    Returns
    -------
    ibis.Table
        chain_code, [node_code,] purchases, local_purchases, local_supply_ratio, n_buyers.
    """
    t = calc_node_dependence(
        transactions,
        firm_nodes,
        home_region=home_region,
        firms=firms,
        level=level,
        local_buyers_only=local_buyers_only,
    )
    keys = ["chain_code", "node_code"] if level == "node" else ["chain_code"]
    return t.select(
        *keys,
        "purchases",
        "local_purchases",
        local_supply_ratio=t.local_share,
        n_buyers=t.n_buyers,
    ).order_by(keys)


def calc_node_concentration(
    transactions: ir.Table,
    firm_nodes: ir.Table,
    *,
    home_region: str,
    firms: ir.Table | None = None,
    local_buyers_only: bool = True,
) -> ir.Table:
    """Concentration (HHI) of each node's supply.

    hhi = Σ_s q_s², q_s = supplier s's share of the node's (weighted) purchases; in [0, 1]
    (DOJ/FTC Horizontal Merger Guidelines 2010 §5.3 / Merger Guidelines 2023 §2.1, divided by
    10^4). ``equivalent_suppliers`` = 1/hhi, the number of equal suppliers giving that HHI.
    ``concentration`` uses the 2010 Guidelines' bands on the 0-1 scale: ``high`` (> 0.25),
    ``moderate`` (0.15-0.25), ``low`` (< 0.15); the 2023 Guidelines call > 0.18 highly
    concentrated, which the ``hhi`` value lets a reader apply.

    Returns
    -------
    ibis.Table
        chain_code, node_code, purchases, n_suppliers, hhi, equivalent_suppliers,
        top_supplier_uscc, top_supplier_share, concentration.
    """
    t = calc_node_dependence(
        transactions,
        firm_nodes,
        home_region=home_region,
        firms=firms,
        local_buyers_only=local_buyers_only,
    )
    return t.select(
        "chain_code",
        "node_code",
        "purchases",
        "n_suppliers",
        "hhi",
        equivalent_suppliers=1.0 / t.hhi,
        top_supplier_uscc=t.top_supplier_uscc,
        top_supplier_share=t.top_supplier_share,
        concentration=ibis.cases((t.hhi > 0.25, "high"), (t.hhi >= 0.15, "moderate"), else_="low"),
    ).order_by(["chain_code", "node_code"])


def calc_region_supply(
    transactions: ir.Table,
    *,
    home_region: str,
    firms: ir.Table | None = None,
    buyer_level: int = 6,
) -> ir.Table:
    """Where each sub-region's buyers buy from: same sub-region, home region, province, outside.

    Buyers inside the home region are grouped by the first ``buyer_level`` digits of their
    region code (6 = county, 4 = city), padded with zeros to a 6-digit code.

    same_region_share = Σ a(s,b) with seller region in the buyer's group / P_G; local_share,
    outside_province_share as for firms. Units: 万元 and shares in [0, 1].

    Returns
    -------
    ibis.Table
        buyer_region, purchases, same_region_share, local_share, outside_province_share,
        n_buyers, n_suppliers; ordered by buyer_region.
    """
    if buyer_level not in (2, 4, 6):
        raise ValueError("buyer_level must be 2, 4 or 6")
    net = _flagged_network(transactions, home_region, firms)
    net = net.filter(net.buyer_local)
    grp = net.buyer_region.substr(0, buyer_level)
    net = net.mutate(
        grp=grp.rpad(6, "0"),
        same=net.seller_region.startswith(grp).fill_null(False),
    )
    g = net.group_by("grp").aggregate(
        purchases=net.amount.sum(),
        same_amount=ibis.ifelse(net.same, net.amount, 0.0).sum(),
        local_amount=ibis.ifelse(net.seller_local, net.amount, 0.0).sum(),
        outprov_amount=ibis.ifelse(net.seller_in_province, 0.0, net.amount).sum(),
        n_buyers=net.buyer_uscc.nunique().cast("int64"),
        n_suppliers=net.seller_uscc.nunique().cast("int64"),
    )
    return g.select(
        buyer_region=g.grp,
        purchases=g.purchases,
        same_region_share=g.same_amount / g.purchases,
        local_share=g.local_amount / g.purchases,
        outside_province_share=g.outprov_amount / g.purchases,
        n_buyers=g.n_buyers,
        n_suppliers=g.n_suppliers,
    ).order_by("buyer_region")

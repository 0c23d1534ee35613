"""Risky dependences and backup suppliers (备份货源).

A risky dependence is a (buyer, supplier) pair where the supplier provides more than θ of the
buyer's purchases (single source) or sits outside the home province with at least a given
share. Backup candidates for it are other firms linked to the same chain node as the supplier
(or, for suppliers not in the registry, other sellers of the same product/tax category to
anyone), ranked inside the home region first, then the province, then the rest of the
country, and within a tier by capacity.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from chainboard_analytics.engine.uscc import in_province, in_region, region_prefix, uscc_region
from chainboard_analytics.supply.dependence import DEFAULT_SINGLE_SOURCE_THRESHOLD
from chainboard_analytics.supply.network import (
    calc_firm_network,
    node_weights,
    prepare_transactions,
    with_home_flags,
)

TIER_LABELS = {1: "本地(区域内)", 2: "省内", 3: "国内其他省"}


def calc_risky_dependences(
    transactions: ir.Table,
    *,
    home_region: str,
    firms: ir.Table | None = None,
    single_source_threshold: float = DEFAULT_SINGLE_SOURCE_THRESHOLD,
    outside_province_threshold: float = 0.2,
    local_buyers_only: bool = True,
) -> ir.Table:
    """(buyer, supplier) pairs that are risky dependences.

    share = a(s, b) / P_b. A pair is risky when share > ``single_source_threshold``
    (``single_source``) or the supplier is outside the home province and
    share ≥ ``outside_province_threshold`` (``outside_province``); both flags may hold.

    Returns
    -------
    ibis.Table
        buyer_uscc, supplier_uscc, amount [万元], share, supplier_region, single_source,
        outside_province, risk (comma-separated labels); ordered by buyer, share desc.
    """
    region_prefix(home_region)
    net = with_home_flags(calc_firm_network(transactions, firms=firms), home_region)
    if local_buyers_only:
        net = net.filter(net.buyer_local)
    share = net.amount / net.amount.sum().over(ibis.window(group_by=net.buyer_uscc))
    net = net.mutate(share=share)
    ss = net.share > single_source_threshold
    op = (~net.seller_in_province) & (net.share >= outside_province_threshold)
    risky = net.mutate(single_source=ss, outside_province=op).filter(ss | op)
    risk = ibis.cases(
        (risky.single_source & risky.outside_province, "single_source,outside_province"),
        (risky.single_source, "single_source"),
        else_="outside_province",
    )
    return risky.select(
        "buyer_uscc",
        supplier_uscc=risky.seller_uscc,
        amount=risky.amount,
        share=risky.share,
        supplier_region=risky.seller_region,
        single_source=risky.single_source,
        outside_province=risky.outside_province,
        risk=risk,
    ).order_by([ibis.asc("buyer_uscc"), ibis.desc("share"), ibis.asc("supplier_uscc")])


def find_backup_suppliers(
    dependences: ir.Table,
    firm_nodes: ir.Table,
    *,
    transactions: ir.Table,
    home_region: str,
    firms: ir.Table | None = None,
    top_k: int = 5,
) -> ir.Table:
    """Backup suppliers for each risky dependence, ranked.

    Candidates for a dependence (buyer b, supplier s):

    1. ``same_node``: firms linked to a chain node s is linked to (FIRM_NODES);
    2. ``same_category``: when s is not linked to any node, firms that sold a product/tax
       category that s sold to b (needs ``category`` in the transactions).

    The supplier and the buyer themselves are excluded. Ranking, best first:
    tier (1 inside the home region, 2 elsewhere in the home province, 3 rest of the country;
    a candidate's region is its registry region, else USCC characters 3-8), then capacity
    descending, then USCC. capacity = ``capacity_wan_yuan`` of the firm's node links (max) when
    given, else registry ``revenue_wan_yuan``, else the firm's sales observed in the
    transactions [万元].

    Parameters
    ----------
    dependences
        Table with buyer_uscc, supplier_uscc (e.g. :func:`calc_risky_dependences`).
    firm_nodes
        FIRM_NODES links (optional ``capacity_wan_yuan``).
    transactions
        TRANSACTIONS lines (or a network: then no category matching).
    home_region
        6-digit home region code.
    firms
        Optional FIRMS (regions, revenue, names).
    top_k
        Candidates kept per dependence.

    Returns
    -------
    ibis.Table
        buyer_uscc, supplier_uscc, rank (1 = best), backup_uscc, match (same_node /
        same_category), match_detail (chain/node or category), tier, tier_label,
        backup_region, capacity_wan_yuan, capacity_source, observed_sales, n_buyers_served,
        already_supplies_buyer, reason (human-readable, Chinese); ordered by buyer, supplier,
        rank.
    """
    if top_k < 1:
        raise ValueError("top_k must be >= 1")
    region_prefix(home_region)
    dep = dependences.select(
        d_buyer=dependences.buyer_uscc.cast("string"),
        d_supplier=dependences.supplier_uscc.cast("string"),
    ).distinct()
    fw = node_weights(firm_nodes)

    # 1. same node
    sup_nodes = fw.select(sn_uscc=fw.uscc, sn_chain=fw.chain_code, sn_node=fw.node_code)
    cand = fw.select(c_uscc=fw.uscc, c_chain=fw.chain_code, c_node=fw.node_code)
    j = dep.inner_join(sup_nodes, dep.d_supplier == sup_nodes.sn_uscc).inner_join(
        cand, [sup_nodes.sn_chain == cand.c_chain, sup_nodes.sn_node == cand.c_node]
    )
    same_node = j.select(
        d_buyer=j.d_buyer,
        d_supplier=j.d_supplier,
        backup_uscc=j.c_uscc,
        match=ibis.literal("same_node"),
        match_rank=ibis.literal(1),
        match_detail=j.c_chain.concat("/", j.c_node),
    )
    parts = [same_node]

    # 2. same category, for suppliers without node links
    tx = prepare_transactions(transactions)
    has_category = "category" in transactions.columns
    if has_category:
        cat_tx = tx.filter(tx.category.notnull())
        sold = cat_tx.select(x_seller=cat_tx.seller_uscc, x_cat=cat_tx.category).distinct()
        linked = fw.select(l_uscc=fw.uscc).distinct()
        dep_unlinked = dep.left_join(linked, dep.d_supplier == linked.l_uscc)
        dep_unlinked = dep_unlinked.filter(dep_unlinked.l_uscc.isnull()).select(
            "d_buyer", "d_supplier"
        )
        bought = cat_tx.select(
            y_buyer=cat_tx.buyer_uscc, y_seller=cat_tx.seller_uscc, y_cat=cat_tx.category
        ).distinct()
        dc = dep_unlinked.inner_join(
            bought,
            [dep_unlinked.d_buyer == bought.y_buyer, dep_unlinked.d_supplier == bought.y_seller],
        )
        dc = dc.inner_join(sold, dc.y_cat == sold.x_cat)
        parts.append(
            dc.select(
                d_buyer=dc.d_buyer,
                d_supplier=dc.d_supplier,
                backup_uscc=dc.x_seller,
                match=ibis.literal("same_category"),
                match_rank=ibis.literal(2),
                match_detail=dc.x_cat,
            )
        )
    allc = ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0]
    allc = allc.filter((allc.backup_uscc != allc.d_supplier) & (allc.backup_uscc != allc.d_buyer))
    win = ibis.window(
        group_by=[allc.d_buyer, allc.d_supplier, allc.backup_uscc],
        order_by=[allc.match_rank, allc.match_detail],
    )
    allc = allc.mutate(rn=ibis.row_number().over(win))
    allc = allc.filter(allc.rn == 0).drop("rn")

    # candidate attributes
    net = calc_firm_network(transactions, firms=firms)
    sales = net.group_by("seller_uscc").aggregate(
        observed_sales=net.amount.sum(), n_buyers_served=net.buyer_uscc.nunique().cast("int64")
    )
    pairs = net.select(p_seller=net.seller_uscc, p_buyer=net.buyer_uscc, p_one=ibis.literal(1))
    if "capacity_wan_yuan" in firm_nodes.columns:
        cap = firm_nodes.group_by(k_uscc=firm_nodes.uscc.cast("string")).aggregate(
            k_cap=firm_nodes.capacity_wan_yuan.cast("float64").max()
        )
    else:
        cap = fw.select(k_uscc=fw.uscc, k_cap=ibis.null("float64")).distinct()
    c = allc.left_join(sales, allc.backup_uscc == sales.seller_uscc)
    c = c.left_join(cap, c.backup_uscc == cap.k_uscc)
    c = c.left_join(pairs, [c.backup_uscc == pairs.p_seller, c.d_buyer == pairs.p_buyer])
    reg_rc = ibis.null("string")
    rev = ibis.null("float64")
    if firms is not None:
        fcols = {"f_uscc": firms.uscc.cast("string")}
        fcols["f_rc"] = (
            firms.region_code.cast("string")
            if "region_code" in firms.columns
            else ibis.null("string")
        )
        fcols["f_rev"] = (
            firms.revenue_wan_yuan.cast("float64")
            if "revenue_wan_yuan" in firms.columns
            else ibis.null("float64")
        )
        fsel = firms.select(**fcols).distinct(on="f_uscc", keep="first")
        c = c.left_join(fsel, c.backup_uscc == fsel.f_uscc)
        reg_rc, rev = c.f_rc, c.f_rev
    region = (
        reg_rc.fill_null(uscc_region(c.backup_uscc))
        if firms is not None
        else uscc_region(c.backup_uscc)
    )
    c = c.mutate(backup_region=region)
    tier = ibis.cases(
        (in_region(c.backup_region, home_region), 1),
        (in_province(c.backup_region, home_region), 2),
        else_=3,
    )
    observed = c.observed_sales.fill_null(0.0)
    capacity = ibis.coalesce(c.k_cap, rev, observed)
    cap_src = ibis.cases(
        (c.k_cap.notnull(), "capacity"),
        (rev.notnull(), "revenue"),
        else_="observed_sales",
    )
    c = c.mutate(
        tier=tier,
        capacity_wan_yuan=capacity,
        capacity_source=cap_src,
        observed_sales=observed,
        n_buyers_served=c.n_buyers_served.fill_null(0),
        already_supplies_buyer=c.p_one.notnull(),
    )
    rwin = ibis.window(
        group_by=[c.d_buyer, c.d_supplier],
        order_by=[c.tier, ibis.desc(c.capacity_wan_yuan), c.backup_uscc],
    )
    c = c.mutate(rank=ibis.row_number().over(rwin) + 1)
    c = c.filter(c.rank <= top_k)
    tier_label = ibis.cases(*[(c.tier == k, v) for k, v in TIER_LABELS.items()], else_="")
    match_label = ibis.cases(
        (c.match == "same_node", ibis.literal("同环节 ").concat(c.match_detail)),
        else_=ibis.literal("同品类 ").concat(c.match_detail),
    )
    cap_label = ibis.cases(
        (c.capacity_source == "capacity", "按产能排序"),
        (c.capacity_source == "revenue", "按营业收入排序"),
        else_="按已观测销售额排序",
    )
    reason = match_label.concat("; ", tier_label, "; ", cap_label)
    reason = ibis.ifelse(c.already_supplies_buyer, reason.concat("; 已在向该企业供货"), reason)
    return c.select(
        buyer_uscc=c.d_buyer,
        supplier_uscc=c.d_supplier,
        rank=c.rank.cast("int64"),
        backup_uscc=c.backup_uscc,
        match=c.match,
        match_detail=c.match_detail,
        tier=c.tier.cast("int64"),
        tier_label=tier_label,
        backup_region=c.backup_region,
        capacity_wan_yuan=c.capacity_wan_yuan,
        capacity_source=c.capacity_source,
        observed_sales=c.observed_sales,
        n_buyers_served=c.n_buyers_served,
        already_supplies_buyer=c.already_supplies_buyer,
        reason=reason,
    ).order_by(["buyer_uscc", "supplier_uscc", "rank"])

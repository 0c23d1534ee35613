"""Node-to-node flows of a chain (环节间流量) through the firm→node links."""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from chainboard_analytics.engine.uscc import in_region
from chainboard_analytics.supply.network import calc_firm_network, node_weights


def calc_node_flows(
    transactions: ir.Table,
    firm_nodes: ir.Table,
    *,
    firms: ir.Table | None = None,
    home_region: str | None = None,
) -> ir.Table:
    """Flows between the nodes of each chain.

    For chain c, nodes u, v and firm weights w (Σ over a firm's nodes in c = 1):

    flow_c(u → v) = Σ_{s, b} a(s, b) · w(s, c, u) · w(b, c, v)                       [万元]

    A seller not linked to chain c appears as ``seller_node_code = null`` (inputs from
    outside the chain), a buyer not linked as ``buyer_node_code = null`` (sales leaving the
    chain). Conservation: for each chain, the flows into its nodes (buyer node not null) add up
    to the purchases of the chain's firms, and the flows out of its nodes add up to their
    sales — each firm counted once per chain.

    Parameters
    ----------
    transactions
        TRANSACTIONS lines or a firm network.
    firm_nodes
        FIRM_NODES links.
    firms
        Optional FIRMS (registry regions).
    home_region
        When given, ``local_amount`` is the part of the flow where both seller and buyer lie
        inside the home region.

    Returns
    -------
    ibis.Table
        chain_code, seller_node_code, buyer_node_code, amount, n_firm_pairs[, local_amount],
        ordered by chain, seller node, buyer node (nulls last).
    """
    net = calc_firm_network(transactions, firms=firms)
    if home_region is not None:
        net = net.mutate(
            both_local=in_region(net.seller_region, home_region)
            & in_region(net.buyer_region, home_region)
        )
    else:
        net = net.mutate(both_local=ibis.literal(False))
    fw = node_weights(firm_nodes)
    # The pair reduction above is the only heavy step (10^8 lines -> 10^4-10^6 pairs): it must
    # appear once in the query. Ibis inlines a table referenced by several union branches (one
    # per case: both firms in the chain, seller only, buyer only), so the three cases come from
    # one join chain instead: each pair meets the chains of its seller and of its buyer (one
    # row per pair and side, then distinct (pair, chain)), and the seller's and buyer's nodes
    # in that chain are left-joined, null when that firm is not in the chain.
    members = fw.select("uscc", "chain_code").distinct()
    sides = net.mutate(is_seller=ibis.literal([True, False]).unnest())
    sides = sides.mutate(
        side_uscc=ibis.ifelse(sides.is_seller, sides.seller_uscc, sides.buyer_uscc)
    )
    pair_chains = (
        sides.inner_join(members, sides.side_uscc == members.uscc)
        .select("seller_uscc", "buyer_uscc", "amount", "both_local", "chain_code")
        .distinct()
    )
    sw = fw.select(s_uscc=fw.uscc, s_chain=fw.chain_code, s_node=fw.node_code, s_w=fw.weight)
    bw = fw.select(b_uscc=fw.uscc, b_chain=fw.chain_code, b_node=fw.node_code, b_w=fw.weight)
    joined = pair_chains.left_join(
        sw,
        [pair_chains.seller_uscc == sw.s_uscc, pair_chains.chain_code == sw.s_chain],
    ).left_join(
        bw,
        [pair_chains.buyer_uscc == bw.b_uscc, pair_chains.chain_code == bw.b_chain],
    )
    flows = joined.select(
        chain_code=joined.chain_code,
        seller_node_code=joined.s_node,
        buyer_node_code=joined.b_node,
        amount=joined.amount * joined.s_w.fill_null(1.0) * joined.b_w.fill_null(1.0),
        both_local=joined.both_local,
    )
    keys = ["chain_code", "seller_node_code", "buyer_node_code"]
    aggs = {
        "amount": flows.amount.sum(),
        "n_firm_pairs": flows.count().cast("int64"),
    }
    if home_region is not None:
        aggs["local_amount"] = ibis.ifelse(flows.both_local, flows.amount, 0.0).sum()
    out = flows.group_by(keys).aggregate(**aggs)
    return out.order_by(
        [
            out.chain_code,
            out.seller_node_code.isnull(),
            out.seller_node_code,
            out.buyer_node_code.isnull(),
            out.buyer_node_code,
        ]
    )

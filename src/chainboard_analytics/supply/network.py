"""Firm-to-firm supply network from transaction lines (the heavy reduction).

Every supply metric starts from the firm network: one row per (seller, buyer) pair with the
net amount bought. Reducing 10^8 invoice lines to pairs is the only pass over the fact table;
all later metrics work on the pairs and accept either raw lines or the network itself
(re-aggregating the network by pair is the identity).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from chainboard_analytics.engine.uscc import in_province, in_region, uscc_region
from chainboard_analytics.supply.schemas import (
    FIRM_NODES_REQUIRED,
    FIRMS_REQUIRED,
    TRANSACTIONS_REQUIRED,
    require_columns,
)


def prepare_transactions(
    transactions: ir.Table,
    *,
    start: str | None = None,
    end: str | None = None,
) -> ir.Table:
    """Normalise transaction lines to the TRANSACTIONS schema.

    ``amount_wan_yuan`` is renamed ``amount`` when ``amount`` is absent; USCCs are compared as
    given (cast to text; the bridge and importers store them trimmed and upper-case, and a
    per-line TRIM/UPPER would double the cost of the 10^8-line pass); lines without seller,
    buyer or amount, and lines where the seller is the buyer,
    are dropped. ``start``/``end`` (ISO dates, inclusive) filter on ``date`` when given.
    A missing ``category`` column is added as null.

    Returns
    -------
    ibis.Table
        seller_uscc, buyer_uscc, date (if present), amount [万元], category.
    """
    t = transactions
    if "amount" not in t.columns and "amount_wan_yuan" in t.columns:
        t = t.rename(amount="amount_wan_yuan")
    require_columns(t, TRANSACTIONS_REQUIRED, "transactions")
    cols = {
        "seller_uscc": _as_string(t.seller_uscc),
        "buyer_uscc": _as_string(t.buyer_uscc),
        "amount": t.amount.cast("float64"),
        "category": (t.category.cast("string") if "category" in t.columns else ibis.null("string")),
    }
    if "date" in t.columns:
        cols["date"] = t.date.cast("date")
    if "n_lines" in t.columns:  # an already aggregated network
        cols["n_lines"] = t.n_lines.cast("int64")
    t = t.select(**cols)
    t = t.filter(
        t.seller_uscc.notnull(),
        t.buyer_uscc.notnull(),
        t.amount.notnull(),
        t.seller_uscc != t.buyer_uscc,
    )
    if start is not None:
        t = t.filter(t.date >= ibis.date(start))
    if end is not None:
        t = t.filter(t.date <= ibis.date(end))
    return t


def _as_string(col: ir.Value) -> ir.StringValue:
    return col if col.type().is_string() else col.cast("string")


def calc_firm_network(
    transactions: ir.Table,
    *,
    firms: ir.Table | None = None,
    start: str | None = None,
    end: str | None = None,
) -> ir.Table:
    """Firm-to-firm supply network: net purchases per (seller, buyer) pair.

    amount(s, b) = Σ amount of lines with seller s and buyer b          [万元]

    Pairs whose net amount is not positive (fully credited by red invoices) are dropped; a
    self-trade (seller = buyer) is not a purchase. Regions: the registry's ``region_code``
    (from ``firms``) when the firm is known, else characters 3-8 of its USCC.

    Parameters
    ----------
    transactions
        TRANSACTIONS lines, or a network produced by this function (idempotent).
    firms
        Optional FIRMS table for registry regions.

    Returns
    -------
    ibis.Table
        seller_uscc, buyer_uscc, amount [万元], n_lines, seller_region, buyer_region.
    """
    is_network = "n_lines" in transactions.columns
    t = prepare_transactions(transactions, start=start, end=end)
    net = t.group_by(["seller_uscc", "buyer_uscc"]).aggregate(
        amount=t.amount.sum(),
        n_lines=(t.n_lines.sum() if is_network else t.count()).cast("int64"),
    )
    net = net.filter(net.amount > 0)
    return with_regions(net, firms=firms)


def with_regions(network: ir.Table, *, firms: ir.Table | None = None) -> ir.Table:
    """Add seller_region and buyer_region (registry region, else USCC characters 3-8)."""
    seller_region = uscc_region(network.seller_uscc)
    buyer_region = uscc_region(network.buyer_uscc)
    net = network.drop(*[c for c in ("seller_region", "buyer_region") if c in network.columns])
    if firms is None or "region_code" not in firms.columns:
        return net.mutate(seller_region=seller_region, buyer_region=buyer_region)
    require_columns(firms, FIRMS_REQUIRED, "firms")
    reg = firms.select(uscc=firms.uscc.cast("string").strip().upper(), rc=firms.region_code)
    reg = reg.filter(reg.rc.notnull()).distinct(on="uscc", keep="first")
    s = reg.select(s_uscc=reg.uscc, s_rc=reg.rc.cast("string"))
    b = reg.select(b_uscc=reg.uscc, b_rc=reg.rc.cast("string"))
    j = net.left_join(s, net.seller_uscc == s.s_uscc).left_join(b, net.buyer_uscc == b.b_uscc)
    out = j.mutate(
        seller_region=j.s_rc.fill_null(uscc_region(j.seller_uscc)),
        buyer_region=j.b_rc.fill_null(uscc_region(j.buyer_uscc)),
    )
    return out.select(*net.columns, "seller_region", "buyer_region")


def with_home_flags(network: ir.Table, home_region: str) -> ir.Table:
    """Add seller_local, seller_in_province, buyer_local for the home region code."""
    return network.mutate(
        seller_local=in_region(network.seller_region, home_region),
        seller_in_province=in_province(network.seller_region, home_region),
        buyer_local=in_region(network.buyer_region, home_region),
    )


def node_weights(firm_nodes: ir.Table) -> ir.Table:
    """Firm→node links with weights summing to 1 per firm and chain.

    weight(f, c, n) = given ``weight`` when present and not null, else 1 / (number of nodes of
    firm f in chain c). Duplicate links are collapsed.

    Returns
    -------
    ibis.Table
        uscc, chain_code, node_code, weight.
    """
    require_columns(firm_nodes, FIRM_NODES_REQUIRED, "firm_nodes")
    has_w = "weight" in firm_nodes.columns
    fn = firm_nodes.select(
        uscc=firm_nodes.uscc.cast("string").strip().upper(),
        chain_code=firm_nodes.chain_code.cast("string"),
        node_code=firm_nodes.node_code.cast("string"),
        w=firm_nodes.weight.cast("float64") if has_w else ibis.null("float64"),
    )
    fn = fn.group_by(["uscc", "chain_code", "node_code"]).aggregate(w=fn.w.max())
    n = fn.count().over(ibis.window(group_by=[fn.uscc, fn.chain_code]))
    return fn.select(
        "uscc", "chain_code", "node_code", weight=fn.w.fill_null(1.0 / n.cast("float64"))
    )

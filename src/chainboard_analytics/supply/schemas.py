"""Input and output tables of the supply-network analytics (Ibis schemas).

The Django bridge (``chainboard.bridge``) and the CLI feed these tables; column names are the
contract. Money is in 万元 (10^4 yuan) as float64 inside the engine.

TRANSACTIONS — one line of a VAT invoice (or any purchase record), possibly 10^8+ rows:

==============  ========  ========================================================
seller_uscc     string    USCC of the seller (18 chars; characters 3-8 = region)
buyer_uscc      string    USCC of the buyer
date            date      invoice date (strings ``YYYY-MM-DD`` are cast)
amount          float64   line amount, 万元, excl. VAT. ``amount_wan_yuan`` is accepted
                          as an alias. Negative lines (red invoices) net out per pair.
category        string    optional product/tax category (税收分类编码 or product name)
==============  ========  ========================================================

FIRM_NODES — links of firms to chain nodes (产业链环节), from the registry's chains app:

==================  ========  =================================================
uscc                string    firm
chain_code          string    chain (产业链) code
node_code           string    node/segment (环节) code, unique within the chain
weight              float64   optional share of the firm's activity in this node;
                              default 1/(number of the firm's nodes in the chain)
capacity_wan_yuan   float64   optional capacity (产能) in 万元/year, ranks backups
==================  ========  =================================================

FIRMS — registry firms (企业库); firms absent here are still analysed (region from USCC):

================  ========  ===================================================
uscc              string    firm
name              string    optional name
region_code       string    optional 6-digit GB/T 2260 county code; default USCC chars 3-8
revenue_wan_yuan  float64   optional yearly revenue (营业收入), 万元; used for revenue at risk
================  ========  ===================================================
"""

from __future__ import annotations

import ibis

TRANSACTIONS = ibis.schema(
    {
        "seller_uscc": "string",
        "buyer_uscc": "string",
        "date": "date",
        "amount": "float64",
        "category": "string",
    }
)
TRANSACTIONS_REQUIRED = ("seller_uscc", "buyer_uscc", "amount")

FIRM_NODES = ibis.schema(
    {
        "uscc": "string",
        "chain_code": "string",
        "node_code": "string",
        "weight": "float64",
        "capacity_wan_yuan": "float64",
    }
)
FIRM_NODES_REQUIRED = ("uscc", "chain_code", "node_code")

FIRMS = ibis.schema(
    {
        "uscc": "string",
        "name": "string",
        "region_code": "string",
        "revenue_wan_yuan": "float64",
    }
)
FIRMS_REQUIRED = ("uscc",)

# Output: one row per buyer (firm_dependence.csv).
FIRM_DEPENDENCE = ibis.schema(
    {
        "buyer_uscc": "string",
        "purchases": "float64",
        "local_share": "float64",
        "outside_province_share": "float64",
        "top_supplier_uscc": "string",
        "top_supplier_share": "float64",
        "hhi": "float64",
        "single_source": "boolean",
        "n_suppliers": "int64",
        "buyer_region": "string",
        "buyer_is_local": "boolean",
    }
)


class SchemaError(ValueError):
    """An input table lacks a required column."""


def require_columns(table: ibis.Table, required: tuple[str, ...], what: str) -> None:
    """Raise :class:`SchemaError` naming the missing columns of ``what``."""
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise SchemaError(
            f"{what}: missing column(s) {', '.join(missing)}; has {', '.join(table.columns)}"
        )

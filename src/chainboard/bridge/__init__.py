"""Registry tables → analytics engine (Ibis) tables for the supply-network analysis: FIRMS and
FIRM_NODES (firm → chain-node links), scoped to a user. Other apps hand their own small pandas
frames to ``chainboard_analytics`` (e.g. ``evaluation/inputs.py``).

See :mod:`chainboard.bridge.registry` and :mod:`chainboard.bridge.chain_links`.
"""

from chainboard.bridge.chain_links import firm_nodes_frame, firm_nodes_table
from chainboard.bridge.registry import DUCKDB_EXTENSIONS_OFFLINE, firms_frame, firms_table

__all__ = [
    "DUCKDB_EXTENSIONS_OFFLINE",
    "firm_nodes_frame",
    "firm_nodes_table",
    "firms_frame",
    "firms_table",
]

"""Registry tables → analytics engine tables (the only place the two meet).

See :mod:`chainboard.bridge.registry`.
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

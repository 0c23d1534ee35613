"""Supply network and resilience (产业链供应链韧性) over Ibis tables (no Django).

Input schemas: :mod:`chainboard_analytics.supply.schemas`. Docs: ``docs/analytics/supply.md``.
"""

from chainboard_analytics.supply.backups import calc_risky_dependences, find_backup_suppliers
from chainboard_analytics.supply.dependence import (
    calc_firm_dependence,
    calc_local_supply_ratio,
    calc_node_concentration,
    calc_node_dependence,
    calc_region_supply,
)
from chainboard_analytics.supply.flows import calc_node_flows
from chainboard_analytics.supply.network import (
    calc_firm_network,
    node_weights,
    prepare_transactions,
)
from chainboard_analytics.supply.shock import ShockResult, propagate_losses, simulate_shock

__all__ = [
    "ShockResult",
    "calc_firm_dependence",
    "calc_firm_network",
    "calc_local_supply_ratio",
    "calc_node_concentration",
    "calc_node_dependence",
    "calc_node_flows",
    "calc_region_supply",
    "calc_risky_dependences",
    "find_backup_suppliers",
    "node_weights",
    "prepare_transactions",
    "propagate_losses",
    "simulate_shock",
]

"""Firm → chain node links (企业挂链) as the engine's FIRM_NODES table, from one query.

``firm_nodes_frame(chains=…)`` reads the active (proposed or confirmed) ``EnterpriseNode`` rows of
the given chains with one ``values_list`` query and turns them into a pyarrow table column by
column (no model instances); ``firm_nodes_table(con, …)`` registers it as a view on an engine
connection. Codes: ``chain_code`` is the chain's template code (unique within a region),
``node_code`` the node name (unique within a chain), so the analytics' reasons read
"同环节 wire_cable/铜杆"; ``chain_id``/``node_id`` ride along to map results back.

Scope: with ``user`` only the links of firms that user may see (``accounts/scope.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis
import pyarrow as pa
from django.db.models import Q

from chainboard.accounts.scope import enterprise_q
from chainboard.chains.models import Chain, EnterpriseNode, LinkState
from chainboard_analytics.engine.io import register_frame
from chainboard_analytics.supply.schemas import FIRM_NODES

ACTIVE_STATES = (LinkState.PROPOSED, LinkState.CONFIRMED)


def firm_nodes_frame(*, chains: Iterable[Chain], user: Any = None) -> pa.Table:
    """Active links of ``chains`` as pyarrow: uscc, chain_code, node_code, chain_id, node_id."""
    scope = Q() if user is None else enterprise_q(user, "enterprise__")
    rows = (
        EnterpriseNode.objects.filter(scope, node__chain__in=list(chains), state__in=ACTIVE_STATES)
        .order_by()
        .values_list(
            "enterprise__uscc", "node__chain__code", "node__name", "node__chain_id", "node_id"
        )
    )
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    return pa.table(
        {
            "uscc": pa.array(cols[0], pa.string()),
            "chain_code": pa.array(cols[1], pa.string()),
            "node_code": pa.array(cols[2], pa.string()),
            "chain_id": pa.array(cols[3], pa.int64()),
            "node_id": pa.array(cols[4], pa.int64()),
        }
    )


def firm_nodes_table(con: Any, *, chains: Iterable[Chain], user: Any = None) -> ibis.Table:
    """The links of ``chains`` as the engine's FIRM_NODES table on ``con`` (a temporary view)."""
    return register_frame(con, firm_nodes_frame(chains=chains, user=user), schema=FIRM_NODES)

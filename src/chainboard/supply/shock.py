"""Shock simulation 断供冲击模拟 on a stored run's firm network (``simulate_shock``).

The run's pairs (seller, buyer, net amount 万元), its firms' regions and registry revenue as
stored at analysis time, and the chain's firm→node weights go to an in-memory DuckDB; the
cascade itself is ``chainboard_analytics.supply.simulate_shock`` (proportional input-dependence
model, first order and propagated; docs/analytics/supply.md). Nothing is written.

Scope: only suppliers the user may see can be named (an out-of-scope or absent USCC gets the
same refusal, so neither a firm's sales nor its presence in the network leak); totals and node
rows are aggregates (shown with the chain); firm rows are only the chain's firms the user may see
(``accounts.scope.supply_firm_q``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from chainboard.chains.models import Chain
from chainboard.core.errors import DomainError
from chainboard.geo.models import Region
from chainboard.supply import selectors
from chainboard.supply.models import SupplyFirm, SupplyFirmNode, SupplyPair, SupplyRun
from chainboard_analytics.engine import connect, register_frame
from chainboard_analytics.engine.uscc import region_prefix
from chainboard_analytics.supply import simulate_shock
from chainboard_analytics.supply.schemas import FIRM_NODES, FIRMS

_SPLIT = re.compile(r"[\s,，;；、]+")
MAX_SUPPLIERS = 50
TOP_FIRMS = 15


@dataclass
class ShockView:
    """What the page shows of one simulation."""

    suppliers: list[str]
    region: Region | None
    removed: int
    removed_sales: float  # the removed firms' sales in the network
    summary: dict[str, dict[str, Any]]  # scope "all" / "local" → figures
    nodes: list[dict[str, Any]]
    firms: list[dict[str, Any]]  # the chain's firms hit hardest that the user may see
    hidden_firms: int  # the chain's firms hit that the user may not see (counted, not listed)
    labels: dict[str, Any] = field(default_factory=dict)


# an aggregate over firms the user may not see covers at least this many of them
MIN_HIDDEN_FIRMS = 3


def parse_suppliers(text: str) -> list[str]:
    """USCCs separated by spaces, commas or new lines, upper-case, de-duplicated in order."""
    out = [u.strip().upper() for u in _SPLIT.split(text or "") if u.strip()]
    return list(dict.fromkeys(out))


def _refuse_disclosing_region(*, user: Any, run: SupplyRun, region_code: str) -> None:
    """Refuse a region whose removal would show one or two hidden firms' own figures.

    Removing a region shows what its firms sold into the network (removed sales, purchases at
    risk). Where the user may not see some of those firms and there are fewer than
    ``MIN_HIDDEN_FIRMS`` of them, the aggregate is in effect one firm's (or two firms') data.
    Our rule, after the usual minimum-count threshold of statistical disclosure control: an
    aggregate over firms the user may not see needs at least three of them.
    """
    in_region = set(
        SupplyFirm.objects.filter(
            run=run, region_code__startswith=region_prefix(region_code)
        ).values_list("pk", flat=True)
    )
    hidden = in_region - selectors.visible_firm_ids(user, in_region)
    if 0 < len(hidden) < MIN_HIDDEN_FIRMS:
        raise DomainError(
            "该地区在本批次网络中的企业有不在您管辖范围内的，且少于 3 家，"
            "模拟结果会显示个别企业的数据，不予模拟；请改为填写您管辖范围内的供应商",
            fields={"region": region_code},
        )


def shock_simulate(
    *, user: Any, run: SupplyRun, chain: Chain, suppliers: list[str], region_code: str = ""
) -> ShockView:
    """Remove ``suppliers`` and/or every firm of ``region_code``; what is at risk."""
    suppliers = [u.strip().upper() for u in suppliers if u.strip()]
    region_code = (region_code or "").strip()
    if not suppliers and not region_code:
        raise DomainError("请填写要断供的供应商统一社会信用代码，或一个地区代码")
    if len(suppliers) > MAX_SUPPLIERS:
        raise DomainError(f"一次最多模拟 {MAX_SUPPLIERS} 家供应商断供")
    region = None
    if region_code:
        try:
            region_prefix(region_code)
        except ValueError as exc:
            raise DomainError(
                f"地区代码 {region_code!r} 无效：应为6位数字（GB/T 2260）",
                fields={"region": region_code},
            ) from exc
        region = Region.objects.filter(pk=region_code).first()
        if region is None:
            raise DomainError(f"未知的行政区划代码 {region_code}", fields={"region": region_code})
        _refuse_disclosing_region(user=user, run=run, region_code=region_code)
    known = dict(SupplyFirm.objects.filter(run=run, uscc__in=suppliers).values_list("uscc", "pk"))
    visible = selectors.visible_firm_ids(user, set(known.values()))
    # one message whether a USCC is absent or out of scope: the network's membership stays hidden
    refused = [u for u in suppliers if known.get(u) not in visible]
    if refused:
        raise DomainError(
            f"以下企业不在本批次的交易网络中或不在您的管辖范围内：{'、'.join(refused)}",
            fields={"suppliers": ",".join(refused)},
        )

    pairs = pd.DataFrame(
        list(
            SupplyPair.objects.filter(run=run).values_list(
                "seller__uscc", "buyer__uscc", "amount_wan_yuan", "n_lines"
            )
        ),
        columns=["seller_uscc", "buyer_uscc", "amount", "n_lines"],
    )
    if pairs.empty:
        raise DomainError("本批次没有企业间交易，无法模拟")
    pairs["amount"] = pairs["amount"].astype(float)
    firms = pd.DataFrame(
        list(
            SupplyFirm.objects.filter(run=run).values_list(
                "uscc", "region_code", "revenue_wan_yuan"
            )
        ),
        columns=["uscc", "region_code", "revenue_wan_yuan"],
    )
    firms["region_code"] = firms["region_code"].replace("", None)
    firms["revenue_wan_yuan"] = pd.to_numeric(firms["revenue_wan_yuan"], errors="coerce")
    links = pd.DataFrame(
        list(
            SupplyFirmNode.objects.filter(run=run, node__chain=chain).values_list(
                "firm__uscc", "node__chain__code", "node_id", "weight"
            )
        ),
        columns=["uscc", "chain_code", "node_code", "weight"],
    )
    links["node_code"] = links["node_code"].astype(str)

    con = connect("duckdb", threads=2)
    result = simulate_shock(
        register_frame(con, pairs),
        remove_sellers=suppliers,
        remove_region=region_code or None,
        firms=register_frame(con, firms, schema=FIRMS),
        firm_nodes=register_frame(con, links, schema=FIRM_NODES) if len(links) else None,
        home_region=run.region_id,
        con=con,
    )
    summary = {
        str(r["scope"]): {k: (float(v) if isinstance(v, int | float) else v) for k, v in r.items()}
        for r in result.summary.to_dict("records")
    }
    node_names = dict(chain.nodes.values_list("pk", "name"))
    node_order = dict(chain.nodes.values_list("pk", "order"))
    nodes = []
    for r in result.nodes.to_dict("records"):
        if not r["purchases_at_risk_propagated"] > 0:
            continue
        node_id = int(r["node_code"])
        nodes.append(r | {"node_id": node_id, "name": node_names.get(node_id, "")})
    nodes.sort(key=lambda r: (-r["purchases_at_risk_propagated"], node_order.get(r["node_id"], 0)))

    in_chain = set(links["uscc"])
    hit = result.firms[
        (~result.firms["removed"])
        & (result.firms["loss_share_propagated"] > 0)
        & result.firms["uscc"].isin(in_chain)
    ]
    ids = dict(SupplyFirm.objects.filter(run=run).values_list("uscc", "pk"))
    visible_ids = selectors.visible_firm_ids(user, {ids[u] for u in hit["uscc"] if u in ids})
    shown = hit[hit["uscc"].map(lambda u: ids.get(u) in visible_ids)]
    firm_objs = {
        f.uscc: f
        for f in SupplyFirm.objects.filter(
            run=run, uscc__in=list(shown["uscc"].head(TOP_FIRMS))
        ).select_related("region")
    }
    firm_rows = [
        r | {"firm": firm_objs[r["uscc"]]} for r in shown.head(TOP_FIRMS).to_dict("records")
    ]
    removed_sales = float(result.summary["removed_sales"].iloc[0])
    return ShockView(
        suppliers=suppliers,
        region=region,
        removed=int(result.summary["n_removed"].iloc[0]),
        removed_sales=removed_sales,
        summary=summary,
        nodes=nodes,
        firms=firm_rows,
        hidden_firms=len(hit) - len(shown),
    )

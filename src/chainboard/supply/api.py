"""/api/supply: stored supply-risk runs, a chain's node results and scoped firm rows.

Node and chain rows are aggregates, shown to whoever sees the chain; dependences and pairs are
the firms in the caller's scope, and counterparts outside it are masked (uscc and name null,
region kept), as on the page.
"""

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Path, Query, Router, Schema

from chainboard.chains import selectors as chain_selectors
from chainboard.supply import selectors
from chainboard.supply.models import SupplyRun
from chainboard.supply.selectors import FirmLabel

router = Router(tags=["supply 供应链风险"])
PAGE_SIZE = 100


class SupplyRunOut(Schema):
    id: int
    region_id: str
    status: str
    source: str
    inputs_hash: str
    backend: str
    parameters: dict[str, Any]
    created_at: dt.datetime
    published_at: dt.datetime | None
    n_lines: int
    n_pairs: int
    n_firms: int
    n_buyers: int
    n_nodes: int
    n_risky_nodes: int
    n_single_source_buyers: int
    n_risky_dependences: int
    n_backups: int
    purchases_wan_yuan: float


class FirmRef(Schema):
    uscc: str | None
    name: str | None
    region: str
    in_scope: bool


class ProfileOut(Schema):
    purchases_wan_yuan: float
    local_purchases_wan_yuan: float
    local_share: float
    outside_province_share: float
    top_supplier: FirmRef
    top_supplier_share: float
    hhi: float
    single_source: bool
    n_suppliers: int
    n_buyers: int
    n_single_source_buyers: int
    single_source_purchases_wan_yuan: float
    single_source_share: float


class NodeOut(ProfileOut):
    node_id: int
    node: str
    stage: str
    equivalent_suppliers: float
    concentration: str
    verdict: str
    reasons: list[dict[str, Any]]
    reason: str


class ChainSupplyOut(Schema):
    run: SupplyRunOut | None
    chain_id: int
    chain: ProfileOut | None
    nodes: list[NodeOut]


class BackupOut(Schema):
    rank: int
    backup: FirmRef
    match: str
    match_detail: str
    tier: int
    capacity_wan_yuan: float | None
    capacity_source: str
    already_supplies_buyer: bool
    reason: str


class RiskyOut(Schema):
    supplier: FirmRef
    amount_wan_yuan: float
    share: float
    single_source: bool
    outside_province: bool
    backups: list[BackupOut]


class DependenceOut(Schema):
    buyer: FirmRef
    nodes: list[str]
    purchases_wan_yuan: float
    local_share: float
    outside_province_share: float
    top_supplier: FirmRef
    top_supplier_share: float
    hhi: float
    single_source: bool
    n_suppliers: int
    risky: list[RiskyOut]


class DependencePage(Schema):
    count: int
    page: int
    items: list[DependenceOut]


class PairOut(Schema):
    seller: FirmRef
    buyer: FirmRef
    amount_wan_yuan: float
    n_lines: int


class PairPage(Schema):
    count: int
    page: int
    items: list[PairOut]


def _ref(label: FirmLabel) -> dict[str, Any]:
    return {
        "uscc": label.uscc or None,
        "name": label.name or None,
        "region": label.region,
        "in_scope": label.visible,
    }


def _profile(obj: Any, label: FirmLabel) -> dict[str, Any]:
    return {
        "purchases_wan_yuan": float(obj.purchases_wan_yuan),
        "local_purchases_wan_yuan": float(obj.local_purchases_wan_yuan),
        "local_share": obj.local_share,
        "outside_province_share": obj.outside_province_share,
        "top_supplier": _ref(label),
        "top_supplier_share": obj.top_supplier_share,
        "hhi": obj.hhi,
        "single_source": obj.single_source,
        "n_suppliers": obj.n_suppliers,
        "n_buyers": obj.n_buyers,
        "n_single_source_buyers": obj.n_single_source_buyers,
        "single_source_purchases_wan_yuan": float(obj.single_source_purchases_wan_yuan),
        "single_source_share": obj.single_source_share,
    }


def _run(request: HttpRequest, chain_id: int, run: int | None) -> tuple[Any, SupplyRun | None]:
    chain = chain_selectors.chain_get(user=request.user, pk=chain_id)
    return chain, selectors.run_for_chain(user=request.user, chain=chain, pk=run)


@router.get("/runs", response=list[SupplyRunOut])
def list_runs(request: HttpRequest, region: str | None = None) -> Any:
    qs = selectors.runs_visible(request.user)
    return (qs.filter(region_id=region) if region else qs)[:200]


@router.get("/chains/{chain_id}/nodes", response=ChainSupplyOut)
def chain_nodes(request: HttpRequest, chain_id: Path[int], run: int | None = None) -> Any:
    chain, supply_run = _run(request, chain_id, run)
    if supply_run is None:
        return {"run": None, "chain_id": chain.pk, "chain": None, "nodes": []}
    nodes = selectors.node_results(run=supply_run, chain=chain)
    result = selectors.chain_result(run=supply_run, chain=chain)
    firms = [n.top_supplier for n in nodes] + ([result.top_supplier] if result else [])
    labels = selectors.firm_labels(request.user, firms)
    return {
        "run": supply_run,
        "chain_id": chain.pk,
        "chain": _profile(result, labels[result.top_supplier_id]) if result else None,
        "nodes": [
            _profile(n, labels[n.top_supplier_id])
            | {
                "node_id": n.node_id,
                "node": n.node.name,
                "stage": n.node.stage,
                "equivalent_suppliers": n.equivalent_suppliers,
                "concentration": n.concentration,
                "verdict": n.verdict,
                "reasons": n.reasons,
                "reason": n.reason,
            }
            for n in nodes
        ],
    }


@router.get("/chains/{chain_id}/dependences", response=DependencePage)
def chain_dependences(
    request: HttpRequest,
    chain_id: Path[int],
    run: int | None = None,
    only_risky: bool = True,
    page: int = 1,
) -> Any:
    chain, supply_run = _run(request, chain_id, run)
    if supply_run is None:
        return {"count": 0, "page": 1, "items": []}
    p, rows = selectors.dependence_tree(
        user=request.user,
        run=supply_run,
        chain=chain,
        page=page,
        per_page=PAGE_SIZE,
        only_risky=only_risky,
    )
    items = [
        {
            "buyer": _ref(row.buyer),
            "nodes": row.nodes,
            "purchases_wan_yuan": float(row.dep.purchases_wan_yuan),
            "local_share": row.dep.local_share,
            "outside_province_share": row.dep.outside_province_share,
            "top_supplier": _ref(row.top),
            "top_supplier_share": row.dep.top_supplier_share,
            "hhi": row.dep.hhi,
            "single_source": row.dep.single_source,
            "n_suppliers": row.dep.n_suppliers,
            "risky": [
                {
                    "supplier": _ref(x.supplier),
                    "amount_wan_yuan": float(x.r.amount_wan_yuan),
                    "share": x.r.share,
                    "single_source": x.r.single_source,
                    "outside_province": x.r.outside_province,
                    "backups": [
                        {
                            "rank": y.b.rank,
                            "backup": _ref(y.firm),
                            "match": y.b.match,
                            "match_detail": y.b.match_detail,
                            "tier": y.b.tier,
                            "capacity_wan_yuan": float(y.b.capacity_wan_yuan)
                            if y.firm.visible
                            else None,
                            "capacity_source": y.b.capacity_source,
                            "already_supplies_buyer": y.b.already_supplies_buyer,
                            "reason": y.b.reason,
                        }
                        for y in x.backups
                    ],
                }
                for x in row.risky
            ],
        }
        for row in rows
    ]
    return {"count": p.paginator.count, "page": p.number, "items": items}


@router.get("/runs/{run_id}/pairs", response=PairPage)
def run_pairs(request: HttpRequest, run_id: Path[int], page: Query[int] = 1) -> Any:
    supply_run = selectors.run_get(user=request.user, pk=run_id)
    p = Paginator(selectors.pair_list(user=request.user, run=supply_run), PAGE_SIZE).get_page(page)
    pairs = list(p.object_list)
    labels = selectors.firm_labels(request.user, [f for x in pairs for f in (x.seller, x.buyer)])
    return {
        "count": p.paginator.count,
        "page": p.number,
        "items": [
            {
                "seller": _ref(labels[x.seller_id]),
                "buyer": _ref(labels[x.buyer_id]),
                "amount_wan_yuan": float(x.amount_wan_yuan),
                "n_lines": x.n_lines,
            }
            for x in pairs
        ],
    }

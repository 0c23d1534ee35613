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
    qs = selectors.dependences(
        user=request.user, run=supply_run, chain=chain, only_risky=only_risky
    )
    p = Paginator(qs, PAGE_SIZE).get_page(page)
    deps = list(p.object_list)
    ids = [d.firm_id for d in deps]
    risky = selectors.risky_for(run=supply_run, buyer_ids=ids)
    nodes = selectors.buyer_nodes(run=supply_run, chain=chain, firm_ids=ids)
    firms = [f for d in deps for f in (d.firm, d.top_supplier)]
    for rows in risky.values():
        for r in rows:
            firms += [r.supplier, *(b.backup for b in r.backups.all())]
    labels = selectors.firm_labels(request.user, firms)
    items = []
    for d in deps:
        items.append(
            {
                "buyer": _ref(labels[d.firm_id]),
                "nodes": nodes.get(d.firm_id, []),
                "purchases_wan_yuan": float(d.purchases_wan_yuan),
                "local_share": d.local_share,
                "outside_province_share": d.outside_province_share,
                "top_supplier": _ref(labels[d.top_supplier_id]),
                "top_supplier_share": d.top_supplier_share,
                "hhi": d.hhi,
                "single_source": d.single_source,
                "n_suppliers": d.n_suppliers,
                "risky": [
                    {
                        "supplier": _ref(labels[r.supplier_id]),
                        "amount_wan_yuan": float(r.amount_wan_yuan),
                        "share": r.share,
                        "single_source": r.single_source,
                        "outside_province": r.outside_province,
                        "backups": [
                            {
                                "rank": b.rank,
                                "backup": _ref(labels[b.backup_id]),
                                "match": b.match,
                                "match_detail": b.match_detail,
                                "tier": b.tier,
                                "capacity_wan_yuan": float(b.capacity_wan_yuan)
                                if labels[b.backup_id].visible
                                else None,
                                "capacity_source": b.capacity_source,
                                "already_supplies_buyer": b.already_supplies_buyer,
                                "reason": b.reason,
                            }
                            for b in r.backups.all()
                        ],
                    }
                    for r in risky.get(d.firm_id, [])
                ],
            }
        )
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

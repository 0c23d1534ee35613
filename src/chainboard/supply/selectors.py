"""Reads of the supply app; every one starts from the user's scope (``accounts/scope.py``).

* Runs and node/chain aggregates follow chain visibility (``accounts.scope.supply_run_q``): a user
  sees the runs of their region's subtree and of the regions above it, as they see its chains.
* Firm-level rows (dependences, risky dependences, backups, pairs) are filtered by the firm they
  belong to (the buyer; either side for a pair) with ``accounts.scope.supply_firm_q``: a registry
  firm the user may see (``enterprise_q``), or — for users scoped to a region — a firm that is
  not in the registry but registered inside that region (USCC characters 3-8).
* Counterparts named in a visible row (a supplier, a backup) that the user may not see are
  masked (:func:`firm_labels`): region and tier stay, name, USCC and figures do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from chainboard.accounts.models import User
from chainboard.accounts.scope import supply_firm_q, supply_run_q
from chainboard.chains.models import Chain
from chainboard.core.errors import NotFound
from chainboard.geo.models import Region
from chainboard.supply.models import (
    RunStatus,
    SupplyBackup,
    SupplyChainResult,
    SupplyFirm,
    SupplyFirmDependence,
    SupplyFirmNode,
    SupplyNodeResult,
    SupplyPair,
    SupplyRiskyDependence,
    SupplyRun,
)

AnyUser = User | AnonymousUser | None


def runs_visible(user: AnyUser) -> QuerySet[SupplyRun]:
    """Runs of the regions whose chains the user sees (their subtree and the regions above);
    unpublished (draft) runs only for the roles that run analyses."""
    return SupplyRun.objects.filter(supply_run_q(user)).select_related("region", "created_by")


def run_get(*, user: AnyUser, pk: int) -> SupplyRun:
    run = runs_visible(user).filter(pk=pk).first()
    if run is None:
        raise NotFound("分析批次不存在或不在您的管辖范围")
    return run


def chain_runs(*, user: AnyUser, chain: Chain) -> QuerySet[SupplyRun]:
    """Runs covering ``chain`` (its region's runs), newest first."""
    return runs_visible(user).filter(region=chain.region).order_by("-created_at", "-id")


def run_for_chain(*, user: AnyUser, chain: Chain, pk: int | None = None) -> SupplyRun | None:
    """The region's current run, or run ``pk`` of that region; ``None`` when there is none."""
    runs = chain_runs(user=user, chain=chain)
    if pk is not None:
        run = runs.filter(pk=pk).first()
        if run is None:
            raise NotFound("该产业链没有这个分析批次")
        return run
    return runs.filter(status=RunStatus.CURRENT).first()


def chain_result(*, run: SupplyRun, chain: Chain) -> SupplyChainResult | None:
    """The chain's aggregate (visible with the chain)."""
    return (
        SupplyChainResult.objects.filter(run=run, chain=chain)
        .select_related("top_supplier")
        .first()
    )


def node_results(*, run: SupplyRun, chain: Chain) -> list[SupplyNodeResult]:
    """Node aggregates of the chain in template order (visible with the chain)."""
    return list(
        SupplyNodeResult.objects.filter(run=run, node__chain=chain)
        .select_related("node", "top_supplier", "top_supplier__region")
        .order_by("node__order", "node_id")
    )


def chain_firms(*, run: SupplyRun, chain: Chain) -> QuerySet[SupplyFirm]:
    """Firms of the run linked to the chain (any region)."""
    linked = SupplyFirmNode.objects.filter(firm=OuterRef("pk"), node__chain=chain)
    return SupplyFirm.objects.filter(run=run).filter(Exists(linked))


def dependences(
    *, user: AnyUser, run: SupplyRun, chain: Chain, only_risky: bool = True
) -> QuerySet[SupplyFirmDependence]:
    """Local buyers of the chain the user may see, largest purchases first.

    ``only_risky``: buyers with at least one risky dependence (single source or outside province).
    """
    linked = SupplyFirmNode.objects.filter(firm=OuterRef("firm_id"), node__chain=chain)
    qs = (
        SupplyFirmDependence.objects.filter(run=run)
        .filter(supply_firm_q(user, "firm__"))
        .filter(Exists(linked))
    )
    if only_risky:
        qs = qs.filter(
            Exists(SupplyRiskyDependence.objects.filter(run=run, buyer=OuterRef("firm_id")))
        )
    return qs.select_related(
        "firm", "firm__region", "firm__enterprise", "top_supplier", "top_supplier__region"
    ).order_by("-purchases_wan_yuan", "firm__uscc")


def risky_for(*, run: SupplyRun, buyer_ids: list[int]) -> dict[int, list[SupplyRiskyDependence]]:
    """Risky dependences of these (already scoped) buyers, with their ranked backups."""
    qs = (
        SupplyRiskyDependence.objects.filter(run=run, buyer_id__in=buyer_ids)
        .select_related("supplier", "supplier__region")
        .prefetch_related(
            Prefetch(
                "backups",
                queryset=SupplyBackup.objects.select_related(
                    "backup", "backup__region", "match_node"
                ).order_by("rank"),
            )
        )
        .order_by("buyer_id", "-share", "supplier__uscc")
    )
    out: dict[int, list[SupplyRiskyDependence]] = {}
    for d in qs:
        out.setdefault(d.buyer_id, []).append(d)
    return out


def buyer_nodes(*, run: SupplyRun, chain: Chain, firm_ids: list[int]) -> dict[int, list[str]]:
    """Names of the chain nodes each firm is linked to."""
    out: dict[int, list[str]] = {}
    for firm_id, name in (
        SupplyFirmNode.objects.filter(run=run, firm_id__in=firm_ids, node__chain=chain)
        .order_by("node__order")
        .values_list("firm_id", "node__name")
    ):
        out.setdefault(firm_id, []).append(name)
    return out


def risky_dependence_list(*, user: AnyUser, run: SupplyRun) -> QuerySet[SupplyRiskyDependence]:
    """Risky dependences of the buyers the user may see."""
    return (
        SupplyRiskyDependence.objects.filter(run=run)
        .filter(supply_firm_q(user, "buyer__"))
        .select_related("buyer", "supplier")
        .order_by("buyer__uscc", "-share", "supplier__uscc")
    )


def pair_list(*, user: AnyUser, run: SupplyRun) -> QuerySet[SupplyPair]:
    """The firm network's pairs with the seller or the buyer in the user's scope."""
    return (
        SupplyPair.objects.filter(run=run)
        .filter(supply_firm_q(user, "seller__") | supply_firm_q(user, "buyer__"))
        .select_related("seller", "buyer")
        .order_by("-amount_wan_yuan", "seller__uscc", "buyer__uscc")
    )


def visible_firm_ids(user: AnyUser, firm_ids: set[int]) -> set[int]:
    """Which of these ``SupplyFirm`` ids the user may see (one query)."""
    if not firm_ids:
        return set()
    return set(
        SupplyFirm.objects.filter(supply_firm_q(user), pk__in=list(firm_ids)).values_list(
            "pk", flat=True
        )
    )


@dataclass(frozen=True)
class FirmLabel:
    """How a firm is shown to a user: named, or masked to its region."""

    visible: bool
    name: str
    uscc: str
    region: str
    registry_uscc: str  # for a link to the enterprise page ("" when not in the registry)


def region_names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))


def firm_labels(user: AnyUser, firms: list[SupplyFirm]) -> dict[int, FirmLabel]:
    """Labels for the firms named on a page: masked when out of the user's scope."""
    visible = visible_firm_ids(user, {f.pk for f in firms})
    names = region_names({f.region_code for f in firms})
    out: dict[int, FirmLabel] = {}
    for f in firms:
        region = names.get(f.region_code, f.region_code)
        if f.pk in visible:
            out[f.pk] = FirmLabel(
                True,
                f.name or f.uscc,
                f.uscc,
                region,
                f.uscc if f.enterprise_id else "",
            )
        else:
            out[f.pk] = FirmLabel(False, "", "", region, "")
    return out


@dataclass(frozen=True)
class BackupRow:
    """A ranked backup source of a risky dependence, and how its firm is shown."""

    b: SupplyBackup
    firm: FirmLabel


@dataclass(frozen=True)
class RiskyRow:
    """A risky dependence (single source or outside the province) of a buyer, with backups."""

    r: SupplyRiskyDependence
    supplier: FirmLabel
    backups: list[BackupRow]


@dataclass(frozen=True)
class DependenceRow:
    """A local buyer of the chain: its dependence profile, nodes, risky suppliers and backups."""

    dep: SupplyFirmDependence
    buyer: FirmLabel
    top: FirmLabel
    nodes: list[str]
    risky: list[RiskyRow]


def dependence_tree(
    *,
    user: AnyUser,
    run: SupplyRun,
    chain: Chain,
    page: int | str | None,
    per_page: int,
    only_risky: bool = True,
) -> tuple[Page, list[DependenceRow]]:
    """One page of :func:`dependences` as a tree — buyer → risky suppliers → backups — with
    every firm labelled for ``user`` (:func:`firm_labels`: masked outside the scope).

    The supply page and ``/api/supply/chains/{id}/dependences`` both show this tree; a fixed
    number of queries per page (buyers, their risky dependences with backups, node names, the
    visible firm ids, region names), whatever its size.
    """
    qs = dependences(user=user, run=run, chain=chain, only_risky=only_risky)
    paged = Paginator(qs, per_page).get_page(page)
    deps = list(paged.object_list)
    buyer_ids = [d.firm_id for d in deps]
    risky = risky_for(run=run, buyer_ids=buyer_ids)
    nodes = buyer_nodes(run=run, chain=chain, firm_ids=buyer_ids)
    firms = [f for d in deps for f in (d.firm, d.top_supplier)]
    for rows in risky.values():
        for r in rows:
            firms += [r.supplier, *(b.backup for b in r.backups.all())]
    labels = firm_labels(user, firms)
    tree = [
        DependenceRow(
            dep=d,
            buyer=labels[d.firm_id],
            top=labels[d.top_supplier_id],
            nodes=nodes.get(d.firm_id, []),
            risky=[
                RiskyRow(
                    r=r,
                    supplier=labels[r.supplier_id],
                    backups=[BackupRow(b=b, firm=labels[b.backup_id]) for b in r.backups.all()],
                )
                for r in risky.get(d.firm_id, [])
            ],
        )
        for d in deps
    ]
    return paged, tree


def summary(*, run: SupplyRun, chain: Chain, nodes: list[SupplyNodeResult]) -> dict[str, Any]:
    """Counts for the page head (node-level, visible with the chain)."""
    return {
        "n_nodes": len(nodes),
        "n_high": sum(1 for n in nodes if n.verdict == "high"),
        "n_watch": sum(1 for n in nodes if n.verdict == "watch"),
        "n_chain_nodes": chain.nodes.count(),
    }

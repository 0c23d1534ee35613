"""Reads for chains: every query starts from the user's scope (``accounts/scope.py``).

A chain belongs to a region. A user sees the chains of their region's subtree and of the regions
above it (a county officer sees the city's 电线电缆产业链), but every firm figure, list and target
is filtered to the firms the user may see: a county user's panorama is their county's part.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Q, QuerySet

from chainboard.accounts.models import User
from chainboard.accounts.scope import chain_q, enterprise_q, region_q
from chainboard.chains.models import Chain, ChainNode, Cluster, EnterpriseNode, LinkState
from chainboard.core.errors import NotFound
from chainboard.enterprises.models import Enterprise, EnterpriseYear, QualificationKind
from chainboard_analytics.chains.gaps import (
    ACTION_LABELS,
    STATUS_LABELS,
    GapReport,
    GapRules,
    NodeFigures,
    calc_chain_gaps,
)

ACTIVE_STATES = (LinkState.PROPOSED, LinkState.CONFIRMED)
# tier rank for investment targets: higher is stronger
TIER_RANK: dict[str, int] = {
    QualificationKind.SINGLE_CHAMPION: 6,
    QualificationKind.LITTLE_GIANT: 5,
    QualificationKind.SRDI: 4,
    QualificationKind.INNOVATIVE_SME: 3,
    QualificationKind.HIGH_TECH: 2,
    QualificationKind.TECH_SME: 1,
}
TIER_LABELS = dict(QualificationKind.choices)

AnyUser = User | AnonymousUser | None


def chains_visible(user: AnyUser) -> QuerySet[Chain]:
    return Chain.objects.filter(chain_q(user)).select_related("region")


def chain_get(*, user: AnyUser, pk: int) -> Chain:
    chain = chains_visible(user).filter(pk=pk).first()
    if chain is None:
        raise NotFound("产业链不存在或不在您的管辖范围")
    return chain


def node_get(*, user: AnyUser, chain: Chain, pk: int) -> ChainNode:
    node = chain.nodes.filter(pk=pk).first()
    if node is None:
        raise NotFound("环节不存在")
    return node


def local_links(user: AnyUser, chain: Chain) -> QuerySet[EnterpriseNode]:
    """Active links of the chain's firms inside its region that the user may see."""
    return EnterpriseNode.objects.filter(
        enterprise_q(user, "enterprise__"),
        node__chain=chain,
        state__in=ACTIVE_STATES,
        enterprise__region__path__startswith=chain.region.path,
    )


def latest_year(enterprise_ids: Iterable[int] | QuerySet) -> int | None:
    """The latest year with revenue among these firms (a list, or a ``values("…id")`` query)."""
    if isinstance(enterprise_ids, QuerySet):
        qs = EnterpriseYear.objects.filter(enterprise_id__in=enterprise_ids)
    else:
        ids = list(enterprise_ids)
        if not ids:
            return EnterpriseYear.objects.aggregate(y=Max("year"))["y"]
        qs = EnterpriseYear.objects.filter(enterprise_id__in=ids)
    return qs.filter(revenue_wan_yuan__isnull=False).aggregate(y=Max("year"))["y"]


def revenues(enterprise_ids: Iterable[int] | QuerySet, year: int | None) -> dict[int, Decimal]:
    """Revenue 万元 of ``year`` per firm; a query of ids runs as one sub-select (no id lists)."""
    if year is None:
        return {}
    base = EnterpriseYear.objects.filter(year=year).exclude(revenue_wan_yuan__isnull=True)
    if isinstance(enterprise_ids, QuerySet):
        return dict(
            base.filter(enterprise_id__in=enterprise_ids).values_list(
                "enterprise_id", "revenue_wan_yuan"
            )
        )
    ids = list(set(enterprise_ids))
    out: dict[int, Decimal] = {}
    for i in range(0, len(ids), 5000):
        out.update(
            base.filter(enterprise_id__in=ids[i : i + 5000]).values_list(
                "enterprise_id", "revenue_wan_yuan"
            )
        )
    return out


def gap_rules(chain: Chain) -> GapRules:
    return (
        GapRules()
        .updated(getattr(settings, "CHAINS_GAP_RULES", None))
        .updated(chain.gap_rules or None)
    )


@dataclass
class NodeView:
    node: ChainNode
    depth: int
    firms: int = 0
    above_scale: int = 0
    revenue: Decimal = Decimal(0)
    confirmed: int = 0
    status: str = ""
    slq: float | None = None
    share: float | None = None
    firm_ids: set[int] = field(default_factory=set)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")


@dataclass
class Panorama:
    chain: Chain
    year: int | None
    nodes: list[NodeView]
    report: GapReport
    firms: int
    above_scale: int
    revenue: Decimal
    edges: list[tuple[int, int]]

    def by_stage(self, stage: str) -> list[NodeView]:
        return [v for v in self.nodes if v.node.stage == stage]

    @property
    def gaps(self) -> list[dict[str, Any]]:
        names: dict[Any, NodeView] = {v.node.pk: v for v in self.nodes}
        return [
            {
                "node": names[g.key].node,
                "kind": g.kind,
                "kind_label": g.kind_label,
                "action": g.action,
                "action_label": ACTION_LABELS[g.action],
                "reason": g.reason,
                "numbers": g.numbers,
            }
            for g in self.report.gaps
        ]


def chain_panorama(*, user: AnyUser, chain: Chain, year: int | None = None) -> Panorama:
    """Per-node firms, above-scale firms, revenue, status, gaps and completeness (local firms)."""
    nodes = list(chain.nodes.all().order_by("order"))
    by_id = {n.pk: n for n in nodes}
    local = local_links(user, chain)
    links = list(local.values_list("node_id", "enterprise_id", "enterprise__above_scale", "state"))
    firm_ids = {e for _, e, _, _ in links}
    ids_query = local.values("enterprise_id")
    if year is None:
        year = latest_year(ids_query)
    revenue = revenues(ids_query, year)
    above = {e for _, e, a, _ in links if a}
    views = {n.pk: NodeView(node=n, depth=0) for n in nodes}
    for n in nodes:
        depth, p = 0, n.parent_id
        while p is not None:
            depth += 1
            p = by_id[p].parent_id
        views[n.pk].depth = depth
    for node_id, ent, _, state in links:
        # a firm in a sub-segment is in every segment above it
        up: int | None = node_id
        while up is not None:
            v = views[up]
            if ent not in v.firm_ids:
                v.firm_ids.add(ent)
                v.confirmed += state == LinkState.CONFIRMED
            up = by_id[up].parent_id
    for v in views.values():
        v.firms = len(v.firm_ids)
        v.above_scale = len(v.firm_ids & above)
        v.revenue = sum((revenue.get(e, Decimal(0)) for e in v.firm_ids), Decimal(0))
    edges = list(
        ChainNode.feeds.through.objects.filter(from_chainnode__chain=chain).values_list(
            "from_chainnode_id", "to_chainnode_id"
        )
    )
    feeds: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        feeds[a].append(b)
    figures = [
        NodeFigures(
            key=n.pk,
            name=n.name,
            stage=n.stage,
            parent=n.parent_id,
            weight=float(n.weight),
            ref_share=float(n.ref_share) if n.ref_share is not None else None,
            feeds=tuple(feeds.get(n.pk, ())),
            firms=views[n.pk].firms,
            revenue=float(views[n.pk].revenue),
            top_revenue=float(
                max((revenue.get(e, Decimal(0)) for e in views[n.pk].firm_ids), default=0)
            ),
        )
        for n in nodes
    ]
    core: set[int] = set()
    for n in nodes:
        if n.ref_share is not None and n.stage != "service":
            nid: int | None = n.pk
            while nid is not None:
                core.add(nid)
                nid = by_id[nid].parent_id
    core_firms = set().union(*(views[k].firm_ids for k in core)) if core else set()
    report = calc_chain_gaps(
        figures,
        gap_rules(chain),
        chain_revenue=float(sum((revenue.get(e, Decimal(0)) for e in core_firms), Decimal(0))),
    )
    for n in nodes:
        st = report.statuses[n.pk]
        views[n.pk].status, views[n.pk].slq, views[n.pk].share = st.status, st.slq, st.share
    return Panorama(
        chain=chain,
        year=year,
        nodes=[views[n.pk] for n in nodes],
        report=report,
        firms=len(firm_ids),
        above_scale=len(above),
        revenue=sum((revenue.get(e, Decimal(0)) for e in firm_ids), Decimal(0)),
        edges=edges,
    )


def node_firms(*, user: AnyUser, chain: Chain, node: ChainNode, year: int | None) -> list[dict]:
    """The node's local firms (its sub-segments included), largest first, with the link evidence."""
    subtree = _subtree(node)
    links = (
        local_links(user, chain)
        .filter(node_id__in=subtree)
        .select_related("enterprise__region", "enterprise__industry", "node")
        .order_by("enterprise_id", "-confidence")
    )
    rows: dict[int, dict] = {}
    for link in links:
        if link.enterprise_id not in rows:
            rows[link.enterprise_id] = {"firm": link.enterprise, "link": link, "revenue": None}
    rev = revenues(rows, year)
    for e, row in rows.items():
        row["revenue"] = rev.get(e)
    return sorted(rows.values(), key=lambda r: (-(r["revenue"] or 0), r["firm"].name))


def _subtree(node: ChainNode) -> list[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in node.chain.nodes.values_list("pk", "parent_id"):
        children[parent].append(pk)
    out, todo = [], [node.pk]
    while todo:
        pk = todo.pop()
        out.append(pk)
        todo.extend(children.get(pk, []))
    return out


def _tiers(enterprise_ids: Iterable[int]) -> dict[int, tuple[int, str]]:
    from chainboard.enterprises.models import Qualification

    best: dict[int, tuple[int, str]] = {}
    for e, kind in Qualification.objects.filter(
        enterprise_id__in=list(enterprise_ids), kind__in=list(TIER_RANK)
    ).values_list("enterprise_id", "kind"):
        rank = TIER_RANK[kind]
        if rank > best.get(e, (0, ""))[0]:
            best[e] = (rank, str(TIER_LABELS[kind]))
    return best


def investment_targets(
    *, user: AnyUser, chain: Chain, node_ids: Iterable[int], year: int | None, per_node: int = 5
) -> dict[int, list[dict]]:
    """Firms outside the chain's region linked to each node, ranked by tier then revenue."""
    ids = list(node_ids)
    links = list(
        EnterpriseNode.objects.filter(
            enterprise_q(user, "enterprise__"), node_id__in=ids, state__in=ACTIVE_STATES
        )
        .exclude(enterprise__region__path__startswith=chain.region.path)
        .select_related("enterprise__region")
    )
    firms = {link.enterprise_id for link in links}
    if year is None:
        year = latest_year(firms)
    rev = revenues(firms, year)
    tiers = _tiers(firms)
    out: dict[int, list[dict]] = defaultdict(list)
    for link in links:
        e = link.enterprise
        tier = tiers.get(e.pk, (0, ""))
        money = rev.get(e.pk)
        parts = [f"位于{e.region.name}"]
        if money is not None:
            parts.append(f"{year}年营业收入 {money:,.0f} 万元")
        if tier[1]:
            parts.append(tier[1])
        if e.above_scale:
            parts.append("规上企业")
        parts.append(link.explanation or link.get_source_display())
        out[link.node_id].append(
            {
                "firm": e,
                "revenue": money,
                "tier": tier[1],
                "rank": (tier[0], money or 0),
                "reason": "；".join(parts),
            }
        )
    for node_id, rows in out.items():
        rows.sort(key=lambda r: (-r["rank"][0], -r["rank"][1], r["firm"].name))
        out[node_id] = rows[:per_node]
    return out


def review_queue(
    *,
    user: AnyUser,
    chain: Chain,
    state: str = LinkState.PROPOSED,
    node: int | None = None,
    max_confidence: Decimal | None = None,
) -> QuerySet[EnterpriseNode]:
    """Links of the chain (any region) the user may see, lowest confidence first."""
    qs = EnterpriseNode.objects.filter(
        enterprise_q(user, "enterprise__"), node__chain=chain
    ).select_related("enterprise__region", "enterprise__industry", "node", "reviewed_by")
    if state:
        qs = qs.filter(state=state)
    if node:
        qs = qs.filter(node_id=node)
    if max_confidence is not None:
        qs = qs.filter(confidence__lte=max_confidence)
    return qs.order_by("confidence", "node__order", "enterprise__name")


# --- clusters ---------------------------------------------------------------------------------


def clusters_visible(user: AnyUser) -> QuerySet[Cluster]:
    return Cluster.objects.filter(region_q(user, prefix="region__")).select_related("region")


def cluster_get(*, user: AnyUser, pk: int) -> Cluster:
    cluster = clusters_visible(user).filter(pk=pk).first()
    if cluster is None:
        raise NotFound("产业集群不存在或不在您的管辖范围")
    return cluster


def cluster_node_ids(cluster: Cluster) -> list[int]:
    """The cluster's chosen segments with all their sub-segments ([] = whole chains)."""
    chosen = list(cluster.nodes.values_list("pk", flat=True))
    if not chosen:
        return []
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in ChainNode.objects.filter(chain__in=cluster.chains.all()).values_list(
        "pk", "parent_id"
    ):
        children[parent].append(pk)
    out, todo = [], list(chosen)
    while todo:
        pk = todo.pop()
        out.append(pk)
        todo.extend(children.get(pk, []))
    return out


def _cluster_links(cluster: Cluster) -> QuerySet[EnterpriseNode]:
    """The active (proposed or confirmed) links of the cluster's segments to firms located in
    its counties: the cluster's firms (docs/chains.md "Clusters")."""
    regions = [cluster.region, *cluster.extra_regions.all()]
    place = Q()
    for r in regions:
        place |= Q(enterprise__region__path__startswith=r.path)
    node_ids = cluster_node_ids(cluster)
    links = EnterpriseNode.objects.filter(place, state__in=ACTIVE_STATES)
    return (
        links.filter(node_id__in=node_ids)
        if node_ids
        else links.filter(node__chain__in=cluster.chains.all())
    )


def cluster_firm_ids(user: AnyUser, cluster: Cluster) -> set[int]:
    links = _cluster_links(cluster).filter(enterprise_q(user, "enterprise__"))
    return set(links.values_list("enterprise_id", flat=True))


def cluster_firm_ids_all(cluster: Cluster) -> set[int]:
    """Every firm of the cluster, whoever asks (city targets count the whole cluster; callers
    check that the reader may see the target)."""
    return set(_cluster_links(cluster).values_list("enterprise_id", flat=True))


def cluster_series(user: AnyUser, cluster: Cluster) -> dict[str, Any]:
    """Revenue, firms and above-scale firms per year of the cluster's firms visible to the user."""
    ids = cluster_firm_ids(user, cluster)
    per_year: dict[int, dict[str, Any]] = {}
    above = set(
        Enterprise.objects.filter(pk__in=ids, above_scale=True).values_list("pk", flat=True)
    )
    for year, rev in EnterpriseYear.objects.filter(enterprise_id__in=ids).values_list(
        "year", "revenue_wan_yuan"
    ):
        row = per_year.setdefault(year, {"revenue": Decimal(0), "firms": 0})
        row["revenue"] += rev or 0
        row["firms"] += 1
    return {
        "firm_ids": ids,
        "firms": len(ids),
        "above_scale": len(above),
        "years": dict(sorted(per_year.items())),
    }

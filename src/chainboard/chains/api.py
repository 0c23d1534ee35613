"""/api/chains: scoped reads of chains, panoramas, node firms, clusters; link review."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Path, Router, Schema

from chainboard.accounts.scope import authenticated, require_link_reviewer
from chainboard.chains import clusters, selectors, services
from chainboard.chains.models import LinkState
from chainboard.core.errors import DomainError

router = Router(tags=["chains 产业链"])


class ChainOut(Schema):
    id: int
    code: str
    name: str
    category: str
    region: str
    template_version: int


class NodeOut(Schema):
    id: int
    name: str
    stage: str
    service_kind: str
    parent: int | None
    firms: int
    above_scale: int
    revenue_wan_yuan: Decimal
    status: str
    slq: float | None


class GapOut(Schema):
    node: int
    name: str
    kind: str
    action: str
    reason: str


class PanoramaOut(Schema):
    chain: ChainOut
    year: int | None
    firms: int
    above_scale: int
    revenue_wan_yuan: Decimal
    completeness: float
    completeness_weighted: float
    build: str
    nodes: list[NodeOut]
    edges: list[tuple[int, int]]
    gaps: list[GapOut]


class FirmOut(Schema):
    uscc: str
    name: str
    region: str
    above_scale: bool
    revenue_wan_yuan: Decimal | None
    state: str
    confidence: Decimal
    explanation: str
    link: int  # the link's id, for POST …/review
    version: int  # the link's version, sent back in ReviewIn.versions


class ReviewIn(Schema):
    links: list[int]
    state: str
    note: str = ""
    # required (400 without it): {link id: version as listed}; a link decided by someone else
    # meanwhile → 409 with its current state and version
    versions: dict[int, int] | None = None


class ReviewOut(Schema):
    reviewed: int


class ClusterOut(Schema):
    id: int
    name: str
    region: str
    firms: int
    above_scale: int
    revenue_wan_yuan: float
    growth: float | None
    big: bool
    target_year: int | None
    target_status: str | None


def _chain_out(c) -> ChainOut:  # type: ignore[no-untyped-def]
    return ChainOut(
        id=c.pk,
        code=c.code,
        name=c.name,
        category=c.category,
        region=c.region_id,
        template_version=c.template_version,
    )


@router.get("/", response=list[ChainOut])
def list_chains(request: HttpRequest) -> list[ChainOut]:
    return [
        _chain_out(c) for c in selectors.chains_visible(request.user).order_by("region_id", "name")
    ]


@router.get("/clusters/", response=list[ClusterOut])
def list_clusters(request: HttpRequest) -> list[ClusterOut]:
    return [
        ClusterOut(
            id=r["cluster"].pk,
            name=r["cluster"].name,
            region=r["cluster"].region_id,
            firms=r["firms"],
            above_scale=r["above_scale"],
            revenue_wan_yuan=r["revenue"],
            growth=r["growth"],
            big=r["big"],
            target_year=r["progress"].year if r["progress"] else None,
            target_status=r["progress"].status if r["progress"] else None,
        )
        for r in clusters.league(user=request.user)
    ]


@router.get("/{chain_id}", response=PanoramaOut)
def get_panorama(request: HttpRequest, chain_id: Path[int], year: int | None = None) -> PanoramaOut:
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    p = selectors.chain_panorama(user=request.user, chain=chain, year=year)
    return PanoramaOut(
        chain=_chain_out(chain),
        year=p.year,
        firms=p.firms,
        above_scale=p.above_scale,
        revenue_wan_yuan=p.revenue,
        completeness=p.report.completeness,
        completeness_weighted=p.report.completeness_weighted,
        build=p.report.build,
        nodes=[
            NodeOut(
                id=v.node.pk,
                name=v.node.name,
                stage=v.node.stage,
                service_kind=v.node.service_kind,
                parent=v.node.parent_id,
                firms=v.firms,
                above_scale=v.above_scale,
                revenue_wan_yuan=v.revenue,
                status=v.status,
                slq=v.slq,
            )
            for v in p.nodes
        ],
        edges=p.edges,
        gaps=[
            GapOut(
                node=g["node"].pk,
                name=g["node"].name,
                kind=g["kind"],
                action=g["action"],
                reason=g["reason"],
            )
            for g in p.gaps
        ],
    )


@router.get("/{chain_id}/nodes/{node_id}/firms", response=list[FirmOut])
def get_node_firms(
    request: HttpRequest, chain_id: Path[int], node_id: Path[int], year: int | None = None
) -> list[FirmOut]:
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    node = selectors.node_get(user=request.user, chain=chain, pk=node_id)
    rows = selectors.node_firms(
        user=request.user, chain=chain, node=node, year=year or selectors.latest_year([])
    )
    return [
        FirmOut(
            uscc=r["firm"].uscc,
            name=r["firm"].name,
            region=r["firm"].region_id,
            above_scale=r["firm"].above_scale,
            revenue_wan_yuan=r["revenue"],
            state=r["link"].state,
            confidence=r["link"].confidence,
            explanation=r["link"].explanation,
            link=r["link"].pk,
            version=r["link"].version,
        )
        for r in rows
    ]


@router.post("/{chain_id}/review", response=ReviewOut)
def review_links(request: HttpRequest, chain_id: Path[int], payload: ReviewIn) -> ReviewOut:
    user = authenticated(request.user)
    chain = selectors.chain_get(user=user, pk=chain_id)
    require_link_reviewer(user)  # a role that may not review is refused before the body
    links = list(
        selectors.review_queue(user=user, chain=chain, state="").filter(pk__in=payload.links)
    )
    if len(links) != len(set(payload.links)):
        raise DomainError("部分挂链记录不存在或不在您的管辖范围", fields={"links": "未知"})
    if payload.state not in (LinkState.CONFIRMED, LinkState.REJECTED):
        raise DomainError("state 应为 confirmed 或 rejected", fields={"state": payload.state})
    n = services.link_review(
        links=links,
        state=payload.state,
        actor=user,
        note=payload.note,
        versions=payload.versions or {},
    )
    return ReviewOut(reviewed=n)

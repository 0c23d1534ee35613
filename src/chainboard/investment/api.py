"""/api/investment/: the 招商 pipeline — scoped list (the page's filters) and detail with the
timeline, create, stage change, the funnel. A lead out of the user's scope is 404 (read or
write); a refused write on a visible one 403."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from chainboard.accounts import scope
from chainboard.core.errors import DomainError
from chainboard.core.filters import filtered
from chainboard.core.locking import stated_version
from chainboard.investment import selectors, services
from chainboard.investment.filters import LeadFilter
from chainboard.investment.models import Lead

router = Router(tags=["investment 招商"])


class LeadFilterIn(Schema):
    chain: str | None = None
    region: str | None = None
    stage: str | None = None
    source: str | None = None
    owner: str | None = None
    q: str | None = None


class LeadOut(Schema):
    id: int
    version: int
    name: str
    uscc: str
    origin: str
    products: str
    amount_wan_yuan: Decimal | None
    contacts: str
    source: str
    chain_id: int
    chain: str
    node_id: int | None
    node: str | None
    region_code: str
    region: str
    owner: str | None
    stage: str
    stage_label: str
    stage_on: date | None
    signed_on: date | None
    landed_on: date | None
    project_code: str | None
    lost_reason: str
    next_step: str
    next_step_on: date | None

    @staticmethod
    def resolve_chain(obj: Lead) -> str:
        return obj.chain.name

    @staticmethod
    def resolve_node(obj: Lead) -> str | None:
        return obj.node.name if obj.node else None

    @staticmethod
    def resolve_region_code(obj: Lead) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region(obj: Lead) -> str:
        return obj.region.name

    @staticmethod
    def resolve_owner(obj: Lead) -> str | None:
        return obj.owner.get_username() if obj.owner else None

    @staticmethod
    def resolve_stage_label(obj: Lead) -> str:
        return obj.get_stage_display()

    @staticmethod
    def resolve_project_code(obj: Lead) -> str | None:
        return obj.project.code if obj.project else None


class ActivityOut(Schema):
    on: date
    kind: str
    label: str
    people: str
    content: str
    actor: str | None


class LeadDetailOut(LeadOut):
    notes: str
    timeline: list[ActivityOut]

    @staticmethod
    def resolve_timeline(obj: Lead) -> list[dict[str, Any]]:
        return [
            {
                "on": a.on,
                "kind": a.kind,
                "label": a.get_kind_display(),
                "people": a.people,
                "content": a.content,
                "actor": a.actor.get_username() if a.actor else None,
            }
            for a in selectors.lead_timeline(obj)
        ]


class LeadIn(Schema):
    name: str
    chain_id: int
    region: str  # the owning county's code
    node_id: int | None = None
    uscc: str = ""
    origin: str = ""
    products: str = ""
    amount_wan_yuan: str | None = None
    contacts: str = ""
    source: str = "manual"
    next_step: str = ""
    next_step_on: date | None = None
    notes: str = ""


class StageIn(Schema):
    stage: str
    version: int | None = None
    reason: str = ""
    on: date | None = None
    project_code: str | None = None


class StageRow(Schema):
    stage: str
    label: str
    reached: int
    now: int


class FunnelOut(Schema):
    total: int
    stages: list[StageRow]
    lost: int
    paused: int
    signed_wan_yuan: Decimal
    landed_wan_yuan: Decimal


@router.get("/leads", response=list[LeadOut], summary="招商线索列表（按管辖范围）")
@paginate(PageNumberPagination, page_size=50)
def list_leads(request: HttpRequest, filters: Query[LeadFilterIn]):  # type: ignore[no-untyped-def]
    filterset = LeadFilter(
        filters.model_dump(exclude_none=True), queryset=selectors.lead_list(user=request.user)
    )
    return filtered(filterset).order_by("-updated_at", "-pk")


@router.get("/funnel", response=FunnelOut, summary="招商漏斗")
def funnel(request: HttpRequest, filters: Query[LeadFilterIn]) -> dict[str, Any]:
    filterset = LeadFilter(
        filters.model_dump(exclude_none=True), queryset=selectors.lead_list(user=request.user)
    )
    return selectors.funnel(filtered(filterset))


@router.get("/leads/{lead_id}", response=LeadDetailOut, summary="招商线索详情及跟进记录")
def get_lead(request: HttpRequest, lead_id: Path[int]) -> Lead:
    return selectors.lead_get(user=request.user, pk=lead_id)


@router.post("/leads", response={201: LeadOut}, summary="新增招商线索")
def create_lead(request: HttpRequest, payload: LeadIn) -> tuple[int, Lead]:
    user = scope.require_lead_keeper(request.user)
    data = payload.dict()
    chain = selectors.chains_for_leads(user=user).filter(pk=data.pop("chain_id")).first()
    if chain is None:
        raise DomainError("产业链不存在或不在您的管辖范围", fields={"chain_id": "无效"})
    node_id = data.pop("node_id")
    node = selectors.nodes_for(chain).filter(pk=node_id).first() if node_id else None
    if node_id and node is None:
        raise DomainError(f"环节不属于「{chain.name}」", fields={"node_id": str(node_id)})
    code = data.pop("region")
    region = selectors.counties_for_leads(user=user).filter(code=code).first()
    if region is None:
        raise DomainError(f"区县“{code}”不在您的管辖范围", fields={"region": code})
    lead = services.lead_create(
        actor=user, data={**data, "chain": chain, "node": node, "region": region}, reason="API"
    )
    return 201, lead


@router.post("/leads/{lead_id}/stage", response=LeadOut, summary="变更招商线索阶段")
def move_lead(request: HttpRequest, lead_id: Path[int], payload: StageIn) -> Lead:
    lead = selectors.lead_get(user=request.user, pk=lead_id)
    scope.require_lead_editor(request.user, lead)
    project = None
    if payload.project_code:
        project = (
            selectors.projects_to_link(user=request.user, lead=lead)
            .filter(code=payload.project_code)
            .first()
        )
        if project is None:
            raise DomainError(
                "项目不存在、不在该区县或已关联其他线索", fields={"project_code": "无效"}
            )
    return services.lead_move(
        actor=request.user,
        lead_id=lead.pk,
        stage=payload.stage,
        expected_version=stated_version(payload.version),
        reason=payload.reason,
        on=payload.on,
        project=project,
    )

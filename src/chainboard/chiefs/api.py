"""/api/chiefs: scoped reads of the 链长制, 攻关清单, 揭榜挂帅 calls, 创新联合体, work plans and
meetings; writes of 攻关清单 items and work-plan tasks by the chain's keepers.

Writes: an object outside the user's scope is 404 (not revealed), a visible chain the user does
not keep 403, a bad value 400, an update without ``version`` 400 and one that clashes with
another user's save 409 (``core.locking``: the other values and the version to re-send)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router, Schema, Status

from chainboard.accounts.scope import authenticated, require_chain_records_editor
from chainboard.chains.models import Chain
from chainboard.chiefs import forms, selectors, services
from chainboard.chiefs.models import Chokepoint
from chainboard.core.errors import NotFound
from chainboard.core.locking import stated_version
from chainboard.projects.models import Task

router = Router(tags=["chiefs 链长制与揭榜挂帅"])


class OrgMemberOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    title: str
    user: str | None
    uscc: str | None
    region: str | None
    duties: str
    contact: str
    phone: str


class ChokepointNodeOut(Schema):
    id: int
    name: str
    supply_verdict: str | None  # high / watch from the current supply-risk run, else null
    local_share: float | None
    top_supplier_share: float | None


class ChokepointOut(Schema):
    id: int
    version: int
    technology: str
    reason: str
    reason_label: str
    import_share: Decimal | None
    foreign_supplier: str
    domestic_state: str
    target: str
    target_year: int | None
    status: str
    result: str
    nodes: list[ChokepointNodeOut]
    needing_firms: list[str]  # USCCs of the firms the user sees
    calls: list[int]


class CallSummaryOut(Schema):
    id: int
    chain: int
    chokepoint: int
    title: str
    stage: str
    stage_label: str
    budget_wan_yuan: Decimal
    apply_by: dt.date | None
    winner: str | None
    team_lead: str


class ExpertReviewOut(Schema):
    expert: str
    score: Decimal | None
    conflict: bool


class CallApplicationOut(Schema):
    id: int
    applicant_kind: str
    applicant_name: str
    uscc: str | None
    team_lead: str
    budget_wan_yuan: Decimal
    status: str
    average_score: Decimal | None
    reviews: list[ExpertReviewOut]


class CallMilestoneOut(Schema):
    title: str
    due_on: dt.date
    payment_wan_yuan: Decimal
    done_on: dt.date | None


class CallOut(CallSummaryOut):
    version: int
    goal: str
    indicators: list[str]
    period_months: int
    eligibility: str
    acceptance: list[dict[str, object]]
    applications: list[
        CallApplicationOut
    ]  # every one for the chain's keepers, else the user's firms'
    milestones: list[CallMilestoneOut]


class ConsortiumMemberOut(Schema):
    kind: str
    name: str
    role: str


class ConsortiumOut(Schema):
    id: int
    name: str
    lead: str
    node: str | None
    chokepoint: int | None
    outputs: str
    members: list[ConsortiumMemberOut]


class ReportRowOut(Schema):
    chain: int
    name: str
    region: str
    items: int
    solved: int
    published: int
    awarded: int
    accepted: int
    budget_wan_yuan: Decimal
    awarded_wan_yuan: Decimal
    paid_wan_yuan: Decimal
    consortia: int


def _call(c: object) -> dict[str, object]:
    from chainboard.chiefs.models import Call

    assert isinstance(c, Call)
    return {
        "id": c.pk,
        "chain": c.chain_id,
        "chokepoint": c.chokepoint_id,
        "title": c.title,
        "stage": c.stage,
        "stage_label": c.get_stage_display(),
        "budget_wan_yuan": c.budget_wan_yuan,
        "apply_by": c.apply_by,
        "winner": c.winner.applicant_name if c.winner else None,
        "team_lead": c.team_lead,
    }


@router.get("/chains/{chain_id}/org", response=list[OrgMemberOut])
def org(request: HttpRequest, chain_id: int = Path(..., ge=1)) -> list[dict[str, object]]:
    """The chain's 链长制 members the user sees (a county user: the whole-chain members and its
    county's part)."""
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    return [
        {
            "id": m.pk,
            "kind": m.kind,
            "kind_label": m.get_kind_display(),
            "name": m.name,
            "title": m.title,
            "user": m.user.username if m.user else None,
            "uscc": m.enterprise.uscc if m.enterprise else None,
            "region": m.region_id,
            "duties": m.duties,
            "contact": m.contact,
            "phone": m.phone,
        }
        for m in selectors.org_members(user=request.user, chain=chain)
    ]


def _item(user: object, item: Chokepoint, risks: dict[int, object]) -> dict[str, object]:
    nodes = []
    for n in item.nodes.all():
        r: Any = risks.get(n.pk)
        nodes.append(
            {
                "id": n.pk,
                "name": n.name,
                "supply_verdict": r.verdict if r else None,
                "local_share": r.local_share if r else None,
                "top_supplier_share": r.top_supplier_share if r else None,
            }
        )
    return {
        "id": item.pk,
        "version": item.version,
        "technology": item.technology,
        "reason": item.reason,
        "reason_label": item.get_reason_display(),
        "import_share": item.import_share,
        "foreign_supplier": item.foreign_supplier,
        "domestic_state": item.domestic_state,
        "target": item.target,
        "target_year": item.target_year,
        "status": item.status,
        "result": item.result,
        "nodes": nodes,
        "needing_firms": [f.uscc for f in item.needing_firms.all()],
        "calls": [c.pk for c in item.calls.all()],
    }


@router.get("/chains/{chain_id}/chokepoints", response=list[ChokepointOut])
def chokepoints(request: HttpRequest, chain_id: int = Path(..., ge=1)) -> list[dict[str, object]]:
    """The chain's 关键核心技术攻关清单 with the supply-risk verdict of each segment."""
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    risks: dict[int, object] = dict(selectors.node_risks(user=request.user, chain=chain))
    return [
        _item(request.user, i, risks) for i in selectors.chokepoints(user=request.user, chain=chain)
    ]


class ChokepointIn(Schema):
    technology: str
    reason: str  # import / single_foreign / domestic_gap / performance
    reason_detail: str = ""
    import_share: Decimal | None = None  # 0–1
    foreign_supplier: str = ""
    domestic_state: str = ""
    target: str
    target_year: int | None = None
    nodes: list[int]  # segment ids of this chain
    needing_firms: list[str] = []  # 统一社会信用代码 of firms the user sees


class ChokepointPatch(Schema):
    version: int | None = None  # from GET …/chokepoints; required
    technology: str | None = None
    reason: str | None = None
    reason_detail: str | None = None
    import_share: Decimal | None = None
    foreign_supplier: str | None = None
    domestic_state: str | None = None
    target: str | None = None
    target_year: int | None = None
    nodes: list[int] | None = None
    needing_firms: list[str] | None = None


def _keeper_chain(request: HttpRequest, chain_id: int) -> tuple[Any, Chain]:
    """The chain (404 out of scope) and the user, who must keep it (403)."""
    user = authenticated(request.user)
    chain = selectors.chain_get(user=user, pk=chain_id)
    require_chain_records_editor(user, chain)
    return user, chain


def _item_refs(user: Any, nodes: list[int], firms: list[str]) -> tuple[Any, Any]:
    """Segments by id (the service refuses another chain's) and firms by USCC in scope."""
    return (
        forms.nodes_by_id([str(n) for n in nodes]),
        [f for code in firms if (f := forms.firm_by_uscc(user, code, "需求企业"))],
    )


@router.post("/chains/{chain_id}/chokepoints", response={201: ChokepointOut})
def chokepoint_create(
    request: HttpRequest, body: ChokepointIn, chain_id: int = Path(..., ge=1)
) -> Status:
    """Add an item to the chain's 攻关清单 (the chain's keepers)."""
    user, chain = _keeper_chain(request, chain_id)
    data = body.dict()
    nodes, firms = _item_refs(user, data.pop("nodes"), data.pop("needing_firms"))
    with transaction.atomic(durable=True):
        item = services.chokepoint_save(
            chain=chain, actor=user, data=data, nodes=nodes, needing_firms=firms
        )
    item = selectors.chokepoint_get(user=user, chain=chain, pk=item.pk)
    return Status(201, _item(user, item, {}))


@router.patch("/chains/{chain_id}/chokepoints/{item_id}", response=ChokepointOut)
def chokepoint_update(
    request: HttpRequest,
    body: ChokepointPatch,
    chain_id: int = Path(..., ge=1),
    item_id: int = Path(..., ge=1),
) -> dict[str, object]:
    """Change an item: send the ``version`` you read; fields others changed meanwhile are
    merged, a field both changed is 409 with their values."""
    user = authenticated(request.user)
    chain = selectors.chain_get(user=user, pk=chain_id)
    item = selectors.chokepoint_get(user=user, chain=chain, pk=item_id)
    require_chain_records_editor(user, chain)
    data = body.dict(exclude_unset=True)
    version = data.pop("version", None)
    nodes_ids = data.pop("nodes", None)
    usccs = data.pop("needing_firms", None)
    nodes, firms = _item_refs(
        user,
        nodes_ids if nodes_ids is not None else [n.pk for n in item.nodes.all()],
        usccs if usccs is not None else [],
    )
    if usccs is None:
        firms = list(Chokepoint.objects.get(pk=item.pk).needing_firms.all())
    with transaction.atomic(durable=True):
        services.chokepoint_save(
            chain=chain,
            actor=user,
            data=data,
            nodes=nodes,
            needing_firms=firms,
            chokepoint=item,
            expected_version=stated_version(version),
        )
    item = selectors.chokepoint_get(user=user, chain=chain, pk=item.pk)
    return _item(user, item, {})


@router.get("/calls", response=list[CallSummaryOut])
def calls(request: HttpRequest) -> list[dict[str, object]]:
    """揭榜挂帅 calls the user sees (drafts only for the chain's keepers)."""
    return [_call(c) for c in selectors.calls_visible(request.user).order_by("-pk")]


@router.get("/calls/{call_id}", response=CallOut)
def call(request: HttpRequest, call_id: int = Path(..., ge=1)) -> dict[str, object]:
    c = selectors.call_get(user=authenticated(request.user), pk=call_id)
    apps = [
        {
            "id": a.pk,
            "applicant_kind": a.applicant_kind,
            "applicant_name": a.applicant_name,
            "uscc": a.enterprise.uscc if a.enterprise else None,
            "team_lead": a.team_lead,
            "budget_wan_yuan": a.budget_wan_yuan,
            "status": a.status,
            "average_score": services.average_score(a),
            "reviews": [
                {"expert": r.expert, "score": r.score, "conflict": r.conflict}
                for r in a.reviews.all()
            ],
        }
        for a in selectors.applications(user=request.user, call=c)
    ]
    return _call(c) | {
        "version": c.version,
        "goal": c.goal,
        "indicators": c.indicators,
        "period_months": c.period_months,
        "eligibility": c.eligibility,
        "acceptance": c.acceptance,
        "applications": apps,
        "milestones": list(c.milestones.values("title", "due_on", "payment_wan_yuan", "done_on")),
    }


@router.get("/chains/{chain_id}/consortia", response=list[ConsortiumOut])
def consortia(request: HttpRequest, chain_id: int = Path(..., ge=1)) -> list[dict[str, object]]:
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    return [
        {
            "id": c.pk,
            "name": c.name,
            "lead": selectors.firm_label(request.user, c.lead, c.lead.name),
            "node": c.node.name if c.node else None,
            "chokepoint": c.chokepoint_id,
            "outputs": c.outputs,
            "members": [
                {
                    "kind": m.kind,
                    "name": selectors.firm_label(request.user, m.enterprise, m.name),
                    "role": m.role,
                }
                for m in c.members.all()
            ],
        }
        for c in selectors.consortia(user=request.user, chain=chain)
    ]


@router.get("/report", response=list[ReportRowOut])
def report(request: HttpRequest) -> list[dict[str, object]]:
    """Per chain the user sees: list items, calls published/awarded/accepted, funds 万元."""
    return [
        {
            "chain": r.chain.pk,
            "name": r.chain.name,
            "region": r.chain.region.name,
            "items": r.items,
            "solved": r.solved,
            "published": r.published,
            "awarded": r.awarded,
            "accepted": r.accepted,
            "budget_wan_yuan": r.budget_wan_yuan,
            "awarded_wan_yuan": r.awarded_wan_yuan,
            "paid_wan_yuan": r.paid_wan_yuan,
            "consortia": r.consortia,
        }
        for r in selectors.report(user=request.user).rows
    ]


# --- 链长工作计划 and 链长会议 ------------------------------------------------------------------


class PlanTaskOut(Schema):
    id: int
    version: int
    name: str
    owner_department: str
    due_on: dt.date
    percent_complete: int
    evidence: str
    overdue: bool
    decision: int | None  # the meeting decision it came from


class WorkPlanOut(Schema):
    id: int
    version: int
    year: int
    title: str
    goals: str
    tasks: list[PlanTaskOut]


class PlanTaskIn(Schema):
    name: str
    owner_department: str
    due_on: dt.date
    percent_complete: int = 0
    evidence: str = ""


class PlanTaskPatch(Schema):
    version: int | None = None  # from GET …/plans; required
    name: str | None = None
    owner_department: str | None = None
    due_on: dt.date | None = None
    percent_complete: int | None = None
    evidence: str | None = None


def _task(t: Task) -> dict[str, object]:
    decision = getattr(t, "decision", None)
    return {
        "id": t.pk,
        "version": t.version,
        "name": t.name,
        "owner_department": t.owner_department,
        "due_on": t.due_on,
        "percent_complete": t.percent_complete,
        "evidence": t.evidence,
        "overdue": t.is_overdue(timezone.localdate()),
        "decision": decision.pk if decision is not None else None,
    }


@router.get("/chains/{chain_id}/plans", response=list[WorkPlanOut])
def plans(request: HttpRequest, chain_id: int = Path(..., ge=1)) -> list[dict[str, object]]:
    """The chain's 链长 annual work plans, newest first, with their tasks."""
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    return [
        {
            "id": p.pk,
            "version": p.version,
            "year": p.year,
            "title": p.title,
            "goals": p.goals,
            "tasks": [_task(t) for t in selectors.plan_tasks(p)],
        }
        for p in selectors.work_plans(user=request.user, chain=chain)
    ]


@router.post("/chains/{chain_id}/plans/{year}/tasks", response={201: PlanTaskOut})
def plan_task_create(
    request: HttpRequest,
    body: PlanTaskIn,
    chain_id: int = Path(..., ge=1),
    year: int = Path(..., ge=2000, le=2100),
) -> Status:
    """Add a task to the chain's work plan of ``year`` (404 when the year has no plan)."""
    user, chain = _keeper_chain(request, chain_id)
    plan = selectors.work_plans(user=user, chain=chain).filter(year=year).first()
    if plan is None:
        raise NotFound(f"{chain.name}没有{year}年工作计划")
    with transaction.atomic(durable=True):
        task = services.plan_task_save(plan=plan, actor=user, data=body.dict())
    return Status(201, _task(task))


@router.patch("/chains/{chain_id}/plans/tasks/{task_id}", response=PlanTaskOut)
def plan_task_update(
    request: HttpRequest,
    body: PlanTaskPatch,
    chain_id: int = Path(..., ge=1),
    task_id: int = Path(..., ge=1),
) -> dict[str, object]:
    """Change a plan task (progress, evidence, owner, deadline) with the ``version`` read."""
    user = authenticated(request.user)
    chain = selectors.chain_get(user=user, pk=chain_id)
    plan, task = selectors.chain_task_get(user=user, chain=chain, pk=task_id)
    require_chain_records_editor(user, chain)
    data = body.dict(exclude_unset=True)
    version = data.pop("version", None)
    with transaction.atomic(durable=True):
        task = services.plan_task_save(
            plan=plan, actor=user, data=data, task=task, expected_version=stated_version(version)
        )
    return _task(task)

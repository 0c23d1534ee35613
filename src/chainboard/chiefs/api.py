"""/api/chiefs: scoped reads of the 链长制, 攻关清单, 揭榜挂帅 calls and 创新联合体."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Path, Router, Schema

from chainboard.accounts.scope import authenticated
from chainboard.chiefs import selectors, services

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


@router.get("/chains/{chain_id}/chokepoints", response=list[ChokepointOut])
def chokepoints(request: HttpRequest, chain_id: int = Path(..., ge=1)) -> list[dict[str, object]]:
    """The chain's 关键核心技术攻关清单 with the supply-risk verdict of each segment."""
    chain = selectors.chain_get(user=request.user, pk=chain_id)
    risks = selectors.node_risks(user=request.user, chain=chain)
    out = []
    for item in selectors.chokepoints(user=request.user, chain=chain):
        nodes = []
        for n in item.nodes.all():
            r = risks.get(n.pk)
            nodes.append(
                {
                    "id": n.pk,
                    "name": n.name,
                    "supply_verdict": r.verdict if r else None,
                    "local_share": r.local_share if r else None,
                    "top_supplier_share": r.top_supplier_share if r else None,
                }
            )
        out.append(
            {
                "id": item.pk,
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
        )
    return out


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

"""Reads of the 链长制, 攻关清单, 揭榜挂帅 and 创新联合体; every query starts from the scope
builders of ``accounts/scope.py`` (a county user sees the chain's county part, a firm user its
own applications)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from chainboard.accounts.models import User
from chainboard.accounts.scope import (
    application_q,
    call_q,
    chain_q,
    enterprise_q,
    enterprises_visible,
    org_member_q,
    region_or_above_q,
)
from chainboard.chains.briefs import BriefSection
from chainboard.chains.models import Chain, ChainNode
from chainboard.chiefs.models import (
    Application,
    Call,
    CallStage,
    Chokepoint,
    ChokepointStatus,
    Consortium,
    ConsortiumMember,
    Decision,
    Meeting,
    Milestone,
    OrgKind,
    OrgMember,
    WorkPlan,
)
from chainboard.core.errors import NotFound
from chainboard.enterprises.models import Enterprise
from chainboard.projects.models import Task
from chainboard.supply import selectors as supply_selectors
from chainboard.supply.models import SupplyNodeResult

AnyUser = User | AnonymousUser | None

#: Call stages counted as published / awarded (挂帅 or later) / accepted.
PUBLISHED_STAGES = (
    CallStage.PUBLISHED,
    CallStage.REVIEWING,
    CallStage.AWARDED,
    CallStage.ACCEPTED,
    CallStage.FAILED,
)
AWARDED_STAGES = (CallStage.AWARDED, CallStage.ACCEPTED, CallStage.FAILED)


def chains_visible(user: AnyUser) -> QuerySet[Chain]:
    return Chain.objects.filter(chain_q(user)).select_related("region")


def chain_get(*, user: AnyUser, pk: int) -> Chain:
    chain = chains_visible(user).filter(pk=pk).first()
    if chain is None:
        raise NotFound("产业链不存在或不在您的管辖范围")
    return chain


# --- 链长制 ----------------------------------------------------------------------------------


def org_members(*, user: AnyUser, chain: Chain) -> QuerySet[OrgMember]:
    return (
        OrgMember.objects.filter(org_member_q(user), chain=chain)
        .select_related("user", "enterprise", "region")
        .order_by("order", "pk")
    )


def org_member_get(*, user: AnyUser, chain: Chain, pk: int) -> OrgMember:
    member = org_members(user=user, chain=chain).filter(pk=pk).first()
    if member is None:
        raise NotFound("链长制成员不存在或不在您的管辖范围")
    return member


ORG_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("链长", (OrgKind.GENERAL_CHIEF, OrgKind.CHIEF)),
    ("链长办", (OrgKind.OFFICE, OrgKind.OFFICE_STAFF)),
    ("链主企业", (OrgKind.LEADER_FIRM,)),
    ("职能部门", (OrgKind.DEPARTMENT,)),
    ("行业组织", (OrgKind.ASSOCIATION, OrgKind.INSTITUTE, OrgKind.UNIVERSITY)),
]


def org_grouped(members: list[OrgMember]) -> list[tuple[str, list[OrgMember]]]:
    return [(title, [m for m in members if m.kind in kinds]) for title, kinds in ORG_GROUPS]


# --- 攻关清单 ---------------------------------------------------------------------------------


def chokepoints(*, user: AnyUser, chain: Chain) -> QuerySet[Chokepoint]:
    return (
        Chokepoint.objects.filter(chain=chain)
        .prefetch_related(
            Prefetch("nodes", queryset=ChainNode.objects.order_by("order")),
            Prefetch("needing_firms", queryset=enterprises_visible(user).order_by("name")),
            Prefetch("calls", queryset=Call.objects.filter(call_q(user)).order_by("-pk")),
        )
        .order_by("pk")
    )


def chokepoint_get(*, user: AnyUser, chain: Chain, pk: int) -> Chokepoint:
    item = chokepoints(user=user, chain=chain).filter(pk=pk).first()
    if item is None:
        raise NotFound("攻关清单条目不存在")
    return item


def node_risks(*, user: AnyUser, chain: Chain) -> dict[int, SupplyNodeResult]:
    """The chain's nodes flagged by the current supply-risk run (高风险/需关注), by node id."""
    run = supply_selectors.run_for_chain(user=user, chain=chain)
    if run is None:
        return {}
    return {
        r.node_id: r
        for r in supply_selectors.node_results(run=run, chain=chain)
        if r.verdict != "ok"
    }


# --- 揭榜挂帅 ---------------------------------------------------------------------------------


def calls_visible(user: AnyUser) -> QuerySet[Call]:
    return Call.objects.filter(call_q(user)).select_related("chain__region", "chokepoint", "winner")


def call_get(*, user: AnyUser, pk: int) -> Call:
    call = calls_visible(user).filter(pk=pk).first()
    if call is None:
        raise NotFound("榜单不存在或不在您的管辖范围")
    return call


def applications(*, user: AnyUser, call: Call) -> QuerySet[Application]:
    return (
        Application.objects.filter(application_q(user), call=call)
        .select_related("enterprise")
        .prefetch_related("reviews")
        .order_by("pk")
    )


def application_get(*, user: AnyUser, call: Call, pk: int) -> Application:
    application = applications(user=user, call=call).filter(pk=pk).first()
    if application is None:
        raise NotFound("揭榜申请不存在或不在您的管辖范围")
    return application


def own_applications(user: AnyUser) -> QuerySet[Application]:
    """The applications of the firms the user sees (a firm user: its own)."""
    return (
        Application.objects.filter(
            application_q(user), Q(enterprise__isnull=False), enterprise_q(user, "enterprise__")
        )
        .select_related("call__chain")
        .order_by("-pk")
    )


# --- 创新联合体 --------------------------------------------------------------------------------


def consortia(*, user: AnyUser, chain: Chain) -> QuerySet[Consortium]:
    return (
        Consortium.objects.filter(chain=chain)
        .select_related("lead", "node", "chokepoint")
        .prefetch_related(Prefetch("members", queryset=ConsortiumMember.objects.order_by("pk")))
        .order_by("name")
    )


def consortium_get(*, user: AnyUser, chain: Chain, pk: int) -> Consortium:
    c = consortia(user=user, chain=chain).filter(pk=pk).first()
    if c is None:
        raise NotFound("创新联合体不存在")
    return c


def firm_label(user: AnyUser, enterprise: Enterprise | None, name: str) -> str:
    """A firm's name if the user sees it, else a neutral label (the lead firm of a consortium
    in another county)."""
    if enterprise is None:
        return name
    if enterprises_visible(user).filter(pk=enterprise.pk).exists():
        return enterprise.name
    return "（辖区外企业）"


# --- 链长工作计划 and 链长会议 ----------------------------------------------------------------
# Plans and meetings are the chain's (city level): whoever sees the chain reads them.


def plan_content_type() -> Any:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(WorkPlan)


def work_plans(*, user: AnyUser, chain: Chain) -> QuerySet[WorkPlan]:
    return WorkPlan.objects.filter(chain_q(user, "chain__"), chain=chain).order_by("-year")


def work_plan_get(*, user: AnyUser, chain: Chain, pk: int) -> WorkPlan:
    plan = work_plans(user=user, chain=chain).select_related("chain__region").filter(pk=pk).first()
    if plan is None:
        raise NotFound("工作计划不存在")
    return plan


def plan_tasks(plan: WorkPlan) -> QuerySet[Task]:
    return (
        Task.objects.filter(source_type=plan_content_type(), source_id=plan.pk)
        .select_related("decision__meeting")
        .order_by("due_on", "pk")
    )


def plan_task_get(*, plan: WorkPlan, pk: int) -> Task:
    task = plan_tasks(plan).filter(pk=pk).first()
    if task is None:
        raise NotFound("任务不存在")
    return task


def chain_task_get(*, user: AnyUser, chain: Chain, pk: int) -> tuple[WorkPlan, Task]:
    """A task of one of the chain's work plans, with its plan."""
    plans = {p.pk: p for p in work_plans(user=user, chain=chain).select_related("chain__region")}
    task = Task.objects.filter(
        source_type=plan_content_type(), source_id__in=list(plans), pk=pk
    ).first()
    if task is None or task.source_id is None:
        raise NotFound("任务不存在")
    return plans[task.source_id], task


@dataclass
class PlanProgress:
    tasks: int = 0
    done: int = 0
    overdue: int = 0
    average: float = 0.0


def plan_progress(tasks: list[Task]) -> PlanProgress:
    today = timezone.localdate()
    out = PlanProgress(tasks=len(tasks))
    out.done = sum(t.percent_complete >= 100 for t in tasks)
    out.overdue = sum(t.is_overdue(today) for t in tasks)
    out.average = sum(t.percent_complete for t in tasks) / len(tasks) if tasks else 0.0
    return out


def meetings(*, user: AnyUser, chain: Chain) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(chain_q(user, "chain__"), chain=chain)
        .prefetch_related("attendees", "officials")
        .order_by("-held_on", "-pk")
    )


def meeting_get(*, user: AnyUser, chain: Chain, pk: int) -> Meeting:
    meeting = meetings(user=user, chain=chain).select_related("chain__region").filter(pk=pk).first()
    if meeting is None:
        raise NotFound("会议不存在")
    return meeting


def decisions(meeting: Meeting) -> list[Decision]:
    return list(meeting.decisions.select_related("task").order_by("pk"))


def decision_get(*, meeting: Meeting, pk: int) -> Decision:
    d = meeting.decisions.filter(pk=pk).first()
    if d is None:
        raise NotFound("会议决定不存在")
    return d


# --- reports ---------------------------------------------------------------------------------


@dataclass
class ReportRow:
    chain: Chain
    items: int = 0
    solved: int = 0
    published: int = 0
    awarded: int = 0
    accepted: int = 0
    budget_wan_yuan: Decimal = Decimal(0)
    awarded_wan_yuan: Decimal = Decimal(0)
    paid_wan_yuan: Decimal = Decimal(0)
    consortia: int = 0


@dataclass
class Report:
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def total(self) -> ReportRow:
        t = ReportRow(chain=Chain(name="合计"))
        for r in self.rows:
            for name in (
                "items",
                "solved",
                "published",
                "awarded",
                "accepted",
                "budget_wan_yuan",
                "awarded_wan_yuan",
                "paid_wan_yuan",
                "consortia",
            ):
                setattr(t, name, getattr(t, name) + getattr(r, name))
        return t


def report(*, user: AnyUser, chain: Chain | None = None) -> Report:
    """Per chain (the chains the user sees) and in total: list items (solved), calls published,
    awarded and accepted, the budget of published calls, awarded budget and paid 万元."""
    chains = chains_visible(user).order_by("region_id", "name")
    if chain is not None:
        chains = chains.filter(pk=chain.pk)
    rows = {c.pk: ReportRow(chain=c) for c in chains}
    for c in Chokepoint.objects.filter(chain_id__in=rows).values("chain_id", "status"):
        rows[c["chain_id"]].items += 1
        rows[c["chain_id"]].solved += c["status"] == ChokepointStatus.SOLVED
    calls = Call.objects.filter(call_q(user), chain_id__in=rows)
    for call in calls.values("chain_id", "stage", "budget_wan_yuan"):
        r = rows[call["chain_id"]]
        if call["stage"] in PUBLISHED_STAGES:
            r.published += 1
            r.budget_wan_yuan += call["budget_wan_yuan"]
        if call["stage"] in AWARDED_STAGES:
            r.awarded += 1
            r.awarded_wan_yuan += call["budget_wan_yuan"]
        r.accepted += call["stage"] == CallStage.ACCEPTED
    paid = (
        Milestone.objects.filter(call__in=calls, done_on__isnull=False)
        .values("call__chain_id")
        .annotate(s=Sum("payment_wan_yuan"))
    )
    for p in paid:
        rows[p["call__chain_id"]].paid_wan_yuan += p["s"] or 0
    for chain_id, n in Counter(
        Consortium.objects.filter(chain_id__in=rows).values_list("chain_id", flat=True)
    ).items():
        rows[chain_id].consortia = n
    return Report(rows=list(rows.values()))


# --- the 链长 brief ----------------------------------------------------------------------------


def overdue_tasks(*, user: AnyUser, chain: Chain) -> QuerySet[Task]:
    """Open tasks past their due date: those of the chain's work plans, and (older data) tasks
    named after the chain (its name in the task or its programme) that the user sees."""
    today = timezone.localdate()
    plans = list(WorkPlan.objects.filter(chain=chain).values_list("pk", flat=True))
    of_plans = Q(source_type=plan_content_type(), source_id__in=plans)
    named = region_or_above_q(user) & (
        Q(name__contains=chain.name) | Q(programme__contains=chain.name)
    )
    return Task.objects.filter(
        of_plans | named, due_on__lt=today, percent_complete__lt=100
    ).order_by("due_on", "pk")


def last_meeting(*, user: AnyUser, chain: Chain) -> Meeting | None:
    """The chain's latest meeting held (today or before)."""
    return (
        meetings(user=user, chain=chain)
        .filter(held_on__lte=timezone.localdate())
        .order_by("-held_on", "-pk")
        .first()
    )


def open_decisions(meeting: Meeting) -> list[Decision]:
    """The meeting's decisions not yet done: no task yet, or its task below 100%."""
    return [d for d in decisions(meeting) if d.task is None or d.task.percent_complete < 100]


def brief_sections(user: Any, chain: Chain) -> list[BriefSection]:
    """The chiefs part of the chain's one-page brief: 攻关清单, 揭榜挂帅 calls, overdue tasks
    (of the work plans), the last meeting's open decisions."""
    risks = node_risks(user=user, chain=chain)
    items = BriefSection(
        "关键核心技术攻关清单（卡脖子）",
        ["技术", "环节", "原因", "国内现状", "目标", "状态"],
    )
    for item in chokepoints(user=user, chain=chain):
        nodes = "、".join(
            n.name + (f"（供应{risks[n.pk].get_verdict_display()}）" if n.pk in risks else "")
            for n in item.nodes.all()
        )
        items.rows.append(
            [
                item.technology,
                nodes,
                item.get_reason_display(),
                item.domestic_state[:40],
                item.target[:40],
                item.get_status_display(),
            ]
        )
    calls = BriefSection("揭榜挂帅", ["榜单", "阶段", "金额", "揭榜单位", "挂帅", "已拨付"])
    for call in calls_visible(user).filter(chain=chain).prefetch_related("milestones"):
        paid = sum((m.payment_wan_yuan for m in call.milestones.all() if m.done_on), Decimal(0))
        calls.rows.append(
            [
                call.title,
                call.get_stage_display(),
                f"{call.budget_wan_yuan:,.0f} 万元",
                call.winner.applicant_name if call.winner else "—",
                call.team_lead or "—",
                f"{paid:,.0f} 万元",
            ]
        )
    tasks = BriefSection("逾期任务", ["任务", "责任单位", "完成时限", "进度"])
    overdue = overdue_tasks(user=user, chain=chain)
    for t in overdue[:10]:
        tasks.rows.append([t.name, t.owner_department, t.due_on, f"{t.percent_complete}%"])
    if (n := overdue.count()) > 10:
        tasks.note = f"共 {n} 项逾期，另 {n - 10} 项见工作计划页面。"
    sections = [items, calls, tasks]
    meeting = last_meeting(user=user, chain=chain)
    if meeting is not None:
        title = (
            f"上次{meeting.get_kind_display()}（{meeting.held_on}「{meeting.title}」）未落实的决定"
        )
        open_ = BriefSection(title, ["决定事项", "责任单位", "完成时限", "进度"])
        for d in open_decisions(meeting):
            dt_ = d.task
            open_.rows.append(
                [
                    d.text,
                    dt_.owner_department if dt_ else d.owner_department or "—",
                    (dt_.due_on if dt_ else d.due_on) or "—",
                    f"{dt_.percent_complete}%" if dt_ else "未列入工作计划",
                ]
            )
        sections.append(open_)
    return sections

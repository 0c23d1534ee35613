"""Writes of the 链长制 organisation, 攻关清单, 揭榜挂帅 calls and 创新联合体.

Every function is keyword-only, takes ``actor`` (``None`` = the server operator: the demo, the
CLI), checks the rule in ``accounts/scope.py``, validates (``full_clean``; a bad value is a
``DomainError`` with the Chinese message, nothing written) and saves with the actor and a reason
in the history. Each stage transition of a call is one function; an illegal one is refused with
the call's stage named (400).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from chainboard.accounts.models import User
from chainboard.accounts.scope import (
    application_q,
    firm_users,
    require_application_recorder,
    require_chain_records_editor,
)
from chainboard.chains.models import Chain, ChainNode
from chainboard.chiefs.models import (
    ApplicantKind,
    Application,
    ApplicationStatus,
    Call,
    CallStage,
    Chokepoint,
    ChokepointStatus,
    Consortium,
    ConsortiumMember,
    Decision,
    Meeting,
    MidtermCheck,
    Milestone,
    OrgKind,
    OrgMember,
    Review,
    WorkPlan,
)
from chainboard.core.errors import DomainError
from chainboard.core.formatting import format_wan_yuan
from chainboard.core.history import set_history
from chainboard.core.locking import Versioned, lock, merge_edit, save_edit
from chainboard.enterprises.models import Enterprise
from chainboard.notifications.models import NotificationKind
from chainboard.notifications.services import Message, notify
from chainboard.projects.models import Task

M = TypeVar("M", bound=models.Model)

ORG_FIELDS = ("kind", "name", "title", "user", "enterprise", "region", "duties", "contact", "phone")
CHOKEPOINT_FIELDS = (
    "technology",
    "reason",
    "reason_detail",
    "import_share",
    "foreign_supplier",
    "domestic_state",
    "target",
    "target_year",
)
CALL_FIELDS = (
    "title",
    "goal",
    "indicators",
    "budget_wan_yuan",
    "period_months",
    "eligibility",
    "apply_by",
)


def _validate(obj: models.Model, exclude: Sequence[str] = ()) -> None:
    """Model rules and named constraints; a failure is a ``DomainError`` naming the fields."""
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        fields = (
            {k: "；".join(v) for k, v in exc.message_dict.items()}
            if hasattr(exc, "error_dict")
            else {}
        )
        labels = {f.name: str(f.verbose_name) for f in obj._meta.fields}
        text = [f"{labels[k]}：{v}" if k in labels else v for k, v in fields.items()]
        raise DomainError("；".join(text or exc.messages), fields=fields) from exc


def _save(obj: M, actor: User | None, reason: str, exclude: Sequence[str] = ()) -> M:
    """Validate (model rules, named constraints) and save with ``actor`` and ``reason``; a
    whole-row save of an edited ``Versioned`` row (a stage step) bumps its stored version, so an
    editor who opened the row before is merged against it (``core.locking``)."""
    _validate(obj, exclude)
    if isinstance(obj, Versioned) and obj.pk is not None and not obj._state.adding:
        stored = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True)
        obj.version = (stored.first() or 0) + 1
    set_history(obj, actor, reason)
    obj.save()
    return obj


def _typed(model: type[models.Model], data: Mapping[str, Any]) -> dict[str, Any]:
    """Form/API values as the model stores them ("0.9" → Decimal), so an unchanged value is
    not counted as an edit by the merge."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        field = model._meta.get_field(name)
        try:
            out[name] = field.to_python(value)  # type: ignore[union-attr]
        except ValidationError as exc:
            label = str(getattr(field, "verbose_name", name))
            raise DomainError(
                f"{label}：{'；'.join(exc.messages)}", fields={name: "格式不正确"}
            ) from exc
    return out


def _edit(
    obj: Any,
    data: Mapping[str, Any],
    expected_version: int | None,
    label: str,
    *,
    actor: User | None,
    reason: str,
    force: bool = False,
) -> set[str]:
    """Merge ``data`` into the locked ``obj`` against ``expected_version`` (``core.locking``),
    validate, save only the changed columns (``force``: bump the version even if none)."""
    changed = merge_edit(obj, _typed(type(obj), data), expected_version, label)
    if changed or force:
        _validate(obj)
        save_edit(obj, changed, actor=actor, reason=reason)
    return changed


def _editor(actor: User | None, chain: Chain) -> None:
    if actor is not None:
        require_chain_records_editor(actor, chain)


def _money(value: Any, label: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except Exception as exc:
        raise DomainError(f"{label}不是数字：{value}", fields={label: "不是数字"}) from exc
    if not amount.is_finite():
        raise DomainError(f"{label}不是数字：{value}", fields={label: "不是数字"})
    if amount < 0:
        raise DomainError(f"{label}不能为负数：{value}", fields={label: "不能为负数"})
    return amount


def _stage(call: Call, allowed: Sequence[str], action: str) -> None:
    if call.stage not in allowed:
        raise DomainError(
            f"榜单「{call.title}」处于“{call.get_stage_display()}”阶段，不能{action}",
            fields={"stage": call.stage},
        )


# --- 链长制 organisation ------------------------------------------------------------------------


@transaction.atomic
def org_member_save(
    *,
    chain: Chain,
    actor: User | None,
    data: Mapping[str, Any],
    member: OrgMember | None = None,
) -> OrgMember:
    """Add (``member=None``) or change a member of the chain's 链长制."""
    _editor(actor, chain)
    if member is not None and member.chain_id != chain.pk:
        raise DomainError("该成员不属于这条产业链")
    member = member or OrgMember(chain=chain)
    for name in ORG_FIELDS:
        if name in data:
            setattr(member, name, data[name])
    if member.kind == OrgKind.LEADER_FIRM and member.enterprise is not None and not member.name:
        member.name = member.enterprise.name
    if member.region is not None and not member.region.path.startswith(chain.region.path):
        raise DomainError(
            f"{member.region.name}不在{chain.region.name}内", fields={"region": "越界"}
        )
    reason = "新增链长制成员" if member.pk is None else "修改链长制成员"
    return _save(member, actor, reason)


@transaction.atomic
def org_member_delete(*, member: OrgMember, actor: User | None) -> None:
    _editor(actor, member.chain)
    set_history(member, actor, "删除链长制成员")
    member.delete()


# --- 攻关清单 ----------------------------------------------------------------------------------


def _chain_nodes(chain: Chain, nodes: Sequence[ChainNode]) -> list[ChainNode]:
    if not nodes:
        raise DomainError("请选择至少一个涉及环节", fields={"nodes": "必填"})
    for node in nodes:
        if node.chain_id != chain.pk:
            raise DomainError(
                f"所选环节（编号 {node.pk}）不属于{chain.name}", fields={"nodes": "不属于该产业链"}
            )
    return list(nodes)


@transaction.atomic
def chokepoint_save(
    *,
    chain: Chain,
    actor: User | None,
    data: Mapping[str, Any],
    nodes: Sequence[ChainNode],
    needing_firms: Sequence[Enterprise] = (),
    chokepoint: Chokepoint | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Chokepoint:
    """Add or change an item of the chain's 关键核心技术攻关清单 (segments of this chain only).

    A change names the version the editor read (``expected_version``; forms and the API pass
    ``posted_version``/``stated_version``, ``None`` only for server paths): fields someone else
    changed meanwhile are merged, a field both changed is an ``EditConflict`` (nothing written).
    Segments and firms are replaced only when they differ (no empty history rows)."""
    _editor(actor, chain)
    if chokepoint is not None and chokepoint.chain_id != chain.pk:
        raise DomainError("该清单条目不属于这条产业链")
    nodes = _chain_nodes(chain, nodes)
    values = {name: data[name] for name in CHOKEPOINT_FIELDS if name in data}
    if chokepoint is None:
        item = Chokepoint(chain=chain, **_typed(Chokepoint, values))
        _save(item, actor, reason or "新增攻关清单条目")
        item.nodes.set(nodes)
        item.needing_firms.set(needing_firms)
        return item
    item = lock(Chokepoint, chokepoint.pk)
    new_nodes = {n.pk for n in nodes} != set(item.nodes.values_list("pk", flat=True))
    new_firms = {f.pk for f in needing_firms} != set(
        item.needing_firms.values_list("pk", flat=True)
    )
    _edit(
        item,
        values,
        expected_version,
        f"攻关清单条目「{item.technology}」",
        actor=actor,
        reason=reason or "修改攻关清单条目",
        force=new_nodes or new_firms,
    )
    if new_nodes:
        set_history(item, actor, reason or "修改攻关清单条目")
        item.nodes.set(nodes)
    if new_firms:
        set_history(item, actor, reason or "修改攻关清单条目")
        item.needing_firms.set(needing_firms)
    return item


# --- 揭榜挂帅 ----------------------------------------------------------------------------------


def _indicators(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    items = [str(v).strip() for v in value or [] if str(v).strip()]
    if not items:
        raise DomainError("请填写至少一项考核指标（每行一项）", fields={"indicators": "必填"})
    return items


@transaction.atomic
def call_save(
    *,
    chokepoint: Chokepoint,
    actor: User | None,
    data: Mapping[str, Any],
    call: Call | None = None,
    expected_version: int | None = None,
) -> Call:
    """Draft a 榜单 from a list item, or change a draft (a published call is not edited); a
    change names the version the editor read (merged, or ``EditConflict``)."""
    chain = chokepoint.chain
    _editor(actor, chain)
    values = {name: data[name] for name in CALL_FIELDS if name in data}
    if "indicators" in values:
        values["indicators"] = _indicators(values["indicators"])
    if "budget_wan_yuan" in values:
        values["budget_wan_yuan"] = _money(values["budget_wan_yuan"], "榜单金额")
    if call is None:
        new = Call(chain=chain, chokepoint=chokepoint, **_typed(Call, values))
        new.indicators = _indicators(new.indicators)
        return _save(new, actor, "编制榜单")
    call = lock(Call, call.pk)
    _stage(call, [CallStage.DRAFT], "修改（已发布的榜单不能修改）")
    _edit(call, values, expected_version, f"榜单「{call.title}」", actor=actor, reason="修改榜单")
    return call


@transaction.atomic
def call_publish(*, call: Call, actor: User | None, on: dt.date | None = None) -> Call:
    """草稿 → 已发布: 揭榜 opens; the list item becomes 已发榜."""
    _editor(actor, call.chain)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _stage(call, [CallStage.DRAFT], "发布")
    today = on or timezone.localdate()
    if call.budget_wan_yuan <= 0:
        raise DomainError("榜单金额须大于 0 才能发布", fields={"budget_wan_yuan": "须大于 0"})
    if call.apply_by is not None and call.apply_by < today:
        raise DomainError(
            f"揭榜截止日期 {call.apply_by} 已过，请先修改", fields={"apply_by": "已过"}
        )
    call.stage, call.published_on = CallStage.PUBLISHED, today
    _save(call, actor, "发布榜单")
    item = call.chokepoint
    if item.status == ChokepointStatus.OPEN:
        item.status = ChokepointStatus.CALLED
        _save(item, actor, f"榜单「{call.title}」发布")
    return call


@transaction.atomic
def application_submit(
    *,
    call: Call,
    actor: User | None,
    applicant_kind: str,
    enterprise: Enterprise | None,
    applicant_name: str = "",
    team_lead: str,
    team: str,
    plan: str,
    budget_wan_yuan: Any,
    on: dt.date | None = None,
) -> Application:
    """揭榜: a firm's own user in its firm's name; the chain's keepers record a university's or an
    institute's (or a firm's paper) application. Only a published call before its deadline."""
    if actor is not None:
        require_application_recorder(actor, call.chain, enterprise)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _stage(call, [CallStage.PUBLISHED], "揭榜（只能揭已发布、未截止的榜单）")
    today = on or timezone.localdate()
    if call.apply_by is not None and today > call.apply_by:
        raise DomainError(f"揭榜已于 {call.apply_by} 截止")
    if applicant_kind == ApplicantKind.FIRM and enterprise is None:
        raise DomainError("企业揭榜须选择企业", fields={"enterprise": "必填"})
    budget = _money(budget_wan_yuan, "申请经费")
    if budget > call.budget_wan_yuan:
        raise DomainError(
            f"申请经费 {budget} 万元超过榜单金额 {call.budget_wan_yuan} 万元",
            fields={"budget_wan_yuan": "超过榜单金额"},
        )
    name = enterprise.name if enterprise is not None else applicant_name.strip()
    application = Application(
        call=call,
        applicant_kind=applicant_kind,
        enterprise=enterprise,
        applicant_name=name,
        team_lead=team_lead.strip(),
        team=team.strip(),
        plan=plan.strip(),
        budget_wan_yuan=budget,
        submitted_by=actor,
    )
    return _save(application, actor, "揭榜")


@transaction.atomic
def call_close(*, call: Call, actor: User | None) -> Call:
    """已发布 → 专家评审: 揭榜 closes (at least one application)."""
    _editor(actor, call.chain)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _stage(call, [CallStage.PUBLISHED], "截止揭榜、进入评审")
    if not call.applications.exists():
        raise DomainError("还没有单位揭榜，不能进入评审")
    call.stage = CallStage.REVIEWING
    return _save(call, actor, "截止揭榜，进入专家评审")


@transaction.atomic
def review_record(
    *,
    application: Application,
    actor: User | None,
    expert: str,
    score: Any,
    conflict: bool,
    conflict_note: str = "",
    comment: str = "",
) -> Review:
    """Record one expert's score (0–100) and conflict-of-interest declaration; an expert with a
    conflict abstains (no score, not counted)."""
    call = Call.objects.select_for_update().get(pk=application.call_id)
    _editor(actor, call.chain)
    _stage(call, [CallStage.REVIEWING], "录入专家评审")
    if not expert.strip():
        raise DomainError("请填写评审专家", fields={"expert": "必填"})
    value: Decimal | None = None
    if conflict:
        if score not in (None, ""):
            raise DomainError("存在利益冲突的专家须回避，不能评分", fields={"score": "须回避"})
        if not conflict_note.strip():
            raise DomainError("请说明利益冲突的情况", fields={"conflict_note": "必填"})
    else:
        if score in (None, ""):
            raise DomainError("请填写评分（0–100）", fields={"score": "必填"})
        value = _money(score, "评分")
    review = Review(
        application=application,
        expert=expert.strip(),
        score=value,
        conflict=conflict,
        conflict_note=conflict_note.strip(),
        comment=comment.strip(),
        recorded_by=actor,
    )
    return _save(review, actor, "录入专家评审")


def average_score(application: Application) -> Decimal | None:
    scores = [r.score for r in application.reviews.all() if not r.conflict and r.score is not None]
    return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None


@transaction.atomic
def call_award(
    *, call: Call, application: Application, actor: User | None, team_lead: str = ""
) -> Call:
    """专家评审 → 已挂帅: the chosen application (scored by at least one expert without a
    conflict) wins, its team lead 挂帅; the others are 未入选; the list item is 攻关中."""
    _editor(actor, call.chain)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _stage(call, [CallStage.REVIEWING], "确定揭榜挂帅单位")
    if application.call_id != call.pk:
        raise DomainError("该申请不属于这项榜单")
    if average_score(application) is None:
        raise DomainError(f"{application.applicant_name} 还没有有效的专家评分，不能挂帅")
    for other in call.applications.exclude(pk=application.pk):
        other.status = ApplicationStatus.NOT_SELECTED
        _save(other, actor, "未入选")
    application.status = ApplicationStatus.AWARDED
    _save(application, actor, "挂帅")
    call.winner = application
    call.team_lead = team_lead.strip() or application.team_lead
    call.awarded_on = timezone.localdate()
    call.stage = CallStage.AWARDED
    _save(call, actor, f"确定挂帅：{application.applicant_name}（{call.team_lead}）")
    item = call.chokepoint
    item.status = ChokepointStatus.IN_PROGRESS
    _save(item, actor, f"榜单「{call.title}」挂帅")
    _tell(
        application,
        NotificationKind.REVIEWED,
        f"揭榜挂帅评审结果：「{call.title}」入选挂帅",
        f"挂帅：{call.team_lead}；请按合同节点推进攻关。",
    )
    for other in call.applications.exclude(pk=application.pk):
        _tell(other, NotificationKind.REVIEWED, f"揭榜挂帅评审结果：「{call.title}」未入选")
    return call


@transaction.atomic
def milestone_add(
    *,
    call: Call,
    actor: User | None,
    title: str,
    due_on: dt.date,
    payment_wan_yuan: Any,
) -> Milestone:
    """A contract milestone with its payment; all payments stay within the call's budget."""
    _editor(actor, call.chain)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _stage(call, [CallStage.AWARDED], "添加合同节点")
    payment = _money(payment_wan_yuan, "拨付金额")
    planned = sum((m.payment_wan_yuan for m in call.milestones.all()), Decimal(0))
    if planned + payment > call.budget_wan_yuan:
        raise DomainError(
            f"各节点拨付合计 {planned + payment} 万元超过榜单金额 {call.budget_wan_yuan} 万元",
            fields={"payment_wan_yuan": "超过榜单金额"},
        )
    milestone = Milestone(call=call, title=title.strip(), due_on=due_on, payment_wan_yuan=payment)
    milestone = _save(milestone, actor, "添加合同节点")
    _tell(
        call.winner,
        NotificationKind.CALL_STAGE,
        f"揭榜挂帅「{call.title}」新增合同节点：{milestone.title}",
        f"完成时限 {milestone.due_on:%Y-%m-%d}，拨付 {format_wan_yuan(milestone.payment_wan_yuan)}",
    )
    return milestone


@transaction.atomic
def milestone_done(
    *, milestone: Milestone, actor: User | None, on: dt.date | None = None
) -> Milestone:
    call = Call.objects.select_for_update().get(pk=milestone.call_id)
    _editor(actor, call.chain)
    _stage(call, [CallStage.AWARDED], "确认节点完成并拨付")
    if milestone.done_on is not None:
        raise DomainError(f"节点「{milestone.title}」已于 {milestone.done_on} 完成并拨付")
    milestone.done_on = on or timezone.localdate()
    milestone = _save(milestone, actor, "节点完成并拨付")
    _tell(
        call.winner,
        NotificationKind.CALL_STAGE,
        f"揭榜挂帅「{call.title}」合同节点已完成并拨付：{milestone.title}",
        f"{milestone.done_on:%Y-%m-%d} 确认，拨付 {format_wan_yuan(milestone.payment_wan_yuan)}",
    )
    return milestone


@transaction.atomic
def midterm_check_record(
    *,
    call: Call,
    actor: User | None,
    checked_on: dt.date,
    conclusion: str,
    note: str = "",
) -> MidtermCheck:
    _editor(actor, call.chain)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _stage(call, [CallStage.AWARDED], "中期检查")
    check = MidtermCheck(call=call, checked_on=checked_on, conclusion=conclusion, note=note)
    check = _save(check, actor, "中期检查")
    _tell(
        call.winner,
        NotificationKind.CALL_STAGE,
        f"揭榜挂帅「{call.title}」中期检查：{check.get_conclusion_display()}",
        f"检查日期 {check.checked_on:%Y-%m-%d}",
    )
    return check


@transaction.atomic
def call_accept(
    *,
    call: Call,
    actor: User | None,
    achieved: Mapping[str, bool],
    note: str = "",
    on: dt.date | None = None,
) -> Call:
    """已挂帅 → 已验收 (every indicator met) or 验收未通过: checked indicator by indicator after
    a 中期检查; the result goes back to the list item (已突破 / 待攻关)."""
    _editor(actor, call.chain)
    call = Call.objects.select_for_update().get(pk=call.pk)
    _stage(call, [CallStage.AWARDED], "验收")
    if not call.midterm_checks.exists():
        raise DomainError("验收前须完成中期检查")
    missing = [i for i in call.indicators if i not in achieved]
    if missing:
        raise DomainError("请逐项填写考核指标的验收结果：" + "、".join(missing))
    call.acceptance = [{"indicator": i, "achieved": bool(achieved[i])} for i in call.indicators]
    passed = all(achieved[i] for i in call.indicators)
    call.stage = CallStage.ACCEPTED if passed else CallStage.FAILED
    call.accepted_on = on or timezone.localdate()
    call.acceptance_note = note.strip()
    _save(call, actor, "验收通过" if passed else "验收未通过")
    item = call.chokepoint
    met = sum(1 for a in call.acceptance if a["achieved"])
    if passed:
        item.status = ChokepointStatus.SOLVED
        item.result = (
            f"{call.accepted_on} 揭榜挂帅「{call.title}」验收通过（{call.winner.applicant_name if call.winner else ''}，"
            f"挂帅 {call.team_lead}；指标 {met}/{len(call.acceptance)} 达成）。{call.acceptance_note}"
        )
    else:
        item.status = ChokepointStatus.OPEN
        item.result = (
            f"{call.accepted_on} 揭榜挂帅「{call.title}」验收未通过（指标 {met}/"
            f"{len(call.acceptance)} 达成），重新列入待攻关。{call.acceptance_note}"
        )
    _save(item, actor, f"榜单「{call.title}」验收结果回填")
    _tell(
        call.winner,
        NotificationKind.CALL_STAGE,
        f"揭榜挂帅「{call.title}」{'验收通过' if passed else '验收未通过'}",
        f"考核指标 {met}/{len(call.acceptance)} 项达成。{call.acceptance_note}",
    )
    return call


# --- notifications (站内通知) -------------------------------------------------------------------


def _applicant_users(application: Application | None) -> list[User]:
    """The active users of a firm applicant who may open the call's page and see the
    application (a university's or an institute's application has no platform users)."""
    if application is None or application.enterprise_id is None:
        return []
    return [
        u
        for u in firm_users(application.enterprise_id)
        if Application.objects.filter(application_q(u), pk=application.pk).exists()
    ]


def _tell(application: Application | None, kind: str, title: str, body: str = "") -> None:
    """One notification per user of the applicant firm, linking to the call's page."""
    users = _applicant_users(application)
    if application is None or not users:
        return
    link = reverse("chiefs:call", args=[application.call_id])
    notify(users=users, message=Message(kind, title, body, link))


# --- 创新联合体 --------------------------------------------------------------------------------


@transaction.atomic
def consortium_save(
    *,
    chain: Chain,
    actor: User | None,
    name: str,
    lead: Enterprise,
    node: ChainNode | None = None,
    chokepoint: Chokepoint | None = None,
    founded_on: dt.date | None = None,
    outputs: str = "",
    consortium: Consortium | None = None,
) -> Consortium:
    _editor(actor, chain)
    if node is not None and node.chain_id != chain.pk:
        raise DomainError(
            f"所选环节（编号 {node.pk}）不属于{chain.name}", fields={"node": "不属于该产业链"}
        )
    if chokepoint is not None and chokepoint.chain_id != chain.pk:
        raise DomainError("该攻关清单条目不属于这条产业链", fields={"chokepoint": "不属于该产业链"})
    if node is None and chokepoint is None:
        raise DomainError("请选择聚焦的环节或攻关清单条目", fields={"node": "必填"})
    c = consortium or Consortium(chain=chain)
    c.name, c.lead, c.node, c.chokepoint = name.strip(), lead, node, chokepoint
    c.founded_on, c.outputs = founded_on, outputs.strip()
    _save(c, actor, "组建创新联合体" if c.pk is None else "修改创新联合体")
    if not c.members.filter(enterprise=lead).exists():
        consortium_member_add(
            consortium=c,
            actor=actor,
            kind=ApplicantKind.FIRM,
            name=lead.name,
            enterprise=lead,
            role="牵头单位",
        )
    return c


@transaction.atomic
def consortium_member_add(
    *,
    consortium: Consortium,
    actor: User | None,
    kind: str,
    name: str,
    role: str = "",
    enterprise: Enterprise | None = None,
) -> ConsortiumMember:
    _editor(actor, consortium.chain)
    member = ConsortiumMember(
        consortium=consortium,
        kind=kind,
        name=(enterprise.name if enterprise is not None else name).strip(),
        enterprise=enterprise,
        role=role.strip(),
    )
    return _save(member, actor, "加入创新联合体")


# --- 链长工作计划 and 链长会议 ------------------------------------------------------------------

TASK_FIELDS = ("name", "owner_department", "due_on", "percent_complete", "evidence")
MEETING_FIELDS = ("kind", "held_on", "title", "place", "chaired_by", "agenda", "other_attendees")
DECISION_FIELDS = ("text", "owner_department", "due_on")


@transaction.atomic
def work_plan_save(
    *,
    chain: Chain,
    actor: User | None,
    data: Mapping[str, Any],
    plan: WorkPlan | None = None,
    expected_version: int | None = None,
) -> WorkPlan:
    """Create the chain's work plan of a year (``title``, ``goals``; one per year) or change it
    (``expected_version``: merged, or ``EditConflict``)."""
    _editor(actor, chain)
    if plan is None:
        year = data.get("year")
        if not isinstance(year, int):
            raise DomainError("请填写年度", fields={"year": "必填"})
        new = WorkPlan(
            chain=chain,
            year=year,
            title=str(data.get("title") or f"{chain.name}{year}年链长工作计划").strip(),
            goals=str(data.get("goals") or "").strip(),
        )
        return _save(new, actor, "制定工作计划")
    if plan.chain_id != chain.pk:
        raise DomainError("该工作计划不属于这条产业链")
    plan = lock(WorkPlan, plan.pk)
    values = {k: str(data[k]).strip() for k in ("title", "goals") if k in data}
    _edit(
        plan,
        values,
        expected_version,
        f"工作计划「{plan.title}」",
        actor=actor,
        reason="修改工作计划",
    )
    return plan


def _task_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: data[k] for k in TASK_FIELDS if k in data}
    for k in ("name", "owner_department", "evidence"):
        if k in values:
            values[k] = str(values[k] or "").strip()
    if "name" in values and not values["name"]:
        raise DomainError("请填写任务", fields={"name": "必填"})
    if "owner_department" in values and not values["owner_department"]:
        raise DomainError("请填写责任单位", fields={"owner_department": "必填"})
    if "percent_complete" in values:
        p = values["percent_complete"]
        if p is None or p == "":
            values["percent_complete"] = 0
        elif isinstance(p, bool) or not str(p).isdigit() or not 0 <= int(p) <= 100:
            raise DomainError(
                f"完成进度应为 0–100 的整数：{p}", fields={"percent_complete": "0–100"}
            )
        else:
            values["percent_complete"] = int(p)
    return values


def _plan_of(task: Task) -> WorkPlan | None:
    from django.contrib.contenttypes.models import ContentType

    if (
        task.source_id is None
        or task.source_type_id != ContentType.objects.get_for_model(WorkPlan).pk
    ):
        return None
    return WorkPlan.objects.select_related("chain__region").filter(pk=task.source_id).first()


@transaction.atomic
def plan_task_save(
    *,
    plan: WorkPlan,
    actor: User | None,
    data: Mapping[str, Any],
    task: Task | None = None,
    expected_version: int | None = None,
    reason: str = "",
) -> Task:
    """Add a task to the work plan (a ``projects.Task`` whose ``source`` is the plan, in the
    chain's region, programme 「<链名><年>年工作计划」) or change one: name, owner, deadline,
    progress 0–100 and evidence. A change is merged against ``expected_version``."""
    _editor(actor, plan.chain)
    values = _task_values(data)
    if task is None:
        for k in ("name", "owner_department", "due_on"):
            if not values.get(k):
                label = str(getattr(Task._meta.get_field(k), "verbose_name", k))
                raise DomainError(f"请填写{label}", fields={k: "必填"})
        new = Task(
            programme=plan.programme,
            region=plan.chain.region,
            source=plan,
            **_typed(Task, values),
        )
        return _save(new, actor, reason or f"列入{plan.programme}")
    owner = _plan_of(task)
    if owner is None or owner.pk != plan.pk:
        raise DomainError("该任务不属于这项工作计划")
    task = lock(Task, task.pk)
    _edit(
        task,
        values,
        expected_version,
        f"任务「{task.name}」",
        actor=actor,
        reason=reason or "修改工作计划任务",
    )
    return task


def _meeting_people(
    chain: Chain, attendees: Sequence[User], officials: Sequence[OrgMember]
) -> tuple[list[User], list[OrgMember]]:
    for m in officials:
        if m.chain_id != chain.pk:
            raise DomainError(
                f"{m.name} 不是{chain.name}的链长制成员", fields={"officials": "不属于该产业链"}
            )
    return list(attendees), list(officials)


@transaction.atomic
def meeting_save(
    *,
    chain: Chain,
    actor: User | None,
    data: Mapping[str, Any],
    attendees: Sequence[User] = (),
    officials: Sequence[OrgMember] = (),
    meeting: Meeting | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Record a 链长会议 / 专题会 (date, kind, title, agenda, who attended: platform users, named
    members of the chain's 链长制, others as text) or change one (merged against
    ``expected_version``; the attendee lists are replaced when they differ)."""
    _editor(actor, chain)
    attendees, officials = _meeting_people(chain, attendees, officials)
    values = {k: data[k] for k in MEETING_FIELDS if k in data}
    for k in ("title", "place", "chaired_by", "agenda", "other_attendees"):
        if k in values:
            values[k] = str(values[k] or "").strip()
    if meeting is None:
        new = Meeting(chain=chain, **_typed(Meeting, values))
        _save(new, actor, "记录链长会议")
        if attendees:
            new.attendees.set(attendees)
        if officials:
            new.officials.set(officials)
        return new
    if meeting.chain_id != chain.pk:
        raise DomainError("该会议不属于这条产业链")
    meeting = lock(Meeting, meeting.pk)
    new_users = {u.pk for u in attendees} != set(meeting.attendees.values_list("pk", flat=True))
    new_officials = {m.pk for m in officials} != set(meeting.officials.values_list("pk", flat=True))
    _edit(
        meeting,
        values,
        expected_version,
        f"会议「{meeting.title}」",
        actor=actor,
        reason="修改会议记录",
        force=new_users or new_officials,
    )
    if new_users:
        set_history(meeting, actor, "修改参会人员")
        meeting.attendees.set(attendees)
    if new_officials:
        set_history(meeting, actor, "修改参会人员")
        meeting.officials.set(officials)
    return meeting


@transaction.atomic
def decision_save(
    *,
    meeting: Meeting,
    actor: User | None,
    data: Mapping[str, Any],
    decision: Decision | None = None,
    expected_version: int | None = None,
) -> Decision:
    """Add a decision 会议决定 to the meeting (text, owner, deadline) or change one."""
    _editor(actor, meeting.chain)
    values = {k: data[k] for k in DECISION_FIELDS if k in data}
    for k in ("text", "owner_department"):
        if k in values:
            values[k] = str(values[k] or "").strip()
    if decision is None:
        if not values.get("text"):
            raise DomainError("请填写决定事项", fields={"text": "必填"})
        return _save(Decision(meeting=meeting, **_typed(Decision, values)), actor, "记录会议决定")
    if decision.meeting_id != meeting.pk:
        raise DomainError("该决定不属于这次会议")
    decision = lock(Decision, decision.pk)
    _edit(decision, values, expected_version, "会议决定", actor=actor, reason="修改会议决定")
    return decision


@transaction.atomic
def decision_to_task(
    *,
    decision: Decision,
    actor: User | None,
    owner_department: str = "",
    due_on: dt.date | None = None,
    name: str = "",
) -> Task:
    """One step: the decision becomes a task of the chain's work plan of the meeting's year
    (the plan is created if that year has none), with its owner and deadline (the decision's
    own unless given; it may fall in a later year); the decision keeps the link and shows the
    task's progress."""
    meeting = decision.meeting
    chain = meeting.chain
    _editor(actor, chain)
    decision = lock(Decision, decision.pk)
    if decision.task_id is not None:
        raise DomainError("该决定已列入工作计划", fields={"task": "已列入"})
    owner = (owner_department or decision.owner_department).strip()
    due = due_on or decision.due_on
    if not owner:
        raise DomainError("请填写责任单位", fields={"owner_department": "必填"})
    if due is None:
        raise DomainError("请填写完成时限", fields={"due_on": "必填"})
    year = meeting.held_on.year
    plan = WorkPlan.objects.filter(chain=chain, year=year).first()
    if plan is None:
        plan = work_plan_save(chain=chain, actor=actor, data={"year": year})
    text = (name or decision.text).strip()
    task = plan_task_save(
        plan=plan,
        actor=actor,
        data={
            "name": text[:300],
            "owner_department": owner[:100],
            "due_on": due,
            "percent_complete": 0,
        },
        reason=f"{meeting.get_kind_display()}「{meeting.title}」决定",
    )
    decision.task = task
    decision.owner_department, decision.due_on = owner, due
    _save(decision, actor, "决定列入工作计划")
    return task

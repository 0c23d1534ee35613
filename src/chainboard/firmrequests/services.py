"""Every write of 政企直通车 (docs/services.md): raise, route, accept, transfer, answer, send
back, confirm, rate; the periodic reminders and escalations; routing rules and departments.

Each function takes ``actor`` (None only for the periodic job), checks it through
``accounts.scope``, validates (``DomainError`` 400 with a Chinese message; nothing written),
saves with a history row (who, why) and appends a :class:`RequestStep`. Notifications go to
the department's contacts (or the county's officers), the firm's users, and on escalation the
county's then the city's officers.

Deadlines are calendar days and inclusive: a request due on D is overdue from D+1 (Asia/Shanghai
local date). Overdue open requests (待受理, 办理中) are escalated to the county on the first
overdue day and to the city ``CHAINBOARD_REQUEST_CITY_AFTER_DAYS`` days after the deadline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chainboard.accounts.scope import (
    firm_users,
    request_officers,
    require_request_firm,
    require_request_handler,
    require_request_raiser,
    require_routing_editor,
)
from chainboard.chains.models import EnterpriseNode
from chainboard.core.errors import DomainError
from chainboard.core.history import set_history
from chainboard.core.locking import lock
from chainboard.enterprises.models import Enterprise
from chainboard.firmrequests.models import (
    MAX_TEXT,
    MAX_TITLE,
    OPEN_STATUSES,
    Category,
    Department,
    FirmRequest,
    Level,
    RequestAttachment,
    RequestStep,
    RoutingRule,
    Status,
    StepKind,
    Urgency,
)
from chainboard.geo.models import Region
from chainboard.imports.attachments import Upload, attachments_check
from chainboard.notifications.models import NotificationKind
from chainboard.notifications.services import Message, notify

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def local_today(now: datetime | None = None) -> date:
    return timezone.localtime(now).date() if now is not None else timezone.localdate()


def _text(value: str | None, label: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{label}", fields={field: "必填"})
    if len(value) > limit:
        raise DomainError(
            f"{label}不能超过 {limit} 字（现有 {len(value)} 字）",
            fields={field: f"{len(value)} 字"},
        )
    if _CONTROL.search(value):
        raise DomainError(f"{label}含有控制字符", fields={field: "含控制字符"})
    return value


def _choice(value: str | None, choices: Any, label: str, field: str) -> str:
    if value not in choices.values:
        allowed = "、".join(str(lbl) for lbl in choices.labels)
        raise DomainError(
            f"未知的{label}“{value or ''}”，可选：{allowed}", fields={field: str(value or "")}
        )
    return str(value)


def _link(req: FirmRequest) -> str:
    return reverse("firmrequests:detail", args=[req.pk])


def _step(
    req: FirmRequest,
    kind: str,
    actor: Any,
    at: datetime,
    *,
    department: Department | None = None,
    note: str = "",
) -> RequestStep:
    return RequestStep.objects.create(
        request=req, kind=kind, actor=actor, at=at, department=department, note=note
    )


def _handlers(req: FirmRequest) -> Iterable[Any]:
    """Who handles ``req`` now: its department's contacts, else the county's officers."""
    if req.department_id is not None:
        contacts = list(req.department.contacts.all())  # type: ignore[union-attr]
        if contacts:
            return contacts
    return request_officers(req.region)


def _label(req: FirmRequest) -> str:
    return f"{req.enterprise.name}·{req.get_category_display()}：{req.title}"


# --- routing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    department: Department | None
    days: int
    rule: RoutingRule | None


def route_for(category: str, region: Region) -> Route:
    """The rule of ``category`` for the firm's county (or the nearest region above it with one),
    else the default rule (no region); without any, no department and the default deadline."""
    rules = {
        r.region_id: r
        for r in RoutingRule.objects.filter(category=category).select_related("department")
    }
    node: Region | None = region
    while node is not None:
        if node.pk in rules:
            rule = rules[node.pk]
            return Route(rule.department, rule.deadline_days, rule)
        node = node.parent
    if None in rules:
        rule = rules[None]
        return Route(rule.department, rule.deadline_days, rule)
    return Route(None, settings.CHAINBOARD_REQUEST_DEFAULT_DAYS, None)


def _chain_of(enterprise: Enterprise) -> int | None:
    link = (
        EnterpriseNode.objects.filter(enterprise=enterprise)
        .exclude(state="rejected")
        .order_by("-confidence", "pk")
        .values_list("node__chain_id", flat=True)
        .first()
    )
    return link


# --- the flow --------------------------------------------------------------------------------


@transaction.atomic
def request_raise(
    *,
    actor: Any,
    enterprise: Enterprise,
    category: str,
    title: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    files: Sequence[Upload] = (),
    now: datetime | None = None,
) -> FirmRequest:
    """A firm's 诉求 (or an officer's on its behalf), routed at once by the rules."""
    user = require_request_raiser(actor, enterprise)
    category = _choice(category, Category, "诉求类别", "category")
    urgency = _choice(urgency or Urgency.NORMAL, Urgency, "紧急程度", "urgency")
    title = _text(title, "标题", "title", MAX_TITLE)
    description = _text(description, "诉求内容", "description", MAX_TEXT)
    checked = attachments_check(files)
    now = now or timezone.now()
    route = route_for(category, enterprise.region)
    req = FirmRequest(
        enterprise=enterprise,
        region=enterprise.region,
        chain_id=_chain_of(enterprise),
        category=category,
        title=title,
        description=description,
        urgency=urgency,
        raised_by=user,
        on_behalf=user.scope_enterprise_id != enterprise.pk,
        department=route.department,
        due_on=local_today(now) + timedelta(days=route.days),
    )
    req.full_clean()
    set_history(req, user, "代企业提交诉求" if req.on_behalf else "提交诉求")
    req.save()
    FirmRequest.objects.filter(pk=req.pk).update(created_at=now)
    req.created_at = now
    for c in checked:
        attachment = RequestAttachment(
            request=req, name=c.name, kind=c.kind, size=c.upload.size, sha256=c.sha256
        )
        c.upload.file.seek(0)
        attachment.file.save(f"x.{c.kind}", File(c.upload.file), save=False)
        attachment.save()
    _step(req, StepKind.RAISED, user, now, note="代企业提交" if req.on_behalf else "")
    if route.department is not None:
        note = f"按分办规则（{route.rule}）分办，时限 {route.days} 天，至 {req.due_on:%Y-%m-%d}"
    else:
        note = f"无匹配的分办规则，待县区指定承办部门；时限 {route.days} 天"
    _step(req, StepKind.ROUTED, None, now, department=route.department, note=note)
    notify(
        users=_handlers(req),
        message=Message(
            NotificationKind.ASSIGNED,
            f"新诉求待受理：{_label(req)}",
            f"办理期限 {req.due_on:%Y-%m-%d}",
            _link(req),
        ),
    )
    return req


def _locked(req: FirmRequest) -> FirmRequest:
    return lock(FirmRequest.objects.select_related("enterprise", "region", "department"), req.pk)


@transaction.atomic
def request_accept(*, actor: Any, request: FirmRequest, now: datetime | None = None) -> FirmRequest:
    """受理: 待受理 → 办理中 (a request without a department must be transferred first)."""
    user = require_request_handler(actor, request)
    req = _locked(request)
    if req.status != Status.SUBMITTED:
        raise DomainError(f"只有待受理的诉求可以受理（该诉求{req.get_status_display()}）")
    if req.department_id is None:
        raise DomainError("该诉求尚无承办部门，请先转办到承办部门")
    now = now or timezone.now()
    req.status = Status.ACCEPTED
    req.accepted_at = now
    req.full_clean()
    set_history(req, user, "受理")
    req.save()
    _step(req, StepKind.ACCEPTED, user, now, department=req.department)
    return req


@transaction.atomic
def request_transfer(
    *,
    actor: Any,
    request: FirmRequest,
    department: Department,
    note: str,
    now: datetime | None = None,
) -> FirmRequest:
    """转办 to another department of the firm's county or a region above it (back to 待受理,
    the deadline stays)."""
    user = require_request_handler(actor, request)
    req = _locked(request)
    if req.status not in OPEN_STATUSES:
        raise DomainError(f"诉求{req.get_status_display()}，不能转办")
    if not req.region.path.startswith(department.region.path):
        raise DomainError(
            f"{department} 不是该企业所在地或上级的部门", fields={"department": str(department.pk)}
        )
    if department.pk == req.department_id:
        raise DomainError("转办部门与当前承办部门相同", fields={"department": str(department.pk)})
    reason = _text(note, "转办说明", "note", 500)
    now = now or timezone.now()
    req.department = department
    req.status = Status.SUBMITTED
    req.accepted_at = None
    req.full_clean()
    set_history(req, user, f"转办至{department}")
    req.save()
    _step(req, StepKind.TRANSFERRED, user, now, department=department, note=reason)
    notify(
        users=_handlers(req),
        message=Message(
            NotificationKind.ASSIGNED,
            f"转办诉求待受理：{_label(req)}",
            f"{reason}；办理期限 {req.due_on:%Y-%m-%d}",
            _link(req),
        ),
    )
    return req


@transaction.atomic
def request_answer(
    *, actor: Any, request: FirmRequest, answer: str, now: datetime | None = None
) -> FirmRequest:
    """答复: 办理中 → 已答复; the firm is told and confirms or sends it back."""
    user = require_request_handler(actor, request)
    req = _locked(request)
    if req.status != Status.ACCEPTED:
        raise DomainError(f"只有办理中的诉求可以答复（该诉求{req.get_status_display()}），请先受理")
    text = _text(answer, "答复意见", "answer", MAX_TEXT)
    now = now or timezone.now()
    req.status = Status.ANSWERED
    req.answer = text
    req.answered_at = now
    req.full_clean()
    set_history(req, user, "答复")
    req.save()
    _step(req, StepKind.ANSWERED, user, now, department=req.department, note=text)
    notify(
        users=firm_users(req.enterprise_id),
        message=Message(
            NotificationKind.ANSWERED,
            f"诉求已答复：{req.title}",
            f"{req.department}：{text[:200]}",
            _link(req),
        ),
    )
    return req


@transaction.atomic
def request_confirm(
    *, actor: Any, request: FirmRequest, now: datetime | None = None
) -> FirmRequest:
    """The firm confirms the answer: 已答复 → 已办结."""
    user = require_request_firm(actor, request)
    req = _locked(request)
    if req.status != Status.ANSWERED:
        raise DomainError(f"只有已答复的诉求可以确认办结（该诉求{req.get_status_display()}）")
    now = now or timezone.now()
    req.status = Status.CLOSED
    req.closed_at = now
    req.full_clean()
    set_history(req, user, "企业确认办结")
    req.save()
    _step(req, StepKind.CLOSED, user, now)
    notify(
        users=_handlers(req),
        message=Message(NotificationKind.CLOSED, f"企业已确认办结：{_label(req)}", "", _link(req)),
    )
    return req


@transaction.atomic
def request_reopen(
    *, actor: Any, request: FirmRequest, note: str, now: datetime | None = None
) -> FirmRequest:
    """The firm is not satisfied with the answer: 已答复 → 办理中 with its reason."""
    user = require_request_firm(actor, request)
    req = _locked(request)
    if req.status != Status.ANSWERED:
        raise DomainError(f"只有已答复的诉求可以退回重办（该诉求{req.get_status_display()}）")
    reason = _text(note, "退回理由", "note", 500)
    now = now or timezone.now()
    req.status = Status.ACCEPTED
    req.answered_at = None
    req.answer = ""
    req.full_clean()
    set_history(req, user, "企业退回重办")
    req.save()
    _step(req, StepKind.REOPENED, user, now, department=req.department, note=reason)
    notify(
        users=_handlers(req),
        message=Message(
            NotificationKind.ASSIGNED, f"企业退回重办：{_label(req)}", reason, _link(req)
        ),
    )
    return req


@transaction.atomic
def request_rate(
    *,
    actor: Any,
    request: FirmRequest,
    rating: Any,
    comment: str = "",
    now: datetime | None = None,
) -> FirmRequest:
    """The firm rates a closed request's answer, 1–5, once."""
    user = require_request_firm(actor, request)
    req = _locked(request)
    if req.status != Status.CLOSED:
        raise DomainError("办结后才能评价")
    if req.rating is not None:
        raise DomainError(f"该诉求已评价（{req.rating} 分）")
    try:
        value = int(str(rating).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 5 or str(rating).strip() != str(value):
        raise DomainError(
            f"满意度评分须为 1–5 的整数，收到“{rating}”", fields={"rating": str(rating)}
        )
    text = (comment or "").strip()
    if text:
        text = _text(text, "评价意见", "comment", 200)
    now = now or timezone.now()
    req.rating = value
    req.rating_comment = text
    req.full_clean()
    set_history(req, user, f"评价 {value} 分")
    req.save()
    _step(req, StepKind.RATED, user, now, note=f"{value} 分" + (f"：{text}" if text else ""))
    return req


# --- the periodic job: reminders and escalations ------------------------------------------------


@dataclass
class SweepReport:
    reminded: int = 0
    escalated_county: int = 0
    escalated_city: int = 0


def requests_sweep(*, now: datetime | None = None) -> SweepReport:
    """Remind the day before and on the deadline; escalate overdue open requests (the county on
    the first overdue day, the city ``CHAINBOARD_REQUEST_CITY_AFTER_DAYS`` after the deadline).
    Idempotent: a second run the same day changes nothing."""
    now = now or timezone.now()
    today = local_today(now)
    report = SweepReport()
    city_after = settings.CHAINBOARD_REQUEST_CITY_AFTER_DAYS
    open_qs = FirmRequest.objects.filter(status__in=OPEN_STATUSES, due_on__isnull=False)
    due_soon = open_qs.filter(due_on__in=[today, today + timedelta(days=1)]).exclude(
        reminded_on=today
    )
    for pk in due_soon.values_list("pk", flat=True):
        with transaction.atomic():
            req = _locked(FirmRequest(pk=pk))
            if req.status not in OPEN_STATUSES or req.reminded_on == today:
                continue
            assert req.due_on is not None
            when = "今天" if req.due_on == today else "明天"
            req.reminded_on = today
            set_history(req, None, "到期提醒")
            req.save(update_fields=["reminded_on", "updated_at"])
            _step(
                req,
                StepKind.REMINDED,
                None,
                now,
                department=req.department,
                note=f"办理期限 {req.due_on:%Y-%m-%d}（{when}到期）",
            )
            notify(
                users=_handlers(req),
                message=Message(
                    NotificationKind.REMINDER,
                    f"诉求{when}到期：{_label(req)}",
                    f"办理期限 {req.due_on:%Y-%m-%d}",
                    _link(req),
                ),
            )
            report.reminded += 1
    overdue = open_qs.filter(due_on__lt=today)
    targets = [
        (Level.COUNTY, overdue.filter(escalation_level=Level.NONE)),
        (
            Level.CITY,
            overdue.filter(
                escalation_level__lte=Level.COUNTY, due_on__lt=today - timedelta(days=city_after)
            ),
        ),
    ]
    for level, qs in targets:
        for pk in list(qs.values_list("pk", flat=True)):
            with transaction.atomic():
                req = _locked(FirmRequest(pk=pk))
                if req.status not in OPEN_STATUSES or req.escalation_level >= level:
                    continue
                _escalate(req, Level(level), now, today)
                if level == Level.COUNTY:
                    report.escalated_county += 1
                else:
                    report.escalated_city += 1
    return report


def _escalate(req: FirmRequest, level: Level, now: datetime, today: date) -> None:
    assert req.due_on is not None
    days = (today - req.due_on).days
    target = req.region
    if level == Level.CITY and req.region.parent is not None:
        target = req.region.parent
    to = request_officers(target)
    where = target.name
    req.escalation_level = level
    set_history(req, None, f"逾期升级至{where}")
    req.save(update_fields=["escalation_level", "updated_at"])
    note = f"逾期 {days} 天（期限 {req.due_on:%Y-%m-%d}），升级至{where}督办"
    _step(req, StepKind.ESCALATED, None, now, department=req.department, note=note)
    recipients = [*to, *_handlers(req)]
    notify(
        users=recipients,
        message=Message(
            NotificationKind.ESCALATED, f"诉求逾期升级：{_label(req)}", note, _link(req)
        ),
    )


# --- routing rules and departments --------------------------------------------------------------


@transaction.atomic
def department_create(*, actor: Any, region: Region, name: str) -> Department:
    user = require_routing_editor(actor)
    dept = Department(region=region, name=_text(name, "部门名称", "name", 60))
    dept.full_clean()
    set_history(dept, user, "新增部门")
    dept.save()
    return dept


@transaction.atomic
def routing_rule_save(
    *,
    actor: Any,
    category: str,
    region: Region | None,
    department: Department,
    deadline_days: Any,
) -> RoutingRule:
    """Create or change the rule of (category, region): department and deadline days."""
    user = require_routing_editor(actor)
    category = _choice(category, Category, "诉求类别", "category")
    try:
        days = int(str(deadline_days).strip())
    except ValueError:
        days = 0
    if not 1 <= days <= 90:
        raise DomainError(
            f"办理时限须为 1–90 天，收到“{deadline_days}”",
            fields={"deadline_days": str(deadline_days)},
        )
    if region is not None and not region.path.startswith(department.region.path):
        raise DomainError(
            f"{department} 不是{region.name}或其上级的部门", fields={"department": "不符"}
        )
    rule = RoutingRule.objects.filter(category=category, region=region).first()
    if rule is None:
        rule = RoutingRule(category=category, region=region)
        reason = "新增分办规则"
    else:
        reason = "修改分办规则"
    rule.department = department
    rule.deadline_days = days
    rule.full_clean(validate_constraints=False)
    set_history(rule, user, reason)
    rule.save()
    return rule

"""Demo step: a year of 政企直通车 for the sample city — the departments of the city and of
each county, routing rules per category, and about 360 requests from the registry's firms with
their steps: most answered, closed and rated, some still open, some overdue and escalated to the
county or the city. Idempotent: does nothing when requests exist.

Written with ``bulk_create`` (the demo's bulk path; history rows "示例数据" for the requests).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from chainboard.accounts.models import User
from chainboard.chains.models import EnterpriseNode
from chainboard.enterprises.models import Enterprise
from chainboard.firmrequests.models import (
    Category,
    Department,
    FirmRequest,
    Level,
    RequestStep,
    RoutingRule,
    Status,
    StepKind,
    Urgency,
)
from chainboard.geo.models import Region

CITY = "130500"
SEED = 20260317
N_REQUESTS = 360

#: category → (department, deadline days, share of requests)
DEPARTMENTS = {
    Category.LAND: ("自然资源和规划局", 15, 0.16),
    Category.FINANCE: ("地方金融服务中心", 10, 0.18),
    Category.LABOUR: ("人力资源和社会保障局", 7, 0.14),
    Category.APPROVAL: ("行政审批局", 5, 0.14),
    Category.ENERGY: ("生态环境分局", 10, 0.12),
    Category.TECH: ("科学技术局", 15, 0.09),
    Category.MARKET: ("商务局", 10, 0.10),
    Category.OTHER: ("工业和信息化局", 10, 0.07),
}
TITLES = {
    Category.LAND: ["二期厂房新增用地指标", "标准化厂房租赁", "土地证办理", "用地规划调整"],
    Category.FINANCE: ["流动资金贷款", "技改项目贴息", "应收账款融资", "续贷过桥资金"],
    Category.LABOUR: ["招工难（熟练焊工）", "职业技能培训补贴", "外地员工子女入学", "用工社保补贴"],
    Category.APPROVAL: ["环评与能评并联审批", "施工许可加快办理", "消防验收", "排污许可变更"],
    Category.ENERGY: ["用能指标不足", "错峰生产安排", "光伏并网", "VOCs 治理技术路线"],
    Category.TECH: ["对接高校研发团队", "高企认定辅导", "检测设备共享", "专利申请支持"],
    Category.MARKET: ["参加广交会展位补贴", "对接链主企业采购", "出口退税加快", "政府采购目录"],
    Category.OTHER: ["厂区周边道路维修", "企业班车线路", "天然气供应保障", "网络专线接入"],
}
ANSWERS = [
    "已协调相关科室，按政策办理，请企业准备材料后到窗口办理。",
    "已纳入年度计划，预计下月落实。",
    "经研究符合条件，已报送上级部门，将及时反馈进展。",
    "已组织专题对接会，相关单位已与企业对接。",
]


def demo_step(*, stdout: Any) -> None:
    if FirmRequest.objects.exists():
        return
    city = Region.objects.filter(pk=CITY).first()
    firms = list(
        Enterprise.objects.filter(region__path__contains=f"{CITY}/")
        .order_by("pk")
        .values_list("pk", "region_id")
    )
    if city is None or not firms:
        return
    started = time.perf_counter()
    with transaction.atomic():
        counts = _load(city, firms, np.random.default_rng(SEED))
    stdout.write(
        f"firmrequests: 职能部门 {counts['departments']} 个，分办规则 {counts['rules']} 条，"
        f"诉求 {counts['requests']} 件（未办结 {counts['open']}，逾期 {counts['overdue']}，"
        f"升级 {counts['escalated']}），办理步骤 {counts['steps']} 条（示例数据，"
        f"{time.perf_counter() - started:.1f} 秒）\n"
    )


def _load(
    city: Region, firms: list[tuple[int, str]], rng: np.random.Generator, n: int = N_REQUESTS
) -> dict[str, int]:
    """Departments and rules (once), then ``n`` requests with their steps."""
    counties = sorted({region for _, region in firms})
    regions = Region.objects.in_bulk([CITY, *counties])
    depts: dict[tuple[str, str], Department] = {}
    for code in [CITY, *counties]:
        for cat, (name, _, _) in DEPARTMENTS.items():
            depts[code, cat] = Department.objects.get_or_create(region=regions[code], name=name)[0]
    staff = {
        u.scope_region_id: u
        for u in User.objects.filter(role="region_staff", scope_region_id__in=counties)
    }
    for (code, _), dept in depts.items():
        if code in staff:
            dept.contacts.add(staff[code])
    rules = [
        RoutingRule(category=cat, region_id=code, department=depts[code, cat], deadline_days=days)
        for code in counties
        for cat, (_, days, _) in DEPARTMENTS.items()
    ] + [
        RoutingRule(category=cat, region=None, department=depts[CITY, cat], deadline_days=days)
        for cat, (_, days, _) in DEPARTMENTS.items()
    ]
    if not RoutingRule.objects.exists():
        bulk_create_with_history(rules, RoutingRule, default_change_reason="示例数据")

    chain_of: dict[int, int] = {}
    for ent, chain in (
        EnterpriseNode.objects.exclude(state="rejected")
        .order_by("enterprise_id", "-confidence", "pk")
        .values_list("enterprise_id", "node__chain_id")
    ):
        chain_of.setdefault(ent, chain)

    now = timezone.now()
    today = timezone.localdate()
    city_after = settings.CHAINBOARD_REQUEST_CITY_AFTER_DAYS
    cats = list(DEPARTMENTS)
    shares = np.array([DEPARTMENTS[c][2] for c in cats])
    # a third of the firms raise most requests: recurring problems
    frequent = rng.choice(len(firms), size=max(len(firms) // 3, 1), replace=False)
    requests: list[FirmRequest] = []
    plans: list[dict[str, Any]] = []
    for i in range(n):
        ent, county = firms[
            int(rng.choice(frequent) if rng.random() < 0.7 else rng.integers(len(firms)))
        ]
        cat = cats[int(rng.choice(len(cats), p=shares / shares.sum()))]
        age = int(rng.integers(0, 365))
        created = now - dt.timedelta(days=age, hours=int(rng.integers(0, 9)))
        _, days, _ = DEPARTMENTS[cat]
        due = timezone.localtime(created).date() + dt.timedelta(days=days)
        dept = depts[county, cat]
        # the outcome: old requests are mostly done; a few stay open past their deadline
        roll = rng.random()
        handling = float(rng.gamma(2.0, days / 3))
        if age < 5 or (roll < 0.06 and age > days):
            outcome = "open"
        elif age < handling + 2:
            outcome = "accepted" if roll < 0.5 else "answered"
        else:
            outcome = "closed"
        urgency = (
            Urgency.CRITICAL if roll > 0.95 else Urgency.URGENT if roll > 0.8 else Urgency.NORMAL
        )
        titles = TITLES[cat]
        req = FirmRequest(
            enterprise_id=ent,
            region_id=county,
            chain_id=chain_of.get(ent),
            category=cat,
            title=titles[int(rng.integers(len(titles)))],
            description=f"{titles[0]}等问题，请相关部门协调解决。（示例数据 #{i + 1}）",
            urgency=urgency,
            department=dept,
            due_on=due,
            on_behalf=bool(rng.random() < 0.3),
        )
        plans.append(
            {
                "created": created,
                "due": due,
                "handling": handling,
                "outcome": outcome,
                "rating": int(rng.choice([5, 4, 3, 2, 1], p=[0.5, 0.3, 0.12, 0.05, 0.03])),
                "answer": ANSWERS[int(rng.integers(len(ANSWERS)))],
            }
        )
        requests.append(req)

    steps: list[RequestStep] = []
    for req, plan in zip(requests, plans, strict=True):
        created, due = plan["created"], plan["due"]
        req.created_at = req.updated_at = created
        steps.append(RequestStep(request=req, kind=StepKind.RAISED, at=created))
        steps.append(
            RequestStep(
                request=req,
                kind=StepKind.ROUTED,
                at=created,
                department=req.department,
                note=f"按分办规则分办，至 {req.due_on:%Y-%m-%d}",
            )
        )
        outcome = plan["outcome"]
        accepted = created + dt.timedelta(hours=6)
        answered = created + dt.timedelta(days=plan["handling"])
        if outcome != "open":
            req.status, req.accepted_at = Status.ACCEPTED, accepted
            steps.append(
                RequestStep(
                    request=req, kind=StepKind.ACCEPTED, at=accepted, department=req.department
                )
            )
        if outcome in ("answered", "closed"):
            req.status, req.answer, req.answered_at = Status.ANSWERED, plan["answer"], answered
            steps.append(
                RequestStep(
                    request=req,
                    kind=StepKind.ANSWERED,
                    at=answered,
                    department=req.department,
                    note=plan["answer"],
                )
            )
        if outcome == "closed":
            closed = answered + dt.timedelta(days=1)
            req.status, req.closed_at, req.rating = Status.CLOSED, closed, plan["rating"]
            steps.append(RequestStep(request=req, kind=StepKind.CLOSED, at=closed))
            steps.append(
                RequestStep(request=req, kind=StepKind.RATED, at=closed, note=f"{req.rating} 分")
            )
        if req.status in (Status.SUBMITTED, Status.ACCEPTED) and due < today:
            for level, after, where in (
                (Level.COUNTY, 1, req.region_id),
                (Level.CITY, city_after + 1, CITY),
            ):
                day = due + dt.timedelta(days=after)
                if day > today:
                    break
                req.escalation_level = level
                at = timezone.make_aware(dt.datetime.combine(day, dt.time(8)))
                steps.append(
                    RequestStep(
                        request=req,
                        kind=StepKind.ESCALATED,
                        at=at,
                        department=req.department,
                        note=f"逾期 {after} 天（期限 {due:%Y-%m-%d}），升级至{regions[where].name}督办",
                    )
                )
    created_rows = bulk_create_with_history(requests, FirmRequest, default_change_reason="示例数据")
    # auto_now_add set today's date on insert: put the generated dates back
    for row, plan in zip(created_rows, plans, strict=True):
        row.created_at = row.updated_at = plan["created"]
    FirmRequest.objects.bulk_update(created_rows, ["created_at", "updated_at"], batch_size=500)
    for step in steps:
        step.request_id = step.request.pk
    RequestStep.objects.bulk_create(steps, batch_size=1000)
    open_q = [r for r in requests if r.status in (Status.SUBMITTED, Status.ACCEPTED)]
    return {
        "departments": len(depts),
        "rules": len(rules),
        "requests": len(requests),
        "open": len(open_q),
        "overdue": sum(1 for r in open_q if r.due_on and r.due_on < today),
        "escalated": sum(1 for r in requests if r.escalation_level),
        "steps": len(steps),
    }

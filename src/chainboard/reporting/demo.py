"""Demo step: one open 填报任务 of the sample city — “2025年度亩均评价数据填报” for the 规上
firms, opened by the city analyst ten days ago, due in ten days — with a realistic mix of
states: about a third accepted (the reported figures are the registry's), some waiting for
review, some returned with a comment (a tax figure typed in 元), drafts and firms that have not
started. The demo firm user's entry is returned, so its 企业画像 shows the flow.

The task and its entries go through ``services.task_create``; the states are then written in
bulk (the demo's bulk path; history rows "示例数据"). Idempotent: does nothing when a task exists.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from chainboard.accounts.models import DataSource, Role, User
from chainboard.enterprises.models import EnterpriseYear, FigureValues
from chainboard.reporting import services
from chainboard.reporting.figures import DEFAULT_FIELDS
from chainboard.reporting.models import EntryStatus, EntryStep, ReportEntry, ReportTask, StepKind

SEED = 20261207
YEAR = 2025
TITLE = f"{YEAR}年度亩均评价数据填报"
#: state → share of the firms
SHARES = {
    EntryStatus.ACCEPTED: 0.36,
    EntryStatus.SUBMITTED: 0.2,
    EntryStatus.RETURNED: 0.07,
    EntryStatus.DRAFT: 0.12,
    EntryStatus.PENDING: 0.25,
}
COMMENTS = [
    "实缴税金单位应为万元，请按万元填报后重新提交",
    "用地面积与不动产权证不符，请按证载面积（亩）填报",
    "用电量与供电公司数据相差较大，请核对后重新提交",
]


def demo_step(*, stdout: Any) -> None:
    if ReportTask.objects.exists():
        return
    analyst = User.objects.filter(role=Role.ANALYST, username="analyst").first()
    if analyst is None or not EnterpriseYear.objects.filter(year=YEAR).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        counts = _load(analyst, np.random.default_rng(SEED))
    shown = "，".join(f"{EntryStatus(k).label} {v}" for k, v in counts.items())
    stdout.write(
        f"reporting: 填报任务“{TITLE}” 1 个，企业 {sum(counts.values())} 家（{shown}）"
        f"（示例数据，{time.perf_counter() - started:.1f} 秒）\n"
    )


def _load(analyst: User, rng: np.random.Generator) -> dict[str, int]:
    today = timezone.localdate()
    now = timezone.now()
    opened = now - dt.timedelta(days=10)
    task = services.task_create(
        actor=analyst,
        title=TITLE,
        year=YEAR,
        fields=list(DEFAULT_FIELDS),
        deadline=today + dt.timedelta(days=10),
        above_scale_only=True,
        note="请各规上工业企业按统计口径填报上年度数据；金额单位为万元，用地面积单位为亩。",
        now=opened,
    )
    ReportTask.objects.filter(pk=task.pk).update(created_at=opened)
    entries = list(task.entries.select_related("enterprise").order_by("pk"))
    figures = {
        y.enterprise_id: y
        for y in EnterpriseYear.objects.filter(
            year=YEAR, enterprise__in=[e.enterprise_id for e in entries]
        )
    }
    reviewers = {
        u.scope_region_id: u for u in User.objects.filter(role=Role.REGION_STAFF, is_active=True)
    }
    own_firms = set(
        User.objects.filter(role=Role.ENTERPRISE).values_list("scope_enterprise_id", flat=True)
    )
    states = list(SHARES)
    draws = rng.choice(len(states), size=len(entries), p=list(SHARES.values()))
    counts = dict.fromkeys(states, 0)
    already = {
        r.pop("enterprise_id"): r
        for r in FigureValues.objects.filter(year=YEAR, source=DataSource.FIRM).values(
            "enterprise_id", *task.fields
        )
    }
    steps: list[EntryStep] = []
    changed: list[ReportEntry] = []
    firm_values: list[FigureValues] = []
    for e, draw in zip(entries, draws, strict=True):
        state = EntryStatus.RETURNED if e.enterprise_id in own_firms else states[int(draw)]
        row = figures.get(e.enterprise_id)
        if row is None:
            state = EntryStatus.PENDING
        elif state != EntryStatus.PENDING and any(getattr(row, f) is None for f in task.fields):
            state = EntryStatus.DRAFT  # the firm has not found every figure yet
        counts[state] += 1
        if state == EntryStatus.PENDING:
            continue
        reviewer = reviewers.get(e.enterprise.region_id, analyst)
        submitted = opened + dt.timedelta(days=float(rng.uniform(0.5, 8)))
        reported = already.get(e.enterprise_id, {})
        for name in task.fields:
            value = getattr(row, name)
            if reported.get(name) is not None:  # the firm's own figure (enterprises' demo step)
                setattr(e, name, reported[name])
            elif value is None or state == EntryStatus.ACCEPTED:
                setattr(e, name, value)  # accepted: the registry already holds these figures
            elif name == "employees":
                setattr(e, name, int(value * rng.uniform(0.97, 1.03)))
            else:
                setattr(
                    e,
                    name,
                    (value * Decimal(str(rng.uniform(0.97, 1.03)))).quantize(Decimal("0.0001")),
                )
        if state == EntryStatus.DRAFT:
            e.employees = None  # a draft is not complete yet
            steps.append(EntryStep(entry=e, kind=StepKind.SAVED, at=submitted, note="保存草稿"))
        else:
            steps.append(EntryStep(entry=e, kind=StepKind.SUBMITTED, at=submitted, note="企业提交"))
            e.submitted_at = submitted
        if state == EntryStatus.RETURNED:
            e.comment = COMMENTS[int(rng.integers(len(COMMENTS)))]
            if e.tax_paid_wan_yuan is not None and "实缴税金" in e.comment:
                e.tax_paid_wan_yuan *= 10000
            e.reviewed_at = submitted + dt.timedelta(days=1)
            steps.append(
                EntryStep(
                    entry=e,
                    kind=StepKind.RETURNED,
                    actor=reviewer,
                    at=e.reviewed_at,
                    note=e.comment,
                )
            )
        if state == EntryStatus.ACCEPTED:
            # the firm's figures as the 企业填报 source (where the firm reported nothing else yet)
            taken = {f: getattr(e, f) for f in task.fields}
            firm_values.append(
                FigureValues(
                    enterprise_id=e.enterprise_id,
                    year=YEAR,
                    source=DataSource.FIRM,
                    recorded_by=reviewer,
                    **taken,
                )
            )
            e.reviewed_at = submitted + dt.timedelta(days=float(rng.uniform(0.2, 2)))
            steps.append(
                EntryStep(
                    entry=e,
                    kind=StepKind.ACCEPTED,
                    actor=reviewer,
                    at=e.reviewed_at,
                    note=f"已写入{YEAR}年企业年度指标",
                )
            )
        e.status = state
        e.version = 2
        changed.append(e)
    bulk_update_with_history(
        changed,
        ReportEntry,
        fields=[
            *task.fields,
            "status",
            "submitted_at",
            "reviewed_at",
            "comment",
            "version",
        ],
        batch_size=2000,
        default_change_reason="示例数据",
    )
    EntryStep.objects.bulk_create(steps, batch_size=2000)
    bulk_create_with_history(
        [v for v in firm_values if v.enterprise_id not in already],
        FigureValues,
        batch_size=2000,
        default_change_reason="示例数据",
    )
    return {str(k): v for k, v in counts.items()}

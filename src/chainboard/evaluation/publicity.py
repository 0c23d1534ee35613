"""Writes of 公示 / 异议 / 复核: a run's stages, a firm's objection, the office's answer and the
re-scoring a correction causes (docs/evaluation.md "公示、异议与复核").

Stages: 草稿 → 公示中 (:func:`run_start_publicity`, with an end date) → 复核中
(:func:`run_start_review`, only after the end date) → 已发布
(:func:`chainboard.evaluation.services.evaluation_run_publish`, once every 异议 is answered).
Each change is a history row of the run with its user, time and reason.

**The end date is inclusive.** Objections are accepted until 24:00 (Asia/Shanghai) of
``publicity_end``: 《中华人民共和国民法典》（2020年5月28日通过，2021年1月1日施行）第二百零三条第二款
"期间的最后一日的截止时间为二十四时"; a notice "公示期为X月X日至Y月Y日" counts Y日 in full. The
first paragraph of the same article (a last day falling on a statutory holiday moves to the next
working day) is left to the office choosing the end date: the platform has no holiday calendar.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainboard.accounts.scope import (
    firm_users,
    objection_q,
    require_evaluation_publisher,
    require_objection_filer,
    require_objection_reviewer,
)
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.history import set_history
from chainboard.core.locking import lock
from chainboard.enterprises.models import Enterprise, EnterpriseYear
from chainboard.enterprises.services import figures_save
from chainboard.evaluation.inputs import evaluated_firms, mu_inputs
from chainboard.evaluation.models import (
    ClassChange,
    EvaluationResult,
    EvaluationRun,
    Objection,
    ObjectionAttachment,
    ObjectionStatus,
    Rescore,
    RunStage,
)
from chainboard.evaluation.services import (
    _result_rows,
    reference_inputs,
    run_inputs_hash,
    score_frame,
)
from chainboard.imports.attachments import Upload, attachments_check
from chainboard.notifications.models import NotificationKind
from chainboard.notifications.services import Message, notify
from chainboard_analytics.evaluation import load_method
from chainboard_analytics.evaluation.spec import FIGURE_FIELDS

#: Result fields a re-scoring may change (compared and written).
RESULT_FIELDS = (
    "group",
    "group_name",
    "total",
    "rank",
    "n_group",
    "klass",
    "prev_klass",
    "move",
    "next_klass",
    "indicators",
    "flags",
    "explanation",
)
MAX_TEXT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def local_today(now: datetime | None = None) -> date:
    """The calendar day in Asia/Shanghai (``TIME_ZONE``) at ``now`` (default: now)."""
    return timezone.localtime(now).date() if now is not None else timezone.localdate()


def objections_open(run: EvaluationRun, now: datetime | None = None) -> bool:
    """A run takes new 异议 while in 公示 up to and including its end date."""
    return (
        run.stage == RunStage.PUBLICITY
        and run.publicity_end is not None
        and local_today(now) <= run.publicity_end
    )


def _text(value: str, label: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{label}", fields={field: "必填"})
    if len(value) > MAX_TEXT:
        raise DomainError(f"{label}不能超过 {MAX_TEXT} 字", fields={field: f"{len(value)} 字"})
    if _CONTROL.search(value):
        raise DomainError(f"{label}含有控制字符", fields={field: "含控制字符"})
    return value


# --- stages ------------------------------------------------------------------------------------


@transaction.atomic
def run_start_publicity(
    *, actor: Any, run: EvaluationRun, end: date, now: datetime | None = None
) -> EvaluationRun:
    """草稿 → 公示中 from today until ``end`` (inclusive, see the module docstring)."""
    user = require_evaluation_publisher(actor, run)
    lock(EvaluationRun, run.pk)
    run.refresh_from_db()
    if run.stage != RunStage.DRAFT:
        raise DomainError(f"只有草稿可以开始公示（该批次{run.stage_label}）")
    today = local_today(now)
    if end < today:
        raise DomainError(
            f"公示截止日期 {end:%Y-%m-%d} 早于今天 {today:%Y-%m-%d}", fields={"end": str(end)}
        )
    other = (
        EvaluationRun.objects.filter(
            method_id=run.method_id,
            year=run.year,
            scope_region=run.scope_region,
            stage__in=(RunStage.PUBLICITY, RunStage.REVIEW),
        )
        .exclude(pk=run.pk)
        .first()
    )
    if other is not None:
        raise DomainError(
            f"批次#{other.pk}正在{other.stage_label}：同一办法、年度和范围同时只能公示一个批次"
        )
    run.stage = RunStage.PUBLICITY
    run.publicity_start = today
    run.publicity_end = end
    run.full_clean()
    set_history(run, user, f"开始公示（{today:%Y-%m-%d}至{end:%Y-%m-%d}，含当日）")
    run.save()
    return run


@transaction.atomic
def run_start_review(
    *, actor: Any, run: EvaluationRun, now: datetime | None = None
) -> EvaluationRun:
    """公示中 → 复核中, once the 公示 period is over (the day after its end date)."""
    user = require_evaluation_publisher(actor, run)
    lock(EvaluationRun, run.pk)
    run.refresh_from_db()
    if run.stage != RunStage.PUBLICITY:
        raise DomainError(f"只有公示中的批次可以进入复核（该批次{run.stage_label}）")
    assert run.publicity_end is not None
    if objections_open(run, now):
        raise DomainError(
            f"公示期至 {run.publicity_end:%Y-%m-%d} 24时止，期满后（次日起）方可进入复核"
        )
    run.stage = RunStage.REVIEW
    n = run.objections.count()
    set_history(run, user, f"公示期满，进入复核（异议 {n} 份）")
    run.save()
    return run


# --- objections ----------------------------------------------------------------------------------


@transaction.atomic
def objection_file(
    *,
    actor: Any,
    run: EvaluationRun,
    enterprise: Enterprise,
    reason: str,
    files: Sequence[Upload] = (),
    now: datetime | None = None,
) -> Objection:
    """A firm's 异议 against its result in ``run`` (in 公示, up to the end date inclusive).

    Attachments: at most ``CHAINBOARD_ATTACHMENT_MAX_FILES`` files, each checked by
    :func:`chainboard.imports.guard.check_attachment` and stored under a random name.
    """
    user = require_objection_filer(actor, enterprise)
    lock(EvaluationRun, run.pk)
    run.refresh_from_db()
    if run.stage != RunStage.PUBLICITY:
        raise DomainError(f"该评价批次{run.stage_label}，不在公示期，不能提出异议")
    if not objections_open(run, now):
        raise DomainError(
            f"公示期已于 {run.publicity_end:%Y-%m-%d} 24时截止，不能再提出异议",
            fields={"publicity_end": str(run.publicity_end)},
        )
    result = EvaluationResult.objects.filter(run=run, enterprise=enterprise).first()
    if result is None:
        raise NotFound("本企业不在该评价批次中")
    text = _text(reason, "异议理由", "reason")
    earlier = Objection.objects.filter(run=run, enterprise=enterprise).first()
    if earlier is not None:
        raise DomainError(
            f"本企业已对该评价批次提出过异议（异议#{earlier.pk}），每个批次只能提出一份"
        )
    checked = attachments_check(files)
    objection = Objection(
        run=run, enterprise=enterprise, reason=text, klass_filed=result.klass, filed_by=user
    )
    objection.full_clean()
    set_history(objection, user, "提出异议")
    objection.save()
    for c in checked:
        attachment = ObjectionAttachment(
            objection=objection, name=c.name, kind=c.kind, size=c.upload.size, sha256=c.sha256
        )
        c.upload.file.seek(0)
        attachment.file.save(f"x.{c.kind}", File(c.upload.file), save=False)
        attachment.save()
    return objection


@transaction.atomic
def objection_answer(
    *,
    actor: Any,
    objection: Objection,
    outcome: str,
    answer: str,
    figures: dict[str, Any] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Objection:
    """Answer a pending 异议 in 复核: 维持 (``upheld``) or 更正 (``corrected``).

    A correction changes the firm's figures of the run's year through
    :func:`chainboard.enterprises.services.figures_save` (``expected_version``: the version of
    that year's figures the officer read; history reason "异议#N复核更正：…") and re-scores the
    run (:func:`run_rescore`). A correction that changes no figure is refused.
    """
    run = objection.run
    user = require_objection_reviewer(actor, run)
    lock(EvaluationRun, run.pk)
    run.refresh_from_db()
    objection = lock(Objection, objection.pk)
    if run.stage != RunStage.REVIEW:
        raise DomainError(f"只能在复核阶段答复异议（该批次{run.stage_label}）")
    if objection.status != ObjectionStatus.PENDING:
        raise DomainError(f"异议#{objection.pk}已答复（{objection.get_status_display()}）")
    if outcome not in (ObjectionStatus.UPHELD, ObjectionStatus.CORRECTED):
        raise DomainError("请选择答复结果：维持或更正", fields={"outcome": str(outcome)})
    text = _text(answer, "答复意见", "answer")
    if outcome == ObjectionStatus.CORRECTED:
        if not figures:
            raise DomainError("更正须填写更正后的数据", fields={"figures": "必填"})
        before = EnterpriseYear.objects.filter(
            enterprise=objection.enterprise, year=run.year
        ).first()
        version_before = before.version if before is not None else 0
        row = figures_save(
            enterprise=objection.enterprise,
            year=run.year,
            actor=user,
            data=figures,
            expected_version=expected_version,
            reason=f"异议#{objection.pk}复核更正：{text[:80]}",
        )
        if row.version == version_before:
            raise DomainError(
                "更正没有改变任何数据；如维持原结果请选择“维持”", fields={"figures": "未改变"}
            )
        run_rescore(actor=user, run=run, objection=objection, reason=f"异议#{objection.pk}复核更正")
    result = EvaluationResult.objects.get(run=run, enterprise=objection.enterprise)
    objection.status = outcome
    objection.answer = text
    objection.answered_by = user
    objection.answered_at = now or timezone.now()
    objection.klass_answered = result.klass
    objection.full_clean()
    set_history(objection, user, f"答复：{ObjectionStatus(outcome).label}")
    objection.save()
    _notify_answered(objection)
    return objection


def _notify_answered(objection: Objection) -> None:
    """已答复: the firm's own active users who may open the 异议 page (站内通知)."""
    users = [
        u
        for u in firm_users(objection.enterprise_id)
        if Objection.objects.filter(objection_q(u), pk=objection.pk).exists()
    ]
    outcome = ObjectionStatus(objection.status).label
    run = objection.run
    notify(
        users=users,
        message=Message(
            NotificationKind.ANSWERED,
            f"亩均评价异议{outcome}：{run.year}年度 {run.method_title}",
            f"答复后等级：{objection.klass_answered or '—'}。{objection.answer[:200]}",
            reverse("evaluation:objection", args=[objection.pk]),
        ),
    )


# --- re-scoring ----------------------------------------------------------------------------------


def _run_inputs(run: EvaluationRun, corrected: set[int]) -> pd.DataFrame:
    """The run's input table again: the firms of its results, each firm's figures as they were
    when the run was computed, except the firms corrected in this run's 复核 (their figures as
    they are now).

    A firm-year saved after the run was computed is read back from its history as of the run's
    time; without a history row from before (a bulk load that kept none) the re-scoring is
    refused rather than silently taking figures the run never saw.
    """
    firms = Enterprise.objects.filter(evaluation_results__run=run)
    frame = mu_inputs(firms=firms, year=run.year)
    fields = list(FIGURE_FIELDS)
    stale = EnterpriseYear.objects.filter(
        enterprise__in=firms, year=run.year, updated_at__gt=run.created_at
    ).exclude(enterprise_id__in=corrected)
    for row in stale.select_related("enterprise"):
        old = (
            row.history.filter(history_date__lte=run.created_at)
            .order_by("-history_date", "-history_id")
            .first()
        )
        if old is None:
            raise DomainError(
                f"{row.enterprise.name}的{run.year}年数据在本批次生成后被修改，且没有修改前的记录，"
                "无法按批次生成时的数据重新评分"
            )
        at = frame.index[frame["enterprise_id"] == row.enterprise_id]
        for f in fields:
            value = getattr(old, f, None)
            frame.loc[at, f] = float(value) if value is not None else float("nan")
    return frame


@transaction.atomic
def run_rescore(
    *, actor: Any, run: EvaluationRun, objection: Objection | None, reason: str
) -> Rescore:
    """Score the run again after a correction and write the results that changed.

    Classes are cut by rank inside each group, so a corrected firm moves the ranks and classes of
    its group (the group it was in and, if the correction moves it, the one it joins); every
    result that changed is written with history (``bulk_update_with_history``) and every firm
    whose class changed is kept as a :class:`ClassChange` (before → after). Groups are scored
    independently, so results of other groups come out unchanged and are not written.
    """
    user = require_objection_reviewer(actor, run)
    if run.stage != RunStage.REVIEW:
        raise DomainError("只能在复核阶段重新评分")
    method = load_method(f"run-{run.pk}.yaml", text=run.method_text)
    corrected = set(
        Objection.objects.filter(run=run, status=ObjectionStatus.CORRECTED).values_list(
            "enterprise_id", flat=True
        )
    )
    if objection is not None:
        corrected.add(objection.enterprise_id)
    frame = _run_inputs(run, corrected)
    # last year's firms (a benchmark that is last year's mean) are read as they stand
    base = (
        evaluated_firms(run.created_by)
        if run.created_by is not None
        else Enterprise.objects.filter(evaluation_results__run=run)
    )
    reference = reference_inputs(firms=base, method=method, year=run.year)
    digest = run_inputs_hash(frame, reference)
    clash = (
        EvaluationRun.objects.filter(
            method_digest=run.method_digest,
            year=run.year,
            inputs_hash=digest,
            scope_region=run.scope_region,
        )
        .exclude(pk=run.pk)
        .first()
    )
    if clash is not None:
        raise DomainError(f"更正后的数据与批次#{clash.pk}完全相同，请在该批次上复核")
    out = score_frame(
        frame=frame, method=method, year=run.year, scope=run.scope_region, reference=reference
    )
    ids = dict(zip(frame["uscc"], frame["enterprise_id"], strict=True))
    fresh = {r.enterprise_id: r for r in _result_rows(run, out, ids, method)}
    current = {r.enterprise_id: r for r in run.results.select_for_update()}
    if set(fresh) != set(current):
        gone = Enterprise.objects.filter(pk__in=set(current) - set(fresh)).values_list(
            "name", flat=True
        )
        raise DomainError(
            f"更正后参评企业发生变化（{'、'.join(gone) or '新增企业'}），请核实更正数据"
        )
    changed: list[EvaluationResult] = []
    moves: list[ClassChange] = []
    groups: set[str] = set()
    for firm_id, old in current.items():
        new = fresh[firm_id]
        if all(getattr(old, f) == getattr(new, f) for f in RESULT_FIELDS):
            continue
        groups.update({old.group, new.group})
        if old.klass != new.klass:
            moves.append(
                ClassChange(
                    enterprise_id=firm_id,
                    group=new.group,
                    group_name=new.group_name,
                    klass_before=old.klass,
                    klass_after=new.klass,
                    total_before=old.total,
                    total_after=new.total,
                    rank_before=old.rank,
                    rank_after=new.rank,
                )
            )
        for f in RESULT_FIELDS:
            setattr(old, f, getattr(new, f))
        changed.append(old)
    if changed:
        bulk_update_with_history(
            changed,
            EvaluationResult,
            list(RESULT_FIELDS),
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
        )
    rescore = Rescore.objects.create(
        run=run,
        objection=objection,
        actor=user,
        reason=reason,
        groups=sorted(groups),
        inputs_hash_before=run.inputs_hash,
        inputs_hash_after=digest,
        n_results_changed=len(changed),
    )
    for move in moves:
        move.rescore = rescore
    ClassChange.objects.bulk_create(moves)
    run.inputs_hash = digest
    set_history(
        run, user, f"{reason}：重新评分，{len(changed)} 家结果变化，{len(moves)} 家等级变化"
    )
    run.save()
    return rescore

"""Every write of 企业填报 (docs/imports.md, "企业填报"): open a task, save/upload/submit an
entry, return or accept it (accept writes the registry's yearly figures with history), remind
the firms that have not submitted, and the worker's reminder three days before the deadline.

Each function takes ``actor`` (None only for the periodic sweep), checks it through
``accounts.scope``, validates (``DomainError`` 400 with a Chinese message; nothing written),
saves with a history row and appends an :class:`EntryStep`. Entries are optimistic-locked:
``expected_version`` is the version the editor's form was built from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from chainboard.accounts.models import DataSource, Role, User
from chainboard.accounts.scope import (
    can_place,
    enterprises_visible,
    home_park,
    parks_visible,
    report_entry_q,
    require_report_filler,
    require_report_office,
    require_report_reviewer,
)
from chainboard.core.errors import DomainError
from chainboard.core.history import set_history
from chainboard.core.locking import lock, merge_edit, save_edit
from chainboard.enterprises.models import EnterpriseStatus, QualificationKind
from chainboard.enterprises.services import figure_values_record
from chainboard.geo.models import Park, Region
from chainboard.imports.readers import ImportFileError, read_table
from chainboard.imports.services import upload_store
from chainboard.notifications.models import NotificationKind
from chainboard.notifications.services import Message, notify
from chainboard.reporting.figures import FIGURES, figure_for, parse_values, shown
from chainboard.reporting.models import (
    MAX_COMMENT,
    MAX_TITLE,
    UNSUBMITTED,
    EntryStatus,
    EntryStep,
    ReportEntry,
    ReportTask,
    StepKind,
    TaskStatus,
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: The worker reminds the firms that have not submitted this many days before the deadline.
REMIND_DAYS_BEFORE = 3
#: The registry's history names this source for figures written by an accepted 填报.
SOURCE = "企业填报"


def _text(value: str | None, label: str, field: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if not value and required:
        raise DomainError(f"请填写{label}", fields={field: "必填"})
    if len(value) > limit:
        raise DomainError(
            f"{label}不能超过 {limit} 字（现有 {len(value)} 字）",
            fields={field: f"{len(value)} 字"},
        )
    if _CONTROL.search(value):
        raise DomainError(f"{label}含有控制字符", fields={field: "含控制字符"})
    return value


def _date(value: Any, label: str, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DomainError(
            f"{label}“{value or ''}”不是日期（格式 2026-03-31）", fields={field: str(value or "")}
        ) from None


def _step(entry: ReportEntry, kind: str, actor: Any, at: dt.datetime, note: str = "") -> None:
    EntryStep.objects.create(entry=entry, kind=kind, actor=actor, at=at, note=note)


def entry_link(entry: ReportEntry) -> str:
    return reverse("reporting:entry", args=[entry.pk])


def _firm_users(enterprise_ids: Iterable[int]) -> dict[int, list[User]]:
    out: dict[int, list[User]] = defaultdict(list)
    for u in User.objects.filter(
        is_active=True, role=Role.ENTERPRISE, scope_enterprise_id__in=list(enterprise_ids)
    ):
        out[u.scope_enterprise_id].append(u)  # type: ignore[index]
    return out


def _shown(entry: ReportEntry, names: Iterable[str]) -> str:
    parts = []
    for name in names:
        value = getattr(entry, name)
        fig = FIGURES[name]
        parts.append(f"{fig.label} {shown(value)}{fig.unit}")
    return "；".join(parts)


# --- the task ----------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: Any,
    title: str,
    year: Any,
    fields: Sequence[str],
    deadline: Any,
    region: Region | None = None,
    park: Park | None = None,
    tiers: Sequence[str] = (),
    industry: str = "",
    above_scale_only: bool = False,
    note: str = "",
    now: dt.datetime | None = None,
) -> ReportTask:
    """Open a 填报任务 for the active firms of the actor's scope (narrowed to ``region``,
    ``park``, holders of one of ``tiers``, an industry code prefix, 规上 only); each firm gets an
    entry 未填 and its users a notification."""
    user = require_report_office(actor)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    title = _text(title, "任务名称", "title", MAX_TITLE)
    note = _text(note, "填报说明", "note", MAX_COMMENT, required=False)
    try:
        year_n = int(str(year).strip())
    except ValueError:
        year_n = 0
    if not 2000 <= year_n <= today.year:
        raise DomainError(
            f"填报年度应为 2000–{today.year} 的年份，收到“{year}”", fields={"year": str(year)}
        )
    unknown = [f for f in fields if f not in FIGURES]
    if unknown:
        raise DomainError(f"未知的填报指标：{'、'.join(unknown)}", fields={"fields": "未知"})
    chosen = [f for f in FIGURES if f in set(fields)]
    if not chosen:
        raise DomainError("请至少选择一项填报指标", fields={"fields": "必选"})
    day = _date(deadline, "截止日期", "deadline")
    if day < today:
        raise DomainError(
            f"截止日期 {day:%Y-%m-%d} 早于今天，请选择今天或以后的日期",
            fields={"deadline": str(day)},
        )
    park = park or home_park(user)
    if park is not None and not parks_visible(user).filter(pk=park.pk).exists():
        raise DomainError(f"园区“{park.name}”不在您的管辖范围", fields={"park": park.name})
    if region is not None and not can_place(user, region, park):
        raise DomainError(f"{region.name}不在您的管辖范围", fields={"region": region.code})
    tiers = list(tiers)
    bad_tiers = [t for t in tiers if t not in QualificationKind.values]
    if bad_tiers:
        raise DomainError(f"未知的资质类型：{'、'.join(bad_tiers)}", fields={"tiers": "未知"})
    industry = (industry or "").strip().upper()
    if industry and not re.fullmatch(r"[A-Z]?\d{0,4}", industry):
        raise DomainError(
            f"行业代码“{industry}”格式不对（如 38、3831）", fields={"industry": industry}
        )
    firms = enterprises_visible(user).filter(status=EnterpriseStatus.ACTIVE)
    described = []
    if region is not None:
        firms = firms.filter(region__path__startswith=region.path)
        described.append(region.name)
    if park is not None:
        firms = firms.filter(park=park)
        described.append(park.name)
    if tiers:
        firms = firms.filter(qualifications__kind__in=tiers).distinct()
        described.append("、".join(str(QualificationKind(t).label) for t in tiers))
    if industry:
        firms = firms.filter(industry__code__startswith=industry.lstrip("ABCDEFGHIJKLMNOPQRST"))
        described.append(f"行业 {industry}")
    if above_scale_only:
        firms = firms.filter(above_scale=True)
        described.append("规上企业")
    ids = list(firms.order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise DomainError("所选范围内没有在营企业，无法发起填报", fields={"scope": "0 家"})
    task = ReportTask(
        title=title,
        year=year_n,
        fields=chosen,
        deadline=day,
        region=region,
        park=park,
        scope_note="、".join(described) or "管辖范围内全部在营企业",
        note=note,
        created_by=user,
    )
    task.full_clean()
    set_history(task, user, "发起填报任务")
    task.save()
    entries = bulk_create_with_history(
        [ReportEntry(task=task, enterprise_id=pk) for pk in ids],
        ReportEntry,
        batch_size=2000,
        default_user=user,
        default_change_reason="下发填报任务",
        default_date=now,
    )
    if not all(e.pk for e in entries):  # backends without RETURNING: read the ids back
        entries = list(ReportEntry.objects.filter(task=task))
    EntryStep.objects.bulk_create(
        [EntryStep(entry=e, kind=StepKind.OPENED, actor=user, at=now) for e in entries],
        batch_size=2000,
    )
    users = _firm_users(ids)
    for e in entries:
        if users.get(e.enterprise_id):
            notify(
                users=users[e.enterprise_id],
                message=Message(
                    NotificationKind.OTHER,
                    f"新的填报任务：{title}",
                    f"请于 {day:%Y-%m-%d}（含当日）前填报并提交",
                    entry_link(e),
                ),
            )
    return task


# --- the entry ---------------------------------------------------------------------------------


def _locked(entry: ReportEntry) -> ReportEntry:
    return lock(ReportEntry.objects.select_related("task", "enterprise"), entry.pk)


def _is_firm(user: Any) -> bool:
    return getattr(user, "role", None) == Role.ENTERPRISE


@transaction.atomic
def entry_save(
    *,
    actor: Any,
    entry: ReportEntry,
    values: Mapping[str, object],
    expected_version: int,
    submit: bool = False,
    where: Mapping[str, str] | None = None,
    kind: str | None = None,
    now: dt.datetime | None = None,
) -> ReportEntry:
    """Save the typed (or uploaded) values as a draft, or submit them for review.

    ``values`` maps figure fields to what was typed (only the task's fields count; a blank
    clears). The firm may change its entry while 未填/草稿/已退回; an officer also while 待审核
    (a correction before accepting). Submitting needs every figure of the task.
    """
    user = require_report_filler(actor, entry)
    entry = _locked(entry)
    task = entry.task
    if entry.status == EntryStatus.ACCEPTED:
        raise DomainError("该填报已接收，不能再修改；如需更正请联系管辖部门")
    if entry.status == EntryStatus.SUBMITTED and _is_firm(user):
        raise DomainError("该填报已提交，正在审核，不能修改；如需更正请等待退回")
    if task.status != TaskStatus.OPEN:
        raise DomainError("该填报任务已结束")
    parsed, errors = parse_values(list(task.fields), values, where)
    if errors:
        raise DomainError("填报有误：" + "；".join(errors.values()), fields=errors)
    changed = merge_edit(entry, parsed, expected_version, "本企业的填报")
    now = now or timezone.now()
    also: list[str] = []
    if submit:
        missing = [FIGURES[f].label for f in task.fields if getattr(entry, f) is None]
        if missing:
            raise DomainError(
                f"请填写全部指标后再提交，尚缺：{'、'.join(missing)}",
                fields={f: "必填" for f in task.fields if getattr(entry, f) is None},
            )
        entry.status = EntryStatus.SUBMITTED
        entry.submitted_at = now
        entry.comment = ""
        also = ["status", "submitted_at", "comment"]
    elif entry.status == EntryStatus.PENDING:
        entry.status = EntryStatus.DRAFT
        also = ["status"]
    if not changed and not also:
        return entry
    step = kind or (StepKind.SUBMITTED if submit else StepKind.SAVED)
    reason = str(StepKind(step).label)
    if not _is_firm(user):
        reason = f"{reason}（工作人员代填）"
    entry.full_clean()
    save_edit(entry, changed, actor=user, reason=reason, also=also)
    _step(entry, step, user, now, _shown(entry, sorted(changed, key=list(FIGURES).index)))
    if submit and task.created_by_id is not None:
        notify(
            users=[task.created_by],
            message=Message(
                NotificationKind.OTHER,
                f"企业已提交填报：{entry.enterprise.name}",
                task.title,
                entry_link(entry),
            ),
        )
    return entry


@dataclass(frozen=True)
class SheetColumn:
    """A column of the one-firm sheet (what ``imports.headers`` matches titles against)."""

    field: str
    title: str
    aliases: tuple[str, ...] = ()


SHEET_COLUMNS = (
    SheetColumn("figure", "指标", ("指标名称", "项目")),
    SheetColumn("unit", "单位", ("计量单位",)),
    SheetColumn("value", "填报值", ("数值", "本年数", "本年实际")),
)


def sheet_values(
    path: Path, filename: str, fields: list[str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The task's figures from a one-firm sheet (rows 指标 | 单位 | 填报值, title rows above
    allowed): ``({field: cell}, {field: "第N行"})``; located ``DomainError`` when unreadable."""
    try:
        table = read_table(path, filename, columns=SHEET_COLUMNS)
    except ImportFileError as exc:
        raise DomainError(str(exc)) from exc
    heads = table.canonical_headers
    try:
        at_figure, at_value = heads.index("指标"), heads.index("填报值")
    except ValueError:
        raise DomainError(
            f"{filename}: 没有找到“指标”和“填报值”两列，请使用本页下载的填报表"
        ) from None
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for row in table.rows:
        cells = row.cells
        fig = figure_for(cells[at_figure]) if at_figure < len(cells) else None
        if fig is None or fig.field not in fields:
            continue
        if fig.field in values:
            raise DomainError(
                f"{filename} 第{row.number}行：{fig.label}重复（{where[fig.field]}已有）",
                fields={fig.field: "重复"},
            )
        values[fig.field] = cells[at_value] if at_value < len(cells) else None
        where[fig.field] = f"{filename} 第{row.number}行 "
    if not values:
        raise DomainError(f"{filename}: 没有找到本任务的指标行，请使用本页下载的填报表")
    return values, where


@transaction.atomic
def entry_upload(
    *,
    actor: Any,
    entry: ReportEntry,
    filename: str,
    content: IO[bytes],
    size: int,
    expected_version: int,
) -> ReportEntry:
    """Read the firm's filled sheet (the one-firm template) into the entry as a draft."""
    require_report_filler(actor, entry)
    path = upload_store(filename=filename, content=content, size=size)
    try:
        values, where = sheet_values(path, filename, list(entry.task.fields))
    finally:
        path.unlink(missing_ok=True)
    return entry_save(
        actor=actor,
        entry=entry,
        values=values,
        expected_version=expected_version,
        where=where,
        kind=StepKind.UPLOADED,
    )


@transaction.atomic
def entry_return(
    *, actor: Any, entry: ReportEntry, comment: str, now: dt.datetime | None = None
) -> ReportEntry:
    """退回: 待审核 → 已退回 with the office's comment; the firm sees it, edits, resubmits."""
    user = require_report_reviewer(actor, entry)
    entry = _locked(entry)
    if entry.status != EntryStatus.SUBMITTED:
        raise DomainError(f"只有待审核的填报可以退回（该填报{entry.get_status_display()}）")
    text = _text(comment, "退回意见", "comment", MAX_COMMENT)
    now = now or timezone.now()
    entry.status = EntryStatus.RETURNED
    entry.comment = text
    entry.reviewed_at = now
    entry.full_clean()
    save_edit(entry, (), actor=user, reason="退回", also=["status", "comment", "reviewed_at"])
    _step(entry, StepKind.RETURNED, user, now, text)
    notify(
        users=_firm_users([entry.enterprise_id]).get(entry.enterprise_id, []),
        message=Message(
            NotificationKind.OTHER,
            f"填报被退回：{entry.task.title}",
            text[:200],
            entry_link(entry),
        ),
    )
    return entry


@transaction.atomic
def entry_accept(*, actor: Any, entry: ReportEntry, now: dt.datetime | None = None) -> ReportEntry:
    """接收: 待审核 → 已接收; the figures are recorded as the 企业填报 source of the firm-year
    (``enterprises.services.figure_values_record``) and the registry's yearly figures re-resolved
    by source precedence (history reason “企业填报接收：任务名”): where no department's figure
    ranks above the firm's, the registry now shows the firm's."""
    user = require_report_reviewer(actor, entry)
    entry = _locked(entry)
    if entry.status != EntryStatus.SUBMITTED:
        raise DomainError(f"只有待审核的填报可以接收（该填报{entry.get_status_display()}）")
    task = entry.task
    data = {f: getattr(entry, f) for f in task.fields}
    year = figure_values_record(
        actor=user,
        enterprise=entry.enterprise,
        year=task.year,
        values=data,
        source=DataSource.FIRM,
        reason=f"{SOURCE}接收：{task.title}",
    )
    overruled = [FIGURES[f].label for f in task.fields if not _same(getattr(year, f), data[f])]
    now = now or timezone.now()
    entry.status = EntryStatus.ACCEPTED
    entry.reviewed_at = now
    entry.full_clean()
    save_edit(entry, (), actor=user, reason="接收", also=["status", "reviewed_at"])
    note = f"已作为“{SOURCE}”来源写入{task.year}年企业年度指标"
    if overruled:
        note += f"；{'、'.join(overruled)}按来源优先级仍取其他部门的数据"
    _step(entry, StepKind.ACCEPTED, user, now, note)
    notify(
        users=_firm_users([entry.enterprise_id]).get(entry.enterprise_id, []),
        message=Message(NotificationKind.OTHER, f"填报已接收：{task.title}", "", entry_link(entry)),
    )
    return entry


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


# --- reminders ---------------------------------------------------------------------------------


@dataclass
class Reminded:
    entries: int = 0
    users: int = 0


def _remind(
    task: ReportTask, entries: Sequence[ReportEntry], actor: Any, now: dt.datetime
) -> Reminded:
    users = _firm_users(e.enterprise_id for e in entries)
    out = Reminded()
    when = f"截止日期 {task.deadline:%Y-%m-%d}（含当日）"
    steps = []
    for e in entries:
        to = users.get(e.enterprise_id, [])
        note = f"{when}；通知 {len(to)} 名企业用户" if to else f"{when}；该企业没有企业用户账号"
        steps.append(EntryStep(entry=e, kind=StepKind.REMINDED, actor=actor, at=now, note=note))
        out.entries += 1
        if to:
            notify(
                users=to,
                message=Message(
                    NotificationKind.REMINDER,
                    f"请尽快填报：{task.title}",
                    when + ("，已退回待修改" if e.status == EntryStatus.RETURNED else ""),
                    entry_link(e),
                ),
            )
            out.users += len(to)
    EntryStep.objects.bulk_create(steps, batch_size=2000)
    return out


@transaction.atomic
def task_remind(*, actor: Any, task: ReportTask, now: dt.datetime | None = None) -> Reminded:
    """“提醒未填企业”: notify the users of every firm in the actor's scope that has not
    submitted (未填, 草稿, 已退回)."""
    user = require_report_office(actor)
    if task.status != TaskStatus.OPEN:
        raise DomainError("该填报任务已结束")
    entries = list(
        task.entries.filter(report_entry_q(user), status__in=UNSUBMITTED).select_related(
            "enterprise"
        )
    )
    if not entries:
        raise DomainError("没有未提交的企业，无需提醒")
    return _remind(task, entries, user, now or timezone.now())


def reports_sweep(*, now: dt.datetime | None = None) -> int:
    """The worker's reminder (``JOBS_PERIODIC``): once per open task, from three days before
    its deadline to the deadline, remind every firm that has not submitted. Idempotent."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    due = ReportTask.objects.filter(
        status=TaskStatus.OPEN,
        auto_reminded_on__isnull=True,
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
    )
    n = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            task = lock(ReportTask, pk)
            if task.auto_reminded_on is not None:
                continue
            entries = list(task.entries.filter(status__in=UNSUBMITTED))
            if entries:
                n += _remind(task, entries, None, now).entries
            task.auto_reminded_on = today
            set_history(task, None, "截止前自动提醒")
            task.save(update_fields=["auto_reminded_on", "updated_at"])
    return n

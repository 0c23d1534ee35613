"""Every read of 企业填报, starting from ``accounts.scope.report_task_q`` / ``report_entry_q``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from chainboard.accounts.scope import report_entry_q, report_task_q
from chainboard.core.errors import NotFound
from chainboard.enterprises.models import EnterpriseYear
from chainboard.reporting.figures import FIGURES
from chainboard.reporting.models import EntryStatus, ReportEntry, ReportTask, TaskStatus


def _counts(prefix: str = "") -> dict[str, Any]:
    """Count expressions per state (未填 counts 未填 and 草稿)."""
    s = f"{prefix}status"
    return {
        "total": Count("pk"),
        "unfilled": Count("pk", filter=Q(**{f"{s}__in": [EntryStatus.PENDING, EntryStatus.DRAFT]})),
        "draft": Count("pk", filter=Q(**{s: EntryStatus.DRAFT})),
        "submitted": Count("pk", filter=Q(**{s: EntryStatus.SUBMITTED})),
        "returned": Count("pk", filter=Q(**{s: EntryStatus.RETURNED})),
        "accepted": Count("pk", filter=Q(**{s: EntryStatus.ACCEPTED})),
    }


def _rate(row: dict[str, Any]) -> dict[str, Any]:
    row["filled"] = row["submitted"] + row["accepted"]
    row["rate"] = row["filled"] / row["total"] if row["total"] else None
    return row


def task_list(*, user: Any) -> QuerySet[ReportTask]:
    return ReportTask.objects.filter(report_task_q(user)).select_related(
        "region", "park", "created_by"
    )


def task_get(*, user: Any, pk: int) -> ReportTask:
    task = task_list(user=user).filter(pk=pk).first()
    if task is None:
        raise NotFound("填报任务不存在或不在您的管辖范围")
    return task


def entry_list(*, user: Any, task: ReportTask | None = None) -> QuerySet[ReportEntry]:
    qs = ReportEntry.objects.filter(report_entry_q(user)).select_related(
        "task", "enterprise", "enterprise__region", "enterprise__park"
    )
    return qs.filter(task=task) if task is not None else qs


def entry_get(*, user: Any, pk: int) -> ReportEntry:
    entry = entry_list(user=user).filter(pk=pk).first()
    if entry is None:
        raise NotFound("填报不存在或不在您的管辖范围")
    return entry


def entry_steps(entry: ReportEntry) -> QuerySet[Any]:
    return entry.steps.select_related("actor").order_by("at", "pk")


def task_totals(*, user: Any, tasks: list[ReportTask]) -> dict[int, dict[str, Any]]:
    """Per task (of the user's firms): counts per state and the share handed in."""
    rows = (
        ReportEntry.objects.filter(report_entry_q(user), task__in=tasks)
        .values("task_id")
        .annotate(**_counts())
        .order_by()
    )
    return {r["task_id"]: _rate(r) for r in rows}


def progress(*, user: Any, task: ReportTask) -> dict[str, Any]:
    """已填/未填/已退回/已接收 per county and per park, over the entries the user sees."""
    qs = ReportEntry.objects.filter(report_entry_q(user), task=task).order_by()
    totals = _rate(qs.aggregate(**_counts()))
    by_county = [
        _rate(r)
        for r in qs.values("enterprise__region__code", "enterprise__region__name")
        .annotate(**_counts())
        .order_by("enterprise__region__code")
    ]
    by_park = [
        _rate(r)
        for r in qs.values("enterprise__park_id", "enterprise__park__name")
        .annotate(**_counts())
        .order_by("enterprise__park__name")
    ]
    return {"totals": totals, "by_county": by_county, "by_park": by_park}


def own_entries(*, user: Any) -> QuerySet[ReportEntry]:
    """A firm user's entries: open tasks first, newest first."""
    return entry_list(user=user).order_by("task__status", "-task__deadline", "-pk")


def open_entries_of(*, user: Any, enterprise: Any) -> list[ReportEntry]:
    """The firm's entries of open tasks the user sees (the 企业画像's 填报 card)."""
    return list(
        entry_list(user=user)
        .filter(enterprise=enterprise, task__status=TaskStatus.OPEN)
        .order_by("task__deadline", "pk")
    )


def previous_figures(entry: ReportEntry) -> dict[str, Any]:
    """The registry's figures of the year before the task's (a reference beside the form)."""
    row = EnterpriseYear.objects.filter(
        enterprise_id=entry.enterprise_id, year=entry.task.year - 1
    ).first()
    return {f: getattr(row, f) for f in FIGURES} if row is not None else {}


def registry_figures(entry: ReportEntry) -> dict[str, Any]:
    """The registry's figures of the task's year as they are now."""
    row = EnterpriseYear.objects.filter(
        enterprise_id=entry.enterprise_id, year=entry.task.year
    ).first()
    return {f: getattr(row, f) for f in FIGURES} if row is not None else {}

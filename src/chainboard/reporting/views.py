"""Pages of 企业填报: the task list (an office's tasks / a firm's own entries), the form that
opens a task, a task's progress page (per county and park, the entries, 提醒未填企业), one
entry (the firm's form with upload, the office's 接收/退回, the step timeline) and the one-firm
sheet."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from chainboard.accounts import scope
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.locking import EditConflict, posted_version
from chainboard.enterprises.models import QualificationKind
from chainboard.reporting import selectors, services
from chainboard.reporting.figures import DEFAULT_FIELDS, FIGURES, warnings
from chainboard.reporting.models import EntryStatus, ReportEntry, ReportTask
from chainboard_analytics.exports import Col, Workbook

PAGE_SIZE = 50


def _task(request: HttpRequest, pk: int) -> ReportTask:
    try:
        return selectors.task_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _entry(request: HttpRequest, pk: int) -> ReportEntry:
    try:
        return selectors.entry_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _refused(exc: DomainError) -> bool:
    return exc.status_code in (403, 404)


@login_required
def task_index(request: HttpRequest) -> HttpResponse:
    """An office's tasks with their progress; a firm user's own entries."""
    if not scope.can_open_report_task(request.user):
        entries = selectors.own_entries(user=request.user)
        return render(request, "reporting/list.html", {"entries": entries, "firm_view": True})
    tasks = list(selectors.task_list(user=request.user).order_by("-created_at", "-pk")[:200])
    totals = selectors.task_totals(user=request.user, tasks=tasks)
    rows = [(t, totals.get(t.pk)) for t in tasks]
    return render(request, "reporting/list.html", {"rows": rows, "firm_view": False})


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    """Open a 填报任务: title, year, figures, deadline, which firms of the user's scope."""
    scope.require_report_office(request.user)
    regions = scope.regions_visible(request.user).filter(level="county").order_by("code")
    parks = scope.parks_visible(request.user).select_related("region").order_by("region", "name")
    error, errors, status = "", {}, 200
    today = timezone.localdate()
    data: Any = (
        request.POST
        if request.method == "POST"
        else {
            "title": f"{today.year - 1}年度亩均评价数据填报",
            "year": str(today.year - 1),
            "deadline": (today + dt.timedelta(days=14)).isoformat(),
        }
    )
    chosen = request.POST.getlist("fields") if request.method == "POST" else list(DEFAULT_FIELDS)
    if request.method == "POST":
        code = (request.POST.get("region") or "").strip()
        park_id = (request.POST.get("park") or "").strip()
        try:
            region = regions.filter(code=code).first() if code else None
            if code and region is None:
                raise DomainError(f"区县“{code}”不在您的管辖范围", fields={"region": code})
            park = parks.filter(pk=int(park_id)).first() if park_id.isdigit() else None
            if park_id and park is None:
                raise DomainError("所选园区不在您的管辖范围", fields={"park": park_id})
            task = services.task_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                year=request.POST.get("year", ""),
                fields=chosen,
                deadline=request.POST.get("deadline", ""),
                region=region,
                park=park,
                tiers=request.POST.getlist("tiers"),
                industry=request.POST.get("industry", ""),
                above_scale_only=request.POST.get("above_scale") == "1",
                note=request.POST.get("note", ""),
            )
        except DomainError as exc:
            if _refused(exc):
                raise
            error, errors, status = exc.message, exc.fields, 400
        else:
            n = task.entries.count()
            messages.success(request, f"已发起填报任务“{task.title}”，下发 {n} 家企业")
            return redirect("reporting:task", pk=task.pk)
    context = {
        "data": data,
        "chosen": chosen,
        "figures": FIGURES.values(),
        "regions": regions,
        "parks": parks,
        "tiers": QualificationKind.choices,
        "error": error,
        "errors": errors,
        "home_park": scope.home_park(request.user),
    }
    return render(request, "reporting/new.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Progress per county and park, the entries (filter by state and county), 提醒未填企业."""
    task = _task(request, pk)
    if not scope.can_open_report_task(request.user):
        if request.method == "POST":
            scope.require_report_office(request.user)
        own = selectors.entry_list(user=request.user, task=task).first()
        if own is None:
            raise Http404("填报任务不存在或不在您的管辖范围")
        return redirect("reporting:entry", pk=own.pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("action") != "remind":
                raise DomainError("未知的操作", fields={"action": request.POST.get("action", "")})
            done = services.task_remind(actor=request.user, task=task)
        except DomainError as exc:
            if _refused(exc):
                raise
            error, status = exc.message, 400
        else:
            messages.success(
                request, f"已提醒 {done.entries} 家未提交的企业（通知 {done.users} 名企业用户）"
            )
            return redirect("reporting:task", pk=task.pk)
    entries = selectors.entry_list(user=request.user, task=task)
    wanted_status = request.GET.get("status", "")
    if wanted_status == "unfilled":
        entries = entries.filter(status__in=[EntryStatus.PENDING, EntryStatus.DRAFT])
    elif wanted_status in EntryStatus.values:
        entries = entries.filter(status=wanted_status)
    elif wanted_status:
        raise DomainError(f"未知的状态“{wanted_status}”", fields={"status": wanted_status})
    county = request.GET.get("county", "")
    if county:
        entries = entries.filter(enterprise__region__code=county)
    page = Paginator(
        entries.order_by("enterprise__region__code", "enterprise__name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "task": task,
        "p": selectors.progress(user=request.user, task=task),
        "page": page,
        "statuses": [("unfilled", "未填（含草稿）"), *EntryStatus.choices],
        "wanted_status": wanted_status,
        "county": county,
        "labels": [FIGURES[f].title for f in task.fields],
        "error": error,
        "today": timezone.localdate(),
    }
    return render(request, "reporting/task.html", context, status=status)


def _form_rows(entry: ReportEntry, posted: Any, errors: dict[str, str]) -> list[dict[str, Any]]:
    previous = selectors.previous_figures(entry)
    registry = selectors.registry_figures(entry)
    rows = []
    for name in entry.task.fields:
        value = getattr(entry, name)
        shown = posted.get(name) if posted is not None else ("" if value is None else value)
        rows.append(
            {
                "fig": FIGURES[name],
                "value": "" if shown is None else shown,
                "saved": value,
                "previous": previous.get(name),
                "registry": registry.get(name),
                "error": errors.get(name, ""),
            }
        )
    return rows


def _act(request: HttpRequest, entry: ReportEntry) -> str:
    action = request.POST.get("action", "")
    user = request.user
    version = posted_version(request.POST)
    if action in ("save", "submit"):
        values = {f: request.POST.get(f, "") for f in entry.task.fields}
        services.entry_save(
            actor=user,
            entry=entry,
            values=values,
            expected_version=version,
            submit=action == "submit",
        )
        return "已提交，等待审核" if action == "submit" else "已保存草稿"
    if action == "upload":
        file = request.FILES.get("file")
        if file is None:
            raise DomainError("请选择要上传的填报表（.xlsx）", fields={"file": "必选"})
        services.entry_upload(
            actor=user,
            entry=entry,
            filename=file.name or "填报表.xlsx",
            content=file,
            size=file.size or 0,
            expected_version=version,
        )
        return "已读取上传的填报表并保存为草稿，请核对后提交"
    if action == "accept":
        services.entry_accept(actor=user, entry=entry)
        return f"已接收，数据已写入{entry.task.year}年企业年度指标"
    if action == "return":
        services.entry_return(actor=user, entry=entry, comment=request.POST.get("comment", ""))
        return "已退回企业修改"
    raise DomainError(f"未知的操作“{action}”", fields={"action": action})


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One firm's 填报: the form (units, last year's figures, warnings), upload, submit; the
    office's 接收/退回; the steps."""
    entry = _entry(request, pk)
    error, errors, status, posted, version = "", {}, 200, None, entry.version
    if request.method == "POST":
        try:
            done = _act(request, entry)
        except DomainError as exc:
            if _refused(exc):
                raise
            error, errors, status = exc.message, dict(exc.fields), 400
            entry = _entry(request, pk)
            version = entry.version
            if request.POST.get("action") in ("save", "submit"):
                # the typed values stay on the form; the version is the one they were typed
                # on, or after a conflict the current one (submitting again merges on top)
                posted, version = request.POST, posted_version(request.POST)
            if isinstance(exc, EditConflict):
                status = 409
                version = exc.version if exc.version is not None else entry.version
        else:
            messages.success(request, done)
            return redirect("reporting:entry", pk=entry.pk)
    task = entry.task
    values = {f: getattr(entry, f) for f in task.fields}
    can_fill = scope.can_fill_report(request.user, entry)
    can_review = scope.can_review_report(request.user, entry)
    is_firm = not scope.can_open_report_task(request.user)
    editable = can_fill and (
        entry.status in (EntryStatus.PENDING, EntryStatus.DRAFT, EntryStatus.RETURNED)
        or (entry.status == EntryStatus.SUBMITTED and not is_firm)
    )
    context = {
        "e": entry,
        "task": task,
        "rows": _form_rows(entry, posted, errors),
        "warnings": warnings(list(task.fields), values, selectors.previous_figures(entry)),
        "steps": selectors.entry_steps(entry),
        "editable": editable and task.status == "open",
        "can_review": can_review and entry.status == EntryStatus.SUBMITTED,
        "is_firm": is_firm,
        "error": error,
        "version": version,
        "comment": request.POST.get("comment", "") if request.method == "POST" else "",
        "today": timezone.localdate(),
    }
    return render(request, "reporting/entry.html", context, status=status)


@login_required
def entry_template(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The one-firm sheet (指标 | 单位 | 填报值 | 上年数), pre-filled with the saved values;
    written by the shared writer (text never becomes a formula)."""
    entry = _entry(request, pk)
    task = entry.task
    previous = selectors.previous_figures(entry)
    buffer = io.BytesIO()
    with Workbook(buffer) as book:
        sheet = book.sheet(
            "填报表",
            [
                Col("指标"),
                Col("单位"),
                Col("填报值", "auto"),
                Col(f"{task.year - 1}年（参考）", "auto"),
            ],
            title=f"{task.title}（{entry.enterprise.name}）",
        )
        for name in task.fields:
            fig = FIGURES[name]
            sheet.row([fig.label, fig.unit, getattr(entry, name), previous.get(name)])
        sheet.note(
            f"企业：{entry.enterprise.name}；统一社会信用代码：{entry.enterprise.uscc}", gap=True
        )
        sheet.note(f"填报年度：{task.year}年；截止日期：{task.deadline:%Y-%m-%d}（含当日）")
        sheet.note("只填“填报值”一列，单位见“单位”列；填好后在填报页面上传本表")
    buffer.seek(0)
    firm = re.sub(r'[\\/:*?"<>|\s]+', "_", entry.enterprise.name)
    return download(buffer, f"{task.title}-{firm}.xlsx")

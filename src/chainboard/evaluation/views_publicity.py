"""Pages of 公示 / 异议 / 复核: stage changes, a firm's objection, the office's answer, the report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import (
    can_file_objection,
    can_review_objection,
    require_objection_reviewer,
)
from chainboard.accounts.services import security_event_record
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.locking import form_error, posted_version
from chainboard.enterprises.models import FIGURE_TITLES, EnterpriseYear
from chainboard.evaluation import exports, publicity, selectors
from chainboard.evaluation.forms import AnswerForm, ObjectionForm, PublicityForm
from chainboard.evaluation.models import EvaluationRun, ObjectionStatus, RunStage

PAGE_SIZE = 50
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}


def _run(request: HttpRequest, pk: int) -> EvaluationRun:
    try:
        return selectors.run_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_POST
def run_publicity(request: HttpRequest, pk: int) -> HttpResponse:
    """草稿 → 公示中 until the posted end date."""
    run = _run(request, pk)
    form = PublicityForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的公示截止日期")
        return redirect("evaluation:run", pk=run.pk)
    try:
        publicity.run_start_publicity(actor=request.user, run=run, end=form.cleaned_data["end"])
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已开始公示，截止 {run.publicity_end:%Y-%m-%d}（含当日）")
    return redirect("evaluation:run", pk=run.pk)


@login_required
@require_POST
def run_review(request: HttpRequest, pk: int) -> HttpResponse:
    """公示中 → 复核中 (after the end date)."""
    run = _run(request, pk)
    try:
        publicity.run_start_review(actor=request.user, run=run)
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "公示期满，已进入复核")
    return redirect("evaluation:run", pk=run.pk)


@login_required
def objection_new(request: HttpRequest, pk: int, uscc: str) -> HttpResponse:
    """The firm user's 异议 form for its result in a run in 公示 (with attachments)."""
    run = _run(request, pk)
    try:
        result = selectors.result_get(user=request.user, run=run, uscc=uscc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    firm = result.enterprise
    if not can_file_objection(request.user, firm):
        raise Http404("只有该企业的企业用户可以提出异议")
    earlier = selectors.firm_objection(user=request.user, run=run, enterprise=firm)
    if earlier is not None:
        return redirect("evaluation:objection", pk=earlier.pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        uploads = [
            publicity.Upload(name=f.name or "", size=f.size or 0, file=f)
            for f in request.FILES.getlist("files")
        ]
        try:
            objection = publicity.objection_file(
                actor=request.user,
                run=run,
                enterprise=firm,
                reason=form.cleaned_data["reason"],
                files=uploads,
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"异议已提交（异议#{objection.pk}），请等待复核答复")
            return redirect("evaluation:objection", pk=objection.pk)
    context = {
        "run": run,
        "r": result,
        "firm": firm,
        "form": form,
        "open": publicity.objections_open(run),
        "max_files": settings.CHAINBOARD_ATTACHMENT_MAX_FILES,
        "max_mb": settings.CHAINBOARD_ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "evaluation/objection_new.html", context)


def _answer_form(objection: Any, data: Any = None) -> AnswerForm:
    row = EnterpriseYear.objects.filter(
        enterprise=objection.enterprise, year=objection.run.year
    ).first()
    initial: dict[str, Any] = {"version": row.version if row is not None else 0}
    if row is not None:
        for name in FIGURE_TITLES:
            initial[name] = getattr(row, name)
    return AnswerForm(data, initial=initial)


@login_required
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One 异议: reason, attachments, answer; the office answers it here in 复核."""
    try:
        objection = selectors.objection_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    run = objection.run
    can_answer = (
        can_review_objection(request.user, run)
        and run.stage == RunStage.REVIEW
        and objection.status == ObjectionStatus.PENDING
    )
    form = _answer_form(objection, request.POST or None) if can_answer else None
    if request.method == "POST":
        if form is None:
            require_objection_reviewer(request.user, run)  # 403 for whoever may not answer
            raise DomainError(
                f"该异议当前不能答复（{objection.get_status_display()}，批次{run.stage_label}）"
            )
        if form.is_valid():
            corrected = form.cleaned_data["outcome"] == ObjectionStatus.CORRECTED
            try:
                publicity.objection_answer(
                    actor=request.user,
                    objection=objection,
                    outcome=form.cleaned_data["outcome"],
                    answer=form.cleaned_data["answer"],
                    figures=form.figures() if corrected else None,
                    expected_version=posted_version(request.POST),
                )
            except DomainError as exc:
                if exc.status_code in (403, 404):
                    raise
                form_error(form, exc)
            else:
                messages.success(request, f"异议#{objection.pk}已答复")
                return redirect("evaluation:objection", pk=objection.pk)
    result = selectors.result_list(user=request.user, run=run).filter(
        enterprise=objection.enterprise
    )
    context = {
        "o": objection,
        "run": run,
        "r": result.first(),
        "form": form,
        "changes": selectors.class_changes(user=request.user, run=run).filter(
            rescore__objection=objection
        ),
    }
    return render(request, "evaluation/objection.html", context)


@login_required
def attachment_download(request: HttpRequest, pk: int, att: int) -> HttpResponseBase:
    """An attachment of a visible 异议, always as a download (never rendered by the browser)."""
    try:
        objection = selectors.objection_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    attachment = objection.attachments.filter(pk=att).first()
    if attachment is None:
        raise Http404("附件不存在")
    response = download(
        attachment.file.open("rb"),
        attachment.name,
        content_type=ATTACHMENT_TYPES.get(attachment.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def run_objections(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The report of a run's 异议 and their outcomes (and the class changes of its 复核)."""
    run = _run(request, pk)
    objections = selectors.objection_list(user=request.user, run=run).order_by("created_at", "pk")
    status = request.GET.get("status", "")
    if status in ObjectionStatus.values:
        objections = objections.filter(status=status)
    changes = selectors.class_changes(user=request.user, run=run)
    if request.GET.get("export") == "xlsx":
        path = exports.write_objections(
            exports.objection_frame(objections),
            exports.class_change_frame(changes),
            exports.temp_path(".xlsx"),
        )
        name = f"亩均评价异议-{run.year}年-批次{run.pk}.xlsx"
        security_event_record("export", request=request, target=f"评价批次#{run.pk}", detail=name)
        return download(path, name)
    context = {
        "run": run,
        "page": Paginator(objections, PAGE_SIZE).get_page(request.GET.get("page")),
        "counts": selectors.objection_counts(selectors.objection_list(user=request.user, run=run)),
        "status": status,
        "statuses": ObjectionStatus.choices,
        "changes": changes,
        "rescores": run.rescores.select_related("actor", "objection").order_by("created_at"),
    }
    return render(request, "evaluation/objections.html", context)

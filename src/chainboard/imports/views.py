"""Upload → preview (dry run with located errors) → commit, plus templates and error workbooks.

Committing a file of more than ``CHAINBOARD_IMPORT_JOB_ROWS`` data rows is a background job
(``imports.tasks``): the button answers with the job's progress page.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chainboard.accounts.models import DataSource
from chainboard.accounts.scope import authenticated
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound, OutOfScope
from chainboard.imports import services, tasks
from chainboard.imports.errors_xlsx import write_errors_xlsx
from chainboard.imports.models import ImportBatch
from chainboard.imports.readers import ImportFileError, SourceTable, read_table
from chainboard.imports.registry import IMPORTERS
from chainboard.imports.runner import ErrorSink, ImportOutcome, RowError, remembered_mappings
from chainboard.imports.templates_xlsx import template_xlsx
from chainboard.jobs.selectors import job_unfinished
from chainboard.jobs.services import job_start

PREVIEW_ROWS = 20


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    kinds = [(k, cls.label) for k, cls in IMPORTERS.items()]
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        file = request.FILES.get("file")
        user = authenticated(request.user)
        try:
            if file is None:
                raise DomainError("请选择要上传的文件")
            services.importer_for(kind, user)
            name = file.name or "upload"
            path = services.upload_store(filename=name, content=file, size=file.size or 0)
            source = services.source_clean(request.POST.get("source", ""))
            outcome = services.import_file(
                kind=kind,
                path=path,
                filename=name,
                actor=user,
                dry_run=True,
                source=source,
                data_source=request.POST.get("data_source", "")[:16],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            recent = services.batches_recent(actor=user)
            return render(
                request,
                "imports/upload.html",
                {"kinds": kinds, "recent": recent, "data_sources": DataSource.choices},
                status=403 if isinstance(exc, OutOfScope) else 400,
            )
        return redirect("imports:batch", batch_id=outcome.batch.pk)
    recent = services.batches_recent(actor=authenticated(request.user))
    return render(
        request,
        "imports/upload.html",
        {"kinds": kinds, "recent": recent, "data_sources": DataSource.choices},
    )


def _batch_or_404(request: HttpRequest, batch_id: int):  # type: ignore[no-untyped-def]
    try:
        return services.batch_get(batch_id=batch_id, actor=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    b = _batch_or_404(request, batch_id)
    preview: list[list[object]] = []
    headers: list[str] = []
    sheets: list[str] = []
    current_sheet = ""
    if b.status in ("previewed", "rejected") and Path(b.stored_path).is_file():
        try:
            table = _stored_table(b)
            sheets = table.sheets if len(table.sheets) > 1 else []
            current_sheet = table.sheet
            if b.status == "previewed":
                headers = table.headers
                preview = [row.cells for row in table.rows[:PREVIEW_ROWS]]
        except ImportFileError:
            pass
    return render(
        request,
        "imports/batch.html",
        {
            "batch": b,
            "errors": b.errors[:500],
            "headers": headers,
            "preview": preview,
            "sheets": sheets,
            "current_sheet": current_sheet,
            "template_columns": (
                [(c.field, c.title) for c in IMPORTERS[b.kind].columns]
                if b.kind in IMPORTERS and b.unmatched and b.status in ("previewed", "rejected")
                else []
            ),
            "label": IMPORTERS[b.kind].label if b.kind in IMPORTERS else b.kind,
            "names_confirmed": [m for m in b.name_matches if m.get("status") == "confirmed"],
            "names_to_choose": [m for m in b.name_matches if m.get("status") == "ambiguous"],
            "names_missing": [m for m in b.name_matches if m.get("status") == "not_found"],
            "names_left": sum(1 for m in b.name_matches if m.get("status") != "confirmed"),
            "in_background": services.commit_in_background(b),
        },
    )


@login_required
@require_POST
def mapping(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Save which template column each unmatched file column is, then preview again."""
    b = _batch_or_404(request, batch_id)
    choices = {
        title: request.POST.get(f"map-{i}", "").strip() for i, title in enumerate(b.unmatched)
    }
    try:
        outcome = services.mappings_save(
            batch=b, actor=authenticated(request.user), choices=choices
        )
    except OutOfScope:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:batch", batch_id=b.pk)
    return redirect("imports:batch", batch_id=outcome.batch.pk)


@login_required
@require_POST
def names(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Save the firm the user chose for each name that matched several firms (or none), then
    preview again: the chosen names are remembered and match next time too."""
    b = _batch_or_404(request, batch_id)
    choices: dict[int, int | None] = {}
    for m in b.name_matches:
        if m.get("status") == "confirmed":
            continue
        raw = request.POST.get(f"row-{m['row']}", "").strip()
        if raw:
            if not raw.isdigit():
                messages.error(request, f"第{m['row']}行：所选企业无效")
                return redirect("imports:batch", batch_id=b.pk)
            choices[int(m["row"])] = int(raw)
    try:
        outcome = services.name_choices_save(
            batch=b, actor=authenticated(request.user), choices=choices
        )
    except OutOfScope:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:batch", batch_id=b.pk)
    return redirect("imports:batch", batch_id=outcome.batch.pk)


def _stored_table(b: ImportBatch) -> SourceTable:
    """The batch's stored file read as the import read it (same importer columns and sheet)."""
    columns = IMPORTERS[b.kind].columns if b.kind in IMPORTERS else None
    mapped = remembered_mappings(b.kind, b.source)
    return read_table(
        b.stored_path, b.filename, columns=columns, sheet=b.sheet or None, mapped=mapped
    )


@login_required
@require_POST
def reread(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Preview the same file again with the worksheet the user chose (a new batch)."""
    b = _batch_or_404(request, batch_id)
    sheet = request.POST.get("sheet", "").strip()
    if not sheet or len(sheet) > 100:
        messages.error(request, "请选择工作表")
        return redirect("imports:batch", batch_id=b.pk)
    try:
        outcome = services.batch_reread(batch=b, actor=authenticated(request.user), sheet=sheet)
    except OutOfScope:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:batch", batch_id=b.pk)
    return redirect("imports:batch", batch_id=outcome.batch.pk)


@login_required
@require_POST
def commit(request: HttpRequest, batch_id: int) -> HttpResponse:
    b = _batch_or_404(request, batch_id)
    if b.status != "previewed":
        messages.error(request, "该批次不是待确认的预检结果")
        return redirect("imports:batch", batch_id=b.pk)
    if services.commit_in_background(b):  # a large file: a background job with progress
        user = authenticated(request.user)
        services.importer_for(b.kind, user)  # 403 now, not a failed job later
        running = job_unfinished(user=user, kind="import_commit", params={"batch": b.pk})
        job = running or job_start(
            actor=user,
            task=tasks.import_commit,
            kind="import_commit",
            title=f"导入 {b.filename}（{b.total_rows}行）"[:200],
            scope_label=user.scope_label,
            params={"batch": b.pk},
        )
        return redirect("jobs:detail", pk=job.pk)
    try:
        outcome = services.batch_commit(batch=b, actor=request.user)
    except OutOfScope:
        raise  # the 403 page (core.middleware.DomainErrorMiddleware)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("imports:batch", batch_id=b.pk)
    nb = outcome.batch
    if outcome.ok:
        messages.success(
            request,
            f"已导入：新增 {nb.created_count}，更新 {nb.updated_count}，未变 {nb.unchanged_count}",
        )
    else:
        messages.error(request, f"数据已变化，复核发现 {nb.error_count} 处错误，未写入任何数据")
    return redirect("imports:batch", batch_id=nb.pk)


@login_required
def errors_xlsx(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    b = _batch_or_404(request, batch_id)
    try:
        table = _stored_table(b) if Path(b.stored_path).is_file() else None
    except ImportFileError:
        table = None
    sink = ErrorSink(table, b.filename)
    sink.errors = [
        RowError(e["file"], e["sheet"], e["row"], e["column"], e["value"], e["message"])
        for e in b.errors
    ]
    outcome = ImportOutcome(batch=b, errors=sink.errors, table=table)
    buffer = io.BytesIO()
    write_errors_xlsx(outcome, buffer)
    buffer.seek(0)
    return download(buffer, f"错误明细-{Path(b.filename).stem}.xlsx")


@login_required
def template(request: HttpRequest, kind: str) -> HttpResponseBase:
    if kind not in IMPORTERS:
        raise Http404("未知模板")
    importer = IMPORTERS[kind]()
    buffer = template_xlsx(importer)
    return download(buffer, f"{importer.label}导入模板.xlsx")

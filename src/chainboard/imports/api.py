"""/api/imports: the same all-or-nothing import as the upload page and the CLI."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Path, Router, Schema
from ninja.files import UploadedFile

from chainboard.imports import services

router = Router(tags=["imports 导入"])


class ImportErrorOut(Schema):
    row: int
    column: str
    value: str
    message: str
    text: str


class NameCandidateOut(Schema):
    id: int
    name: str
    score: float
    how: str  # alias 已记住 / exact 名称一致 / core 去掉地名后一致 / fuzzy 名称相似
    label: str


class NameMatchOut(Schema):
    """A name-only row matched within the user's scope (only ``confirmed`` rows are imported)."""

    row: int
    name: str
    place: str
    status: str  # confirmed / ambiguous / not_found
    firm: int | None = None
    firm_name: str = ""
    candidates: list[NameCandidateOut]


class BatchOut(Schema):
    id: int
    kind: str
    filename: str
    status: str
    dry_run: bool
    total_rows: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    errors: list[ImportErrorOut]
    name_matches: list[NameMatchOut]


@router.post("/{kind}", response=BatchOut)
def create_import(
    request: HttpRequest,
    kind: Path[str],
    file: File[UploadedFile],
    dry_run: bool = False,
    partial: bool = False,
    source: str = "",
    data_source: str = "",
) -> Any:
    """Upload a file; ``dry_run`` checks only. Any invalid row rejects the whole file."""
    services.importer_for(kind, request.user)
    path = services.upload_store(filename=file.name or "upload", content=file, size=file.size or 0)
    outcome = services.import_file(
        kind=kind,
        path=path,
        filename=file.name or "upload",
        actor=request.user,
        dry_run=dry_run,
        partial=partial,
        source=services.source_clean(source),
        data_source=data_source[:16],
    )
    return outcome.batch


@router.get("/batches/{batch_id}", response=BatchOut)
def get_import(request: HttpRequest, batch_id: Path[int]) -> Any:
    return services.batch_get(batch_id=batch_id, actor=request.user)

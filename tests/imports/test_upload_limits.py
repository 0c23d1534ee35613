"""Oversize bodies get 413 before they are read; stored uploads are deleted on schedule."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadhandler import StopUpload
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone
from tests.factories import make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_csv

from chainboard.core.uploads import FLAG, SizeLimitedUploadHandler
from chainboard.imports import services
from chainboard.imports.models import ImportBatch, ImportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload_dir(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return Path(settings.UPLOAD_DIR)


@pytest.mark.parametrize("url", ["/imports/", "/api/imports/enterprises"])
def test_declared_oversize_body_is_refused_with_413_before_reading(
    url: str,
    admin_user,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.CHAINBOARD_MAX_UPLOAD_BYTES = 1024 * 1024
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        url, {"kind": "enterprises", "file": io.BytesIO(b"x")}, CONTENT_LENGTH=str(2 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "上传内容超过 1 MB 的上限" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_streamed_body_past_the_cap_stops_the_upload(settings) -> None:  # type: ignore[no-untyped-def]
    settings.CHAINBOARD_MAX_UPLOAD_BYTES = 10
    request = RequestFactory().post("/imports/")
    handler = SizeLimitedUploadHandler(request)
    assert handler.receive_data_chunk(b"x" * 10, 0) == b"x" * 10
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"y", 10)
    assert getattr(request, FLAG)


def test_store_refuses_a_file_whose_declared_size_lied(upload_dir: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CHAINBOARD_MAX_UPLOAD_BYTES = 100
    with pytest.raises(services.DomainError, match="超过上限"):
        services.upload_store(filename="a.csv", content=io.BytesIO(b"x" * 500), size=10)
    assert list(upload_dir.iterdir()) == []


def _firms(path: Path, name: str = "宁晋示例电缆有限公司") -> Path:
    return write_csv(
        path, [ENTERPRISE_HEADERS, [make_uscc("130528", 88), name, "130528", "", "3831"]]
    )


def test_cleanup_keeps_what_batches_need_and_deletes_the_rest(
    upload_dir: Path,
    admin_user,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.CHAINBOARD_UPLOAD_RETENTION_DAYS = 30
    settings.CHAINBOARD_UPLOAD_DRAFT_HOURS = 24

    def store(path: Path) -> Path:
        with path.open("rb") as fh:
            return services.upload_store(filename=path.name, content=fh, size=path.stat().st_size)

    good = store(_firms(tmp_path / "good.csv"))
    preview = services.import_file(
        kind="enterprises", path=good, filename="good.csv", actor=admin_user, dry_run=True
    )
    committed = services.batch_commit(batch=preview.batch, actor=admin_user)
    assert committed.batch.status == ImportStatus.COMMITTED
    bad = store(_firms(tmp_path / "bad.csv", name="宁晋\x07电缆"))
    rejected = services.import_file(
        kind="enterprises", path=bad, filename="bad.csv", actor=admin_user, dry_run=True
    )
    assert rejected.batch.status == ImportStatus.REJECTED and "U+0007" in rejected.errors[0].text()
    refused = upload_dir / "refused.xlsx"
    refused.write_bytes(b"<html>not a workbook</html>")
    services.import_file(
        kind="enterprises", path=refused, filename="r.xlsx", actor=admin_user, dry_run=True
    )
    assert not refused.exists()  # a refused file goes at once
    assert good.exists() and bad.exists()
    orphan = upload_dir / "orphan.csv"
    orphan.write_text("x")
    cli_file = _firms(tmp_path / "outside.csv")  # a CLI import's own file: never touched
    services.run_import(services.importer_for("enterprises", admin_user), cli_file, actor=None)

    later = timezone.now() + dt.timedelta(days=2)  # drafts expired, the accepted file kept
    report = services.uploads_cleanup(now=later)
    assert not bad.exists() and good.exists() and cli_file.exists()
    assert not orphan.exists() and report.deleted == 2
    assert ImportBatch.objects.get(pk=rejected.batch.pk).file_deleted_at is not None

    settings.CHAINBOARD_UPLOAD_RETENTION_DAYS = 1
    out = io.StringIO()
    call_command("imports", "cleanup", stdout=out)
    assert "已删除上传文件 0 个" in out.getvalue()  # within a day of the import
    services.uploads_cleanup(now=timezone.now() + dt.timedelta(days=2))
    assert not good.exists() and cli_file.exists()
    assert ImportBatch.objects.filter(status=ImportStatus.COMMITTED).exists()  # audit row stays

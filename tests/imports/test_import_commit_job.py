"""Committing a large previewed file is a background job, run for real (run_worker)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from tests.factories import make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_csv

from chainboard.enterprises.models import Enterprise
from chainboard.imports.models import ImportBatch
from chainboard.jobs.models import Job

pytestmark = pytest.mark.django_db


def _rows(n: int) -> list[list[object]]:
    return [ENTERPRISE_HEADERS] + [
        [
            make_uscc("130528", 300 + i),
            f"宁晋县导入测试{i}号有限公司",
            "130528",
            "",
            "3831",
            "是",
            "",
            "",
        ]
        for i in range(n)
    ]


def _preview(client: Client, path: Path) -> ImportBatch:
    with path.open("rb") as fh:
        response = client.post(reverse("imports:upload"), {"kind": "enterprises", "file": fh})
    assert response.status_code == 302, response.content[:300]
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch is not None and batch.status == "previewed"
    return batch


@pytest.fixture
def staff(ningjin_user, settings):  # type: ignore[no-untyped-def]
    settings.CHAINBOARD_IMPORT_JOB_ROWS = 5  # a "large" file: more than 5 data rows
    client = Client()
    client.force_login(ningjin_user)
    return client


def test_a_large_commit_runs_as_a_job(staff, ningjin_user, tmp_path, run_worker):  # type: ignore[no-untyped-def]
    batch = _preview(staff, write_csv(tmp_path / "企业.csv", _rows(8)))
    page = staff.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "将在后台导入并显示进度" in page
    response = staff.post(reverse("imports:commit", args=[batch.pk]))
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.kind == "import_commit"
    assert not Enterprise.objects.exists()  # nothing written in the request
    # a second click lands on the same job
    assert staff.post(reverse("imports:commit", args=[batch.pk])).url == response.url
    run_worker()
    job.refresh_from_db()
    done = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert job.status == "done" and job.result_url == reverse("imports:batch", args=[done.pk])
    assert done.status == "committed" and done.created_count == 8 and done.actor == ningjin_user
    assert Enterprise.objects.count() == 8
    assert "查看结果" in staff.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_a_small_commit_stays_in_the_request(staff, tmp_path):  # type: ignore[no-untyped-def]
    batch = _preview(staff, write_csv(tmp_path / "企业.csv", _rows(5)))
    assert "在后台导入" not in staff.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    staff.post(reverse("imports:commit", args=[batch.pk]))
    assert Enterprise.objects.count() == 5 and not Job.objects.exists()


def test_a_commit_that_no_longer_passes_fails_with_the_located_error(staff, tmp_path, run_worker):  # type: ignore[no-untyped-def]
    """The file changed between the preview and the worker (row 4's industry code): the job
    fails with file, row, column and reason, links the rejected batch, and writes nothing."""
    path = write_csv(tmp_path / "企业.csv", _rows(8))
    batch = _preview(staff, path)
    staff.post(reverse("imports:commit", args=[batch.pk]))
    rows = _rows(8)
    rows[3][4] = "99999"
    write_csv(Path(batch.stored_path), rows)
    run_worker()
    job = Job.objects.get()
    rejected = ImportBatch.objects.exclude(pk=batch.pk).get()
    assert job.status == "failed" and rejected.status == "rejected"
    assert job.error.startswith(
        "在「核对已有数据并写入（全部写入或全部不写）」阶段失败：复核发现错误，未写入任何数据：企业.csv 第4行 行业代码 99999："
    )
    assert job.result_url == reverse("imports:batch", args=[rejected.pk])
    assert not Enterprise.objects.exists()
    page = staff.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert escape(job.error) in page and "查看详情" in page


def test_bad_commits_start_no_job(staff, shahe_user, tmp_path):  # type: ignore[no-untyped-def]
    batch = _preview(staff, write_csv(tmp_path / "企业.csv", _rows(8)))
    other = Client()
    other.force_login(shahe_user)
    assert other.post(reverse("imports:commit", args=[batch.pk])).status_code == 404
    assert staff.post(reverse("imports:commit", args=[987654])).status_code == 404
    assert staff.get(reverse("imports:commit", args=[batch.pk])).status_code == 405
    rejected = _preview_rejected(staff, tmp_path)
    response = staff.post(reverse("imports:commit", args=[rejected.pk]))
    assert response.status_code == 302 and response.url == reverse(
        "imports:batch", args=[rejected.pk]
    )
    assert not Job.objects.exists()


def _preview_rejected(client: Client, tmp_path: Path) -> ImportBatch:
    rows = _rows(8)
    rows[2][0] = "BAD"
    with write_csv(tmp_path / "坏.csv", rows).open("rb") as fh:
        client.post(reverse("imports:upload"), {"kind": "enterprises", "file": fh})
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch is not None and batch.status == "rejected"
    return batch

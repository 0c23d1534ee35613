"""A supply-risk analysis started from the chain's page runs as a background job, for real."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from chainboard.jobs.models import Job
from chainboard.jobs.services import jobs_dir
from chainboard.supply.models import SupplyFirm, SupplyRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _upload(net, name="2025年发票.csv", content=None):  # type: ignore[no-untyped-def]
    data = net.path.read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_analysis_from_the_page_is_a_job(net, city_analyst, login, run_worker):  # type: ignore[no-untyped-def]
    c = login(city_analyst)
    page = c.get(reverse("supply:chain", args=[net.chain.pk])).content.decode()
    assert "发起供应链风险分析" in page and reverse("supply:run_start", args=[net.chain.pk]) in page
    response = c.post(
        reverse("supply:run_start", args=[net.chain.pk]),
        {"transactions": _upload(net), "single_source_threshold": "0.5", "publish": "on"},
    )
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk]) and job.status == "queued"
    assert not SupplyRun.objects.exists()  # nothing ran in the request
    stored = jobs_dir() / str(job.pk) / "input" / "2025年发票.csv"
    assert stored.read_bytes() == net.path.read_bytes()
    run_worker()
    job.refresh_from_db()
    run = SupplyRun.objects.get()
    assert job.status == "done" and job.percent == 100, job.error
    assert job.result_url == reverse("supply:chain", args=[net.chain.pk]) + f"?run={run.pk}"
    assert run.created_by == city_analyst and run.status == "current" and run.n_lines == 9
    assert run.source == "2025年发票.csv" and run.region_id == "130500"
    assert not stored.parent.exists()  # the input goes when the job ends
    assert "2025年发票.csv" in c.get(job.result_url).content.decode()
    # the same file again: the existing run is linked, not a copy
    c.post(reverse("supply:run_start", args=[net.chain.pk]), {"transactions": _upload(net)})
    run_worker()
    again = Job.objects.exclude(pk=job.pk).get()
    assert again.status == "done" and again.result_url == job.result_url
    assert SupplyRun.objects.count() == 1


def test_a_bad_file_fails_the_job_with_the_located_error(net, city_analyst, login, run_worker):  # type: ignore[no-untyped-def]
    c = login(city_analyst)
    rows = f"seller_uscc,buyer_uscc,amount\n{net.uscc['C']},{net.uscc['A']},十二\n"
    c.post(
        reverse("supply:run_start", args=[net.chain.pk]),
        {"transactions": _upload(net, "发票.csv", rows.encode())},
    )
    run_worker()
    job = Job.objects.get()
    assert job.status == "failed"
    assert job.error == (
        "在「读取并校验交易记录」阶段失败：发票.csv：列 amount（金额，万元）有 1 行不是数字，"
        "例如 '十二'"
    )
    assert escape(job.error) in c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert not SupplyRun.objects.exists() and not SupplyFirm.objects.exists()


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({}, 400, "请选择交易记录文件"),
        ({"transactions": "xlsx"}, 400, "不支持的文件类型"),
        ({"transactions": "csv", "single_source_threshold": "1.5"}, 400, "单一来源阈值 1.5 无效"),
        ({"transactions": "csv", "single_source_threshold": "abc"}, 400, "单一来源阈值应为"),
    ],
)
def test_bad_input_is_refused_before_any_job(net, city_analyst, login, data, status, message):  # type: ignore[no-untyped-def]
    c = login(city_analyst)
    if data.get("transactions") == "xlsx":
        data["transactions"] = _upload(net, "发票.xlsx")
    elif data.get("transactions") == "csv":
        data["transactions"] = _upload(net)
    response = c.post(reverse("supply:run_start", args=[net.chain.pk]), data)
    assert response.status_code == status and message in response.content.decode()
    assert not Job.objects.exists()


def test_who_may_start_an_analysis(net, ningjin_user, login, xingtai):  # type: ignore[no-untyped-def]
    """A county user sees the city's chain but may not analyse the city (403, no form); an
    enterprise user neither; a chain out of sight is 404."""
    c = login(ningjin_user)
    url = reverse("supply:run_start", args=[net.chain.pk])
    assert (
        "发起供应链风险分析"
        not in c.get(reverse("supply:chain", args=[net.chain.pk])).content.decode()
    )
    assert c.post(url, {"transactions": _upload(net)}).status_code == 403
    firm = UserFactory(username="firm", role="enterprise", scope_enterprise=net.firms["A"])
    assert login(firm).post(url, {"transactions": _upload(net)}).status_code in (403, 404)
    assert c.get(url).status_code == 405
    assert c.post(reverse("supply:run_start", args=[987654])).status_code == 404
    assert not Job.objects.exists()

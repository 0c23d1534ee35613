"""Background jobs run for real: enqueue → ``chainboard worker --batch`` → job done."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from tests.evaluation.conftest import login
from tests.factories import UserFactory
from tests.pdfs import assert_cjk_sc_fonts

from chainboard.evaluation.models import EvaluationRun
from chainboard.jobs.models import Job


def test_evaluation_run_goes_through_the_queue(small_city, city_analyst, run_worker):
    c = login(city_analyst)
    response = c.post(reverse("evaluation:run_create"), {"year": "2025", "method": "anhui"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert not EvaluationRun.objects.exists()  # nothing ran in the request
    assert job.status == "queued" and job.started_by == city_analyst
    page = c.get(response.url).content.decode()
    assert "排队中" in page and 'hx-trigger="every 1s"' in page
    run_worker()
    job.refresh_from_db()
    run = EvaluationRun.objects.get()
    assert job.status == "done" and job.percent == 100 and job.attempts == 1
    assert job.result_url == reverse("evaluation:run", args=[run.pk])
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    poll = c.get(reverse("jobs:detail", args=[job.pk]), headers={"HX-Request": "true"})
    body = poll.content.decode()
    assert "已完成" in body and "every 1s" not in body and job.result_url in body
    assert "<html" not in body  # the partial only
    assert "安徽式" in c.get(job.result_url).content.decode()
    assert job.title in c.get(reverse("jobs:list")).content.decode()


def test_bulletin_pdf_is_made_by_a_job_and_downloaded_with_its_chinese_name(
    published, ningjin_user, run_worker
):
    c = login(ningjin_user)
    assert c.get(reverse("evaluation:bulletin", args=[published.pk])).status_code == 405
    response = c.post(reverse("evaluation:bulletin", args=[published.pk]))
    job = Job.objects.get(kind="evaluation_bulletin")
    assert response.url == reverse("jobs:detail", args=[job.pk])
    download = reverse("jobs:download", args=[job.pk])
    assert c.get(download).status_code == 404  # nothing to download before the worker ran
    run_worker()
    job.refresh_from_db()
    assert job.status == "done" and job.result_name.startswith("亩均评价公告-2025年-")
    assert download in c.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    pdf = c.get(download)
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF") and "filename*=UTF-8''%E4%BA%A9" in pdf["Content-Disposition"]
    # issue 15: the chart's 汉字 were set in the Japanese face and its digits and the page numbers
    # in DejaVu; now one Noto CJK SC family, every font embedded
    fonts = assert_cjk_sc_fonts(body)
    assert "Noto-Serif-CJK-SC-Bold" in fonts and "Noto-Sans-CJK-SC" in fonts


def test_bad_input_starts_no_job(small_city, city_analyst, firm_user, ningjin):
    c = login(city_analyst)
    for data in ({"year": "abc", "method": "anhui"}, {"year": "0", "method": "anhui"}):
        assert c.post(reverse("evaluation:run_create"), data).status_code == 302
    assert c.post(reverse("evaluation:run_create"), {"year": "2025", "method": "x"}).status_code
    county = login(UserFactory(username="nj-staff", role="region_staff", scope_region=ningjin))
    refused = county.post(reverse("evaluation:run_create"), {"year": "2025", "method": "anhui"})
    assert refused.status_code == 403
    assert c.post(reverse("evaluation:bulletin", args=[999999])).status_code == 404
    assert not Job.objects.exists()


def test_a_job_is_seen_by_its_starter_and_admins_only(
    small_city, city_analyst, ningjin_user, admin_user, run_worker
):
    c = login(city_analyst)
    c.post(reverse("evaluation:run_create"), {"year": "2025", "method": "anhui"})
    job = Job.objects.get()
    other = login(ningjin_user)
    for name in ("jobs:detail", "jobs:download"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404
    assert job.title not in other.get(reverse("jobs:list")).content.decode()
    admin = login(admin_user)
    assert admin.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    assert job.title in admin.get(reverse("jobs:list")).content.decode()
    assert other.get(reverse("jobs:detail", args=[987654])).status_code == 404


def test_a_failing_job_says_where_it_failed(small_city, city_analyst, run_worker):
    """The inputs vanish between the click and the worker: the job fails with the phase and the
    reason (a DomainError), not a traceback."""
    c = login(city_analyst)
    c.post(reverse("evaluation:run_create"), {"year": "2019", "method": "anhui"})
    run_worker()
    job = Job.objects.get()
    assert job.status == "failed" and job.finished_at is not None
    assert job.error == "在「读取企业年度指标」阶段失败：2019年度没有可评价的企业年度指标"
    assert job.error in c.get(reverse("jobs:detail", args=[job.pk])).content.decode()


@pytest.mark.parametrize("attempts, status", [(1, "done"), (2, "interrupted")])
def test_a_job_left_running_by_a_dead_worker_is_rerun_once_then_interrupted(
    small_city, city_analyst, run_worker, attempts, status
):
    from datetime import timedelta

    from django.utils import timezone

    from chainboard.jobs.models import WorkerHeartbeat

    c = login(city_analyst)
    c.post(reverse("evaluation:run_create"), {"year": "2025", "method": "anhui"})
    job = Job.objects.get()
    # a worker claimed it, started it, then died: its heartbeat is a minute old
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING", worker_ids=["dead"])
    Job.objects.filter(pk=job.pk).update(
        status="running", worker_id="dead", attempts=attempts, phase="计算22家企业的得分与等级"
    )
    WorkerHeartbeat.objects.create(
        worker_id="dead", hostname="h", pid=1, seen_at=timezone.now() - timedelta(minutes=1)
    )
    old_task = job.task_id
    run_worker()
    job.refresh_from_db()
    assert DBTaskResult.objects.get(id=old_task).status == "FAILED"
    assert job.status == status
    if status == "done":
        assert job.task_id != old_task and job.attempts == 2 and EvaluationRun.objects.count() == 1
    else:
        assert not EvaluationRun.objects.exists()
        assert (
            job.error
            == "后台进程在「计算22家企业的得分与等级」阶段中断，已运行2次仍未完成；请重新发起"
        )
        assert "中断" in c.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_a_running_job_of_a_live_worker_is_left_alone(small_city, city_analyst):
    from django.utils import timezone

    from chainboard.jobs.models import WorkerHeartbeat
    from chainboard.jobs.services import recover_orphans

    c = login(city_analyst)
    c.post(reverse("evaluation:run_create"), {"year": "2025", "method": "anhui"})
    Job.objects.update(status="running", worker_id="alive", attempts=1)
    WorkerHeartbeat.objects.create(worker_id="alive", hostname="h", pid=1, seen_at=timezone.now())
    assert recover_orphans() == []
    assert Job.objects.get().status == "running"

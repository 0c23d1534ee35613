"""Long work off the request path, in a real chromium: start a 亩均 run and the bulletin PDF,
see the job page say 排队中, run the worker, and watch the page's HTMX poll reach 已完成."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import (
    js_errors,
    login,
    pdf_fonts,
    pdf_text,
    render_pdf_page,
    table_rows,
)
from tests.browser.test_browser_evaluation_pages import build_city
from tests.factories import UserFactory

from chainboard.evaluation.models import EvaluationRun
from chainboard.jobs.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_evaluation_run_and_bulletin_pdf_as_background_jobs(
    live_server: Any, page: Any, screenshot: Any, task_worker: Any
) -> None:
    analyst = UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    build_city(analyst)
    errors = js_errors(page)
    login(page, live_server.url, "analyst")

    # --- 发起评价: the request only queues the run; the job page polls until it is done
    page.goto(f"{live_server.url}/evaluation/")
    page.select_option("select[name=year]", "2024")
    page.select_option("select[name=method]", "anhui")
    page.click("button:has-text('发起评价')")
    page.wait_for_url(f"{live_server.url}/jobs/*/")
    job = Job.objects.get(kind="evaluation_run")
    assert "亩均评价 2024年" in page.inner_text("h1")
    assert "排队中" in page.inner_text("#job-progress") and not EvaluationRun.objects.filter(
        year=2024, method_id="anhui"
    )
    screenshot("jobs-evaluation-run-queued")
    task_worker()
    page.wait_for_selector("#job-progress[data-status=done]", timeout=60_000)
    assert "已完成" in page.inner_text("#job-progress")
    assert page.get_attribute("progress", "value") == "100"
    screenshot("jobs-evaluation-run-done")
    page.click("a:has-text('查看结果')")
    run = EvaluationRun.objects.get(year=2024, method_id="anhui")
    page.wait_for_url(f"{live_server.url}/evaluation/runs/{run.pk}/")
    assert run.n_firms == 24 and run.created_by == analyst

    # --- a draft has no bulletin; in 公示 its PDF is the 公示稿: a job too, downloaded from the
    # job page
    assert page.locator("button:has-text('生成评价公告 PDF')").count() == 0
    page.click("button:has-text('开始公示')")
    page.click("button:has-text('生成公示稿 PDF')")
    page.wait_for_url(f"{live_server.url}/jobs/*/")
    task_worker()
    page.wait_for_selector("#job-progress[data-status=done]", timeout=60_000)
    with page.expect_download() as info:
        page.click("#job-progress a:has-text('下载')")
    download = info.value
    assert download.suggested_filename.startswith("亩均评价公示稿-2024年-")
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"%PDF")
    fonts = pdf_fonts(body)
    assert any("CJK" in name for name, _ in fonts) and all(embedded for _, embedded in fonts)
    text = pdf_text(body)
    assert "2024年度工业企业亩均效益评价结果公示" in text and "公示稿" in text
    render_pdf_page(body, ARTIFACTS / "evaluation-bulletin-page1.png")

    # --- 我的任务 lists both, done
    page.goto(f"{live_server.url}/jobs/")
    rows = table_rows(page, "main table")
    assert [r[4] for r in rows] == ["已完成", "已完成"] and rows[1][1] == job.title
    assert errors == []

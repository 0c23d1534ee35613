"""政企直通车 in a real chromium: the firm user raises a request with a PDF, the county officer
transfers, accepts and answers it from the queue, the firm confirms and rates; the bell counts the
notifications of each side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.browser.helpers import STILL_CHARTS, js_errors, table_rows
from tests.factories import EnterpriseFactory, ParkFactory, UserFactory

from chainboard.firmrequests.models import Department, FirmRequest, RoutingRule
from chainboard.geo.models import Region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Any, url: str, username: str) -> None:
    """Log in through the form; an enterprise user lands on its firm's page, not on ``/``."""
    page.add_init_script(STILL_CHARTS)
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)


def test_firm_raises_officer_answers_firm_rates(
    live_server: Any, page: Any, screenshot: Any, tmp_path: Path
) -> None:
    ningjin = Region.objects.get(pk="130528")
    park = ParkFactory(region=ningjin, name="宁晋经济开发区")
    firm = EnterpriseFactory(region=ningjin, park=park, name="宁晋直通车测试电缆有限公司")
    UserFactory(username="qiye", role="enterprise", scope_enterprise=firm)
    officer = UserFactory(username="ningjin", role="region_staff", scope_region=ningjin)
    land = Department.objects.create(region=ningjin, name="自然资源和规划局")
    Department.objects.create(region=ningjin, name="行政审批局")
    land.contacts.add(officer)
    RoutingRule.objects.create(category="land", region=ningjin, department=land, deadline_days=7)
    pdf = tmp_path / "规划图.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    errors = js_errors(page)
    url = live_server.url
    Client().get("/accounts/login/")  # import the URLconf before the first timed page load
    page.set_default_timeout(90_000)  # a loaded 2-core machine

    # --- the firm raises a request with an attachment
    login(page, url, "qiye")
    page.goto(f"{url}/requests/")
    page.click("#new-request")
    page.select_option("#id_category", "land")
    page.select_option("#id_urgency", "urgent")
    page.fill("#id_title", "二期厂房用地指标")
    page.fill("#id_description", "二期厂房需新增用地 30 亩，请协调用地指标。")
    page.set_input_files("#id_files", str(pdf))
    page.click("button:has-text('提交诉求')")
    assert page.inner_text("#request-status") == "待受理"
    assert "宁晋县自然资源和规划局" in page.inner_text("#request-department")
    assert "规划图.pdf" in page.content()
    screenshot("requests-firm-detail")
    req = FirmRequest.objects.get()
    page.context.clear_cookies()

    # --- the officer: bell, queue, transfer, accept, answer
    login(page, url, "ningjin")
    assert page.inner_text("#bell-count") == "1"
    page.goto(f"{url}/requests/?category=land")
    rows = table_rows(page, "#request-list")
    assert len(rows) == 1 and rows[0][2] == firm.name and rows[0][9] == "待受理"
    page.click(f"a:has-text('{req.code}')")
    page.select_option("#id_department", label="宁晋县行政审批局")
    page.fill("#id_note", "涉及规划许可，转行政审批局")
    page.click("#transfer")
    assert "已转办至宁晋县行政审批局" in page.inner_text(".messages")
    page.click("#accept")
    assert page.inner_text("#request-status") == "办理中"
    page.fill("#id_answer", "已纳入年度用地计划，4 月供地。")
    page.click("#answer")
    assert page.inner_text("#request-status") == "已答复"
    screenshot("requests-officer-detail")
    page.context.clear_cookies()

    # --- the firm: the bell has the answer; confirm and rate
    login(page, url, "qiye")
    assert page.inner_text("#bell-count") == "1"
    page.click("#bell")
    page.click("button:has-text('诉求已答复')")
    assert page.inner_text("#request-answer") == "已纳入年度用地计划，4 月供地。"
    page.click("#confirm-button")
    assert page.inner_text("#request-status") == "已办结"
    page.check("input[name=rating][value='4']")
    page.fill("#id_comment", "办理及时")
    page.click("#rate")
    assert "4 分" in page.inner_text("#request-rating")
    steps = [r[1] for r in table_rows(page, "#request-steps")]
    assert steps == ["提交", "分办", "转办", "受理", "答复", "确认办结", "评价"]
    screenshot("requests-firm-rated")
    page.context.clear_cookies()

    # --- the officer's dashboard
    login(page, url, "ningjin")
    page.goto(f"{url}/requests/dashboard/")
    kpis = page.inner_text("#request-kpis")
    assert "4.00 分" in kpis
    assert table_rows(page, "#by-county")[0][:2] == ["宁晋县", "1"]
    assert errors == []

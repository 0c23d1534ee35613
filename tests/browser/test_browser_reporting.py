"""企业填报 in a real chromium: the county officer opens a 填报任务, the firm user finds it on its
企业画像, fills and submits (a negative area refused first), the officer returns it with a comment,
the firm corrects and resubmits, the officer accepts, and the registry's yearly figures show the
reported value with its history reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.browser.helpers import STILL_CHARTS, js_errors, table_rows
from tests.factories import EnterpriseFactory, ParkFactory, UserFactory

from chainboard.enterprises.models import EnterpriseYear
from chainboard.geo.models import Region
from chainboard.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page: Any, url: str, username: str) -> None:
    page.add_init_script(STILL_CHARTS)
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)


def test_open_fill_return_resubmit_accept(live_server: Any, page: Any, screenshot: Any) -> None:
    ningjin = Region.objects.get(pk="130528")
    park = ParkFactory(region=ningjin, name="宁晋经济开发区")
    firm = EnterpriseFactory(region=ningjin, park=park, name="宁晋填报测试电缆有限公司")
    EnterpriseFactory(region=ningjin, name="宁晋填报测试铜业有限公司")
    UserFactory(username="qiye", role="enterprise", scope_enterprise=firm)
    UserFactory(username="ningjin", role="region_staff", scope_region=ningjin)
    errors = js_errors(page)
    url = live_server.url
    Client().get("/accounts/login/")  # import the URLconf before the first timed page load
    page.set_default_timeout(90_000)  # a loaded 2-core machine
    deadline = timezone.localdate() + dt.timedelta(days=14)

    # --- the officer opens the task for the county's firms
    login(page, url, "ningjin")
    page.goto(f"{url}/reporting/")
    page.click("#new-task")
    page.fill("#id_title", "2025年度亩均评价数据填报")
    page.fill("#id_year", "2025")
    page.fill("#id_deadline", deadline.isoformat())
    for box in page.locator("input[name=fields]").all():
        box.uncheck()
    for field in ("land_area_mu", "revenue_wan_yuan", "tax_paid_wan_yuan", "employees"):
        page.check(f"input[name=fields][value={field}]")
    page.click("#create-task")
    assert "下发 2 家企业" in page.inner_text(".messages")
    assert page.inner_text("#kpi-unfilled") == "2"
    task_url = page.url
    page.context.clear_cookies()

    # --- the firm: notified, finds the task on its 企业画像, a negative area is refused
    login(page, url, "qiye")
    assert f"/firm/{firm.uscc}/" in page.url
    assert page.inner_text("#bell-count") == "1"
    page.click("#panel-reporting a:has-text('去填报')")
    assert "亩" in page.inner_text("#entry-figures") and "万元" in page.inner_text("#entry-figures")
    page.fill("#id_land_area_mu", "-120")
    page.fill("#id_revenue_wan_yuan", "36800")
    page.fill("#id_tax_paid_wan_yuan", "15200000")  # 元 for 万元: a warning, not an error
    page.fill("#id_employees", "310")
    page.click("#submit")
    assert "用地面积不能为负数" in page.inner_text("#entry-errors")
    assert page.input_value("#id_revenue_wan_yuan") == "36800"  # nothing typed is lost
    page.fill("#id_land_area_mu", "120.5")
    page.click("#submit")
    assert page.inner_text("#entry-status") == "待审核"
    assert "实缴税金" in page.inner_text("#entry-warnings")
    screenshot("reporting-firm-submitted")
    page.context.clear_cookies()

    # --- the officer returns it with a comment
    login(page, url, "ningjin")
    page.goto(task_url)
    rows = table_rows(page, "#progress-county")
    assert rows[0][:3] == ["宁晋县", "2", "1"]
    page.click(f"#entry-list a:has-text('{firm.name}')")
    assert "超过常见上限" in page.inner_text("#entry-warnings")
    page.fill("#id_comment", "实缴税金单位应为万元，请更正后重新提交")
    page.click("#return")
    assert page.inner_text("#entry-status") == "已退回"
    page.context.clear_cookies()

    # --- the firm sees the comment, corrects, resubmits
    login(page, url, "qiye")
    page.goto(f"{url}/reporting/")
    page.click("#entry-list a:has-text('去填报')")
    assert "请更正后重新提交" in page.inner_text("#return-comment")
    page.fill("#id_tax_paid_wan_yuan", "1520")
    page.click("#submit")
    assert page.inner_text("#entry-status") == "待审核"
    page.context.clear_cookies()

    # --- the officer accepts: the registry shows the figure with its source
    login(page, url, "ningjin")
    page.goto(task_url)
    page.click(f"#entry-list a:has-text('{firm.name}')")
    page.click("#accept")
    assert page.inner_text("#entry-status") == "已接收"
    steps = [r[1] for r in table_rows(page, "#entry-steps")]
    assert steps == ["下发", "提交", "退回", "提交", "接收"]
    page.goto(f"{url}/enterprises/{firm.uscc}/")
    body = page.content()
    assert "1,520" in body or "1520" in body
    assert "企业填报接收：2025年度亩均评价数据填报" in body
    screenshot("reporting-registry")
    year = EnterpriseYear.objects.get(enterprise=firm, year=2025)
    assert str(year.tax_paid_wan_yuan) == "1520.0000" and year.employees == 310
    assert Notification.objects.filter(user__username="qiye", title__contains="已接收").exists()
    assert not errors

"""公示 → 异议 → 复核 → 发布 in a real chromium: a firm user files an objection with a PDF from its
firm page, the officer answers it with a correction (the run is re-scored) and publishes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from tests.browser.helpers import js_errors, login, table_rows
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

from chainboard.evaluation import services
from chainboard.evaluation.models import ClassChange, EvaluationRun, Objection
from chainboard.geo.models import Region
from chainboard_analytics.evaluation import load_method

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_firm_objects_and_officer_corrects_and_publishes(
    live_server: Any, page: Any, screenshot: Any, tmp_path: Path
) -> None:
    ningjin = Region.objects.get(pk="130528")
    analyst = UserFactory(username="analyst", role="analyst", scope_region_id="130500")
    firms = []
    for i in range(20):
        firm = EnterpriseFactory(
            region=ningjin, name=f"宁晋公示测试{i:02d}有限公司", industry_id="3831"
        )
        EnterpriseYearFactory(
            enterprise=firm,
            year=2025,
            tax_paid_wan_yuan=Decimal(25 + 10 * i),
            land_area_mu=Decimal(10),
            pollutant_equivalent_t=Decimal("1.2"),
            rd_spend_wan_yuan=Decimal(300),
            electricity_10k_kwh=Decimal(400),
        )
        firms.append(firm)
    UserFactory(username="qiye", role="enterprise", scope_enterprise=firms[0])
    UserFactory(username="qiye2", role="enterprise", scope_enterprise=firms[1])
    run, _ = services.evaluation_run_create(
        actor=analyst, year=2025, method=load_method("zhejiang")
    )
    errors = js_errors(page)

    # --- the officer opens 公示 until today (inclusive)
    login(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/")
    assert page.inner_text("#run-stage") == "草稿"
    page.fill("input[name=end]", timezone.localdate().isoformat())
    page.click("button:has-text('开始公示')")
    assert page.inner_text("#run-stage") == "公示中"
    assert page.is_disabled("button:has-text('进入复核')")  # the period runs until 24:00 today
    page.context.clear_cookies()

    # --- the firm user sees its own 公示稿 result and files an objection with a PDF
    login(page, live_server.url, "qiye")
    page.goto(f"{live_server.url}/evaluation/")
    page.wait_for_url(f"{live_server.url}/evaluation/firms/{firms[0].uscc}/")
    row = table_rows(page, "#firm-results")[0]
    assert row[2] == "D" and "公示稿" in row[6] and "含当日" in row[6]
    other = page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/firms/{firms[1].uscc}/")
    assert other is not None and other.status == 404  # another firm's result
    page.goto(f"{live_server.url}/evaluation/firms/{firms[0].uscc}/")
    page.click("a:has-text('提出异议')")
    page.fill("textarea[name=reason]", "2025年实缴税金少计，应为 1000 万元（见完税证明）")
    pdf = tmp_path / "完税证明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("input[name=files]", str(pdf))
    screenshot("publicity-objection-form")
    page.click("button:has-text('提交异议')")
    page.wait_for_url(f"{live_server.url}/evaluation/objections/*/")
    objection = Objection.objects.get()
    assert page.inner_text("#objection-status") == "待答复"
    assert "完税证明.pdf" in page.inner_text("#objection-attachments")
    page.context.clear_cookies()

    # another firm's user does not see it
    login(page, live_server.url, "qiye2")
    hidden = page.goto(f"{live_server.url}/evaluation/objections/{objection.pk}/")
    assert hidden is not None and hidden.status == 404
    page.context.clear_cookies()

    # --- the period ends (the day after the end date: move the end date back a day)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    EvaluationRun.objects.filter(pk=run.pk).update(
        publicity_start=yesterday, publicity_end=yesterday
    )

    # --- the officer starts 复核, corrects the firm's tax and publishes
    login(page, live_server.url, "analyst")
    page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/")
    page.click("button:has-text('进入复核')")
    assert page.inner_text("#run-stage") == "复核中"
    assert page.is_disabled("#publish-run")  # one objection is still pending
    page.click("a:has-text('异议与复核结果')")
    assert table_rows(page, "#objection-list")[0][6] == "待答复"
    page.click(f"a:has-text('#{objection.pk}')")
    page.check("input[name=outcome][value=corrected]")
    page.fill("textarea[name=answer]", "经核实完税证明，实缴税金更正为 1000 万元")
    page.fill("input[name=tax_paid_wan_yuan]", "1000")
    screenshot("publicity-answer-form")
    page.click("button:has-text('提交答复')")
    assert page.inner_text("#objection-status") == "已答复-更正"
    assert "A（" in page.inner_text("#objection-current-class")
    changes = table_rows(page, "#objection-changes")
    assert any(r[0] == "宁晋公示测试00有限公司" and r[2:4] == ["D", "A"] for r in changes)
    assert len(changes) == ClassChange.objects.count() >= 3
    page.goto(f"{live_server.url}/evaluation/runs/{run.pk}/")
    page.click("#publish-run")
    page.wait_for_selector("h1 .badge.ok")
    run.refresh_from_db()
    assert run.published and run.stage == "published"
    steps = table_rows(page, "#run-transitions")
    assert [s[0] for s in steps] == ["草稿", "公示中", "复核中", "已发布"]
    screenshot("publicity-published")
    page.context.clear_cookies()

    # --- the firm sees the published, corrected class and the answer
    login(page, live_server.url, "qiye")
    page.goto(f"{live_server.url}/evaluation/firms/{firms[0].uscc}/")
    row = table_rows(page, "#firm-results")[0]
    assert row[2] == "A" and row[6] == "已发布" and "已答复-更正" in row[7]
    assert errors == []

"""Log in, upload an enterprise file with one bad row, see the located error, fix it, import,
find the firm — in a real chromium against the live server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.factories import UserFactory, make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_xlsx

from chainboard.enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_fix_and_find(live_server: Any, page: Any, screenshot: Any, tmp_path: Path) -> None:
    UserFactory(username="ningjin", role="region_staff", scope_region_id="130528")
    good = make_uscc("130528", 4242)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        ENTERPRISE_HEADERS,
        [
            make_uscc("130528", 4243),
            "宁晋县晶澳配套电缆有限公司",
            "130528",
            "",
            "3831",
            "是",
            "2018-04-02",
            "电线电缆制造",
        ],
        [bad, "宁晋县光伏支架有限公司", "130528", "", "3311", "否", "2020-01-15", "金属结构制造"],
    ]
    broken = write_xlsx(tmp_path / "宁晋企业.xlsx", rows)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "ningjin")
    page.fill("input[name=password]", "pw-for-tests")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_selector("[data-chart='chart-regions'] canvas")

    page.goto(f"{live_server.url}/imports/")
    page.select_option("#kind", "enterprises")
    page.set_input_files("#file", str(broken))
    page.click("#preview")
    page.wait_for_selector("#errors")
    error_text = page.inner_text("#errors")
    assert "第3行" in error_text and "统一社会信用代码" in error_text
    assert f"校验位应为 {good[-1]}" in error_text
    assert "未写入任何数据" in page.inner_text("main")
    screenshot("import-rejected")
    assert Enterprise.objects.count() == 0

    rows[2][0] = good
    fixed = write_xlsx(tmp_path / "宁晋企业-改.xlsx", rows)
    page.goto(f"{live_server.url}/imports/")
    page.set_input_files("#file", str(fixed))
    page.click("#preview")
    page.wait_for_selector("#commit")
    assert "新增 2" in page.inner_text("#batch-summary")
    page.click("#commit")
    page.wait_for_selector("text=已导入")
    assert Enterprise.objects.count() == 2

    page.goto(f"{live_server.url}/enterprises/")
    page.fill("#id_q", "光伏支架")
    page.wait_for_selector("text=共 1 家")
    page.click("text=宁晋县光伏支架有限公司")
    page.wait_for_selector(f"text={good}")
    page.wait_for_selector("text=导入批次#")
    screenshot("enterprise-detail")

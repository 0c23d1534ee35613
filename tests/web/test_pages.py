"""The main pages render real figures for an admin, within query budgets."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, QualificationFactory

pytestmark = pytest.mark.django_db


def chart_data(html: str, chart_id: str) -> dict:  # type: ignore[type-arg]
    match = re.search(
        rf'<script id="{chart_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, chart_id
    return json.loads(match.group(1))


@pytest.fixture
def client_admin(admin_user, ningjin, shahe) -> Client:  # type: ignore[no-untyped-def]
    for i in range(30):
        firm = EnterpriseFactory(region=ningjin if i % 2 else shahe, above_scale=i % 3 == 0)
        for year in (2023, 2024, 2025):
            EnterpriseYearFactory(enterprise=firm, year=year, revenue_wan_yuan=1000 + year + i)
    c = Client()
    c.force_login(admin_user)
    return c


def test_home_shows_figures(client_admin, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(40):  # every panel computed (驾驶舱, tests/dashboards)
        client_admin.get(reverse("dashboards:home"))
    with django_assert_max_num_queries(12):  # the panels cached per scope and data fingerprint
        html = client_admin.get(reverse("dashboards:home")).content.decode()
    assert 'id="kpi-firms">30<' in html
    regions = chart_data(html, "chart-regions")
    assert regions["xAxis"]["data"] == ["宁晋县", "沙河市"]
    assert regions["series"][0]["data"] == [15, 15]
    trend = chart_data(html, "chart-trend")
    assert trend["xAxis"]["data"] == ["2023", "2024", "2025"]
    # 30 firms × (1000 + 2025 + i) 万元 for 2025, shown in 亿元
    assert trend["series"][0]["data"][2] == round((30 * 3025 + sum(range(30))) / 10000, 2)


def test_list_paginates_filters_and_is_query_bounded(
    client_admin, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(13):  # 12 + the header's unread-notification count
        html = client_admin.get(reverse("enterprises:list"), {"region": "130528"}).content.decode()
    assert "共 15 家" in html
    htmx = client_admin.get(
        reverse("enterprises:list"), {"above_scale": "true"}, HTTP_HX_REQUEST="true"
    )
    assert "<html" not in htmx.content.decode() and "共 10 家" in htmx.content.decode()


def test_detail_shows_years_qualifications_and_history(client_admin) -> None:  # type: ignore[no-untyped-def]
    from chainboard.enterprises.models import Enterprise

    firm = Enterprise.objects.first()
    QualificationFactory(enterprise=firm)
    html = client_admin.get(reverse("enterprises:detail", args=[firm.uscc])).content.decode()
    assert firm.uscc in html and "国家级高新技术企业" in html and "2025" in html
    assert "firm-chart" in html


def test_openapi_document_and_docs(client_admin) -> None:  # type: ignore[no-untyped-def]
    doc = client_admin.get("/api/openapi.json").json()
    assert "/api/enterprises/" in doc["paths"] and "/api/imports/{kind}" in doc["paths"]
    assert client_admin.get("/api/docs").status_code == 200


def test_chinese_is_the_default_whatever_the_browser_says(client_admin) -> None:  # type: ignore[no-untyped-def]
    html = client_admin.get(reverse("enterprises:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-hans"' in html.content.decode() and "企业名录" in html.content.decode()


def test_english_is_available(client_admin) -> None:  # type: ignore[no-untyped-def]
    client_admin.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client_admin.get(reverse("enterprises:list")).content.decode()
    assert 'lang="en"' in html and "Enterprises" in html


def test_templates_download(client_admin) -> None:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    response = client_admin.get(reverse("imports:template", args=["figures"]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    headers = [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
    assert headers[:3] == ["统一社会信用代码", "年份", "营业收入(万元)"]
    assert {"主营业务收入(万元)", "工业增加值(万元)"} <= set(headers)


def test_dashboard_cache_follows_writes(client_admin, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import make_uscc
    from tests.imports.filemaker import ENTERPRISE_HEADERS, write_xlsx

    from chainboard.enterprises.importers import EnterpriseImporter
    from chainboard.imports.runner import run_import

    def firms_kpi() -> str:
        html = client_admin.get(reverse("dashboards:home")).content.decode()
        return re.search(r'id="kpi-firms">([\d,]+)<', html).group(1)

    assert firms_kpi() == "30"
    assert firms_kpi() == "30"  # served from the cache
    rows = [
        ENTERPRISE_HEADERS,
        [make_uscc("130528", 5), "新企业", "130528", "", "3831", "是", "", ""],
    ]
    assert run_import(EnterpriseImporter(), write_xlsx(tmp_path / "n.xlsx", rows), actor=None).ok
    assert firms_kpi() == "31"

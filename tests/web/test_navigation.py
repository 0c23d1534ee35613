"""Navigation (issue 15): the current page marked in the top nav, the 重点项目 sub-nav and the 亩均
tabs; breadcrumbs on detail pages; the shared pager with page numbers; the 企业名录 filters say
"全部" and its columns sort (the export follows the same order); bad sort values are 400."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(xingtai) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(UserFactory(username="analyst", role="analyst", scope_region_id="130500"))
    return c


def current(html: str) -> list[str]:
    """The texts of the links marked as the current page."""
    return re.findall(r'aria-current="page"[^>]*>([^<]+)<', html)


def test_current_page_in_top_nav_sub_nav_and_tabs(client: Client) -> None:
    html = client.get("/projects/alerts/").content.decode()
    assert current(html) == ["重点项目", "预警"]
    html = client.get("/projects/list/?pool=building").content.decode()
    assert current(html) == ["重点项目", "在建"]
    html = client.get("/evaluation/tiers/").content.decode()
    assert current(html) == ["亩均与梯度", "梯度培育"]
    html = client.get("/enterprises/").content.decode()
    assert current(html) == ["企业名录"]


def test_detail_pages_have_breadcrumbs(client: Client) -> None:
    ProjectFactory(code="NJ-1", name="宁晋光伏组件项目")
    firm = EnterpriseFactory(name="宁晋电缆有限公司")
    html = client.get("/projects/p/NJ-1/").content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
    assert crumbs is not None
    assert re.findall(r">([^<>]+)</(?:a|span)>", crumbs.group(0)) == [
        "重点项目",
        "项目库",
        "宁晋光伏组件项目",
    ]
    html = client.get(f"/enterprises/{firm.uscc}/").content.decode()
    assert 'class="breadcrumbs"' in html and ">企业名录</a>" in html


def test_enterprise_filters_say_all_and_columns_sort(client: Client) -> None:
    for name, region in (("乙公司", "130582"), ("甲公司", "130528"), ("丙公司", "130503")):
        EnterpriseFactory(name=name, region_id=region)
    html = client.get("/enterprises/").content.decode()
    assert "---------" not in html and "未知" not in html
    assert html.count('<option value="" selected>全部</option>') == 5
    by_region = client.get("/enterprises/", {"sort": "region"}).context["page"].object_list
    assert [f.region_id for f in by_region] == ["130503", "130528", "130582"]
    html = client.get("/enterprises/", {"sort": "region"}).content.decode()
    assert 'aria-sort="ascending"' in html and "sort=-region" in html
    down = client.get("/enterprises/", {"sort": "-region"}).context["page"].object_list
    assert [f.region_id for f in down] == ["130582", "130528", "130503"]
    response = client.get(reverse("enterprises:export"), {"sort": "-region"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["乙公司", "甲公司", "丙公司"]
    assert client.get("/enterprises/", {"sort": "password"}).status_code == 400


def test_pager_shows_page_numbers(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    from chainboard.enterprises import views

    views.PAGE_SIZE, size = 2, views.PAGE_SIZE
    try:
        for i in range(11):
            EnterpriseFactory(name=f"企业{i:02d}")
        html = client.get("/enterprises/", {"page": 3, "q": "企业"}).content.decode()
    finally:
        views.PAGE_SIZE = size
    pager = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    assert pager is not None
    assert '<span class="current" aria-current="page">3</span>' in pager.group(0)
    assert 'href="?page=1&amp;q=%E4%BC%81%E4%B8%9A">1</a>' in pager.group(0)
    assert ">6</a>" in pager.group(0) and "共 6 页" in pager.group(0)

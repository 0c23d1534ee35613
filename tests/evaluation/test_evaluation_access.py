"""Scope: a county user sees only its county's results through pages, API and exports;
an enterprise user sees only its own card; drafts are for analysts only."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from tests.factories import UserFactory

from chainboard.evaluation import services
from chainboard_analytics.evaluation import load_method
from conftest import login

pytestmark = pytest.mark.django_db


def test_county_user_pages_show_only_own_county(published, small_city, ningjin_user):
    c = login(ningjin_user)
    ours, theirs = small_city[0], small_city[12]
    for url in (
        reverse("evaluation:run", args=[published.pk]),
        reverse("evaluation:league", args=[published.pk]),
    ):
        page = c.get(url).content.decode()
        assert ours.name in page or "league" not in url
        assert theirs.name not in page and "沙河评价测试" not in page
    league = c.get(reverse("evaluation:league", args=[published.pk]), {"region": "130582"})
    assert "沙河评价测试" not in league.content.decode()
    assert c.get(reverse("evaluation:card", args=[published.pk, theirs.uscc])).status_code == 404
    assert c.get(reverse("evaluation:card", args=[published.pk, ours.uscc])).status_code == 200
    assert c.get(reverse("evaluation:firm", args=[theirs.uscc])).status_code == 404


def test_county_user_exports_only_own_county(published, small_city, ningjin_user):
    c = login(ningjin_user)
    response = c.get(reverse("evaluation:export", args=[published.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("统一社会信用代码", "企业名称", "总得分", "排名", "等级")
    usccs = {r[0] for r in rows[1:]}
    assert usccs == {f.uscc for f in small_city if f.region_id == "130528"}
    # the bulletin PDF: a background job (tests/evaluation/test_evaluation_jobs.py)
    assert c.post(reverse("evaluation:bulletin", args=[published.pk])).status_code == 302


def test_county_user_api_only_own_county(published, small_city, ningjin_user):
    c = login(ningjin_user)
    data = c.get(f"/api/evaluation/runs/{published.pk}/results").json()
    names = {r["name"] for r in data["items"]}
    assert names and all(n.startswith("宁晋") for n in names)
    assert c.get(f"/api/evaluation/runs/{published.pk}/results?region=130582").json()["count"] == 0
    assert c.get(f"/api/evaluation/firms/{small_city[12].uscc}").status_code == 404
    assert (
        c.post(
            "/api/evaluation/runs",
            {"year": 2025, "method": "zhejiang"},
            content_type="application/json",
        ).status_code
        == 403
    )
    tiers = c.get("/api/evaluation/tiers?year=2025").json()["items"]
    assert tiers and {t["region_id"] for t in tiers} == {"130528"}


def test_drafts_are_hidden_from_county_users(small_city, city_analyst, ningjin_user):
    draft, _ = services.evaluation_run_create(
        actor=city_analyst, year=2025, method=load_method("anhui")
    )
    c = login(ningjin_user)
    assert c.get(reverse("evaluation:run", args=[draft.pk])).status_code == 404
    assert c.get(f"/api/evaluation/runs/{draft.pk}/results").status_code == 404
    assert draft.pk not in [r["id"] for r in c.get("/api/evaluation/runs").json()]
    analyst = login(city_analyst)
    assert analyst.get(reverse("evaluation:run", args=[draft.pk])).status_code == 200


def test_enterprise_user_sees_own_card_only(published, small_city, firm_user):
    c = login(firm_user)
    own = small_city[0]
    home = c.get(reverse("evaluation:index"))
    assert home.status_code == 302 and home.url == reverse("evaluation:firm", args=[own.uscc])
    listing = c.get(home.url).content.decode()
    assert published.method_title in listing
    card = c.get(reverse("evaluation:card", args=[published.pk, own.uscc])).content.decode()
    assert own.name in card and "为什么是这个等级" in card
    assert (
        c.get(reverse("evaluation:card", args=[published.pk, small_city[1].uscc])).status_code
        == 404
    )
    api = c.get(f"/api/evaluation/firms/{own.uscc}").json()
    assert [r["uscc"] for r in api] == [own.uscc]


def test_analyst_runs_and_publishes_from_the_web(small_city, city_analyst, run_worker):
    from chainboard.jobs.models import Job

    c = login(city_analyst)
    response = c.post(reverse("evaluation:run_create"), {"year": "2025", "method": "anhui"})
    assert response.status_code == 302
    run_worker()  # the run is a background job: the worker makes it
    run_url = Job.objects.get().result_url
    page = c.get(run_url).content.decode()
    assert "安徽式" in page and 'data-chart="chart-region"' in page
    pk = int(run_url.rstrip("/").split("/")[-1])
    refused = c.post(reverse("evaluation:publish", args=[pk]), follow=True)
    assert "草稿须先公示、复核后发布" in refused.content.decode()  # no direct publish by accident
    direct = {"direct_reason": "测试：补录已公示的结果"}
    assert c.post(reverse("evaluation:publish", args=[pk]), direct).status_code == 302
    api = c.post(
        "/api/evaluation/runs", {"year": 2025, "method": "anhui"}, content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["id"] == pk and api.json()["published"]


def test_other_county_runs_404_to_read_and_403_to_publish(small_city, shahe, ningjin):
    """A run of 沙河 (by an analyst scoped to 沙河): hidden from 宁晋 while a draft (404 to read and
    to publish); once published, 宁晋 reads it but may not publish it again (403)."""
    shahe_analyst = UserFactory(username="shahe-fx", role="analyst", scope_region=shahe)
    ningjin_analyst = UserFactory(username="ningjin-fx", role="analyst", scope_region=ningjin)
    draft, _ = services.evaluation_run_create(
        actor=shahe_analyst, year=2025, method=load_method("zhejiang")
    )
    c = login(ningjin_analyst)
    assert c.get(reverse("evaluation:run", args=[draft.pk])).status_code == 404
    assert c.post(reverse("evaluation:publish", args=[draft.pk])).status_code == 404
    services.evaluation_run_publish(actor=shahe_analyst, run=draft, direct_reason="测试：直接发布")
    assert c.get(reverse("evaluation:run", args=[draft.pk])).status_code == 200
    refused = c.post(reverse("evaluation:publish", args=[draft.pk]))
    assert refused.status_code == 403
    assert "无权发布该评价" in refused.content.decode() and "无权操作" in refused.content.decode()
    county = login(UserFactory(username="ningjin-staff", role="region_staff", scope_region=ningjin))
    assert county.post(reverse("evaluation:publish", args=[draft.pk])).status_code == 403
    new = county.post(reverse("evaluation:run_create"), {"method": "zhejiang", "year": "2025"})
    assert new.status_code == 403

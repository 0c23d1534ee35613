"""Least privilege: a county user cannot list, read, export, import into or change another
county's enterprises through any page or API endpoint; an enterprise user sees only its firm."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory, make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_xlsx

from chainboard.enterprises.models import Enterprise, EnterpriseYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(ningjin, shahe):  # type: ignore[no-untyped-def]
    ours = EnterpriseFactory(region=ningjin, name="宁晋本县电缆有限公司")
    theirs = EnterpriseFactory(region=shahe, name="沙河外县玻璃有限公司", industry_id="3041")
    EnterpriseYearFactory(enterprise=ours, year=2024)
    EnterpriseYearFactory(enterprise=theirs, year=2024, revenue_wan_yuan=99999)
    return ours, theirs


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_pages_hide_other_county(firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = firms
    c = login(ningjin_user)
    listing = c.get(reverse("enterprises:list")).content.decode()
    assert ours.name in listing and theirs.name not in listing
    searched = c.get(reverse("enterprises:list"), {"q": "沙河"}).content.decode()
    assert theirs.name not in searched
    forced = c.get(reverse("enterprises:list"), {"region": "130582"})  # not a choice of theirs
    assert forced.status_code == 400 and theirs.name not in forced.content.decode()
    assert c.get(reverse("enterprises:detail", args=[theirs.uscc])).status_code == 404
    assert c.get(reverse("enterprises:detail", args=[ours.uscc])).status_code == 200
    home = c.get(reverse("dashboards:home")).content.decode()
    assert "沙河市" not in home  # the per-county chart only carries the user's counties


def test_export_contains_only_own_county(firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    ours, _ = firms
    response = login(ningjin_user).get(reverse("enterprises:export"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    usccs = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert usccs == [ours.uscc]


def test_api_hides_and_refuses_other_county(firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = firms
    c = login(ningjin_user)
    items = c.get("/api/enterprises/").json()["items"]
    assert [i["uscc"] for i in items] == [ours.uscc]
    assert c.get("/api/enterprises/", {"region": "130582"}).json()["count"] == 0
    assert c.get(f"/api/enterprises/{theirs.uscc}").status_code == 404
    assert c.get(f"/api/enterprises/{theirs.uscc}/figures").status_code == 404
    patch = c.patch(
        f"/api/enterprises/{theirs.uscc}",
        json.dumps({"name": "被篡改", "version": 1}),
        content_type="application/json",
    )
    assert patch.status_code == 404
    put = c.put(
        f"/api/enterprises/{theirs.uscc}/figures/2024",
        json.dumps({"revenue_wan_yuan": "1", "version": 1}),
        content_type="application/json",
    )
    assert put.status_code == 404
    # moving our own firm into the other county is refused too
    move = c.patch(
        f"/api/enterprises/{ours.uscc}",
        json.dumps({"region_code": "130582", "version": ours.version}),
        content_type="application/json",
    )
    assert move.status_code == 403 and move.json()["code"] == "out_of_scope"
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.name == "沙河外县玻璃有限公司" and ours.region_id == "130528"
    assert EnterpriseYear.objects.get(enterprise=theirs).revenue_wan_yuan == 99999
    regions = {r["code"] for r in c.get("/api/regions/").json()}
    assert regions == {"130528"}


def test_api_and_page_import_refuse_other_county(firms, ningjin_user, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    rows = [
        ENTERPRISE_HEADERS,
        [make_uscc("130582", 77), "沙河新企业", "130582", "", "3041", "否", "", ""],
    ]
    path = write_xlsx(tmp_path / "x.xlsx", rows)
    with path.open("rb") as fh:
        body = c.post("/api/imports/enterprises", {"file": fh}).json()
    assert body["status"] == "rejected" and "不在您的管辖范围" in body["errors"][0]["message"]
    with path.open("rb") as fh:
        page = c.post(reverse("imports:upload"), {"kind": "enterprises", "file": fh}, follow=True)
    assert "不在您的管辖范围" in page.content.decode()
    assert not Enterprise.objects.filter(name="沙河新企业").exists()


def test_import_batches_are_private(firms, ningjin_user, shahe_user, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "x.xlsx", [ENTERPRISE_HEADERS])
    with path.open("rb") as fh:
        batch_id = login(ningjin_user).post("/api/imports/enterprises", {"file": fh}).json()["id"]
    other = login(shahe_user)
    assert other.get(f"/api/imports/batches/{batch_id}").status_code == 404
    assert other.get(reverse("imports:batch", args=[batch_id])).status_code == 404
    assert other.get(reverse("imports:errors", args=[batch_id])).status_code == 404
    assert other.post(reverse("imports:commit", args=[batch_id])).status_code == 404


def test_enterprise_user_sees_only_its_firm(firms) -> None:  # type: ignore[no-untyped-def]
    ours, _ = firms
    neighbour = EnterpriseFactory(region=ours.region, name="宁晋邻居有限公司")
    user = UserFactory(username="firm", role="enterprise", scope_enterprise=ours)
    c = login(user)
    assert [i["uscc"] for i in c.get("/api/enterprises/").json()["items"]] == [ours.uscc]
    assert c.get(f"/api/enterprises/{neighbour.uscc}").status_code == 404
    listing = c.get(reverse("enterprises:list")).content.decode()
    assert ours.name in listing and neighbour.name not in listing
    # it may report its own figures but not change the registry entry
    put = c.put(
        f"/api/enterprises/{ours.uscc}/figures/2025",
        json.dumps({"revenue_wan_yuan": "100", "version": 0}),
        content_type="application/json",
    )
    assert put.status_code == 200
    patch = c.patch(
        f"/api/enterprises/{ours.uscc}",
        json.dumps({"name": "x", "version": ours.version}),
        content_type="application/json",
    )
    assert patch.status_code == 403
    with io.BytesIO(b"a,b\n") as fh:
        fh.name = "x.csv"
        assert c.post("/api/imports/enterprises", {"file": fh}).status_code == 403


def test_anonymous_gets_nothing(firms) -> None:  # type: ignore[no-untyped-def]
    c = Client()
    assert c.get("/api/enterprises/").status_code == 401
    assert c.get(reverse("enterprises:list")).status_code == 302
    assert c.get(reverse("enterprises:export")).status_code == 302
    assert c.get(reverse("imports:upload")).status_code == 302


def test_county_user_cannot_reach_admin(firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    response = login(ningjin_user).get("/admin/enterprises/enterprise/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_city_analyst_sees_both_counties(firms, city_analyst) -> None:  # type: ignore[no-untyped-def]
    assert login(city_analyst).get("/api/enterprises/").json()["count"] == 2


def test_api_patch_in_scope_is_recorded(firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    ours, _ = firms
    c = login(ningjin_user)
    response = c.patch(
        f"/api/enterprises/{ours.uscc}",
        json.dumps({"name": "宁晋新名称有限公司", "version": ours.version}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["name"] == "宁晋新名称有限公司"
    latest = ours.history.first()
    assert latest.history_user == ningjin_user and latest.history_change_reason == "API 修改"
    bad = c.patch(
        f"/api/enterprises/{ours.uscc}",
        json.dumps({"industry_code": "3800", "version": ours.version + 1}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "4位小类" in bad.json()["message"]

"""No lost edits on firms and their yearly figures: API (PATCH/PUT) and admin.

Two "users" read the same row, then both save: different fields merge, the same field changed
by both is a 409 carrying the other user's value and the version to re-submit on top of.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import EnterpriseFactory, EnterpriseYearFactory

from chainboard.enterprises.models import Enterprise, EnterpriseYear


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def patch(c: Client, uscc: str, body: dict[str, Any]) -> Any:
    return c.patch(f"/api/enterprises/{uscc}", json.dumps(body), content_type="application/json")


def put(c: Client, uscc: str, year: int, body: dict[str, Any]) -> Any:
    return c.put(
        f"/api/enterprises/{uscc}/figures/{year}", json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def firm(ningjin: Any) -> Enterprise:
    return EnterpriseFactory(region=ningjin, name="宁晋电缆有限公司", business_scope="电缆")


@pytest.mark.django_db
def test_patch_without_version_is_400(firm: Enterprise, ningjin_user: Any) -> None:
    response = patch(client_for(ningjin_user), firm.uscc, {"name": "新名"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "version_required" and "version" in body["message"]
    firm.refresh_from_db()
    assert firm.name == "宁晋电缆有限公司"


@pytest.mark.django_db
def test_two_users_change_different_fields_both_kept(firm: Enterprise, ningjin_user: Any) -> None:
    a, b = client_for(ningjin_user), client_for(ningjin_user)
    seen_a = a.get(f"/api/enterprises/{firm.uscc}").json()
    seen_b = b.get(f"/api/enterprises/{firm.uscc}").json()
    assert seen_a["version"] == seen_b["version"] == 1
    assert patch(a, firm.uscc, {"name": "甲改名", "version": 1}).status_code == 200
    second = patch(b, firm.uscc, {"business_scope": "乙改经营范围", "version": 1})
    assert second.status_code == 200, second.json()
    firm.refresh_from_db()
    assert (firm.name, firm.business_scope, firm.version) == ("甲改名", "乙改经营范围", 3)
    assert firm.history.count() == 3


@pytest.mark.django_db
def test_same_field_stale_patch_is_409_then_merges(firm: Enterprise, ningjin_user: Any) -> None:
    a, b = client_for(ningjin_user), client_for(ningjin_user)
    assert patch(a, firm.uscc, {"name": "甲的名称", "version": 1}).status_code == 200
    stale = patch(b, firm.uscc, {"name": "乙的名称", "business_scope": "乙范围", "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict"
    assert body["current"] == {"name": "甲的名称"} and body["version"] == 2
    assert "企业名称" in body["message"] and "甲的名称" in body["fields"]["name"]
    firm.refresh_from_db()
    assert (firm.name, firm.business_scope) == ("甲的名称", "电缆")  # nothing of B written
    merged = patch(b, firm.uscc, {"name": "乙的名称", "business_scope": "乙范围", "version": 2})
    assert merged.status_code == 200 and merged.json()["version"] == 3
    firm.refresh_from_db()
    assert (firm.name, firm.business_scope) == ("乙的名称", "乙范围")


@pytest.mark.django_db
def test_patch_writes_only_changed_columns_with_history(
    firm: Enterprise, ningjin_user: Any
) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = patch(client_for(ningjin_user), firm.uscc, {"name": "新名", "version": 1})
    assert response.status_code == 200
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "enterprises_enterprise"')]
    assert len(updates) == 1
    assert "business_scope" not in updates[0] and '"name"' in updates[0]
    latest = firm.history.first()
    assert latest.name == "新名" and latest.version == 2 and latest.history_user == ningjin_user


@pytest.mark.django_db
def test_figures_put_stale_and_new_year(firm: Enterprise, ningjin_user: Any) -> None:
    EnterpriseYearFactory(enterprise=firm, year=2024, revenue_wan_yuan=100, employees=10)
    a, b = client_for(ningjin_user), client_for(ningjin_user)
    row = a.get(f"/api/enterprises/{firm.uscc}/figures").json()[0]
    body = {k: v for k, v in row.items() if k not in ("year",)}
    assert put(a, firm.uscc, 2024, body | {"revenue_wan_yuan": "200"}).status_code == 200
    stale = put(b, firm.uscc, 2024, body | {"revenue_wan_yuan": "300"})
    assert stale.status_code == 409 and stale.json()["current"] == {"revenue_wan_yuan": "200.0000"}
    other_field = put(b, firm.uscc, 2024, body | {"employees": 12})
    assert other_field.status_code == 200  # B changed another figure: merged on top of A's
    saved = EnterpriseYear.objects.get(enterprise=firm, year=2024)
    assert (saved.revenue_wan_yuan, saved.employees, saved.version) == (200, 12, 3)
    assert put(a, firm.uscc, 2024, {"revenue_wan_yuan": "1"}).status_code == 400  # no version
    # a new year: both saw none (version 0); the second with other values is a conflict
    assert put(a, firm.uscc, 2025, {"revenue_wan_yuan": "5", "version": 0}).status_code == 200
    late = put(b, firm.uscc, 2025, {"revenue_wan_yuan": "6", "version": 0})
    assert late.status_code == 409 and late.json()["version"] == 1


@pytest.mark.django_db
def test_bulk_import_update_bumps_version(firm: Enterprise) -> None:
    from chainboard.enterprises import services

    firm.name = "导入改名"
    services.enterprises_bulk_write(
        creates=[], updates=[firm], update_fields=["name"], actor=None, reason="导入批次#1"
    )
    firm.refresh_from_db()
    assert firm.version == 2 and firm.history.first().version == 2


@pytest.mark.django_db
def test_admin_stale_save_shows_their_values(firm: Enterprise, admin_user: Any) -> None:
    a, b = client_for(admin_user), client_for(admin_user)
    url = reverse("admin:enterprises_enterprise_change", args=[firm.pk])
    assert 'name="edit_version" value="1"' in a.get(url).content.decode()
    form = {
        "uscc": firm.uscc,
        "name": firm.name,
        "region": firm.region_id,
        "industry": firm.industry_id,
        "above_scale": "on",
        "founded_on": "2010-05-01",
        "status": firm.status,
        "business_scope": firm.business_scope,
        "edit_version": "1",
        **{f"{p}-{k}": v for p in ("years", "qualifications") for k, v in _empty_inline()},
    }
    assert a.post(url, form | {"name": "甲后台改名"}).status_code == 302
    page = b.post(url, form | {"name": "乙后台改名"})
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "已被他人修改" in text and "甲后台改名" in text and 'name="edit_version" value="2"' in text
    )
    firm.refresh_from_db()
    assert firm.name == "甲后台改名"
    again = b.post(url, form | {"name": "乙后台改名", "edit_version": "2"})
    assert again.status_code == 302
    firm.refresh_from_db()
    assert firm.name == "乙后台改名" and firm.version == 3


def _empty_inline() -> list[tuple[str, str]]:
    return [
        ("TOTAL_FORMS", "0"),
        ("INITIAL_FORMS", "0"),
        ("MIN_NUM_FORMS", "0"),
        ("MAX_NUM_FORMS", "1000"),
    ]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_patches_from_two_threads_lose_nothing(
    ningjin: Any, ningjin_user: Any
) -> None:
    """Real concurrency: two threads read, then PATCH the same firm at the same moment."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs a database that several connections can write: PostgreSQL run")
    firm = EnterpriseFactory(region=ningjin, name="并发电缆有限公司", business_scope="电缆")
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    def user(field: str, value: str) -> None:
        c = client_for(ningjin_user)
        version = c.get(f"/api/enterprises/{firm.uscc}").json()["version"]
        barrier.wait(30)
        results[field] = patch(c, firm.uscc, {field: value, "version": version}).status_code
        connection.close()

    threads = [
        threading.Thread(target=user, args=("name", "线程甲名称")),
        threading.Thread(target=user, args=("business_scope", "线程乙范围")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {"name": 200, "business_scope": 200}
    firm.refresh_from_db()
    assert (firm.name, firm.business_scope, firm.version) == ("线程甲名称", "线程乙范围", 3)

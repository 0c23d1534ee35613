"""/api/investment/: scoped list and detail, create, stage change; 404 out of scope (read and
write), 403 for a refused write on a visible lead, 400 for bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chainboard.investment import services
from chainboard.investment.models import Lead

from .conftest import lead_data

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def leads(world) -> dict[str, Lead]:  # type: ignore[no-untyped-def]
    return {
        "ningjin": services.lead_create(actor=world.users["ningjin"], data=lead_data(world)),
        "shahe": services.lead_create(
            actor=world.users["shahe"],
            data=lead_data(world, name="沙河外地玻璃公司", region=world.shahe, uscc=""),
        ),
    }


def test_list_and_detail_are_scoped(world, leads) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.users["ningjin"])
    items = c.get("/api/investment/leads").json()["items"]
    assert [x["name"] for x in items] == ["苏州远东特缆科技有限公司"]
    assert c.get(f"/api/investment/leads/{leads['shahe'].pk}").status_code == 404
    detail = c.get(f"/api/investment/leads/{leads['ningjin'].pk}").json()
    assert detail["stage_label"] == "线索" and detail["timeline"][0]["label"] == "阶段变更"
    assert c.get("/api/investment/leads", {"stage": "x"}).status_code == 400
    funnel = client_for(world.users["analyst"]).get("/api/investment/funnel").json()
    assert funnel["total"] == 2


def test_create_and_move(world) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.users["ningjin"])
    body = {
        "name": "深圳外地检测公司",
        "chain_id": world.chain.pk,
        "node_id": world.nodes["检测认证"].pk,
        "region": "130528",
        "amount_wan_yuan": "12000",
    }
    r = post(c, "/api/investment/leads", body)
    assert r.status_code == 201, r.content
    lead_id = r.json()["id"]
    assert (
        post(c, "/api/investment/leads", {**body, "name": "x", "uscc": world.bad_uscc}).status_code
        == 400
    )
    assert (
        post(c, "/api/investment/leads", {**body, "name": "y", "amount_wan_yuan": "-1"}).status_code
        == 400
    )
    assert (
        post(
            c, "/api/investment/leads", {**body, "name": "z", "node_id": world.other_node.pk}
        ).status_code
        == 400
    )
    assert post(c, "/api/investment/leads", {**body, "region": "130582"}).status_code == 400
    r = post(c, f"/api/investment/leads/{lead_id}/stage", {"stage": "signed", "version": 1})
    assert r.status_code == 400 and "直接跳到" in r.json()["message"]
    r = post(c, f"/api/investment/leads/{lead_id}/stage", {"stage": "contact"})
    assert r.status_code == 400 and r.json()["code"] == "version_required"
    version = 1
    for stage in ("contact", "negotiation", "signed", "landed"):
        r = post(c, f"/api/investment/leads/{lead_id}/stage", {"stage": stage, "version": version})
        assert r.status_code == 200, r.content
        version = r.json()["version"]
    assert r.json()["project_code"]
    assert Lead.objects.get(pk=lead_id).project.introduced


def test_out_of_scope_write_is_404_and_refused_write_403(world, leads) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    c = client_for(world.users["ningjin"])
    other = leads["shahe"]
    r = post(c, f"/api/investment/leads/{other.pk}/stage", {"stage": "contact", "version": 1})
    assert r.status_code == 404
    firm = client_for(world.users["enterprise"])
    assert (
        post(
            firm, "/api/investment/leads", {"name": "x", "chain_id": 1, "region": "130528"}
        ).status_code
        == 403
    )
    park_user = UserFactory(username="park2", role="park_staff", scope_park=None)
    # a park officer of 宁晋 sees the county's leads but may not move them
    from tests.factories import ParkFactory

    park_user.scope_park = ParkFactory(region=world.ningjin, name="宁晋测试园区")
    park_user.save()
    p = client_for(park_user)
    lead = leads["ningjin"]
    assert p.get(f"/api/investment/leads/{lead.pk}").status_code == 200
    r = post(p, f"/api/investment/leads/{lead.pk}/stage", {"stage": "contact", "version": 1})
    assert r.status_code == 403
    lead.refresh_from_db()
    assert lead.stage == "lead"

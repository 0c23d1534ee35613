"""The 招商 pages: list with filters and paging, detail with its actions, forms, funnel, export,
the gap list of the chain panorama; a county user cannot read or change another county's lead."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chainboard.investment import services
from chainboard.investment.models import Lead

from .conftest import lead_data

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def leads(world) -> dict[str, Lead]:  # type: ignore[no-untyped-def]
    nj = services.lead_create(actor=world.users["ningjin"], data=lead_data(world))
    sh = services.lead_create(
        actor=world.users["shahe"],
        data=lead_data(world, name="沙河外地玻璃公司", region=world.shahe, uscc=""),
    )
    return {"ningjin": nj, "shahe": sh}


def test_list_filters_and_scope(world, leads) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.users["ningjin"])
    page = c.get(reverse("investment:list")).content.decode()
    assert "苏州远东特缆科技有限公司" in page and "沙河外地玻璃公司" not in page
    page = (
        client_for(world.users["analyst"])
        .get(reverse("investment:list"), {"region": "130582"})
        .content.decode()
    )
    assert "沙河外地玻璃公司" in page and "苏州远东特缆科技有限公司" not in page
    assert c.get(reverse("investment:list"), {"stage": "nonsense"}).status_code == 400
    assert client_for(world.users["enterprise"]).get(reverse("investment:list")).status_code == 403


def test_county_user_cannot_read_or_change_another_countys_lead(world, leads) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.users["ningjin"])
    other = leads["shahe"]
    assert c.get(reverse("investment:detail", args=[other.pk])).status_code == 404
    assert c.get(reverse("investment:edit", args=[other.pk])).status_code == 404
    r = c.post(
        reverse("investment:detail", args=[other.pk]),
        {"action": "move", "stage": "contact", "version": other.version},
    )
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.stage == "lead"


def test_create_edit_and_move_through_the_page(world) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.users["ningjin"])
    form = {
        "name": "无锡外地电缆料公司",
        "uscc": "",
        "amount_wan_yuan": "8000",
        "source": "manual",
        "chain": world.chain.pk,
        "node": world.nodes["电缆料"].pk,
        "region": "130528",
    }
    r = c.post(reverse("investment:new"), form)
    assert r.status_code == 302, r.content.decode()[:2000]
    lead = Lead.objects.get(name="无锡外地电缆料公司")
    bad = c.post(reverse("investment:new"), {**form, "name": "另一家", "uscc": world.bad_uscc})
    assert bad.status_code == 400 and "校验位" in bad.content.decode()
    r = c.post(
        reverse("investment:edit", args=[lead.pk]),
        {**form, "next_step": "发函", "version": lead.version},
    )
    assert r.status_code == 302
    lead.refresh_from_db()
    r = c.post(
        reverse("investment:detail", args=[lead.pk]),
        {"action": "move", "stage": "signed", "version": lead.version},
    )
    assert r.status_code == 400 and "直接跳到" in r.content.decode()
    r = c.post(
        reverse("investment:detail", args=[lead.pk]),
        {"action": "move", "stage": "contact", "version": lead.version},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("investment:detail", args=[lead.pk]),
        {"action": "activity", "kind": "visit", "on": "2026-01-05", "content": "上门拜访"},
    )
    assert r.status_code == 302
    page = c.get(reverse("investment:detail", args=[lead.pk])).content.decode()
    assert "上门拜访" in page and "线索 → 接洽" in page


def test_funnel_and_export(world, leads) -> None:  # type: ignore[no-untyped-def]
    c = client_for(world.users["analyst"])
    page = c.get(reverse("investment:funnel")).content.decode()
    assert "chart-funnel" in page and "电线电缆产业链" in page
    r = c.get(reverse("investment:export"))
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r["Content-Disposition"]
    assert "%E6%8B%9B%E5%95%86" in r["Content-Disposition"]  # 招商


def test_gap_list_shows_the_leads(world, leads) -> None:  # type: ignore[no-untyped-def]
    from chainboard.chains.gap_panels import gap_items

    items = gap_items(world.users["ningjin"], world.chain, [world.nodes["特种电缆"].pk])
    labels = [i.label for i in items[world.nodes["特种电缆"].pk]]
    assert labels == ["苏州远东特缆科技有限公司"]  # 沙河's lead is not the 宁晋 user's
    c = client_for(world.users["analyst"])
    page = c.get(reverse("chains:panorama", args=[world.chain.pk])).content.decode()
    assert "招商进展" in page

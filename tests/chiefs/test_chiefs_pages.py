"""Pages and API of the chiefs app: scope (a county user sees the chain's county part, a firm
user its own applications), refused writes through pages (400/403/404, nothing written)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chainboard.chiefs import services
from chainboard.chiefs.models import Application, Call, Chokepoint, OrgMember, Review
from tests.chiefs.conftest import CALL

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def snapshot() -> tuple[int, ...]:
    return tuple(
        m.objects.count() + m.history.count()  # type: ignore[attr-defined]
        for m in (OrgMember, Chokepoint, Call, Application, Review)
    )


@pytest.fixture
def published(city):  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    call = services.call_publish(
        call=services.call_save(chokepoint=city.item, actor=a, data=CALL), actor=a
    )
    for user, firm in (
        (city.users["firm"], city.firm),
        (city.users["firm_shahe"], city.firm_shahe),
    ):
        services.application_submit(
            call=call,
            actor=user,
            applicant_kind="firm",
            enterprise=firm,
            team_lead=f"{firm.name}负责人",
            team="t",
            plan="p",
            budget_wan_yuan="10",
        )
    return call


def test_county_user_sees_the_chains_county_part(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    for name, region in (
        ("市工信局", None),
        ("宁晋县工信局", "130528"),
        ("沙河市工信局", "130582"),
    ):
        services.org_member_save(
            chain=city.chain,
            actor=a,
            data={"kind": "department", "name": name, "region_id": None}
            | (
                {"region": city.firm.region if region == "130528" else city.firm_shahe.region}
                if region
                else {}
            ),
        )
    services.org_member_save(
        chain=city.chain,
        actor=a,
        data={
            "kind": "leader_firm",
            "enterprise": city.firm_shahe,
            "duties": "本地配套率提高到60%",
        },
    )
    page = client(city.users["county"]).get(f"/chains/{city.chain.pk}/org/").content.decode()
    assert "市工信局" in page and "宁晋县工信局" in page
    assert "沙河市工信局" not in page and "沙河揭榜玻璃有限公司" not in page
    api = client(city.users["county"]).get(f"/api/chiefs/chains/{city.chain.pk}/org").json()
    assert {m["name"] for m in api} == {"市工信局", "宁晋县工信局"}
    full = client(a).get(f"/api/chiefs/chains/{city.chain.pk}/org").json()
    assert len(full) == 4


def test_firm_users_see_only_their_own_applications(city, published) -> None:  # type: ignore[no-untyped-def]
    own = client(city.users["firm"]).get(f"/chains/calls/{published.pk}/").content.decode()
    assert "宁晋揭榜电缆有限公司负责人" in own and "沙河揭榜玻璃有限公司" not in own
    api = client(city.users["firm"]).get(f"/api/chiefs/calls/{published.pk}").json()
    assert [x["applicant_name"] for x in api["applications"]] == ["宁晋揭榜电缆有限公司"]
    # the 沙河 county officer sees the city's call but not the 宁晋 firm's application
    api = client(city.users["shahe"]).get(f"/api/chiefs/calls/{published.pk}").json()
    assert [x["applicant_name"] for x in api["applications"]] == ["沙河揭榜玻璃有限公司"]
    assert (
        len(
            client(city.users["analyst"])
            .get(f"/api/chiefs/calls/{published.pk}")
            .json()["applications"]
        )
        == 2
    )
    mine = client(city.users["firm2"]).get("/chains/calls/").content.decode()
    assert "宁晋揭榜电缆有限公司" not in mine


def test_draft_calls_are_invisible_to_firms(city) -> None:  # type: ignore[no-untyped-def]
    call = services.call_save(chokepoint=city.item, actor=city.users["analyst"], data=CALL)
    c = client(city.users["firm"])
    assert c.get(f"/chains/calls/{call.pk}/").status_code == 404
    before = snapshot()
    body = {
        "applicant_kind": "firm",
        "uscc": city.firm.uscc,
        "team_lead": "x",
        "team": "t",
        "plan": "p",
        "budget_wan_yuan": "1",
    }
    assert c.post(f"/chains/calls/{call.pk}/apply/", body).status_code == 404
    assert snapshot() == before
    assert call.pk not in [x["id"] for x in c.get("/api/chiefs/calls").json()]


def test_enterprise_applies_from_its_page_and_cannot_review(city, published) -> None:  # type: ignore[no-untyped-def]
    c = client(city.users["firm2"])
    page = c.get(f"/chains/calls/{published.pk}/").content.decode()
    assert "以 <b>宁晋第二电缆有限公司</b> 名义揭榜" in page
    body = {
        "applicant_kind": "firm",
        "uscc": city.firm2.uscc,
        "team_lead": "赵工",
        "team": "t",
        "plan": "p",
        "budget_wan_yuan": "-3",
    }
    before = snapshot()
    r = c.post(f"/chains/calls/{published.pk}/apply/", body)
    assert r.status_code == 400 and "申请经费不能为负数" in r.content.decode()
    assert snapshot() == before
    # in another firm's name
    r = c.post(
        f"/chains/calls/{published.pk}/apply/",
        body | {"uscc": city.firm.uscc, "budget_wan_yuan": "5"},
    )
    assert r.status_code == 400 and "不在您的管辖范围" in r.content.decode()
    assert snapshot() == before
    r = c.post(f"/chains/calls/{published.pk}/apply/", body | {"budget_wan_yuan": "5"})
    assert r.status_code == 302
    assert Application.objects.filter(
        enterprise=city.firm2, submitted_by=city.users["firm2"]
    ).exists()
    services.call_close(call=published, actor=city.users["analyst"])
    before = snapshot()
    app = Application.objects.get(enterprise=city.firm2)
    r = c.post(
        f"/chains/calls/{published.pk}/review/",
        {"application": app.pk, "expert": "我", "score": "100"},
    )
    assert r.status_code == 403 and "不能评审" in r.content.decode()
    assert snapshot() == before


def test_page_refuses_a_node_of_another_chain_and_a_negative_budget(city) -> None:  # type: ignore[no-untyped-def]
    c = client(city.users["analyst"])
    before = snapshot()
    r = c.post(
        f"/chains/{city.chain.pk}/chokepoints/",
        {"technology": "X", "reason": "import", "target": "t", "nodes": [city.other_node.pk]},
    )
    assert r.status_code == 400 and "不属于电线电缆产业链" in r.content.decode()
    r = c.post(
        f"/chains/{city.chain.pk}/chokepoints/",
        {"technology": "X", "reason": "import", "target": "t", "nodes": [999999]},
    )
    assert r.status_code == 400 and "环节不存在" in r.content.decode()
    r = c.post(
        f"/chains/{city.chain.pk}/chokepoints/{city.item.pk}/",
        {"form": "call"}
        | {k: v for k, v in CALL.items() if v is not None}
        | {"budget_wan_yuan": "-1"},
    )
    assert r.status_code == 400 and "榜单金额不能为负数" in r.content.decode()
    assert snapshot() == before
    # the 沙河 county user: the 宁晋-less city chain is visible, its records are not theirs
    r = client(city.users["shahe"]).post(
        f"/chains/{city.chain.pk}/org/", {"kind": "department", "name": "x"}
    )
    assert r.status_code == 403 and snapshot() == before
    assert (
        client(city.users["county"]).get(f"/chains/{city.other_chain.pk}/chokepoints/").status_code
        == 404
    )


def test_chokepoint_page_links_the_supply_risk_of_its_nodes(city) -> None:  # type: ignore[no-untyped-def]
    page = client(city.users["county"]).get(f"/chains/{city.chain.pk}/chokepoints/{city.item.pk}/")
    text = page.content.decode()
    assert page.status_code == 200 and "当前供应链风险分析未标记" in text and "高压电缆料" in text
    api = client(city.users["county"]).get(f"/api/chiefs/chains/{city.chain.pk}/chokepoints").json()
    assert api[0]["nodes"][0]["supply_verdict"] is None
    assert api[0]["needing_firms"] == [city.firm.uscc]
    assert (
        client(city.users["shahe"])
        .get(f"/api/chiefs/chains/{city.chain.pk}/chokepoints")
        .json()[0]["needing_firms"]
        == []
    )


def test_report_counts_calls_and_funds(city, published) -> None:  # type: ignore[no-untyped-def]
    rows = client(city.users["analyst"]).get("/api/chiefs/report").json()
    row = next(r for r in rows if r["chain"] == city.chain.pk)
    assert (row["items"], row["published"], row["awarded"], row["accepted"]) == (1, 1, 0, 0)
    assert float(row["budget_wan_yuan"]) == 800
    assert (
        "电线电缆产业链"
        in client(city.users["analyst"]).get("/chains/calls/report/").content.decode()
    )
    assert json.dumps(rows)


def test_chain_brief_pdf_has_the_chokepoints_and_calls(city, published) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    from chainboard.chains.exports import chain_brief_pdf

    body = chain_brief_pdf(user=city.users["county"], chain=city.chain, year=None)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "关键核心技术攻关清单" in text and "500kV超高压电缆绝缘料" in text
    assert "超高压电缆绝缘料揭榜挂帅" in text and "逾期任务" in text


def test_cockpit_has_the_chiefs_panel(city, published) -> None:  # type: ignore[no-untyped-def]
    html = client(city.users["analyst"]).get("/").content.decode()
    assert 'id="panel-chiefs"' in html and "电线电缆产业链" in html
    assert f'href="/chains/{city.chain.pk}/chokepoints/"' in html
    county = client(city.users["shahe"]).get("/").content.decode()
    assert 'id="panel-chiefs"' in county  # the city's chain, seen from 沙河

"""Least privilege: county users see their own firms' rows only, through every page and API."""

from __future__ import annotations

import pytest

from chainboard.core.errors import OutOfScope
from chainboard.supply import selectors
from chainboard.supply.models import SupplyRun
from chainboard.supply.services import run_supply_analysis, supply_run_publish
from tests.factories import UserFactory
from tests.supply.factories import ChainFactory

pytestmark = pytest.mark.django_db

NINGJIN_FIRMS = ("宁晋测试电缆有限公司", "宁晋测试铜业有限公司")
SHAHE_FIRMS = ("沙河测试电缆有限公司", "沙河测试铜业有限公司")


def test_county_user_sees_only_their_firms_on_the_page(net, stored, ningjin_user, login):  # type: ignore[no-untyped-def]
    client = login(ningjin_user)
    r = client.get(f"/chains/{net.chain.pk}/supply/")
    assert r.status_code == 200  # the city chain is visible to a county of the city
    html = r.content.decode()
    for name in NINGJIN_FIRMS:
        assert name in html
    for key in "BDEFG":  # Shahe firms, Suzhou and Handan suppliers: neither name nor USCC
        assert net.uscc[key] not in html
    for name in SHAHE_FIRMS:
        assert name not in html
    assert "沙河市企业" in html  # D, masked to its region as A's backup and the nodes' top supplier
    assert "苏州市企业" in html  # E, masked
    assert "250.00 万元" in html  # node/chain aggregates are shown with the chain


def test_other_county_sees_the_other_half(net, stored, shahe_user, login):  # type: ignore[no-untyped-def]
    html = login(shahe_user).get(f"/chains/{net.chain.pk}/supply/").content.decode()
    assert "沙河测试电缆有限公司" in html
    for name in NINGJIN_FIRMS:
        assert name not in html
    assert net.uscc["A"] not in html and net.uscc["C"] not in html


def test_city_analyst_sees_city_firms_and_masks_outside_ones(net, stored, city_analyst):  # type: ignore[no-untyped-def]
    run = stored
    deps = selectors.dependences(user=city_analyst, run=run, chain=net.chain)
    assert {d.firm.uscc for d in deps} == {net.uscc[k] for k in "ABC"}
    pairs = selectors.pair_list(user=city_analyst, run=run)
    assert pairs.count() == 5  # all but F→G (both outside the city)
    labels = selectors.firm_labels(city_analyst, list(run.firms.all()))
    by_uscc = {f.uscc: labels[f.pk] for f in run.firms.all()}
    assert by_uscc[net.uscc["D"]].visible and by_uscc[net.uscc["D"]].name == "沙河测试铜业有限公司"
    assert not by_uscc[net.uscc["E"]].visible and by_uscc[net.uscc["E"]].uscc == ""
    assert by_uscc[net.uscc["E"]].region == "苏州市"


def test_county_shock_lists_only_own_firms(net, stored, ningjin_user, login):  # type: ignore[no-untyped-def]
    """Removing C (宁晋): A loses 60 of its 100 purchases, B (沙河) 10 of 100: B is counted, not
    named."""
    client = login(ningjin_user)
    r = client.post(
        f"/chains/{net.chain.pk}/supply/shock/",
        {"suppliers": net.uscc["C"]},
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert "其销售额 70.00 万元" in html  # C is the county's own firm
    assert "宁晋测试电缆有限公司" in html and "沙河测试电缆有限公司" not in html
    assert "本链另有 1 家受影响企业不在您的管辖范围" in html


def test_county_cannot_name_an_out_of_scope_supplier(net, stored, ningjin_user, login):  # type: ignore[no-untyped-def]
    """Issue 11: naming E (苏州) or D (沙河) showed 受影响采购额（一阶） = that firm's total sales
    and told whether a USCC is in the network. Now every out-of-scope or absent USCC gets the same
    refusal and no figure."""
    client = login(ningjin_user)
    url = f"/chains/{net.chain.pk}/supply/shock/"
    absent = "91320500MA00000000"
    answers = {}
    for uscc in (net.uscc["E"], net.uscc["D"], absent):
        r = client.post(url, {"suppliers": uscc}, HTTP_HX_REQUEST="true")
        html = r.content.decode()
        assert "shock-summary" not in html and "万元" not in html
        answers[uscc] = html.replace(uscc, "<USCC>")
    assert len(set(answers.values())) == 1  # same page whether the firm exists or not
    assert "不在本批次的交易网络中或不在您的管辖范围内" in answers[absent]
    # mixed with an own supplier: refused as a whole, naming only the refused USCC
    r = client.post(url, {"suppliers": f"{net.uscc['C']},{net.uscc['E']}"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert "shock-summary" not in html and net.uscc["E"] in html
    r = client.post(url, {"suppliers": net.uscc["E"]})  # the full page: 400
    assert r.status_code == 400


def test_county_cannot_remove_a_region_of_one_or_two_hidden_firms(  # type: ignore[no-untyped-def]
    net, stored, ningjin_user, admin_user, login
):
    """Removing 苏州 (only E) or 沙河 (B and D) would show those firms' own sales to a 宁晋 user:
    refused without a figure. The user's own county, and any region for an admin, still work."""
    url = f"/chains/{net.chain.pk}/supply/shock/"
    client = login(ningjin_user)
    for region in ("320500", "130582"):
        html = client.post(url, {"region": region}, HTTP_HX_REQUEST="true").content.decode()
        assert "shock-summary" not in html and "万元" not in html
        assert "少于 3 家" in html
    html = client.post(url, {"region": "130528"}, HTTP_HX_REQUEST="true").content.decode()
    assert "shock-summary" in html
    html = login(admin_user).post(url, {"region": "320500"}, HTTP_HX_REQUEST="true")
    assert "shock-summary" in html.content.decode()


def test_county_cannot_see_another_countys_chain_or_runs(
    net, ningjin_user, shahe_user, login, xingtai
):  # type: ignore[no-untyped-def]
    shahe_chain = ChainFactory(region=xingtai["130582"], code="shahetest", name="沙河测试链")
    # the Shahe chain has no links, but its run's region (沙河) is not visible to 宁晋 either way
    client = login(ningjin_user)
    assert client.get(f"/chains/{shahe_chain.pk}/supply/").status_code == 404
    assert (
        client.post(f"/chains/{shahe_chain.pk}/supply/shock/", {"region": "320500"}).status_code
        == 404
    )
    assert client.get(f"/api/supply/chains/{shahe_chain.pk}/nodes").status_code == 404
    assert client.get(f"/api/supply/chains/{shahe_chain.pk}/dependences").status_code == 404


def test_county_cannot_start_a_run_elsewhere(net, ningjin_user, shahe_user, xingtai):  # type: ignore[no-untyped-def]
    for region in ("130582", "130500"):  # another county, the city above
        with pytest.raises(OutOfScope, match="不在您的管辖范围"):
            run_supply_analysis(actor=ningjin_user, region=region, transactions_path=net.path)
    firm_user = UserFactory(role="enterprise", scope_enterprise=net.firms["A"])
    with pytest.raises(OutOfScope, match="当前角色不能发起供应链风险分析"):
        run_supply_analysis(actor=firm_user, region="130528", transactions_path=net.path)
    assert not SupplyRun.objects.exists()


def test_county_run_reads_only_its_own_registry(net, ningjin_user, shahe_user, xingtai):  # type: ignore[no-untyped-def]
    """A Ningjin chain analysed by the Ningjin user: Shahe firms are not linked to the registry."""
    from tests.supply.factories import ChainNodeFactory, EnterpriseNodeFactory

    chain = ChainFactory(region=xingtai["130528"], code="njtest", name="宁晋测试链")
    node = ChainNodeFactory(chain=chain, name="电缆", stage="midstream")
    for key in "AB":
        EnterpriseNodeFactory(enterprise=net.firms[key], node=node)
    run, _ = run_supply_analysis(actor=ningjin_user, region="130528", transactions_path=net.path)
    firms = {f.uscc: f for f in run.firms.all()}
    assert firms[net.uscc["A"]].enterprise == net.firms["A"]
    assert firms[net.uscc["B"]].enterprise is None and firms[net.uscc["B"]].name == ""
    assert run.firms.filter(nodes__node=node).count() == 1  # B's link is not the county's to read
    with pytest.raises(OutOfScope):
        supply_run_publish(actor=shahe_user, run=run)


def test_api_is_scoped(net, stored, ningjin_user, admin_user, client):  # type: ignore[no-untyped-def]
    client.force_login(ningjin_user)
    r = client.get(f"/api/supply/chains/{net.chain.pk}/dependences")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 2
    assert {d["buyer"]["uscc"] for d in body["items"]} == {net.uscc["A"], net.uscc["C"]}
    a = next(d for d in body["items"] if d["buyer"]["uscc"] == net.uscc["A"])
    masked = [x["backup"] for r in a["risky"] for x in r["backups"]]
    assert {"uscc": None, "name": None, "region": "沙河市", "in_scope": False} in masked
    assert all(
        x["capacity_wan_yuan"] is None
        for r in a["risky"]
        for x in r["backups"]
        if not x["backup"]["in_scope"]
    )
    nodes = client.get(f"/api/supply/chains/{net.chain.pk}/nodes").json()
    assert [n["node"] for n in nodes["nodes"]] == ["铜杆", "电缆"]
    assert nodes["chain"]["local_share"] == pytest.approx(0.64)
    assert nodes["chain"]["top_supplier"] == {
        "uscc": None,
        "name": None,
        "region": "沙河市",
        "in_scope": False,
    }
    pairs = client.get(f"/api/supply/runs/{stored.pk}/pairs").json()
    assert pairs["count"] == 4  # C→A, E→A, C→B, E→C: A or C on one side
    assert all(net.uscc["B"] != (p["buyer"]["uscc"] or "") for p in pairs["items"])
    assert client.get("/api/openapi.json").status_code == 200
    client.force_login(admin_user)
    assert client.get(f"/api/supply/runs/{stored.pk}/pairs").json()["count"] == 6
    assert [r["id"] for r in client.get("/api/supply/runs").json()] == [stored.pk]


def test_draft_runs_only_for_those_who_run_analyses(net, stored, city_analyst):  # type: ignore[no-untyped-def]
    from chainboard.supply.models import RunStatus
    from tests.supply.factories import SupplyRunFactory

    draft = SupplyRunFactory(region=net.chain.region, status=RunStatus.DRAFT)
    firm_user = UserFactory(role="enterprise", scope_enterprise=net.firms["A"])
    assert set(selectors.runs_visible(city_analyst)) == {stored, draft}
    assert set(selectors.runs_visible(firm_user)) == {stored}


def test_page_and_api_show_the_one_dependence_tree(
    net, stored, ningjin_user, login, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    """``selectors.dependence_tree`` builds buyer → risky suppliers → backups once; the page and
    the API render the same rows, in the same order, with the same masking."""
    with django_assert_num_queries(7):  # count, buyers, risky + backups, nodes, visible, regions
        page, rows = selectors.dependence_tree(
            user=ningjin_user, run=stored, chain=net.chain, page=1, per_page=20
        )
    assert page.paginator.count == len(rows) == 2
    tree = [
        (
            row.buyer.uscc,
            [
                (
                    x.supplier.uscc or x.supplier.region,
                    [(y.firm.uscc, y.firm.visible) for y in x.backups],
                )
                for x in row.risky
            ],
        )
        for row in rows
    ]
    assert {uscc for uscc, _ in tree} == {net.uscc["A"], net.uscc["C"]}
    api = login(ningjin_user).get(f"/api/supply/chains/{net.chain.pk}/dependences").json()
    assert [
        (
            d["buyer"]["uscc"],
            [
                (
                    r["supplier"]["uscc"] or r["supplier"]["region"],
                    [(b["backup"]["uscc"] or "", b["backup"]["in_scope"]) for b in r["backups"]],
                )
                for r in d["risky"]
            ],
        )
        for d in api["items"]
    ] == tree
    html = login(ningjin_user).get(f"/chains/{net.chain.pk}/supply/").content.decode()
    table = html[html.index('id="dep-table"') :]
    table = table[: table.index("</table>")]
    positions = [table.index(f"/enterprises/{uscc}/") for uscc, _ in tree]
    assert positions == sorted(positions)  # the page lists the buyers in the tree's order
    assert "同环节 铜杆；本地（区域内）" in table  # a backup's reason (the backup_reason filter)
    assert "沙河市企业" in table  # the masked backup, as in the API

"""产业链企业名单: firms linked to chain segments, names matched and chains resolved in scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.factories import EnterpriseFactory
from tests.imports.filemaker import write_xlsx
from tests.imports.realfiles import chain_firm_list
from tests.supply.factories import ChainFactory, ChainNodeFactory

from chainboard.chains.importers import ChainFirmsImporter
from chainboard.chains.models import EnterpriseNode
from chainboard.imports.runner import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(ningjin, shahe, xingtai):  # type: ignore[no-untyped-def]
    city = ChainFactory(name="电线电缆产业链", code="wire_cable", region=xingtai["130500"])
    county = ChainFactory(name="电线电缆产业链", code="wire_cable_nj", region=ningjin)
    glass = ChainFactory(name="玻璃产业链", code="glass_sh", region=shahe)
    return {
        "city_copper": ChainNodeFactory(chain=city, name="铜杆", stage="upstream"),
        "county_power": ChainNodeFactory(chain=county, name="电力电缆"),
        "county_al": ChainNodeFactory(chain=county, name="铝杆", stage="upstream"),
        "glass_float": ChainNodeFactory(chain=glass, name="浮法玻璃"),
        "huatong": EnterpriseFactory(name="宁晋县华通电缆有限责任公司", region=ningjin),
        "jinglong": EnterpriseFactory(name="河北晶龙电子材料股份有限公司", region=ningjin),
        "shahe": EnterpriseFactory(name="沙河华通电缆有限公司", region=shahe),
        "xinxing": EnterpriseFactory(name="信都区新兴铜材有限公司", region=xingtai["130503"]),
    }


def test_a_name_only_chain_list_links_confirmed_firms_to_the_county_copy(
    tmp_path: Path, setup, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    path = chain_firm_list(
        tmp_path / "重点企业.xlsx",
        [
            ["宁晋县华通电缆有限公司", "电线电缆产业链", "电力电缆", "宁晋县", "链主"],
            ["河北晶龙电子材料有限公司", "电线电缆产业链", "铝杆", "宁晋县", ""],
            ["沙河华通电缆有限公司", "电线电缆产业链", "电力电缆", "沙河市", ""],
        ],
    )
    out = run_import(ChainFirmsImporter(), path, actor=ningjin_user)
    assert out.ok, [e.text() for e in out.errors]
    assert (out.counts.created, out.counts.updated) == (2, 0)
    link = EnterpriseNode.objects.get(enterprise=setup["huatong"])
    assert link.node == setup["county_power"]  # the county's own copy of the chain
    assert (link.state, link.source, link.note, link.reviewed_by) == (
        "confirmed",
        "manual",
        "链主",
        ningjin_user,
    )
    assert link.history.get().history_change_reason == out.batch.change_reason
    statuses = {m["row"]: m["status"] for m in out.batch.name_matches}
    assert statuses == {3: "confirmed", 4: "confirmed", 5: "not_found"}
    assert not EnterpriseNode.objects.filter(enterprise=setup["shahe"]).exists()


def test_chains_and_firms_outside_the_scope_and_unknown_nodes_are_located_errors(
    tmp_path: Path, setup, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["统一社会信用代码", "企业名称", "产业链", "环节"],
        [setup["huatong"].uscc, "", "玻璃产业链", "浮法玻璃"],
        [setup["huatong"].uscc, "", "电线电缆产业链", "铜杆"],
        [setup["shahe"].uscc, "", "电线电缆产业链", "电力电缆"],
        [setup["jinglong"].uscc, "", "电线电缆产业链", "铝杆"],
        [setup["jinglong"].uscc, "", "电线电缆产业链", "铝杆"],
        [setup["jinglong"].uscc, "", "", "铝杆"],
    ]
    out = run_import(
        ChainFirmsImporter(), write_xlsx(tmp_path / "bad.xlsx", rows), actor=ningjin_user
    )
    got = {(e.row, e.column): e.message for e in out.errors}
    assert got[(2, "产业链")] == "没有该产业链，或不在您的管辖范围"
    assert got[(3, "环节")] == "「电线电缆产业链」没有该环节（有：电力电缆、铝杆）"
    assert got[(4, "统一社会信用代码")] == "该企业不在您的管辖范围"
    assert got[(6, "环节")] == "与第5行（同一企业同一环节）重复"
    assert got[(7, "产业链")] == "必填项为空"
    assert out.batch.status == "rejected" and not EnterpriseNode.objects.exists()


def test_a_city_firm_links_to_the_city_chain_and_a_proposed_link_is_confirmed(
    tmp_path: Path, setup, city_analyst
) -> None:  # type: ignore[no-untyped-def]
    from tests.supply.factories import EnterpriseNodeFactory

    proposed = EnterpriseNodeFactory(
        enterprise=setup["xinxing"], node=setup["city_copper"], state="proposed", source="code"
    )
    rows = [
        ["企业名称", "所在地", "产业链", "环节"],
        ["新兴铜材有限公司", "信都区", "wire_cable", "铜杆"],
    ]
    out = run_import(
        ChainFirmsImporter(), write_xlsx(tmp_path / "c.xlsx", rows), actor=city_analyst
    )
    assert out.ok, [e.text() for e in out.errors]
    assert (out.counts.created, out.counts.updated) == (0, 1)
    proposed.refresh_from_db()
    assert (proposed.state, proposed.reviewed_by) == ("confirmed", city_analyst)

"""A city chain (邢台市) with firms in 宁晋 and 沙河, the users who keep it and a list item."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from chainboard.chiefs import services
from tests.factories import EnterpriseFactory, UserFactory
from tests.supply.factories import ChainFactory, ChainNodeFactory


@dataclass
class City:
    chain: Any
    node: Any
    node2: Any
    other_chain: Any
    other_node: Any
    firm: Any  # 宁晋
    firm2: Any  # 宁晋, another firm
    firm_shahe: Any
    users: dict[str, Any]
    item: Any


@pytest.fixture
def city(xingtai) -> City:  # type: ignore[no-untyped-def]
    city, ningjin, shahe = xingtai["130500"], xingtai["130528"], xingtai["130582"]
    chain = ChainFactory(region=city, code="cable", name="电线电缆产业链")
    node = ChainNodeFactory(chain=chain, name="高压电缆料", stage="upstream")
    node2 = ChainNodeFactory(chain=chain, name="超高压电缆", stage="midstream")
    other_chain = ChainFactory(region=shahe, code="glass", name="沙河玻璃产业链")
    other_node = ChainNodeFactory(chain=other_chain, name="浮法玻璃")
    firm = EnterpriseFactory(region=ningjin, name="宁晋揭榜电缆有限公司")
    firm2 = EnterpriseFactory(region=ningjin, name="宁晋第二电缆有限公司")
    firm_shahe = EnterpriseFactory(region=shahe, name="沙河揭榜玻璃有限公司", industry_id="3041")
    users = {
        "analyst": UserFactory(username="analyst", role="analyst", scope_region=city),
        "county": UserFactory(username="ningjin", role="region_staff", scope_region=ningjin),
        "shahe": UserFactory(username="shahe", role="region_staff", scope_region=shahe),
        "firm": UserFactory(username="qiye", role="enterprise", scope_enterprise=firm),
        "firm2": UserFactory(username="qiye2", role="enterprise", scope_enterprise=firm2),
        "firm_shahe": UserFactory(username="qiye3", role="enterprise", scope_enterprise=firm_shahe),
    }
    item = services.chokepoint_save(
        chain=chain,
        actor=users["analyst"],
        data={
            "technology": "500kV超高压电缆绝缘料",
            "reason": "import",
            "import_share": "0.9",
            "foreign_supplier": "北欧化工",
            "domestic_state": "国内仅小批量试产",
            "target": "国产绝缘料通过型式试验",
            "target_year": 2027,
        },
        nodes=[node, node2],
        needing_firms=[firm],
    )
    return City(chain, node, node2, other_chain, other_node, firm, firm2, firm_shahe, users, item)


CALL = {
    "title": "超高压电缆绝缘料揭榜挂帅",
    "goal": "研制500kV交联聚乙烯绝缘料",
    "indicators": "击穿场强≥40kV/mm\n杂质含量≤10个/kg",
    "budget_wan_yuan": "800",
    "period_months": 24,
    "eligibility": "国内注册的企业、高校、科研院所",
    "apply_by": None,
}

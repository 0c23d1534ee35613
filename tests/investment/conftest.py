from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tests.factories import EnterpriseFactory, UserFactory
from tests.supply.factories import ChainFactory, ChainNodeFactory

# a valid 统一社会信用代码 of an outside (江苏) firm and the same with a wrong check digit
USCC_OK = "91320500MA1MXXXX0X"


def _valid_uscc() -> str:
    from chainboard.enterprises.uscc import uscc_check_char

    first = "91320594MA1W8K3P0"
    return first + uscc_check_char(first)


@pytest.fixture
def world(xingtai) -> Any:  # type: ignore[no-untyped-def]
    city, ningjin, shahe = xingtai["130500"], xingtai["130528"], xingtai["130582"]
    chain = ChainFactory(region=city, code="cable", name="电线电缆产业链")
    nodes = {
        name: ChainNodeFactory(chain=chain, name=name)
        for name in ("铜杆", "电缆料", "特种电缆", "检测认证")
    }
    other_chain = ChainFactory(region=city, code="glass", name="玻璃产业链")
    other_node = ChainNodeFactory(chain=other_chain, name="光伏玻璃")
    firm = EnterpriseFactory(region=ningjin, name="宁晋本地电缆有限公司")
    users = {
        "admin": UserFactory(username="root", role="admin", is_superuser=True, is_staff=True),
        "analyst": UserFactory(username="analyst", role="analyst", scope_region=city),
        "ningjin": UserFactory(username="ningjin", role="region_staff", scope_region=ningjin),
        "shahe": UserFactory(username="shahe", role="region_staff", scope_region=shahe),
        "enterprise": UserFactory(username="qiye", role="enterprise", scope_enterprise=firm),
    }
    uscc = _valid_uscc()
    bad = uscc[:17] + ("0" if uscc[17] != "0" else "1")
    return SimpleNamespace(
        city=city,
        ningjin=ningjin,
        shahe=shahe,
        chain=chain,
        nodes=nodes,
        other_chain=other_chain,
        other_node=other_node,
        users=users,
        uscc=uscc,
        bad_uscc=bad,
    )


def lead_data(w: Any, **over: Any) -> dict[str, Any]:
    data = {
        "name": "苏州远东特缆科技有限公司",
        "uscc": w.uscc,
        "origin": "江苏省苏州市",
        "products": "高压特种电缆",
        "amount_wan_yuan": "25000",
        "contacts": "王经理 13800000000",
        "source": "gap",
        "chain": w.chain,
        "node": w.nodes["特种电缆"],
        "region": w.ningjin,
        "next_step": "邀请来宁晋考察",
    }
    data.update(over)
    return data

"""A small city: the cable template for 邢台市, firms in 宁晋 and 沙河, one county glass chain."""

from __future__ import annotations

import pytest
from tests.factories import EnterpriseFactory, EnterpriseYearFactory

from chainboard.chains import services


@pytest.fixture
def cable(xingtai):  # type: ignore[no-untyped-def]
    spec = services.template_read("wire_cable")
    return services.chain_load_template(spec=spec, region=xingtai["130500"], actor=None)


@pytest.fixture
def firms(xingtai):  # type: ignore[no-untyped-def]
    out = {
        "nj_power": EnterpriseFactory(
            name="宁晋县恒通电缆有限公司",
            region=xingtai["130528"],
            industry_id="3831",
            business_scope="电力电缆、控制电缆生产、销售",
        ),
        "nj_copper": EnterpriseFactory(
            name="宁晋县铜盛铜业有限公司",
            region=xingtai["130528"],
            industry_id="3251",
            business_scope="铜杆、铜线生产",
        ),
        "sh_cable": EnterpriseFactory(
            name="沙河市远达实业有限公司",
            region=xingtai["130582"],
            industry_id="3831",
            business_scope="电线、电缆制造",
        ),
        "sh_glass": EnterpriseFactory(
            name="沙河市明亮玻璃有限公司",
            region=xingtai["130582"],
            industry_id="3041",
            business_scope="浮法玻璃生产、销售",
        ),
    }
    for i, f in enumerate(out.values()):
        EnterpriseYearFactory(enterprise=f, year=2024, revenue_wan_yuan=1000 * (i + 1))
    return out


@pytest.fixture
def linked(cable, firms):  # type: ignore[no-untyped-def]
    services.chain_link_run(chains=[cable], actor=None)
    return cable

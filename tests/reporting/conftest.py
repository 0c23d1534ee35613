"""Fixtures of 企业填报: 宁晋 (a park with one firm, one firm outside it) and 沙河 (one firm), one
user of each role, and a firm user of each firm."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chainboard.reporting import services
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, ParkFactory, UserFactory


@dataclass
class World:
    regions: dict[str, Any]
    park: Any
    firm: Any  # 宁晋, in the park
    firm_county: Any  # 宁晋, outside the park
    firm_shahe: Any
    users: dict[str, Any]

    def client(self, role: str) -> Client:
        c = Client()
        c.force_login(self.users[role])
        return c

    def task(self, role: str = "analyst", **kw: Any) -> Any:
        args: dict[str, Any] = {
            "title": "2025年度亩均评价数据填报",
            "year": 2025,
            "fields": ["land_area_mu", "revenue_wan_yuan", "tax_paid_wan_yuan", "employees"],
            "deadline": timezone.localdate() + dt.timedelta(days=10),
        }
        args.update(kw)
        return services.task_create(actor=self.users[role], **args)


GOOD = {
    "land_area_mu": "120.5",
    "revenue_wan_yuan": "36,800",
    "tax_paid_wan_yuan": "1520",
    "employees": "310",
}


@pytest.fixture
def world(xingtai) -> World:  # type: ignore[no-untyped-def]
    city, ningjin, shahe = xingtai["130500"], xingtai["130528"], xingtai["130582"]
    park = ParkFactory(region=ningjin, name="宁晋填报测试园区")
    firm = EnterpriseFactory(region=ningjin, park=park, name="宁晋填报测试电缆有限公司")
    firm_county = EnterpriseFactory(region=ningjin, name="宁晋填报测试铜业有限公司")
    firm_shahe = EnterpriseFactory(region=shahe, name="沙河填报测试玻璃有限公司")
    EnterpriseYearFactory(
        enterprise=firm,
        year=2024,
        land_area_mu=Decimal("118"),
        revenue_wan_yuan=Decimal("33000"),
        tax_paid_wan_yuan=Decimal("1400"),
        employees=300,
    )
    users = {
        "admin": UserFactory(username="root", role="admin", is_superuser=True, is_staff=True),
        "analyst": UserFactory(username="analyst", role="analyst", scope_region=city),
        "county": UserFactory(username="ningjin", role="region_staff", scope_region=ningjin),
        "shahe": UserFactory(username="shahe", role="region_staff", scope_region=shahe),
        "park": UserFactory(username="park", role="park_staff", scope_park=park),
        "firm": UserFactory(username="qiye", role="enterprise", scope_enterprise=firm),
        "firm_county": UserFactory(
            username="qiye_nj", role="enterprise", scope_enterprise=firm_county
        ),
        "firm_shahe": UserFactory(
            username="qiye_sh", role="enterprise", scope_enterprise=firm_shahe
        ),
    }
    return World(
        regions={"city": city, "ningjin": ningjin, "shahe": shahe},
        park=park,
        firm=firm,
        firm_county=firm_county,
        firm_shahe=firm_shahe,
        users=users,
    )

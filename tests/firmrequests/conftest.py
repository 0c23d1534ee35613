"""Fixtures of 政企直通车: two counties of 邢台市, their departments and routing rules, a firm in
a 宁晋 park and one in 沙河, and one user of each role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from chainboard.firmrequests.models import Department, RoutingRule
from tests.factories import EnterpriseFactory, ParkFactory, UserFactory


@dataclass
class World:
    regions: dict[str, Any]
    park: Any
    firm: Any
    firm_shahe: Any
    users: dict[str, Any]
    depts: dict[str, Any]

    def client(self, role: str) -> Client:
        c = Client()
        c.force_login(self.users[role])
        return c


@pytest.fixture
def world(xingtai) -> World:  # type: ignore[no-untyped-def]
    city, ningjin, shahe = xingtai["130500"], xingtai["130528"], xingtai["130582"]
    park = ParkFactory(region=ningjin, name="宁晋诉求测试园区")
    firm = EnterpriseFactory(region=ningjin, park=park, name="宁晋诉求测试电缆有限公司")
    firm_shahe = EnterpriseFactory(region=shahe, name="沙河诉求测试玻璃有限公司")
    users = {
        "admin": UserFactory(username="root", role="admin", is_superuser=True, is_staff=True),
        "analyst": UserFactory(username="analyst", role="analyst", scope_region=city),
        "county": UserFactory(
            username="ningjin", role="region_staff", scope_region=ningjin, email="nj@example.cn"
        ),
        "shahe": UserFactory(username="shahe", role="region_staff", scope_region=shahe),
        "park": UserFactory(username="park", role="park_staff", scope_park=park),
        "firm": UserFactory(
            username="qiye", role="enterprise", scope_enterprise=firm, email="qiye@example.cn"
        ),
        "firm_shahe": UserFactory(
            username="qiye_sh", role="enterprise", scope_enterprise=firm_shahe
        ),
    }
    depts = {
        "land": Department.objects.create(region=ningjin, name="自然资源和规划局"),
        "approval": Department.objects.create(region=ningjin, name="行政审批局"),
        "city": Department.objects.create(region=city, name="工业和信息化局"),
        "shahe": Department.objects.create(region=shahe, name="自然资源和规划局"),
    }
    depts["land"].contacts.add(users["county"])
    RoutingRule.objects.create(
        category="land", region=ningjin, department=depts["land"], deadline_days=7
    )
    RoutingRule.objects.create(
        category="land", region=shahe, department=depts["shahe"], deadline_days=10
    )
    RoutingRule.objects.create(
        category="finance", region=None, department=depts["city"], deadline_days=15
    )
    return World(
        regions={"city": city, "ningjin": ningjin, "shahe": shahe},
        park=park,
        firm=firm,
        firm_shahe=firm_shahe,
        users=users,
        depts=depts,
    )

"""Fixtures for the evaluation app: a small two-county city with figures for 2024 and 2025."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory


@pytest.fixture
def small_city(ningjin, shahe):  # type: ignore[no-untyped-def]
    """12 firms in 宁晋 and 8 in 沙河 (规上), 2 规下 in 宁晋; tax rises with the index."""
    firms = []
    for i in range(22):
        region = ningjin if i < 12 or i >= 20 else shahe
        firm = EnterpriseFactory(
            region=region,
            name=f"{'宁晋' if region == ningjin else '沙河'}评价测试{i:02d}有限公司",
            above_scale=i < 20,
            industry_id="3831" if region == ningjin else "3041",
        )
        for year, bump in ((2024, 0), (2025, 5)):
            EnterpriseYearFactory(
                enterprise=firm,
                year=year,
                tax_paid_wan_yuan=Decimal(20 + 10 * i + bump),
                land_area_mu=Decimal("10") if i < 20 else Decimal("6"),
                pollutant_equivalent_t=None if i == 3 else Decimal("1.2"),
                rd_spend_wan_yuan=Decimal("300"),
                electricity_10k_kwh=Decimal("400"),
            )
        firms.append(firm)
    return firms


@pytest.fixture
def firm_user(small_city):  # type: ignore[no-untyped-def]
    return UserFactory(username="qiye", role="enterprise", scope_enterprise=small_city[0])


@pytest.fixture
def published(small_city, city_analyst):  # type: ignore[no-untyped-def]
    from chainboard.evaluation import services
    from chainboard_analytics.evaluation import load_method

    run, _ = services.evaluation_run_create(
        actor=city_analyst, year=2025, method=load_method("zhejiang")
    )
    return services.evaluation_run_publish(
        actor=city_analyst, run=run, direct_reason="测试：直接发布"
    )


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


GRANTED = dt.date(2025, 6, 1)

"""factory_boy factories: one valid-by-default factory per model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory

from chainboard.accounts.models import User
from chainboard.enterprises.models import Enterprise, EnterpriseYear, Qualification
from chainboard.enterprises.uscc import CHARSET, uscc_check_char
from chainboard.geo.models import Park, Region


def make_uscc(region_code: str, n: int) -> str:
    """A valid USCC ("91" 企业 + region + a 9-char body from ``n``) with its GB 32100 check."""
    body = ""
    for _ in range(9):
        n, rem = divmod(n, len(CHARSET))
        body = CHARSET[rem] + body
    first17 = "91" + region_code + body
    return first17 + uscc_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")
    role = "analyst"


class ParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Park

    name = factory.Sequence(lambda n: f"测试园区{n}")
    region = factory.LazyFunction(lambda: Region.objects.get(pk="130528"))
    kind = "provincial"
    planned_area_mu = Decimal("12000")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    region = factory.LazyFunction(lambda: Region.objects.get(pk="130528"))
    uscc = factory.LazyAttributeSequence(lambda o, n: make_uscc(o.region.code, 1000 + n))
    name = factory.Sequence(lambda n: f"测试电缆有限公司{n}")
    industry_id = "3831"
    above_scale = True
    founded_on = dt.date(2010, 5, 1)
    business_scope = "电线电缆制造、销售"


class EnterpriseYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseYear

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024
    revenue_wan_yuan = Decimal("12000")
    main_business_revenue_wan_yuan = Decimal("11000")
    value_added_wan_yuan = Decimal("3000")
    tax_paid_wan_yuan = Decimal("480")
    land_area_mu = Decimal("50")
    energy_tce = Decimal("900")
    employees = 150


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = "high_tech"
    level = "national"
    granted_on = dt.date(2023, 11, 1)
    expires_on = dt.date(2026, 10, 31)


# --- projects (重点项目) ---
from chainboard.projects.models import Project  # noqa: E402


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    code = factory.Sequence(lambda n: f"XT-T-{n:05d}")
    name = factory.Sequence(lambda n: f"测试项目{n}")
    investor_name = "测试投资有限公司"
    region = factory.LazyFunction(lambda: Region.objects.get(pk="130528"))
    kind = "new"
    source = "investment"
    total_investment_wan_yuan = Decimal("20000")
    stage = "started"
    signed_on = dt.date(2025, 1, 10)
    started_on = dt.date(2025, 2, 1)
    planned_start_on = dt.date(2025, 2, 1)

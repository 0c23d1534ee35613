"""The pages of 一个指标多个来源: conflicts (scoped), 核定 with a reason, the precedence form."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client
from tests.factories import EnterpriseFactory

from chainboard.enterprises import services
from chainboard.enterprises.models import EnterpriseYear, FigureDecision, FigurePrecedence

pytestmark = pytest.mark.django_db

CONFLICTS = "/enterprises/sources/conflicts/"
DECIDE = "/enterprises/sources/decide/"
PRECEDENCE = "/enterprises/sources/precedence/"


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def conflicts(ningjin: Any, shahe: Any) -> dict[str, Any]:
    firms = {
        "nj": EnterpriseFactory(region=ningjin, name="宁晋电缆有限公司"),
        "sh": EnterpriseFactory(region=shahe, name="沙河玻璃有限公司", industry_id="3041"),
    }
    for firm in firms.values():
        for source, value in (("tax", 120), ("statistics", 100)):
            services.figure_values_record(
                actor=None,
                enterprise=firm,
                year=2025,
                values={"tax_paid_wan_yuan": value},
                source=source,
            )
    return firms


def test_conflicts_page_lists_only_the_users_firms(
    conflicts: dict[str, Any], ningjin_user: Any, city_analyst: Any
) -> None:
    page = login(ningjin_user).get(CONFLICTS).content.decode()
    assert "宁晋电缆有限公司" in page and "沙河玻璃有限公司" not in page
    assert "实缴税金(万元)" in page and "16.7%" in page and "待核定的冲突 1 项" in page
    assert 'name="reason"' not in page  # a county officer does not decide
    city = login(city_analyst).get(CONFLICTS).content.decode()
    assert "沙河玻璃有限公司" in city and 'name="reason"' in city


def test_decide_with_a_reason_then_listed_as_decided(
    conflicts: dict[str, Any], city_analyst: Any
) -> None:
    c = login(city_analyst)
    body = {
        "uscc": conflicts["nj"].uscc,
        "year": "2025",
        "field": "tax_paid_wan_yuan",
        "source": "statistics",
        "reason": "税务含跨年补缴",
    }
    done = c.post(DECIDE, body, follow=True)
    assert done.redirect_chain[-1][1] == 302 and "已核定：宁晋电缆有限公司" in done.content.decode()
    year = EnterpriseYear.objects.get(enterprise=conflicts["nj"])
    assert year.tax_paid_wan_yuan == D(100)
    assert "宁晋电缆有限公司" not in c.get(CONFLICTS).content.decode()
    decided = c.get(CONFLICTS, {"decided": "1"}).content.decode()
    assert "宁晋电缆有限公司" in decided and "（已核定）" in decided


def test_decide_bad_input(conflicts: dict[str, Any], city_analyst: Any) -> None:
    c = login(city_analyst)
    base = {"uscc": conflicts["nj"].uscc, "year": "2025", "field": "tax_paid_wan_yuan"}
    no_reason = c.post(DECIDE, {**base, "source": "statistics", "reason": ""}, follow=True)
    assert "请填写核定理由" in no_reason.content.decode()
    absent = c.post(DECIDE, {**base, "source": "power", "reason": "x"}, follow=True)
    assert "供电没有报送2025年的实缴税金" in absent.content.decode()
    assert (
        c.post(DECIDE, {**base, "uscc": "X" * 18, "source": "tax", "reason": "x"}).status_code
        == 404
    )
    assert not FigureDecision.objects.exists()


def test_conflicts_filter_bad_values_are_400(ningjin_user: Any) -> None:
    c = login(ningjin_user)
    assert c.get(CONFLICTS, {"year": "abc"}).status_code == 400
    assert c.get(CONFLICTS, {"field": "salary"}).status_code == 400


def test_precedence_page_and_form(conflicts: dict[str, Any], admin_user: Any) -> None:
    c = login(admin_user)
    page = c.get(PRECEDENCE).content.decode()
    assert "税务 &gt; 统计 &gt; 手工 &gt; 企业填报 &gt; 供电" in page
    ranks = {
        f"rank{i}": s for i, s in enumerate(["statistics", "tax", "manual", "firm", "power"], 1)
    }
    ok = c.post(PRECEDENCE, {"field": "tax_paid_wan_yuan", **ranks, "tolerance_pct": "25"})
    assert ok.status_code == 302
    rule = FigurePrecedence.objects.get()
    assert rule.order.startswith("statistics,tax") and rule.tolerance == D("0.25")
    assert EnterpriseYear.objects.get(enterprise=conflicts["nj"]).tax_paid_wan_yuan == D(100)
    # 20/100 = 20 % < 25 %: no conflict any more
    assert "没有超过容差的来源冲突" in c.get(CONFLICTS).content.decode()
    twice = {**ranks, "rank2": "statistics"}
    bad = c.post(PRECEDENCE, {"field": "tax_paid_wan_yuan", **twice, "tolerance_pct": "5"})
    assert bad.status_code == 400 and "每个数据来源各排一次" in bad.content.decode()
    nan = c.post(PRECEDENCE, {"field": "tax_paid_wan_yuan", **ranks, "tolerance_pct": "abc"})
    assert nan.status_code == 400 and "不是数字" in nan.content.decode()
    assert FigurePrecedence.objects.get().tolerance == D("0.25")

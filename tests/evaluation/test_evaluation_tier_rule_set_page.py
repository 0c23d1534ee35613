"""The 梯度培育 page and selectors pick the rule set in force on the evaluation date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from chainboard.evaluation import selectors
from chainboard.evaluation.models import TierProfile
from conftest import login

pytestmark = pytest.mark.django_db

OLD = "《优质中小企业梯度培育管理暂行办法》（工信部企业〔2022〕63号）"
NEW = "《优质中小企业梯度培育管理办法》（文号未检索到）"


@pytest.mark.parametrize(
    ("today", "year", "expected"),
    [
        (dt.date(2026, 12, 7), 2025, dt.date(2026, 12, 7)),  # 2025 figures, evaluated this year
        (dt.date(2026, 12, 7), 2024, dt.date(2025, 12, 31)),  # earlier years: end of year + 1
        (dt.date(2026, 2, 1), 2025, dt.date(2026, 2, 1)),
    ],
)
def test_evaluation_date_of_a_year(monkeypatch, today, year, expected):
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: today)
    assert selectors.evaluation_date(year) == expected


def test_page_names_the_set_in_force_and_switches_by_date(small_city, ningjin_user, monkeypatch):
    monkeypatch.setattr(selectors.timezone, "localdate", lambda: dt.date(2026, 12, 7))
    c = login(ningjin_user)
    url = reverse("evaluation:tiers")
    page = c.get(url, {"year": 2025, "tier": "srdi"}).content.decode()
    assert f"按 <b>{NEW}</b>（2026年4月1日起施行）" in page
    assert "修订后认定标准（附件）原文未收录" in page
    assert "tiers-2026" not in page and ".yaml" not in page  # no file ids
    old = c.get(url, {"year": 2025, "tier": "srdi", "on": "2026-03-31"}).content.decode()
    assert f"按 <b>{OLD}</b>（2022年6月1日起施行）" in old
    assert "tiers.yaml" not in old
    # 2024's figures are evaluated by the end of 2025: the 2022 set
    assert OLD in c.get(url, {"year": 2024}).content.decode()


def test_pending_tier_lists_firms_as_missing_the_revised_text(small_city, city_analyst):
    firm = small_city[0]
    TierProfile.objects.create(
        enterprise=firm, year=2025, niche_years=5, srdi_score=Decimal(80), ip_class1=1
    )
    new = selectors.tier_candidates(user=city_analyst, year=2025, on=dt.date(2026, 4, 1))
    row = new.set_index(["uscc", "tier"]).loc[(firm.uscc, "srdi")]
    assert row["status"] == "missing"
    assert row["missing"] == ["2026年修订标准原文未收录（专精特新中小企业认定标准）"]
    old = selectors.tier_candidates(user=city_analyst, year=2025, on=dt.date(2026, 3, 31))
    row = old.set_index(["uscc", "tier"]).loc[(firm.uscc, "srdi")]
    assert "2026年修订标准原文未收录（专精特新中小企业认定标准）" not in row["missing"]


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "1900-01-01"])
def test_bad_evaluation_date_is_a_400(small_city, ningjin_user, bad):
    c = login(ningjin_user)
    response = c.get(reverse("evaluation:tiers"), {"year": 2025, "on": bad})
    assert response.status_code == 400

"""Tier candidates, targets with progress, coverage rates, and the demo step."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from tests.factories import ParkFactory, QualificationFactory

from chainboard.evaluation.models import (
    EvaluationRun,
    ParkDesignCentre,
    TierProfile,
    TierTarget,
)
from chainboard.evaluation.selectors import (
    coverage,
    grants_in_year,
    target_progress,
    tier_candidates,
)
from conftest import login

pytestmark = pytest.mark.django_db


def _profile(firm, **kw):  # type: ignore[no-untyped-def]
    base = {
        "sci_tech_staff": 30,
        "rd_staff": 20,
        "total_assets_wan_yuan": Decimal(10000),
        "debt_ratio_pct": Decimal(40),
        "high_tech_revenue_wan_yuan": Decimal(9000),
        "main_business_revenue_wan_yuan": Decimal(11000),
        "ip_class1": 1,
        "ip_class2": 3,
        "niche_years": 6,
    }
    return TierProfile.objects.create(enterprise=firm, year=2025, **{**base, **kw})


def test_tier_candidates_use_registry_and_profile(small_city, city_analyst):
    firm = small_city[0]  # revenue 12000 (factory), R&D 300 a year → 3y 900 / 36000 = 2.5 %
    _profile(firm)
    cands = tier_candidates(user=city_analyst, year=2025).set_index(["uscc", "tier"])
    row = cands.loc[(firm.uscc, "high_tech")]
    assert row["status"] in {"close", "far"}
    assert "近三年研发费用占销售收入比 2.5%，需 ≥ 4%" in row["gaps"]
    other = cands.loc[(small_city[1].uscc, "high_tech")]
    assert "科技人员数(人)" in other["missing"]
    QualificationFactory(enterprise=firm, kind="high_tech", granted_on=dt.date(2024, 11, 1))
    again = tier_candidates(user=city_analyst, year=2025).set_index(["uscc", "tier"])
    assert bool(again.loc[(firm.uscc, "high_tech"), "held"])


def test_tier_page_lists_closest_first_and_exports(small_city, ningjin_user):
    for i, firm in enumerate(small_city[:12]):
        _profile(firm, high_tech_revenue_wan_yuan=Decimal(7200 + 100 * i))
    c = login(ningjin_user)
    page = c.get(
        reverse("evaluation:tiers"), {"tier": "high_tech", "status": "far"}
    ).content.decode()
    assert "宁晋评价测试" in page and "沙河评价测试" not in page
    response = c.get(
        reverse("evaluation:tiers"), {"tier": "high_tech", "export": "1", "status": "far"}
    )
    import openpyxl

    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert len(rows) > 1 and all(r[2] == "宁晋县" for r in rows[1:])


def test_targets_progress_counts_titles_granted_in_the_year(small_city, city_analyst, ningjin):
    TierTarget.objects.create(region=ningjin, year=2025, kind="high_tech", target=4)
    QualificationFactory(
        enterprise=small_city[0], kind="high_tech", granted_on=dt.date(2025, 10, 1)
    )
    QualificationFactory(
        enterprise=small_city[1], kind="high_tech", granted_on=dt.date(2024, 10, 1)
    )
    QualificationFactory(
        enterprise=small_city[12], kind="high_tech", granted_on=dt.date(2025, 10, 1)
    )
    (row,) = target_progress(user=city_analyst, year=2025)
    assert row["done"] == 1 and row["pct"] == 25.0


def test_target_progress_counts_first_grants_only(small_city, city_analyst, ningjin_user, ningjin):
    # "新增 4 家高企": a 2025 复审/重新认定 of a firm certified in 2022 keeps a title, adds none
    TierTarget.objects.create(region=ningjin, year=2025, kind="high_tech", target=4)
    for firm in small_city[:2]:  # two first grants in 2025
        QualificationFactory(enterprise=firm, kind="high_tech", granted_on=dt.date(2025, 10, 1))
    for firm in small_city[2:5]:  # three renewals in 2025
        QualificationFactory(enterprise=firm, kind="high_tech", granted_on=dt.date(2022, 11, 1))
        QualificationFactory(
            enterprise=firm,
            kind="high_tech",
            granted_on=dt.date(2025, 10, 1),
            grant_kind="renewal",
            first_granted_on=dt.date(2022, 11, 1),
        )
    (row,) = target_progress(user=city_analyst, year=2025)
    assert (row["done"], row["renewed"], row["pct"]) == (2, 3, 50.0)
    assert grants_in_year(user=city_analyst, year=2025)["high_tech"] == {"new": 2, "renewal": 3}
    page = login(ningjin_user).get(reverse("evaluation:tiers"), {"year": 2025}).content.decode()
    assert "复审/重新认定（不计入）" in page
    assert '<td class="num">2</td><td class="num">3</td><td class="num">50.0%</td>' in page
    assert "2025年新认定 / 复审·重新认定" in page and '<td class="num">2 / 3</td>' in page


def test_coverage_rates_and_design_centre_summary(small_city, city_analyst, ningjin):
    QualificationFactory(
        enterprise=small_city[0],
        kind="cloud",
        level="provincial",
        granted_on=dt.date(2023, 1, 1),
        expires_on=None,
    )
    QualificationFactory(
        enterprise=small_city[1],
        kind="design_docked",
        level="city",
        granted_on=dt.date(2025, 3, 1),
        expires_on=None,
    )
    QualificationFactory(
        enterprise=small_city[2],
        kind="cloud",
        level="provincial",
        granted_on=dt.date(2026, 1, 1),
        expires_on=None,
    )
    park = ParkFactory(region=ningjin)
    ParkFactory(region=ningjin)
    ParkDesignCentre.objects.create(park=park, name="设计中心")
    data = coverage(user=city_analyst, year=2025)
    ningjin_row = next(r for r in data["rows"] if r["key"] == "130528")
    assert ningjin_row["n"] == 12 and ningjin_row["shares"]["cloud"][0] == 1
    assert data["overall"]["design_docked"] == (1, 5.0)
    assert data["n_parks"] == 2 and data["parks_with_centre"] == 1
    page = login(city_analyst).get(reverse("evaluation:coverage")).content.decode()
    assert "2个园区中1个已建工业设计中心；规上企业对接比例 5%" in page


def test_demo_step_is_idempotent(small_city, city_analyst):
    from chainboard.evaluation.demo import demo_step

    out = io.StringIO()
    demo_step(stdout=out)
    assert "已发布亩均评价 4 批" in out.getvalue()
    assert EvaluationRun.objects.filter(published=True).count() == 4
    assert TierProfile.objects.count() == 44 and TierTarget.objects.filter(year=2025).exists()
    demo_step(stdout=io.StringIO())
    assert EvaluationRun.objects.count() == 4

"""Pages and the API default to the latest year with figures in the user's scope (not a fixed
year): 沙河 reported 2026 already, 宁晋 only up to 2025."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import EnterpriseYearFactory, UserFactory

from chainboard.evaluation import selectors
from conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def shahe_2026(small_city):  # type: ignore[no-untyped-def]
    for firm in small_city[12:20]:  # the 沙河 firms
        EnterpriseYearFactory(enterprise=firm, year=2026)
    return small_city


def test_default_year_is_the_latest_year_with_figures_in_scope(
    shahe_2026, ningjin_user, shahe_user, city_analyst
):
    assert selectors.data_years(user=ningjin_user) == [2025, 2024]
    assert selectors.data_years(user=shahe_user) == [2026, 2025, 2024]
    assert selectors.default_year(user=ningjin_user) == 2025
    assert selectors.default_year(user=shahe_user) == 2026
    assert selectors.default_year(user=city_analyst) == 2026


def test_without_figures_the_default_is_last_calendar_year(ningjin):
    user = UserFactory(username="empty", role="region_staff", scope_region=ningjin)
    assert selectors.data_years(user=user) == []
    assert selectors.default_year(user=user) == timezone.localdate().year - 1


def test_pages_use_the_default_year_and_a_bad_year_falls_back_to_it(
    shahe_2026, ningjin_user, shahe_user
):
    assert login(shahe_user).get(reverse("evaluation:tiers")).context["year"] == 2026
    assert login(ningjin_user).get(reverse("evaluation:tiers")).context["year"] == 2025
    c = login(shahe_user)
    assert c.get(reverse("evaluation:coverage")).context["year"] == 2026
    assert c.get(reverse("evaluation:coverage"), {"year": "二〇二五"}).context["year"] == 2026
    assert c.get(reverse("evaluation:coverage"), {"year": "2024"}).context["year"] == 2024


def test_run_form_offers_the_years_with_figures(shahe_2026, city_analyst, ningjin_user):
    page = login(city_analyst).get(reverse("evaluation:index"))
    assert page.context["years"] == [2026, 2025, 2024]
    assert "<option>2026</option>" in page.content.decode()


def test_api_tier_list_defaults_to_the_year_in_scope(
    shahe_2026, shahe_user, monkeypatch: pytest.MonkeyPatch
):
    asked: list[int] = []
    real = selectors.tier_candidates

    def spy(*, user: Any, year: int, on: Any = None) -> Any:
        asked.append(year)
        return real(user=user, year=year, on=on)

    monkeypatch.setattr(selectors, "tier_candidates", spy)
    c = login(shahe_user)
    assert c.get("/api/evaluation/tiers").status_code == 200
    assert c.get("/api/evaluation/tiers?year=2025").status_code == 200
    assert c.get("/api/evaluation/tiers?year=abc").status_code == 400
    assert asked == [2026, 2025]

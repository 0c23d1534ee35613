"""Tier checks are computed once per data version (and scope, year, rule set), then cached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import QualificationFactory

from chainboard.evaluation import selectors
from chainboard.evaluation.models import TierProfile

pytestmark = pytest.mark.django_db


def test_checks_are_cached_until_the_data_change(
    small_city, city_analyst, ningjin_user, monkeypatch
):
    selectors._TIER_MEMO.clear()
    calls: list[tuple[str, int]] = []
    real = selectors._tier_candidates

    def spy(*, user, year, on=None):  # type: ignore[no-untyped-def]
        calls.append((user.username, year))
        return real(user=user, year=year, on=on)

    monkeypatch.setattr(selectors, "_tier_candidates", spy)
    first = selectors.tier_candidates(user=city_analyst, year=2025)
    again = selectors.tier_candidates(user=city_analyst, year=2025)
    assert len(calls) == 1 and again.equals(first)
    # another scope, year or rule set is another entry
    selectors.tier_candidates(user=ningjin_user, year=2025)
    selectors.tier_candidates(user=city_analyst, year=2024)
    selectors.tier_candidates(user=city_analyst, year=2025, on=dt.date(2026, 3, 31))
    assert len(calls) == 4
    # a write to any input table is a new data version: recomputed, and the answer changes
    version = selectors.tier_data_version()
    QualificationFactory(
        enterprise=small_city[0], kind="high_tech", granted_on=dt.date(2024, 11, 1)
    )
    assert selectors.tier_data_version() != version
    after = selectors.tier_candidates(user=city_analyst, year=2025)
    assert len(calls) == 5
    row = after.set_index(["uscc", "tier"]).loc[(small_city[0].uscc, "high_tech")]
    assert bool(row["held"])
    TierProfile.objects.create(enterprise=small_city[1], year=2025, niche_years=4)
    selectors.tier_candidates(user=city_analyst, year=2025)
    assert len(calls) == 6
    # a bulk delete writes no history row: the row count still changes the version
    version = selectors.tier_data_version()
    TierProfile.objects.all().delete()
    assert selectors.tier_data_version() != version


def test_callers_cannot_change_the_cached_table(small_city, city_analyst):
    selectors._TIER_MEMO.clear()
    TierProfile.objects.create(enterprise=small_city[0], year=2025, debt_ratio_pct=Decimal(40))
    cands = selectors.tier_candidates(user=city_analyst, year=2025)
    cands.drop(cands.index, inplace=True)
    assert len(selectors.tier_candidates(user=city_analyst, year=2025)) > 0

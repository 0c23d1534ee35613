"""Stored rankings and target readings are written by services: city officers only, with history;
reading the ranking never writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from tests.factories import ProjectFactory

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.projects import services
from chainboard.projects.models import MonthlyRanking, RankingMethod, Target, TargetReading
from chainboard.projects.selectors import ranking

pytestmark = pytest.mark.django_db
d = dt.date


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_migration_creates_the_default_method_and_reading_never_writes(city_analyst) -> None:  # type: ignore[no-untyped-def]
    method = RankingMethod.objects.get(active=True)
    assert method.name == "默认月评比办法"
    assert method.components["investment"] == {"weight": 35, "benchmark": 1, "cap": 1.2}
    RankingMethod.objects.all().delete()
    history = RankingMethod.history.count()
    assert _client(city_analyst).get("/projects/ranking/?month=2025-03").status_code == 200
    assert ranking.ranking_method_get().pk is None  # the default, unsaved
    assert not RankingMethod.objects.exists()
    assert RankingMethod.history.count() == history


def test_ranking_store_by_a_city_officer_is_recorded(xingtai, city_analyst) -> None:  # type: ignore[no-untyped-def]
    RankingMethod.objects.all().delete()
    ProjectFactory(region=xingtai["130528"], signed_on=d(2025, 3, 5))
    rows = services.ranking_store(d(2025, 3, 1), actor=city_analyst)
    assert [r.key for r in rows] == ["130528"]
    method = RankingMethod.objects.get()  # re-created by the service, with its history
    assert method.history.get().history_user == city_analyst
    stored = MonthlyRanking.objects.get(month=d(2025, 3, 1), key="130528")
    assert stored.method == method
    assert stored.history.get().history_user == city_analyst
    assert stored.history.get().history_change_reason == "月评比计算"


def test_recomputing_removes_stale_rows_with_history(xingtai, city_analyst) -> None:  # type: ignore[no-untyped-def]
    project = ProjectFactory(region=xingtai["130528"])
    services.ranking_store(d(2025, 3, 1), actor=None)
    row = MonthlyRanking.objects.get(key="130528")
    services.project_archive(project=project, actor=None)
    assert services.ranking_store(d(2025, 3, 1), actor=city_analyst) == []
    assert not MonthlyRanking.objects.exists()
    deleted = MonthlyRanking.history.filter(id=row.pk, history_type="-").get()
    assert deleted.history_user == city_analyst


def test_county_staff_cannot_store_the_ranking(xingtai, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    ProjectFactory(region=xingtai["130528"])
    with pytest.raises(OutOfScope):
        services.ranking_store(d(2025, 3, 1), actor=ningjin_user)
    assert not MonthlyRanking.objects.exists()


def test_unknown_ranking_scope_is_refused() -> None:
    with pytest.raises(DomainError, match="未知评比对象类型"):
        services.ranking_store(d(2025, 3, 1), actor=None, scope="province")


def _target(region) -> Target:  # type: ignore[no-untyped-def]
    return Target.objects.create(
        name="完成投资",
        owner="发改局",
        region=region,
        period_start=d(2025, 1, 1),
        period_end=d(2025, 12, 31),
        formula="manual",
        manual_value=Decimal(40),
        target_value=Decimal(100),
        unit="万元",
    )


def test_target_reading_is_recorded_and_replaced_the_same_day(ningjin, city_analyst) -> None:  # type: ignore[no-untyped-def]
    target = _target(ningjin)
    reading = services.target_record(actor=city_analyst, target=target, on=d(2025, 6, 30))
    assert (reading.value, reading.status) == (Decimal("40.00"), "behind")
    target.manual_value = Decimal(95)
    target.save()
    again = services.target_record(actor=city_analyst, target=target, on=d(2025, 6, 30))
    assert again.pk == reading.pk and again.status == "at_risk"
    assert TargetReading.objects.count() == 1
    users = {h.history_user for h in reading.history.all()}
    assert users == {city_analyst} and reading.history.count() == 2


def test_target_readings_refused_outside_the_officers_role_or_scope(
    xingtai, ningjin_user, city_analyst
) -> None:  # type: ignore[no-untyped-def]
    target = _target(xingtai["130582"])
    with pytest.raises(OutOfScope):
        services.target_record(actor=ningjin_user, target=target)
    with pytest.raises(OutOfScope):
        services.targets_record(actor=ningjin_user)
    from tests.factories import UserFactory

    other_city = UserFactory(username="hd", role="analyst", scope_region=xingtai["130503"])
    with pytest.raises(OutOfScope):
        services.target_record(actor=other_city, target=target)
    assert not TargetReading.objects.exists()
    assert services.targets_record(actor=city_analyst, on=d(2025, 3, 1)) == 1

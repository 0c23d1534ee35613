"""Publishing a run and exporting its firm list land in the security audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.evaluation.conftest import login

from chainboard.accounts.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db


def test_publish_is_audited(published, city_analyst) -> None:
    event = SecurityEvent.objects.get(event=SecurityEventKind.PUBLISH)
    assert event.user == city_analyst
    assert event.target == f"评价批次#{published.pk}"


def test_republishing_a_published_run_records_nothing_new(published, city_analyst) -> None:
    from chainboard.evaluation import services

    services.evaluation_run_publish(
        actor=city_analyst, run=published, direct_reason="测试：直接发布"
    )
    assert SecurityEvent.objects.filter(event=SecurityEventKind.PUBLISH).count() == 1


def test_result_export_is_audited(published, city_analyst) -> None:
    response = login(city_analyst).get(reverse("evaluation:export", args=[published.pk]))
    assert response.status_code == 200
    event = SecurityEvent.objects.get(event=SecurityEventKind.EXPORT)
    assert event.user == city_analyst and event.target == f"评价批次#{published.pk}"
    assert event.detail.endswith(".xlsx")

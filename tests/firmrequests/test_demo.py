"""The 政企直通车 demo step: a year of requests with overdue and escalated ones, valid rows."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from chainboard.demo.loader import demo_load
from chainboard.firmrequests import demo, selectors
from chainboard.firmrequests.models import (
    Department,
    FirmRequest,
    RequestStep,
    RoutingRule,
    Status,
)

pytestmark = pytest.mark.django_db


def test_demo_step_writes_a_year_of_requests() -> None:
    demo_load(n_firms=300, seed=11, stdout=io.StringIO())
    out = io.StringIO()
    demo.demo_step(stdout=out)
    assert "诉求 360 件" in out.getvalue()
    assert FirmRequest.objects.count() == demo.N_REQUESTS
    counties = set(Department.objects.exclude(region_id="130500").values_list("region", flat=True))
    assert Department.objects.count() == 8 * (1 + len(counties))
    assert RoutingRule.objects.filter(region__isnull=True).count() == 8
    today = timezone.localdate()
    reqs = list(FirmRequest.objects.all())
    for r in reqs[:100]:
        r.full_clean()
    ages = [(today - timezone.localtime(r.created_at).date()).days for r in reqs]
    assert min(ages) <= 7 and max(ages) >= 300  # over a year
    statuses = {s: sum(1 for r in reqs if r.status == s) for s in Status.values}
    assert statuses["closed"] > 200 and statuses["accepted"] + statuses["submitted"] > 10
    overdue = [r for r in reqs if r.status in ("submitted", "accepted") and r.due_on < today]
    assert len(overdue) >= 5
    assert {r.escalation_level for r in overdue} >= {2}
    assert all(r.rating in range(1, 6) for r in reqs if r.status == "closed")
    assert all(r.rating is None for r in reqs if r.status != "closed")
    escalated = RequestStep.objects.filter(kind="escalated")
    assert escalated.count() == sum(r.escalation_level for r in reqs)
    assert FirmRequest.history.filter(history_change_reason="示例数据").count() == len(reqs)
    # the ningjin demo officer is a contact of the 宁晋 departments
    assert Department.objects.filter(region_id="130528", contacts__username="ningjin").count() == 8
    d = selectors.dashboard(user=None)  # nobody: nothing
    assert d["totals"]["total"] == 0
    # idempotent
    demo.demo_step(stdout=io.StringIO())
    assert FirmRequest.objects.count() == demo.N_REQUESTS
    # a demo reset removes the requests with their firms
    demo_load(n_firms=120, seed=3, reset=True, stdout=io.StringIO())
    assert FirmRequest.objects.count() == 0

"""The projects demo step on a small sample city: content for every page, idempotent, fast."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from chainboard.demo.loader import demo_load
from chainboard.projects.demo import demo_step
from chainboard.projects.models import (
    MonthlyRanking,
    Project,
    ProjectUpdate,
    ReviewScore,
    SiteReview,
    Target,
    Task,
)

pytestmark = pytest.mark.django_db


def test_demo_step_loads_once_and_fills_the_pages(
    admin_user, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    demo_load(n_firms=300, seed=5)
    out = io.StringIO()
    # Fast = bulk writes, checked without a clock (a wall-clock bound failed on a busy machine):
    # 400 projects and over 2,000 weekly updates in about 1,240 queries, not one per row; the
    # two 季观摩 events go through the services (about 30 score sheets, ~20 queries each).
    with django_assert_max_num_queries(2400):
        demo_step(stdout=out)
    assert "重点项目 400 个" in out.getvalue()
    assert Project.objects.values("region_id").distinct().count() == 18
    assert ProjectUpdate.objects.count() > 2000
    assert Project.objects.filter(investor__isnull=False).exists()
    assert MonthlyRanking.objects.filter(scope="region").values("month").distinct().count() == 2
    assert Target.objects.count() == 11 and Task.objects.count() == 38
    events = list(SiteReview.objects.order_by("held_on"))
    assert [e.status for e in events] == ["closed", "open"]
    assert events[0].sheets.count() > 10 and events[1].sheets.exists()
    assert ReviewScore.objects.filter(source=events[0]).count() >= 3
    demo_step(stdout=out)  # idempotent
    assert Project.objects.count() == 400 and SiteReview.objects.count() == 2
    c = Client()
    c.force_login(admin_user)
    for url in (
        "/projects/",
        "/projects/list/?pool=building",
        "/projects/ranking/",
        "/projects/alerts/",
        "/projects/guanmo/",
        f"/projects/guanmo/{events[0].pk}/",
        "/projects/kaohe/",
    ):
        assert c.get(url).status_code == 200, url
    code = Project.objects.filter(stage="started").values_list("code", flat=True).first()
    assert c.get(f"/projects/p/{code}/").status_code == 200

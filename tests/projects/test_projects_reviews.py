"""季观摩 / 半年考核 score entry and the milestone form."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from tests.factories import ProjectFactory

from chainboard.projects.models import Milestone, MonthlyRanking, ReviewScore
from chainboard.projects.selectors import ranking

pytestmark = pytest.mark.django_db


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def pool(xingtai):  # type: ignore[no-untyped-def]
    ProjectFactory(region=xingtai["130528"])
    ProjectFactory(region=xingtai["130582"])


def test_analyst_enters_quarter_scores_and_sees_period_result(pool, city_analyst) -> None:  # type: ignore[no-untyped-def]
    method = ranking.ranking_method_get()
    for month, score in ((1, 50), (2, 60), (3, 70)):  # 宁晋 monthly mean 60
        MonthlyRanking.objects.create(
            month=dt.date(2025, month, 1),
            key="130528",
            label="宁晋县",
            score=Decimal(score),
            rank=1,
            components={},
            method=method,
        )
    client = _client(city_analyst)
    response = client.post(
        "/projects/reviews/",
        {
            "year": 2025,
            "p": "q1",
            "score-130528": "90",
            "note-130528": "现场观摩",
            "version-130528": "0",
            "score-130582": "",
        },
    )
    assert response.status_code == 302
    row = ReviewScore.objects.get()
    assert (row.region_id, row.kind, row.period, row.score) == ("130528", "quarter", 1, 90)
    assert row.history.first().history_user == city_analyst
    page = client.get("/projects/reviews/?year=2025&p=q1").content.decode()
    assert page.count('name="score-') == 2  # the two counties with projects, not all of China
    assert "现场观摩" in page
    assert "69.00" in page  # 0.7 × 60 + 0.3 × 90
    client.post(
        "/projects/reviews/",
        {"year": 2025, "p": "q1", "score-130528": "130", "version-130528": "1"},
    )
    assert ReviewScore.objects.get().score == 90  # out of 0–100: refused, nothing changed


def test_county_user_reads_only_own_county_and_cannot_enter(pool, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    client = _client(ningjin_user)
    page = client.get("/projects/reviews/?year=2025&p=h1").content.decode()
    assert "宁晋县" in page and "沙河市" not in page and 'name="score-' not in page
    response = client.post("/projects/reviews/", {"year": 2025, "p": "q1", "score-130528": "99"})
    assert response.status_code == 403  # the page is visible, entering scores is not allowed
    assert not ReviewScore.objects.exists()


def test_milestone_added_and_marked_done(ningjin, ningjin_user, shahe_user) -> None:  # type: ignore[no-untyped-def]
    project = ProjectFactory(code="NJ-1", region=ningjin)
    client = _client(ningjin_user)
    url = "/projects/p/NJ-1/milestones/"
    assert "milestone-form" in client.get("/projects/p/NJ-1/").content.decode()
    client.post(url, {"name": "设备安装", "due_on": "2025-05-31"})
    m = Milestone.objects.get(project=project)
    assert (m.name, m.due_on, m.done_on) == ("设备安装", dt.date(2025, 5, 31), None)
    client.post(
        url,
        {
            "milestone": m.pk,
            "name": m.name,
            "due_on": "2025-05-31",
            "done_on": "2025-05-20",
            "version": m.version,
        },
    )
    m.refresh_from_db()
    assert m.done_on == dt.date(2025, 5, 20)
    assert m.history.first().history_user == ningjin_user
    assert _client(shahe_user).post(url, {"name": "x", "due_on": "2025-06-01"}).status_code == 404
    assert Milestone.objects.count() == 1


def test_half_year_shows_a_missing_quarter_review_as_missing(pool, city_analyst) -> None:  # type: ignore[no-untyped-def]
    from chainboard.geo.models import Region
    from chainboard.projects import services
    from chainboard.projects.models import ReviewKind

    method = ranking.ranking_method_get()
    for month in range(1, 7):  # 宁晋 monthly mean 60
        MonthlyRanking.objects.create(
            month=dt.date(2025, month, 1),
            key="130528",
            label="宁晋县",
            score=Decimal(60),
            rank=1,
            components={},
            method=method,
        )
    ningjin = Region.objects.get(pk="130528")
    services.review_score_save(
        actor=None, region=ningjin, kind=ReviewKind.QUARTER, year=2025, period=1, score=Decimal(80)
    )
    (row,) = ranking.period_result(2025, ReviewKind.HALF_YEAR, 1)
    # no 第2季度观摩 and no 半年考核: both missing (缺), not 0 and not dropped silently; the
    # neutral rule: 季观摩 part = mean of the quarters scored (80), 半年考核 drops out and the
    # weights 0.5 + 0.2 rescale: (0.5 × 60 + 0.2 × 80) ÷ 0.7 = 65.714 → 65.71
    assert row.missing == ["第2季度观摩", "半年考核"]
    assert (row.quarter, row.half, row.score) == (Decimal(80), None, Decimal("65.71"))
    page = _client(city_analyst).get("/projects/reviews/?year=2025&p=h1").content.decode()
    assert "（缺第2季度观摩）" in page
    assert ">缺</td>" in page  # the 半年考核 column

"""季观摩 and 半年考核 pages: organise, score on the phone page (bad input → 400 with the reason,
no 5xx), close, read the matrix; the 半年考核 hand-worked over stored ranks and scores."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.factories import ProjectFactory

from chainboard.projects.models import (
    MonthlyRanking,
    RankingMethod,
    ReviewKind,
    ReviewScore,
    ReviewSheet,
    SiteReview,
)
from chainboard.projects.selectors import site_reviews

pytestmark = pytest.mark.django_db

SHEET = {
    "c-progress": "36",
    "c-quality": "20",
    "c-site": "12",
    "c-support": "8",
    "c-presentation": "9",
}


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client(raise_request_exception=False)
    c.force_login(user)
    return c


@pytest.fixture
def event(xingtai, city_analyst, ningjin_user):  # type: ignore[no-untyped-def]
    ProjectFactory(code="NJ-1", name="宁晋电缆项目", region=xingtai["130528"])
    ProjectFactory(code="SH-1", name="沙河玻璃项目", region=xingtai["130582"])
    officer = client_for(city_analyst)
    r = officer.post(
        reverse("projects:site_reviews"),
        {"title": "2025年第二季度观摩", "held_on": "2025-06-20", "quarter": "2"},
    )
    assert r.status_code == 302
    ev = SiteReview.objects.get()
    url = reverse("projects:site_review", args=[ev.pk])
    page = officer.get(url)
    assert "宁晋电缆项目" in page.content.decode()  # a route candidate
    officer.post(url, {"action": "route", "version": 1, "order-SH-1": "2", "order-NJ-1": "1"})
    officer.post(url, {"action": "reviewers", "version": 2, "reviewer": [ningjin_user.pk]})
    ev.refresh_from_db()
    assert [s.project.code for s in site_reviews.route(ev)] == ["NJ-1", "SH-1"]
    assert list(ev.reviewers.all()) == [ningjin_user]
    return ev


def test_reviewer_scores_then_officer_closes(event, city_analyst, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    reviewer = client_for(ningjin_user)
    score = reverse("projects:site_review_score", args=[event.pk])
    page = reviewer.get(score)
    assert page.status_code == 200 and "1/2 · 宁晋电缆项目" in page.content.decode()
    r = reviewer.post(score, {**SHEET, "stop": "1", "version": "0", "comment": "进度快"})
    assert r.status_code == 302 and r["Location"].endswith("?stop=2")
    r = reviewer.post(score, {**SHEET, "c-progress": "30", "stop": "2", "version": "0"})
    assert r.status_code == 302
    assert sorted(ReviewSheet.objects.values_list("total", flat=True)) == [D(79), D(85)]
    officer = client_for(city_analyst)
    url = reverse("projects:site_review", args=[event.pk])
    assert officer.post(url, {"action": "close", "version": 3}).status_code == 302
    assert ReviewScore.objects.get(region_id="130528", kind=ReviewKind.QUARTER).score == D(85)
    text = officer.get(url).content.decode()
    assert "已结束" in text and "85.00" in text and "79.00" in text and "进度快" in text
    closed = reviewer.post(score, {**SHEET, "stop": "1", "version": "1"})
    assert closed.status_code == 400 and "已结束" in closed.content.decode()


def test_bad_input_on_the_phone_page_is_a_400_with_the_reason(event, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    reviewer = client_for(ningjin_user)
    score = reverse("projects:site_review_score", args=[event.pk])
    r = reviewer.post(score, {**SHEET, "c-site": "99", "stop": "1", "version": "0"})
    assert r.status_code == 400 and "「现场管理」应在 0 到 15 分之间：99" in r.content.decode()
    assert 'value="99"' in r.content.decode()  # the typed values stay on the form
    hostile = SimpleUploadedFile("现场.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    r = reviewer.post(score, {**SHEET, "stop": "1", "version": "0", "photos": hostile})
    assert r.status_code == 400 and "扩展名与内容不符" in r.content.decode()
    huge = SimpleUploadedFile("大图.png", b"\x89PNG\r\n\x1a\n" + b"0" * (11 * 1024 * 1024))
    r = reviewer.post(score, {**SHEET, "stop": "1", "version": "0", "photos": huge})
    assert r.status_code in (400, 413) and "超过" in r.content.decode()
    assert not ReviewSheet.objects.exists()
    assert reviewer.get(score + "?stop=9").status_code == 400
    assert reviewer.get(score + "?stop=abc").status_code == 400


def test_officer_bad_route_input(event, city_analyst) -> None:  # type: ignore[no-untyped-def]
    officer = client_for(city_analyst)
    url = reverse("projects:site_review", args=[event.pk])
    r = officer.post(url, {"action": "route", "version": 3, "order-NJ-1": "x"}, follow=True)
    assert "观摩顺序应为正整数" in r.content.decode()
    assert (
        officer.post(url, {"action": "route", "version": 3, "order-NOPE": "1"}).status_code == 404
    )
    r = officer.post(url, {"action": "route", "version": 1, "order-NJ-1": "1"}, follow=True)
    assert "已被他人修改" in r.content.decode()  # a stale form
    assert officer.post(url, {"action": "dance", "version": 3}, follow=True).status_code == 200
    bad = officer.post(reverse("projects:site_reviews"), {"title": "x", "held_on": "2025-13-01"})
    assert bad.status_code == 400


def _ranked(month: dt.date, ranks: dict[str, int]) -> None:
    method = RankingMethod.objects.first()
    for code, rank in ranks.items():
        MonthlyRanking.objects.create(
            month=month,
            key=code,
            label={"130528": "宁晋县", "130582": "沙河市"}[code],
            score=D(100 - rank),
            rank=rank,
            components={},
            method=method,
        )


def test_half_year_by_hand_with_evidence_links(xingtai, city_analyst, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    # 宁晋 ranks 1, 2 of 2 in January and February → points 100, 0 → 50; 观摩 Q1 80 (Q2 缺) →
    # 0.6 × 50 + 0.4 × 80 = 62.00. 沙河: 0 and 100 → 50; no 观摩 → 50.00 (the part drops out)
    _ranked(dt.date(2025, 1, 1), {"130528": 1, "130582": 2})
    _ranked(dt.date(2025, 2, 1), {"130528": 2, "130582": 1})
    ReviewScore.objects.create(
        region=xingtai["130528"], kind=ReviewKind.QUARTER, year=2025, period=1, score=D(80)
    )
    _method, rows = site_reviews.half_year(city_analyst, 2025, 1)
    got = {r.code: (r.monthly_rank, r.review, r.score, r.rank) for r in rows}
    assert got == {
        "130528": (D("50.00"), D("80.00"), D("62.00"), 1),
        "130582": (D("50.00"), None, D("50.00"), 2),
    }
    # the county user sees its own row only, keeping its rank among all counties
    _method, mine = site_reviews.half_year(ningjin_user, 2025, 1)
    assert [r.code for r in mine] == ["130528"]
    page = client_for(city_analyst).get(reverse("projects:assessment") + "?year=2025&h=1")
    text = page.content.decode()
    assert page.status_code == 200 and "62.00" in text
    assert reverse("projects:ranking") + "?month=2025-01" in text
    assert "p=q1" in text  # the typed score links to the review-score page
    assert client_for(city_analyst).get(reverse("projects:assessment") + "?h=3").status_code == 400


def test_half_year_page_opens_on_the_newest_half_with_scores(xingtai, city_analyst) -> None:  # type: ignore[no-untyped-def]
    url = reverse("projects:assessment")
    assert site_reviews.latest_half() is None  # nothing stored: the current half, empty
    _ranked(dt.date(2025, 8, 1), {"130528": 1, "130582": 2})
    assert site_reviews.latest_half() == (2025, 2)
    ReviewScore.objects.create(
        region=xingtai["130528"], kind=ReviewKind.QUARTER, year=2026, period=1, score=D(70)
    )
    assert site_reviews.latest_half() == (2026, 1)  # a 观摩 score of 2026 Q1 is newer
    text = client_for(city_analyst).get(url).content.decode()
    assert "2026年上半年" in text
    text = client_for(city_analyst).get(url + "?year=2025&h=2").content.decode()
    assert "2025年下半年" in text and "宁晋县" in text


def test_assessment_pdf_is_a_job_with_cjk_fonts(xingtai, city_analyst, run_worker) -> None:  # type: ignore[no-untyped-def]
    from tests.projects.test_projects_reports import _pdf_job

    _ranked(dt.date(2025, 1, 1), {"130528": 1, "130582": 2})
    ReviewScore.objects.create(
        region=xingtai["130528"], kind=ReviewKind.QUARTER, year=2025, period=1, score=D(80)
    )
    client = client_for(city_analyst)
    url = reverse("projects:assessment_pdf")
    assert client.get(url).status_code == 405
    assert client.post(url, {"year": "2025", "h": "x"}).status_code == 400
    job, text = _pdf_job(client, url, {"year": "2025", "h": "1"}, run_worker)
    assert job.result_name == "半年考核通报-2025年上半年.pdf"
    assert "2025年上半年重点项目建设考核通报" in text
    assert "宁晋县" in text and "位列第一" in text and "92.00" in text  # 0.6 × 100 + 0.4 × 80

"""季观摩 events: route, reviewers, 评分表 (bad input refused), closing into the quarter score."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.factories import ProjectFactory, UserFactory

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.locking import NEW, EditConflict
from chainboard.projects import services
from chainboard.projects.models import ReviewKind, ReviewPhoto, ReviewScore, ReviewSheet
from chainboard.projects.selectors import ranking, site_reviews

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FULL = {"progress": 36, "quality": 20, "site": 12, "support": 8, "presentation": 9}  # 85


def pts(total_minus: int = 0) -> dict[str, int]:
    """A sheet worth 85 − ``total_minus`` (taken from 建设进度)."""
    return {**FULL, "progress": 36 - total_minus}


@pytest.fixture
def setup(xingtai, city_analyst, ningjin_user, shahe_user):  # type: ignore[no-untyped-def]
    nj1 = ProjectFactory(code="NJ-1", name="宁晋电缆项目", region=xingtai["130528"])
    nj2 = ProjectFactory(code="NJ-2", name="宁晋铜材项目", region=xingtai["130528"])
    sh1 = ProjectFactory(code="SH-1", name="沙河玻璃项目", region=xingtai["130582"])
    off_route = ProjectFactory(code="SH-9", name="沙河线外项目", region=xingtai["130582"])
    event = services.site_review_create(
        actor=city_analyst,
        title="2025年第一季度重点项目观摩",
        held_on=dt.date(2025, 3, 20),
        quarter=1,
    )
    event = services.site_review_set_route(
        actor=city_analyst, event=event, projects=[nj1, sh1, nj2], expected_version=event.version
    )
    event = services.site_review_set_reviewers(
        actor=city_analyst,
        event=event,
        reviewers=[ningjin_user, shahe_user],
        expected_version=event.version,
    )
    return {
        "event": event,
        "nj1": nj1,
        "nj2": nj2,
        "sh1": sh1,
        "off": off_route,
        "analyst": city_analyst,
        "a": ningjin_user,
        "b": shahe_user,
    }


def test_create_copies_the_default_criteria_and_rule(setup) -> None:  # type: ignore[no-untyped-def]
    event = setup["event"]
    assert event.criteria[0]["key"] == "progress"
    assert event.rule == "trimmed" and event.trim_min_reviewers == 5
    assert [s.project.code for s in site_reviews.route(event)] == ["NJ-1", "SH-1", "NJ-2"]
    assert event.history.count() >= 3  # created, route, reviewers


def test_only_city_officers_organise(setup, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OutOfScope):
        services.site_review_create(
            actor=ningjin_user, title="越权", held_on=dt.date(2025, 3, 1), quarter=1
        )
    with pytest.raises(OutOfScope):
        services.site_review_set_route(actor=ningjin_user, event=setup["event"], projects=[])


def test_route_refuses_duplicates_and_firm_reviewers(setup) -> None:  # type: ignore[no-untyped-def]
    event = setup["event"]
    with pytest.raises(DomainError, match="只能出现一次"):
        services.site_review_set_route(
            actor=setup["analyst"], event=event, projects=[setup["nj1"], setup["nj1"]]
        )
    firm_user = UserFactory(username="qiye", role="enterprise")
    with pytest.raises(DomainError, match="不能担任观摩评委"):
        services.site_review_set_reviewers(
            actor=setup["analyst"], event=event, reviewers=[firm_user]
        )
    with pytest.raises(EditConflict):  # a form from before the reviewers were set
        services.site_review_set_route(
            actor=setup["analyst"], event=event, projects=[setup["nj1"]], expected_version=1
        )


def test_reviewer_saves_a_sheet_with_history(setup) -> None:  # type: ignore[no-untyped-def]
    sheet = services.review_sheet_save(
        actor=setup["a"],
        event=setup["event"],
        project=setup["nj1"],
        points=FULL,
        comment="进度快",
        expected_version=NEW,
    )
    assert sheet.total == D("85.00") and sheet.version == 1
    assert sheet.history.first().history_user == setup["a"]
    sheet = services.review_sheet_save(
        actor=setup["a"],
        event=setup["event"],
        project=setup["nj1"],
        points=pts(6),
        expected_version=1,
    )
    assert sheet.total == D("79.00") and sheet.version == 2


def test_stale_sheet_with_other_values_is_a_conflict(setup) -> None:  # type: ignore[no-untyped-def]
    kw = {"actor": setup["a"], "event": setup["event"], "project": setup["nj1"]}
    services.review_sheet_save(**kw, points=FULL, expected_version=NEW)
    services.review_sheet_save(**kw, points=pts(1), expected_version=1)  # phone 1
    with pytest.raises(EditConflict):  # phone 2, still on version 1
        services.review_sheet_save(**kw, points=pts(2), expected_version=1)
    assert ReviewSheet.objects.get().total == D("84.00")


def test_non_reviewer_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    for user in (setup["analyst"], UserFactory(username="other", role="region_staff")):
        with pytest.raises(OutOfScope, match="不是该观摩活动的评委"):
            services.review_sheet_save(
                actor=user, event=setup["event"], project=setup["nj1"], points=FULL
            )
    assert not ReviewSheet.objects.exists()


def test_score_out_of_range_is_refused_naming_the_criterion(setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="「现场管理」应在 0 到 15 分之间：16"):
        services.review_sheet_save(
            actor=setup["a"],
            event=setup["event"],
            project=setup["nj1"],
            points={**FULL, "site": 16},
            expected_version=NEW,
        )
    assert not ReviewSheet.objects.exists()


def test_project_off_the_route_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="不在本次观摩路线上"):
        services.review_sheet_save(
            actor=setup["a"], event=setup["event"], project=setup["off"], points=FULL
        )


def test_photos_checked_by_content(setup) -> None:  # type: ignore[no-untyped-def]
    kw = {"actor": setup["a"], "event": setup["event"], "project": setup["nj1"], "points": FULL}
    fake = SimpleUploadedFile("现场.png", b"<html><script>alert(1)</script></html>")
    with pytest.raises(DomainError, match="扩展名与内容不符"):
        services.review_sheet_save(**kw, photos=[fake], expected_version=NEW)
    pdf = SimpleUploadedFile("现场.pdf", b"%PDF-1.4\n" + b"0" * 32)
    with pytest.raises(DomainError, match="只接受 JPG、PNG"):
        services.review_sheet_save(**kw, photos=[pdf], expected_version=NEW)
    assert not ReviewSheet.objects.exists() and not ReviewPhoto.objects.exists()
    ok = SimpleUploadedFile("现场.png", PNG)
    sheet = services.review_sheet_save(**kw, photos=[ok], expected_version=NEW)
    photo = sheet.photos.get()
    assert photo.name == "现场.png" and photo.kind == "png" and photo.file.name.endswith(".png")


def test_close_writes_the_quarter_score_and_locks_the_event(setup) -> None:  # type: ignore[no-untyped-def]
    event, a, b = setup["event"], setup["a"], setup["b"]
    # a typed-in score of the quarter is replaced by the aggregated one
    services.review_score_save(
        actor=setup["analyst"],
        region=setup["nj1"].region,
        kind=ReviewKind.QUARTER,
        year=2025,
        period=1,
        score=D(60),
        expected_version=NEW,
    )
    for user, project, minus in ((a, "nj1", 0), (b, "nj1", 10), (a, "nj2", 5), (b, "sh1", 15)):
        services.review_sheet_save(
            actor=user, event=event, project=setup[project], points=pts(minus), expected_version=NEW
        )
    scores = services.site_review_close(actor=setup["analyst"], event=event)
    # 宁晋: NJ-1 (85 + 75) ÷ 2 = 80, NJ-2 80 (one sheet) → 80; 沙河: SH-1 70
    assert scores == {"130528": D("80.00"), "130582": D("70.00")}
    nj = ReviewScore.objects.get(region_id="130528", kind=ReviewKind.QUARTER, year=2025, period=1)
    assert nj.score == D("80.00") and nj.source_id == event.pk
    assert "观摩活动" in nj.note and nj.history.count() == 2
    with pytest.raises(DomainError, match="已结束"):
        services.review_sheet_save(actor=a, event=event, project=setup["nj1"], points=FULL)
    with pytest.raises(DomainError, match="不能手工修改"):
        services.review_score_save(
            actor=setup["analyst"],
            region=setup["nj1"].region,
            kind=ReviewKind.QUARTER,
            year=2025,
            period=1,
            score=D(99),
            expected_version=nj.version,
        )
    # the quarter result of the monthly ranking reads the aggregated score
    rows = {r.key: r for r in ranking.period_result(2025, ReviewKind.QUARTER, 1)}
    assert rows["130528"].quarter == D("80.00")


def test_close_refuses_an_empty_event_and_non_officers(setup) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OutOfScope):
        services.site_review_close(actor=setup["a"], event=setup["event"])
    with pytest.raises(DomainError, match="还没有任何评分"):
        services.site_review_close(actor=setup["analyst"], event=setup["event"])


def test_trimmed_mean_with_five_reviewers(setup, xingtai) -> None:  # type: ignore[no-untyped-def]
    event = setup["event"]
    users = [UserFactory(username=f"judge{i}", role="region_staff") for i in range(5)]
    event = services.site_review_set_reviewers(actor=setup["analyst"], event=event, reviewers=users)
    # totals 85, 75, 65, 80, 55 (minus 0, 10, 20, 5, 30): drop 85 and 55 → (75+65+80) ÷ 3 = 73.33
    for user, minus in zip(users, (0, 10, 20, 5, 30), strict=True):
        services.review_sheet_save(
            actor=user, event=event, project=setup["nj1"], points=pts(minus), expected_version=NEW
        )
    _reviewers, rows = site_reviews.matrix(event, setup["analyst"])
    assert rows[0].score == D("73.33") and rows[1].score is None
    assert services.site_review_close(actor=setup["analyst"], event=event) == {"130528": D("73.33")}


def test_county_user_sees_only_its_projects_in_the_matrix(setup) -> None:  # type: ignore[no-untyped-def]
    _reviewers, rows = site_reviews.matrix(setup["event"], setup["a"])
    assert [r.project.code for r in rows] == ["NJ-1", "NJ-2"]
    results = site_reviews.event_county_results(setup["event"], setup["b"])
    assert [r["name"] for r in results] == ["沙河市"]

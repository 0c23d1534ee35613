"""Project writes: optimistic locking with field merge, weekly cumulative, delete refused,
history with who and when, scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from tests.factories import ProjectFactory

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.projects import services
from chainboard.projects.models import Project, ProjectUpdate

pytestmark = pytest.mark.django_db


def _data(**kw):  # type: ignore[no-untyped-def]
    return {"done_this_week": "土建施工", "investment_period_wan_yuan": Decimal(100), **kw}


def test_two_users_editing_different_fields_lose_nothing(ningjin_user, city_analyst) -> None:
    p = ProjectFactory()
    opened = p.version  # both open the form at the same version
    services.project_update(
        project_id=p.pk,
        actor=ningjin_user,
        data={"responsible_official": "张县长"},
        expected_version=opened,
    )
    services.project_update(
        project_id=p.pk,
        actor=city_analyst,
        data={"responsible_department": "县发改局", "responsible_official": p.responsible_official},
        expected_version=opened,
    )
    p.refresh_from_db()
    assert (p.responsible_official, p.responsible_department) == ("张县长", "县发改局")
    assert p.version == opened + 2
    users = [h.history_user for h in p.history.all()[:2]]
    assert set(users) == {ningjin_user, city_analyst}


def test_same_field_conflict_is_refused_and_first_edit_kept(ningjin_user, city_analyst) -> None:
    p = ProjectFactory()
    opened = p.version
    services.project_update(
        project_id=p.pk,
        actor=ningjin_user,
        data={"name": "宁晋光伏组件项目"},
        expected_version=opened,
    )
    with pytest.raises(services.EditConflict) as err:
        services.project_update(
            project_id=p.pk,
            actor=city_analyst,
            data={"name": "另一个名字"},
            expected_version=opened,
        )
    assert err.value.status_code == 409 and "项目名称" in err.value.message
    p.refresh_from_db()
    assert p.name == "宁晋光伏组件项目"


def test_weekly_updates_accumulate_and_corrections_shift_later_weeks(ningjin_user) -> None:
    p = ProjectFactory(investment_done_wan_yuan=Decimal(1000))
    w1, w2 = dt.date(2025, 3, 3), dt.date(2025, 3, 10)
    services.update_submit(project_id=p.pk, actor=ningjin_user, week=w1, data=_data())
    services.update_submit(
        project_id=p.pk,
        actor=ningjin_user,
        week=w2 + dt.timedelta(days=2),
        data=_data(investment_period_wan_yuan=Decimal(300)),
    )
    p.refresh_from_db()
    assert p.investment_done_wan_yuan == Decimal(1400)  # opening 1000 + 100 + 300
    # correcting week 1 to 200 moves week 2's cumulative too
    services.update_submit(
        project_id=p.pk,
        actor=ningjin_user,
        week=w1,
        data=_data(investment_period_wan_yuan=Decimal(200)),
    )
    cumulative = dict(ProjectUpdate.objects.values_list("week", "investment_cumulative_wan_yuan"))
    assert cumulative == {w1: Decimal(1200), w2: Decimal(1500)}
    p.refresh_from_db()
    assert p.investment_done_wan_yuan == Decimal(1500)


def test_concurrent_weekly_update_edits_merge(ningjin_user, city_analyst) -> None:
    p = ProjectFactory()
    week = dt.date(2025, 3, 3)
    row = services.update_submit(project_id=p.pk, actor=ningjin_user, week=week, data=_data())
    opened = row.version
    services.update_submit(
        project_id=p.pk,
        actor=ningjin_user,
        week=week,
        data={"next_steps": "设备进场"},
        expected_version=opened,
    )
    services.update_submit(
        project_id=p.pk,
        actor=city_analyst,
        week=week,
        data={"problems": "缺少用地指标"},
        expected_version=opened,
    )
    row.refresh_from_db()
    assert (row.next_steps, row.problems) == ("设备进场", "缺少用地指标")


def test_stage_advance_dates_the_stage(ningjin_user) -> None:
    p = ProjectFactory(stage="signed", started_on=None)
    services.update_submit(
        project_id=p.pk, actor=ningjin_user, week=dt.date(2025, 3, 3), data=_data(), stage="started"
    )
    p.refresh_from_db()
    assert p.stage == "started" and p.started_on == dt.date(2025, 3, 7)


def test_delete_with_updates_refused_archive_instead(ningjin_user) -> None:
    p = ProjectFactory()
    services.update_submit(
        project_id=p.pk, actor=ningjin_user, week=dt.date(2025, 3, 3), data=_data()
    )
    with pytest.raises(DomainError, match="归档"):
        services.project_delete(project=p, actor=ningjin_user)
    services.project_archive(project=p, actor=ningjin_user)
    p.refresh_from_db()
    assert p.archived
    with pytest.raises(DomainError, match="已归档"):
        services.update_submit(
            project_id=p.pk, actor=ningjin_user, week=dt.date(2025, 3, 10), data=_data()
        )
    empty = ProjectFactory()
    services.project_delete(project=empty, actor=ningjin_user)
    assert not Project.objects.filter(pk=empty.pk).exists()


def test_county_user_cannot_touch_another_county(shahe_user, ningjin_user, xingtai) -> None:
    p = ProjectFactory()  # 宁晋
    with pytest.raises(OutOfScope):
        services.update_submit(
            project_id=p.pk, actor=shahe_user, week=dt.date(2025, 3, 3), data=_data()
        )
    with pytest.raises(OutOfScope):
        services.project_update(
            project_id=p.pk, actor=shahe_user, data={"name": "x"}, expected_version=p.version
        )
    with pytest.raises(OutOfScope):  # nor move one of their own into another county
        services.project_update(
            project_id=p.pk,
            actor=ningjin_user,
            data={"region": xingtai["130582"]},
            expected_version=p.version,
        )
    assert not ProjectUpdate.objects.exists()


def test_future_week_refused(ningjin_user) -> None:
    p = ProjectFactory()
    with pytest.raises(DomainError, match="未来"):
        services.update_submit(
            project_id=p.pk,
            actor=ningjin_user,
            week=dt.date.today() + dt.timedelta(days=14),
            data=_data(),
        )

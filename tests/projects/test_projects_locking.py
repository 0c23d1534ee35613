"""No lost edits on projects and their weekly updates, tasks, review scores and milestones:
two users open the same form, both save — the second sees the first's values and can merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import ProjectFactory

from chainboard.core.locking import EditConflict, VersionRequired
from chainboard.projects import services
from chainboard.projects.models import Milestone, ProjectUpdate, ReviewScore, Task, week_start

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def project(ningjin: Any) -> Any:
    return ProjectFactory(code="NJ-1", region=ningjin)


def _week_form(text: str, version: str) -> dict[str, str]:
    week = week_start(timezone.localdate()).isoformat()
    return {
        "week": week,
        "version_week": week,
        "done_this_week": text,
        "investment_period_wan_yuan": "10",
        "version": version,
    }


def test_weekly_update_form_second_saver_sees_first_text_and_merges(
    project: Any, ningjin_user: Any
) -> None:
    a, b = login(ningjin_user), login(ningjin_user)
    page = a.get("/projects/p/NJ-1/update/").content.decode()
    assert 'name="version" value="0"' in page  # "no update this week yet", not empty
    assert b.post("/projects/p/NJ-1/update/", _week_form("乙：主体封顶", "0")).status_code == 302
    late = a.post("/projects/p/NJ-1/update/", _week_form("甲：设备进场", "0"))
    assert late.status_code == 200
    text = late.content.decode()
    assert "已被他人修改" in text and "乙：主体封顶" in text and 'name="version" value="1"' in text
    row = ProjectUpdate.objects.get(project=project)
    assert row.done_this_week == "乙：主体封顶"  # the first text is kept
    merged = a.post("/projects/p/NJ-1/update/", _week_form("甲：设备进场；乙：主体封顶", "1"))
    assert merged.status_code == 302
    row.refresh_from_db()
    assert (row.done_this_week, row.version) == ("甲：设备进场；乙：主体封顶", 2)
    # reopening the form shows the stored week with its version
    page = a.get("/projects/p/NJ-1/update/").content.decode()
    assert 'name="version" value="2"' in page and "甲：设备进场；乙：主体封顶" in page


def test_weekly_update_form_without_version_is_refused(project: Any, ningjin_user: Any) -> None:
    form = _week_form("x", "0")
    del form["version"]
    page = login(ningjin_user).post("/projects/p/NJ-1/update/", form)
    assert page.status_code == 200 and "缺少 version" in page.content.decode()
    assert not ProjectUpdate.objects.exists()


def test_weekly_update_api_version_required_and_409(project: Any, ningjin_user: Any) -> None:
    c = login(ningjin_user)
    week = week_start(timezone.localdate()).isoformat()
    body = {"week": week, "done_this_week": "甲"}
    missing = c.post("/api/projects/NJ-1/updates", body, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "version_required"
    first = c.post(
        "/api/projects/NJ-1/updates", body | {"version": 0}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 1
    stale = c.post(
        "/api/projects/NJ-1/updates",
        body | {"done_this_week": "乙", "version": 0},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current"] == {"done_this_week": "甲"} and stale.json()["version"] == 1


def test_project_patch_without_version_is_400(project: Any, ningjin_user: Any) -> None:
    r = login(ningjin_user).patch(
        "/api/projects/NJ-1", {"name": "x"}, content_type="application/json"
    )
    assert r.status_code == 400 and "version" in r.json()["message"]


def test_project_edit_form_conflict_shows_their_value_and_arms_the_merge(
    project: Any, ningjin_user: Any
) -> None:
    opened = project.version
    services.project_update(
        project_id=project.pk,
        actor=ningjin_user,
        data={"responsible_official": "王副县长"},
        expected_version=opened,
    )
    c = login(ningjin_user)
    page = c.get("/projects/p/NJ-1/edit/")
    form = {k: v for k, v in page.context["form"].initial.items() if v is not None and k != "park"}
    form.update(
        region=project.region_id,
        responsible_official="李局长",
        version=str(opened),
        chain_node_codes="",
    )
    form = {k: v for k, v in form.items() if not isinstance(v, list | dict)}
    stale = c.post("/projects/p/NJ-1/edit/", form)
    assert stale.status_code == 200
    text = stale.content.decode()
    assert "王副县长" in text and f'name="version" value="{opened + 1}"' in text
    again = c.post("/projects/p/NJ-1/edit/", form | {"version": str(opened + 1)})
    assert again.status_code == 302
    project.refresh_from_db()
    assert project.responsible_official == "李局长"


def test_task_progress_stale_save_is_refused_with_their_value(
    ningjin: Any, city_analyst: Any
) -> None:
    task = Task.objects.create(
        programme="行动",
        name="电缆提档",
        owner_department="工信局",
        region=ningjin,
        due_on=dt.date(2025, 12, 31),
        percent_complete=10,
    )
    c = login(city_analyst)
    url = f"/projects/tasks/{task.pk}/"
    assert c.post(url, {"percent_complete": 50, "version": 1}).status_code == 302
    page = c.post(url, {"percent_complete": 70, "version": 1}, follow=True).content.decode()
    assert "已被他人修改" in page and "他人已改为：50" in page
    task.refresh_from_db()
    assert (task.percent_complete, task.version) == (50, 2)
    c.post(url, {"percent_complete": 70})  # no version: refused
    task.refresh_from_db()
    assert task.percent_complete == 50


def test_review_score_and_milestone_stale(project: Any, ningjin: Any, city_analyst: Any) -> None:
    services.review_score_save(
        actor=city_analyst,
        region=ningjin,
        kind="quarter",
        year=2025,
        period=1,
        score=80,
        expected_version=0,
    )
    with pytest.raises(EditConflict) as err:
        services.review_score_save(
            actor=city_analyst,
            region=ningjin,
            kind="quarter",
            year=2025,
            period=1,
            score=90,
            expected_version=0,
        )
    assert err.value.current == {"score": "80.00"} and err.value.version == 1
    assert ReviewScore.objects.get().score == 80
    m = services.milestone_save(
        project=project, actor=None, name="设备安装", due_on=dt.date(2025, 5, 31)
    )
    services.milestone_save(
        project=project,
        actor=None,
        name="设备安装",
        due_on=dt.date(2025, 6, 30),
        milestone=m,
        expected_version=1,
    )
    with pytest.raises(EditConflict):
        services.milestone_save(
            project=project,
            actor=None,
            name="设备安装",
            due_on=dt.date(2025, 7, 31),
            milestone=m,
            expected_version=1,
        )
    assert Milestone.objects.get().due_on == dt.date(2025, 6, 30)
    with pytest.raises(VersionRequired):
        services.year_plan_set(
            project=project, year=2025, planned_wan_yuan=1, actor=None, expected_version=-1
        )

"""The work plan and meeting pages, and the conflict message of two people editing a
chokepoint item or a call at once (nothing lost: the second sees the other's values and keeps
their own input)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chainboard.chiefs import services
from chainboard.chiefs.models import Call, Decision, Meeting, OrgMember, WorkPlan
from chainboard.projects.models import Task
from tests.chiefs.conftest import CALL

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_keeper_builds_a_plan_and_sees_overdue_tasks(city) -> None:  # type: ignore[no-untyped-def]
    web = client(city.users["analyst"])
    base = f"/chains/{city.chain.pk}"
    r = web.post(f"{base}/plans/", {"year": TODAY.year, "goals": "补链强链"})
    plan = WorkPlan.objects.get(chain=city.chain, year=TODAY.year)
    assert r.status_code == 302 and r["Location"] == f"{base}/plans/{plan.pk}/"
    for name, due in (("逾期任务甲", TODAY - dt.timedelta(days=5)), ("按期任务乙", TODAY)):
        r = web.post(
            f"{base}/plans/{plan.pk}/",
            {
                "form": "task",
                "name": name,
                "owner_department": "市工信局",
                "due_on": due,
                "percent_complete": "20",
            },
        )
        assert r.status_code == 302
    page = web.get(f"{base}/plans/{plan.pk}/").content.decode()
    assert "逾期任务甲" in page and "逾期 1 项" in page and 'class="overdue"' in page
    overview = web.get(f"{base}/plans/").content.decode()
    assert plan.title in overview
    # bad input: 400 with the field named, nothing written
    n = Task.objects.count()
    r = web.post(
        f"{base}/plans/{plan.pk}/",
        {
            "form": "task",
            "name": "x",
            "owner_department": "y",
            "due_on": "2025-02-30",
            "percent_complete": "20",
        },
    )
    assert r.status_code == 400 and "完成时限" in r.content.decode()
    r = web.post(
        f"{base}/plans/{plan.pk}/",
        {
            "form": "task",
            "name": "x",
            "owner_department": "y",
            "due_on": "2025-02-01",
            "percent_complete": "140",
        },
    )
    assert r.status_code == 400 and Task.objects.count() == n
    # a firm user reads, may not write
    firm = client(city.users["firm"])
    assert firm.get(f"{base}/plans/{plan.pk}/").status_code == 200
    assert firm.post(f"{base}/plans/", {"year": 2031}).status_code == 403
    # the task page: progress update with the version, history shown
    task = Task.objects.get(name="逾期任务甲")
    url = f"{base}/plans/{plan.pk}/tasks/{task.pk}/"
    r = web.post(
        url,
        {
            "name": task.name,
            "owner_department": "市工信局",
            "due_on": task.due_on,
            "percent_complete": "100",
            "version": task.version,
        },
    )
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.percent_complete == 100
    assert "修改工作计划任务" in web.get(url).content.decode()


def test_two_editors_of_a_plan_task_second_sees_the_conflict(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    plan = services.work_plan_save(chain=city.chain, actor=a, data={"year": TODAY.year})
    task = services.plan_task_save(
        plan=plan, actor=a, data={"name": "任务", "owner_department": "工信局", "due_on": TODAY}
    )
    url = f"/chains/{city.chain.pk}/plans/{plan.pk}/tasks/{task.pk}/"
    form = {"name": "任务", "owner_department": "工信局", "due_on": TODAY, "version": task.version}
    first, second = client(a), client(a)
    assert first.post(url, {**form, "percent_complete": "40"}).status_code == 302
    r = second.post(url, {**form, "percent_complete": "70", "evidence": "我的说明"})
    text = r.content.decode()
    assert r.status_code == 409
    assert "在您编辑期间已被他人修改" in text and "他人已改为：40" in text
    assert "我的说明" in text  # the second editor's input is still in the form
    task.refresh_from_db()
    assert (task.percent_complete, task.evidence) == (40, "")


def test_meeting_page_decision_to_task_in_one_step(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    chief = OrgMember.objects.create(chain=city.chain, kind="chief", name="副市长（示例）")
    web = client(a)
    base = f"/chains/{city.chain.pk}/meetings/"
    r = web.post(
        base,
        {
            "kind": "chief",
            "held_on": TODAY,
            "title": "链长会议",
            "agenda": "一、攻关",
            "officials": [chief.pk],
            "usernames": "ningjin",
        },
    )
    assert r.status_code == 302
    m = Meeting.objects.get()
    assert list(m.attendees.values_list("username", flat=True)) == ["ningjin"]
    assert (
        web.post(
            base,
            {"kind": "chief", "held_on": TODAY, "title": "x", "agenda": "y", "usernames": "nobody"},
        ).status_code
        == 400
    )
    url = f"{base}{m.pk}/"
    assert web.post(url, {"form": "decision", "text": "引进绝缘料项目"}).status_code == 302
    d = Decision.objects.get()
    r = web.post(
        url,
        {
            "form": "task",
            "decision": d.pk,
            "owner_department": "市商务局",
            "due_on": TODAY + dt.timedelta(days=30),
        },
    )
    assert r.status_code == 302
    d.refresh_from_db()
    assert d.task is not None and d.task.owner_department == "市商务局"
    page = web.get(url).content.decode()
    assert "副市长（示例）" in page and "0%" in page and "引进绝缘料项目" in page
    # the other county's officer: 404 on the page? no — the city chain is visible; write 403
    assert (
        client(city.users["shahe"]).post(url, {"form": "decision", "text": "x"}).status_code == 403
    )


def test_two_editors_of_a_chokepoint_item(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    url = f"/chains/{city.chain.pk}/chokepoints/{city.item.pk}/"
    form = {
        "technology": city.item.technology,
        "reason": "import",
        "import_share": "0.9",
        "foreign_supplier": "北欧化工",
        "domestic_state": "国内仅小批量试产",
        "target": "国产绝缘料通过型式试验",
        "target_year": "2027",
        "firms": city.firm.uscc,
        "nodes": [city.node.pk, city.node2.pk],
        "version": city.item.version,
    }
    first, second = client(a), client(a)
    assert first.post(url, {**form, "target": "甲的目标"}).status_code == 302
    r = second.post(url, {**form, "target": "乙的目标", "domestic_state": "乙的现状"})
    text = r.content.decode()
    assert r.status_code == 409
    assert "攻关清单条目「500kV超高压电缆绝缘料」在您编辑期间已被他人修改：攻关目标" in text
    assert "他人已改为：甲的目标" in text and "乙的目标" in text and "乙的现状" in text
    city.item.refresh_from_db()
    assert (city.item.target, city.item.domestic_state) == ("甲的目标", "国内仅小批量试产")
    # re-submitted as shown (with the version it now carries): the second editor's values win
    version = city.item.version
    assert second.post(url, {**form, "target": "乙的目标", "version": version}).status_code == 302
    city.item.refresh_from_db()
    assert city.item.target == "乙的目标"
    # no version at all: refused (400), nothing written
    r = second.post(url, {k: v for k, v in form.items() if k != "version"})
    assert r.status_code == 400 and "version" in r.content.decode()


def test_two_editors_of_a_draft_call(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    call = services.call_save(chokepoint=city.item, actor=a, data=CALL)
    url = f"/chains/calls/{call.pk}/edit/"
    form = {**{k: v or "" for k, v in CALL.items()}, "version": call.version}
    assert client(a).post(url, {**form, "budget_wan_yuan": "900"}).status_code == 302
    r = client(a).post(url, {**form, "budget_wan_yuan": "700", "title": "乙的榜单名称"})
    text = r.content.decode()
    assert r.status_code == 409 and "榜单金额" in text and "他人已改为：900" in text
    assert "乙的榜单名称" in text
    call.refresh_from_db()
    assert call.budget_wan_yuan == 900 and call.title == CALL["title"]
    assert Call.objects.count() == 1

"""链长 annual work plans (tasks are ``projects.Task`` rows linked by ``source``), meetings with
decisions that become plan tasks in one step, the brief's overdue tasks and open decisions, and
optimistic locking of the chiefs edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from chainboard.chains.briefs import brief_sections
from chainboard.chiefs import selectors, services
from chainboard.chiefs.models import Call, Chokepoint, Decision, Meeting, OrgMember, WorkPlan
from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.locking import MISSING, EditConflict, VersionRequired
from chainboard.projects.models import Task
from tests.chiefs.conftest import CALL

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() + m.history.count()  # type: ignore[attr-defined]
        for m in (WorkPlan, Task, Meeting, Decision, Chokepoint, Call)
    )


def refused(exc: type[DomainError], fn: Any, match: str | None = None, **kwargs: Any) -> None:
    before = counts()
    with pytest.raises(exc, match=match):
        fn(**kwargs)
    assert counts() == before


def _plan(city: Any, year: int | None = None) -> WorkPlan:
    return services.work_plan_save(
        chain=city.chain,
        actor=city.users["analyst"],
        data={"year": year or TODAY.year, "goals": "补齐绝缘料短板"},
    )


def test_work_plan_tasks_are_project_tasks_with_history(city) -> None:  # type: ignore[no-untyped-def]
    analyst = city.users["analyst"]
    plan = _plan(city)
    assert plan.title == f"电线电缆产业链{TODAY.year}年链长工作计划"
    task = services.plan_task_save(
        plan=plan,
        actor=analyst,
        data={
            "name": "引进绝缘料项目1个",
            "owner_department": "市商务局",
            "due_on": TODAY - dt.timedelta(days=3),
            "percent_complete": "40",
        },
    )
    assert isinstance(task, Task)
    assert (task.source, task.region, task.programme) == (
        plan,
        city.chain.region,
        f"电线电缆产业链{TODAY.year}年工作计划",
    )
    assert list(plan.tasks.all()) == [task]
    assert list(selectors.plan_tasks(plan)) == [task]
    assert task.history.get().history_user == analyst
    # progress by the chain keeper, with the version read
    task = services.plan_task_save(
        plan=plan,
        actor=analyst,
        data={"percent_complete": 60, "evidence": "已签约"},
        task=task,
        expected_version=task.version,
    )
    assert (task.percent_complete, task.version) == (60, 2)
    assert task.history.latest().history_change_reason == "修改工作计划任务"
    progress = selectors.plan_progress(list(selectors.plan_tasks(plan)))
    assert (progress.tasks, progress.overdue, progress.done) == (1, 1, 0)
    assert list(selectors.overdue_tasks(user=analyst, chain=city.chain)) == [task]


def test_work_plan_bad_input_and_scope_are_refused(city) -> None:  # type: ignore[no-untyped-def]
    analyst, county, firm = city.users["analyst"], city.users["shahe"], city.users["firm"]
    plan = _plan(city)
    refused(
        DomainError,
        services.work_plan_save,
        "已有工作计划",
        chain=city.chain,
        actor=analyst,
        data={"year": TODAY.year},
    )
    refused(
        DomainError,
        services.work_plan_save,
        "年度",
        chain=city.chain,
        actor=analyst,
        data={"year": 1800},
    )
    good = {"name": "任务", "owner_department": "工信局", "due_on": TODAY}
    for bad, match in (
        ({**good, "percent_complete": 120}, "0–100"),
        ({**good, "percent_complete": "abc"}, "0–100"),
        ({**good, "name": " "}, "请填写任务"),
        ({k: v for k, v in good.items() if k != "due_on"}, "完成时限"),
        ({**good, "due_on": "2025-13-40"}, "完成时限"),
    ):
        refused(DomainError, services.plan_task_save, match, plan=plan, actor=analyst, data=bad)
    for user in (county, firm):
        refused(OutOfScope, services.plan_task_save, plan=plan, actor=user, data=good)
        refused(
            OutOfScope,
            services.work_plan_save,
            chain=city.chain,
            actor=user,
            data={"year": TODAY.year + 1},
        )
    # a task of another source (a 12项赋能行动 task) is not this plan's
    other = Task.objects.create(
        programme="12项赋能行动",
        name="x",
        owner_department="y",
        region=city.chain.region,
        due_on=TODAY,
    )
    refused(
        DomainError,
        services.plan_task_save,
        "不属于",
        plan=plan,
        actor=analyst,
        data={"percent_complete": 10},
        task=other,
        expected_version=1,
    )


def test_task_edit_conflict_keeps_both_and_refuses_the_clash(city) -> None:  # type: ignore[no-untyped-def]
    analyst = city.users["analyst"]
    plan = _plan(city)
    task = services.plan_task_save(
        plan=plan,
        actor=analyst,
        data={"name": "任务甲", "owner_department": "工信局", "due_on": TODAY},
    )
    seen = task.version
    services.plan_task_save(
        plan=plan, actor=analyst, data={"percent_complete": 30}, task=task, expected_version=seen
    )
    # the second editor changed another field: merged
    merged = services.plan_task_save(
        plan=plan, actor=analyst, data={"evidence": "见纪要"}, task=task, expected_version=seen
    )
    assert (merged.percent_complete, merged.evidence) == (30, "见纪要")
    # the same field, differently: a conflict with the other value, nothing written
    with pytest.raises(EditConflict) as info:
        services.plan_task_save(
            plan=plan,
            actor=analyst,
            data={"percent_complete": 50},
            task=task,
            expected_version=seen,
        )
    assert "他人已改为：30" in info.value.fields["percent_complete"]
    task.refresh_from_db()
    assert task.percent_complete == 30
    with pytest.raises(VersionRequired):
        services.plan_task_save(
            plan=plan,
            actor=analyst,
            data={"percent_complete": 1},
            task=task,
            expected_version=MISSING,
        )


def _meeting(city: Any, **extra: Any) -> Meeting:
    chief = OrgMember.objects.create(chain=city.chain, kind="chief", name="副市长（示例）")
    return services.meeting_save(
        chain=city.chain,
        actor=city.users["analyst"],
        data={
            "kind": "chief",
            "held_on": extra.get("held_on", TODAY - dt.timedelta(days=10)),
            "title": "第一季度链长会议",
            "agenda": "一、绝缘料攻关进展\n二、招商项目",
            "other_attendees": "链主企业代表",
        },
        attendees=[city.users["county"]],
        officials=[chief],
    )


def test_meeting_decision_becomes_a_plan_task_in_one_step(city) -> None:  # type: ignore[no-untyped-def]
    analyst = city.users["analyst"]
    meeting = _meeting(city)
    assert meeting.attendees.get() == city.users["county"]
    assert meeting.officials.get().name == "副市长（示例）"
    d1 = services.decision_save(
        meeting=meeting, actor=analyst, data={"text": "年内引进绝缘料项目1个"}
    )
    d2 = services.decision_save(
        meeting=meeting,
        actor=analyst,
        data={"text": "编制超净料攻关方案", "owner_department": "市科技局", "due_on": TODAY},
    )
    due = dt.date(TODAY.year + 1, 3, 31)
    task = services.decision_to_task(
        decision=d1, actor=analyst, owner_department="市商务局", due_on=due
    )
    # the plan of the meeting's year was made for it (the deadline may be in a later year)
    plan = WorkPlan.objects.get(chain=city.chain, year=meeting.held_on.year)
    assert task.source == plan and task.due_on == due and task.owner_department == "市商务局"
    d1.refresh_from_db()
    assert d1.task == task and d1.owner_department == "市商务局"
    assert "决定" in task.history.get().history_change_reason
    task2 = services.decision_to_task(decision=d2, actor=analyst)
    assert task2.owner_department == "市科技局"
    # twice: refused, nothing written
    refused(DomainError, services.decision_to_task, "已列入", decision=d1, actor=analyst)
    # open decisions of the last meeting: both (0%); one done → one left
    assert [d.pk for d in selectors.open_decisions(meeting)] == [d1.pk, d2.pk]
    services.plan_task_save(
        plan=plan,
        actor=analyst,
        data={"percent_complete": 100},
        task=task2,
        expected_version=task2.version,
    )
    assert [d.pk for d in selectors.open_decisions(meeting)] == [d1.pk]
    assert meeting.history.count() >= 1 and d1.history.count() == 2


def test_meeting_bad_input_and_scope(city) -> None:  # type: ignore[no-untyped-def]
    analyst = city.users["analyst"]
    other = OrgMember.objects.create(chain=city.other_chain, kind="chief", name="沙河链长")
    base = {"kind": "chief", "held_on": TODAY, "title": "会", "agenda": "议程"}
    refused(
        DomainError,
        services.meeting_save,
        "不是电线电缆产业链的链长制成员",
        chain=city.chain,
        actor=analyst,
        data=base,
        officials=[other],
    )
    refused(
        DomainError,
        services.meeting_save,
        "会议类型",
        chain=city.chain,
        actor=analyst,
        data={**base, "kind": "party"},
    )
    refused(
        DomainError,
        services.meeting_save,
        "议程",
        chain=city.chain,
        actor=analyst,
        data={**base, "agenda": ""},
    )
    refused(
        OutOfScope, services.meeting_save, chain=city.chain, actor=city.users["firm"], data=base
    )
    meeting = _meeting(city)
    d = services.decision_save(meeting=meeting, actor=analyst, data={"text": "决定"})
    refused(
        DomainError, services.decision_save, "决定事项", meeting=meeting, actor=analyst, data={}
    )
    refused(DomainError, services.decision_to_task, "责任单位", decision=d, actor=analyst)
    refused(
        DomainError,
        services.decision_to_task,
        "完成时限",
        decision=d,
        actor=analyst,
        owner_department="工信局",
    )
    refused(
        OutOfScope,
        services.decision_to_task,
        decision=d,
        actor=city.users["shahe"],
        owner_department="工信局",
        due_on=TODAY,
    )


def test_brief_has_overdue_plan_tasks_and_last_meeting_open_decisions(city) -> None:  # type: ignore[no-untyped-def]
    analyst = city.users["analyst"]
    plan = _plan(city)
    services.plan_task_save(
        plan=plan,
        actor=analyst,
        data={
            "name": "逾期的计划任务",
            "owner_department": "工信局",
            "due_on": TODAY - dt.timedelta(days=1),
        },
    )
    services.plan_task_save(
        plan=plan,
        actor=analyst,
        data={
            "name": "未到期任务",
            "owner_department": "工信局",
            "due_on": TODAY + dt.timedelta(days=9),
        },
    )
    old = _meeting(city, held_on=TODAY - dt.timedelta(days=90))
    services.decision_save(meeting=old, actor=analyst, data={"text": "旧会议的决定"})
    last = services.meeting_save(
        chain=city.chain,
        actor=analyst,
        data={
            "kind": "topic",
            "held_on": TODAY - dt.timedelta(days=2),
            "title": "绝缘料专题会",
            "agenda": "攻关",
        },
    )
    services.decision_save(meeting=last, actor=analyst, data={"text": "专题会决定：组建联合体"})
    sections = {s.title: s for s in brief_sections(analyst, city.chain)}
    overdue = sections["逾期任务"]
    assert [r[0] for r in overdue.rows] == ["逾期的计划任务"]
    title = next(t for t in sections if t.startswith("上次专题会"))
    assert "绝缘料专题会" in title
    assert [r[0] for r in sections[title].rows] == ["专题会决定：组建联合体"]
    assert sections[title].rows[0][3] == "未列入工作计划"


def test_chokepoint_edit_conflict_and_merge(city) -> None:  # type: ignore[no-untyped-def]
    analyst, county = city.users["analyst"], city.users["county"]
    from chainboard.chiefs.models import OrgKind

    OrgMember.objects.create(
        chain=city.chain, kind=OrgKind.OFFICE_STAFF, name="联络员", user=county
    )
    item = city.item
    seen = item.version
    nodes = [city.node, city.node2]
    # A changes the foreign supplier, B (opened at the same version) the target: both kept
    services.chokepoint_save(
        chain=city.chain,
        actor=analyst,
        data={"foreign_supplier": "陶氏化学"},
        nodes=nodes,
        needing_firms=[city.firm],
        chokepoint=item,
        expected_version=seen,
    )
    services.chokepoint_save(
        chain=city.chain,
        actor=county,
        data={"target": "国产绝缘料批量应用"},
        nodes=nodes,
        needing_firms=[city.firm],
        chokepoint=item,
        expected_version=seen,
    )
    item.refresh_from_db()
    assert (item.foreign_supplier, item.target, item.version) == (
        "陶氏化学",
        "国产绝缘料批量应用",
        seen + 2,
    )
    # B again from the old version, on A's field: refused with A's value, nothing written
    before = counts()
    with pytest.raises(EditConflict) as info:
        services.chokepoint_save(
            chain=city.chain,
            actor=county,
            data={"foreign_supplier": "某境外化工"},
            nodes=nodes,
            needing_firms=[city.firm],
            chokepoint=item,
            expected_version=seen,
        )
    assert counts() == before
    assert (
        "主要境外供应商" in info.value.message and "在您编辑期间已被他人修改" in info.value.message
    )
    assert info.value.current == {"foreign_supplier": "陶氏化学"}
    # re-submitted on top of the current version: B's value wins
    services.chokepoint_save(
        chain=city.chain,
        actor=county,
        data={"foreign_supplier": "某境外化工"},
        nodes=nodes,
        needing_firms=[city.firm],
        chokepoint=item,
        expected_version=info.value.version,
    )
    item.refresh_from_db()
    assert item.foreign_supplier == "某境外化工"
    # an unchanged save writes nothing
    n = item.history.count()
    services.chokepoint_save(
        chain=city.chain,
        actor=county,
        data={"foreign_supplier": "某境外化工", "import_share": "0.9"},
        nodes=nodes,
        needing_firms=[city.firm],
        chokepoint=item,
        expected_version=item.version,
    )
    assert item.history.count() == n


def test_call_edit_conflict_and_stage_steps_bump_the_version(city) -> None:  # type: ignore[no-untyped-def]
    analyst = city.users["analyst"]
    call = services.call_save(chokepoint=city.item, actor=analyst, data=CALL)
    seen = call.version
    services.call_save(
        chokepoint=city.item,
        actor=analyst,
        data={**CALL, "budget_wan_yuan": "900"},
        call=call,
        expected_version=seen,
    )
    with pytest.raises(EditConflict, match="榜单金额"):
        services.call_save(
            chokepoint=city.item,
            actor=analyst,
            data={**CALL, "budget_wan_yuan": "700"},
            call=call,
            expected_version=seen,
        )
    call.refresh_from_db()
    assert call.budget_wan_yuan == Decimal("900")
    published = services.call_publish(call=call, actor=analyst)
    assert published.version == call.version + 1


def test_an_unscoped_admin_sees_draft_calls_and_every_application(city) -> None:  # type: ignore[no-untyped-def]
    """``Q() | q`` is ``q`` in Django: "every chain or the published calls" must stay "every"."""
    from chainboard.chiefs.models import Application
    from tests.factories import UserFactory

    admin = UserFactory(username="root", role="admin", is_superuser=True)
    draft = services.call_save(chokepoint=city.item, actor=None, data=CALL)
    assert draft in selectors.calls_visible(admin)
    services.call_publish(call=draft, actor=None)
    services.application_submit(
        call=draft,
        actor=None,
        applicant_kind="university",
        enterprise=None,
        applicant_name="河北工业大学",
        team_lead="王教授",
        team="团队",
        plan="方案",
        budget_wan_yuan="100",
    )
    assert Application.objects.filter(applicant_name="河北工业大学").exists()
    assert [a.applicant_name for a in selectors.applications(user=admin, call=draft)] == [
        "河北工业大学"
    ]

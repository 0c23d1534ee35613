"""Targets 目标 (hand-worked projection, status, history) and tasks 任务 (summary, scope, pages)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from tests.factories import ProjectFactory

from chainboard.projects import services
from chainboard.projects.models import Target, TargetReading, TargetStatus, Task
from chainboard.projects.selectors import targets as calc

pytestmark = pytest.mark.django_db
d = dt.date


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _target(region, value, **kw):  # type: ignore[no-untyped-def]
    return Target.objects.create(
        name=kw.pop("name", "宁晋县完成投资"),
        owner="宁晋县发改局",
        region=region,
        period_start=d(2025, 1, 1),
        period_end=d(2025, 5, 1),  # 120 days
        formula=kw.pop("formula", "investment_done"),
        target_value=Decimal(value),
        unit="万元",
        **kw,
    )


@pytest.fixture
def invested(ningjin):  # type: ignore[no-untyped-def]
    """1,500万 completed in January (weeks of 6 and 13 Jan), 900万 more in the week of 3 Feb."""
    project = ProjectFactory(region=ningjin)
    for week, amount in ((d(2025, 1, 6), 1000), (d(2025, 1, 13), 500), (d(2025, 2, 3), 900)):
        services.update_submit(
            project_id=project.pk,
            actor=None,
            week=week,
            data={"done_this_week": "施工", "investment_period_wan_yuan": Decimal(amount)},
            submitted_at=timezone.make_aware(dt.datetime.combine(week, dt.time(10))),
        )
    return project


@pytest.mark.parametrize(
    ("goal", "status"),
    [
        (1500, TargetStatus.ACHIEVED),  # value 1,500 ≥ 1,500
        (6000, TargetStatus.ON_TRACK),  # projected 6,000 ≥ 6,000
        (6500, TargetStatus.AT_RISK),  # 6,000 ÷ 6,500 = 92% ≥ 90%
        (7000, TargetStatus.BEHIND),  # 6,000 ÷ 7,000 = 86%
    ],
)
def test_hand_worked_projection(ningjin, invested, goal, status) -> None:  # type: ignore[no-untyped-def]
    # On 31 January 30 of the 120 days have passed; the 3 Feb week is not counted yet:
    # value = 1,000 + 500 = 1,500; projected = 1,500 × 120 ÷ 30 = 6,000.
    ev = calc.target_evaluate(_target(ningjin, goal), d(2025, 1, 31))
    assert ev.value == Decimal("1500.00")
    assert ev.projected == Decimal("6000.00")
    assert ev.progress == pytest.approx(1500 / goal)
    assert ev.status == status


def test_projection_after_period_end_is_the_final_value(ningjin, invested) -> None:  # type: ignore[no-untyped-def]
    ev = calc.target_evaluate(_target(ningjin, 3000), d(2025, 6, 30))
    assert ev.value == ev.projected == Decimal("2400.00")
    assert ev.status == TargetStatus.BEHIND  # 2,400 < 90% of 3,000


def test_city_target_counts_county_projects(xingtai, invested) -> None:  # type: ignore[no-untyped-def]
    ev = calc.target_evaluate(_target(xingtai["130500"], 6000), d(2025, 1, 31))
    assert ev.value == Decimal("1500.00")


@pytest.fixture
def plan(xingtai):  # type: ignore[no-untyped-def]
    def task(region, name, pct):  # type: ignore[no-untyped-def]
        return Task.objects.create(
            programme="12项赋能行动",
            name=name,
            owner_department="工信局",
            region=region,
            due_on=d(2025, 12, 31),
            percent_complete=pct,
        )

    return {
        "city_target": _target(xingtai["130500"], 6000, name="全市完成投资"),
        "ningjin_target": _target(xingtai["130528"], 6000, name="宁晋完成投资"),
        "shahe_target": _target(xingtai["130582"], 6000, name="沙河完成投资"),
        "city_task": task(xingtai["130500"], "编制产业链全景图", 100),
        "ningjin_task": task(xingtai["130528"], "宁晋电线电缆集群提档", 80),
        "shahe_task": task(xingtai["130582"], "沙河玻璃集群提档", 90),
    }


def test_county_user_sees_own_and_city_targets_and_tasks(plan, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    names = set(calc.targets_visible(ningjin_user).values_list("name", flat=True))
    assert names == {"全市完成投资", "宁晋完成投资"}
    tasks = set(calc.tasks_visible(ningjin_user).values_list("name", flat=True))
    assert tasks == {"编制产业链全景图", "宁晋电线电缆集群提档"}
    client = _client(ningjin_user)
    page = client.get("/projects/targets/").content.decode()
    assert "宁晋完成投资" in page and "沙河完成投资" not in page
    assert client.get(f"/projects/targets/{plan['shahe_target'].pk}/").status_code == 404
    page = client.get("/projects/tasks/").content.decode()
    assert "共2项任务：1项已全部完成，其余均已完成80%以上" in page
    assert "沙河玻璃" not in page
    # county staff cannot change task progress, nor record target readings
    url = f"/projects/tasks/{plan['ningjin_task'].pk}/"
    assert client.post(url, {"percent_complete": 100}).status_code == 403
    assert client.post("/projects/targets/").status_code == 403


def test_analyst_records_history_and_updates_tasks(plan, city_analyst) -> None:  # type: ignore[no-untyped-def]
    client = _client(city_analyst)
    assert client.post("/projects/targets/").status_code == 302
    assert TargetReading.objects.count() == 3
    target = plan["city_target"]
    services.target_record(actor=city_analyst, target=target, on=d(2025, 2, 28))
    page = client.get(f"/projects/targets/{target.pk}/").content.decode()
    assert "chart-target" in page and "2025-02-28" in page
    task = plan["shahe_task"]
    response = client.post(
        f"/projects/tasks/{task.pk}/",
        {
            "percent_complete": 100,
            "evidence": "已验收",
            "next": "/projects/tasks/?band=done",
            "version": task.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/projects/tasks/?band=done"
    task.refresh_from_db()
    assert (task.percent_complete, task.evidence) == (100, "已验收")
    assert task.history.first().history_user == city_analyst
    client.post(f"/projects/tasks/{task.pk}/", {"percent_complete": 130, "version": 2})
    task.refresh_from_db()
    assert task.percent_complete == 100
    page = client.get("/projects/tasks/?band=done").content.decode()
    assert "沙河玻璃集群提档" in page and "宁晋电线电缆" not in page


def test_level_formulas_are_not_extrapolated(ningjin) -> None:  # type: ignore[no-untyped-def]
    # a typed-in (or yearly reported) value stays what it is: 55 of 60 on 31 Jan → 92%, at risk
    target = _target(ningjin, 60, formula="manual", manual_value=Decimal(55))
    ev = calc.target_evaluate(target, d(2025, 1, 31))
    assert ev.projected == Decimal("55.00")
    assert ev.status == TargetStatus.AT_RISK


def test_new_titles_target_counts_first_grants_not_renewals(ningjin) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import EnterpriseFactory, QualificationFactory

    target = _target(
        ningjin, 30, name="新增高企30家", formula="qualifications_new", params={"kind": "high_tech"}
    )
    firms = [EnterpriseFactory(region=ningjin) for _ in range(3)]
    QualificationFactory(enterprise=firms[0], kind="high_tech", granted_on=d(2025, 3, 1))
    QualificationFactory(enterprise=firms[1], kind="high_tech", granted_on=d(2022, 3, 1))
    QualificationFactory(
        enterprise=firms[1],
        kind="high_tech",
        granted_on=d(2025, 3, 1),
        grant_kind="renewal",
        first_granted_on=d(2022, 3, 1),
    )
    QualificationFactory(enterprise=firms[2], kind="high_tech", granted_on=d(2025, 3, 2))
    assert calc.target_value(target, d(2025, 5, 1)) == Decimal(2)  # the renewal is not "新增"
    assert "只计新认定" in target.params_text

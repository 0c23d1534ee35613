"""站内通知 of 揭榜挂帅 stages: the applicant firm's users hear of the award (挂帅 or 未入选) and,
for the winner, of each milestone, the 中期检查 and the acceptance, linked to the call's page;
other firms, other counties and a university applicant (no platform users) hear nothing; no
email or webhook is needed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from chainboard.chiefs import services
from chainboard.notifications.models import Notification
from tests.chiefs.conftest import CALL

pytestmark = pytest.mark.django_db


def _apply(call, actor, firm, **extra):  # type: ignore[no-untyped-def]
    return services.application_submit(
        call=call,
        actor=actor,
        applicant_kind="firm" if firm is not None else "university",
        enterprise=firm,
        team_lead="张工",
        team="张工、李工",
        plan="自主配方+中试线",
        budget_wan_yuan="500",
        **extra,
    )


def _reviewing(city, *applicants):  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    call = services.call_publish(
        call=services.call_save(chokepoint=city.item, actor=a, data=CALL), actor=a
    )
    apps = [app(call) for app in applicants]
    call = services.call_close(call=call, actor=a)
    for app in apps:
        services.review_record(
            application=app, actor=a, expert="专家甲", score="85", conflict=False
        )
    return call, apps


def _mine(user):  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(user=user).order_by("pk"))


def test_award_and_stages_reach_the_applicant_firms_only(
    city, settings, django_capture_on_commit_callbacks
):
    settings.CHAINBOARD_NOTIFY_EMAIL = False
    settings.CHAINBOARD_NOTIFY_WEBHOOK_URL = ""
    u = city.users
    call, (mine, _theirs) = _reviewing(
        city,
        lambda c: _apply(c, u["firm"], city.firm),
        lambda c: _apply(c, u["firm2"], city.firm2),
    )
    link = reverse("chiefs:call", args=[call.pk])
    assert Notification.objects.count() == 0  # publishing, applying, reviewing: nobody told
    with django_capture_on_commit_callbacks(execute=True):
        call = services.call_award(call=call, application=mine, actor=u["analyst"])
    [won] = _mine(u["firm"])
    assert (won.kind, won.link) == ("reviewed", link)
    assert won.title == f"揭榜挂帅评审结果：「{call.title}」入选挂帅"
    [lost] = _mine(u["firm2"])
    assert (lost.kind, lost.link) == ("reviewed", link) and lost.title.endswith("未入选")
    for other in ("firm_shahe", "county", "shahe", "analyst"):
        assert _mine(u[other]) == []
    assert mail.outbox == []

    m = services.milestone_add(
        call=call,
        actor=u["analyst"],
        title="配方定型",
        due_on=dt.date(2026, 6, 30),
        payment_wan_yuan="300",
    )
    services.milestone_done(milestone=m, actor=u["analyst"])
    services.midterm_check_record(
        call=call, actor=u["analyst"], checked_on=dt.date(2026, 7, 1), conclusion="pass"
    )
    services.call_accept(
        call=call,
        actor=u["analyst"],
        achieved={"击穿场强≥40kV/mm": True, "杂质含量≤10个/kg": False},
    )
    stages = _mine(u["firm"])[1:]
    assert [n.kind for n in stages] == ["call_stage"] * 4
    assert {n.link for n in stages} == {link}
    assert "新增合同节点：配方定型" in stages[0].title and "300.00 万元" in stages[0].body
    assert "已完成并拨付" in stages[1].title
    assert "中期检查" in stages[2].title
    assert stages[3].title.endswith("验收未通过") and "1/2" in stages[3].body
    assert len(_mine(u["firm2"])) == 1  # the loser hears nothing after the award
    for other in ("firm_shahe", "county", "shahe", "analyst"):
        assert _mine(u[other]) == []


def test_university_winner_has_no_platform_users(city) -> None:  # type: ignore[no-untyped-def]
    u = city.users
    call, (uni, _firm_app) = _reviewing(
        city,
        lambda c: _apply(c, u["analyst"], None, applicant_name="河北工业大学"),
        lambda c: _apply(c, u["firm"], city.firm),
    )
    call = services.call_award(call=call, application=uni, actor=u["analyst"])
    services.milestone_add(
        call=call,
        actor=u["analyst"],
        title="样品",
        due_on=dt.date(2026, 6, 30),
        payment_wan_yuan="1",
    )
    [lost] = _mine(u["firm"])
    assert lost.title.endswith("未入选")
    assert Notification.objects.count() == 1  # the analyst who recorded it is not the applicant


def test_refused_award_notifies_nobody(city) -> None:  # type: ignore[no-untyped-def]
    from chainboard.core.errors import DomainError

    u = city.users
    a = u["analyst"]
    call = services.call_publish(
        call=services.call_save(chokepoint=city.item, actor=a, data=CALL), actor=a
    )
    app = _apply(call, u["firm"], city.firm)
    call = services.call_close(call=call, actor=a)
    with pytest.raises(DomainError):  # no valid expert score yet
        services.call_award(call=call, application=app, actor=a)
    assert Notification.objects.count() == 0

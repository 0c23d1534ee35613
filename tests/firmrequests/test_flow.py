"""The request flow in sequence: raise → route → transfer → accept → answer → confirm → rate;
overdue → escalate to the county, then the city; every step with who and when."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.firmrequests import services
from chainboard.firmrequests.models import FirmRequest, Level, RoutingRule, Status
from chainboard.notifications.models import Notification

pytestmark = pytest.mark.django_db


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def raise_land(world, now=None, **kw):  # type: ignore[no-untyped-def]
    return services.request_raise(
        actor=world.users["firm"],
        enterprise=world.firm,
        category=kw.pop("category", "land"),
        title=kw.pop("title", "扩建厂房用地指标"),
        description=kw.pop("description", "二期厂房需新增用地 30 亩，请协调用地指标。"),
        urgency=kw.pop("urgency", "urgent"),
        now=now or at("2026-03-02"),
    )


def kinds(req: FirmRequest) -> list[str]:
    return list(req.steps.order_by("at", "pk").values_list("kind", flat=True))


def test_the_whole_flow_in_sequence(world) -> None:  # type: ignore[no-untyped-def]
    county, firm_user = world.users["county"], world.users["firm"]
    req = raise_land(world)
    # routed by the 宁晋 rule of 用地: 自然资源和规划局, 7 days from the raise date (inclusive)
    assert req.department == world.depts["land"]
    assert req.due_on == dt.date(2026, 3, 9)
    assert req.status == Status.SUBMITTED and not req.on_behalf
    assert kinds(req) == ["raised", "routed"]
    assert Notification.objects.filter(user=county, kind="assigned").count() == 1

    req = services.request_transfer(
        actor=county,
        request=req,
        department=world.depts["approval"],
        note="涉及规划许可，转行政审批局",
        now=at("2026-03-03"),
    )
    assert req.department == world.depts["approval"] and req.status == Status.SUBMITTED
    assert req.due_on == dt.date(2026, 3, 9)  # the deadline stays
    req = services.request_accept(actor=county, request=req, now=at("2026-03-03", 11))
    assert req.status == Status.ACCEPTED
    req = services.request_answer(
        actor=county, request=req, answer="已纳入年度用地计划，4 月供地。", now=at("2026-03-05")
    )
    assert req.status == Status.ANSWERED
    assert Notification.objects.filter(user=firm_user, kind="answered").count() == 1
    req = services.request_confirm(actor=firm_user, request=req, now=at("2026-03-06"))
    assert req.status == Status.CLOSED and req.closed_at == at("2026-03-06")
    req = services.request_rate(actor=firm_user, request=req, rating="5", comment="办理及时")
    assert req.rating == 5

    assert kinds(req) == [
        "raised",
        "routed",
        "transferred",
        "accepted",
        "answered",
        "closed",
        "rated",
    ]
    actors = list(req.steps.order_by("at", "pk").values_list("actor__username", flat=True))
    assert actors[:5] == ["qiye", None, "ningjin", "ningjin", "ningjin"]
    # the history: one row per change, with its user and reason
    history = list(
        req.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert history == [
        "提交诉求",
        "转办至宁晋县行政审批局",
        "受理",
        "答复",
        "企业确认办结",
        "评价 5 分",
    ]
    assert req.history.earliest("history_date").history_user == firm_user


def test_officer_raises_on_behalf_and_default_rule(world) -> None:  # type: ignore[no-untyped-def]
    req = services.request_raise(
        actor=world.users["park"],
        enterprise=world.firm,
        category="finance",
        title="流动资金贷款",
        description="需流动资金贷款 2000 万元。",
        now=at("2026-03-02"),
    )
    assert req.on_behalf and req.department == world.depts["city"]
    assert req.due_on == dt.date(2026, 3, 17)


def test_no_rule_leaves_the_department_open(world) -> None:  # type: ignore[no-untyped-def]
    req = raise_land(world, category="labour", title="招工难")
    assert req.department is None
    with pytest.raises(DomainError, match="请先转办"):
        services.request_accept(actor=world.users["county"], request=req)


def test_firm_sends_an_answer_back(world) -> None:  # type: ignore[no-untyped-def]
    county, firm_user = world.users["county"], world.users["firm"]
    req = raise_land(world)
    services.request_accept(actor=county, request=req)
    services.request_answer(actor=county, request=req, answer="请自行联系")
    req = services.request_reopen(actor=firm_user, request=req, note="未解决实际问题")
    assert req.status == Status.ACCEPTED and req.answer == ""
    with pytest.raises(DomainError, match="办结后才能评价"):
        services.request_rate(actor=firm_user, request=req, rating=4)


def test_roles_refused(world) -> None:  # type: ignore[no-untyped-def]
    req = raise_land(world)
    for role in ("park", "firm", "shahe", "firm_shahe"):
        with pytest.raises(OutOfScope):
            services.request_accept(actor=world.users[role], request=req)
    with pytest.raises(OutOfScope):
        services.request_raise(
            actor=world.users["firm"],
            enterprise=world.firm_shahe,
            category="land",
            title="x",
            description="y",
        )
    services.request_accept(actor=world.users["county"], request=req)
    services.request_answer(actor=world.users["county"], request=req, answer="已办")
    for role in ("county", "analyst", "firm_shahe"):
        with pytest.raises(OutOfScope):
            services.request_confirm(actor=world.users[role], request=req)


def test_overdue_requests_escalate_to_county_then_city(world) -> None:  # type: ignore[no-untyped-def]
    req = raise_land(world)  # due 2026-03-09 (inclusive)
    city_officer = world.users["analyst"]
    assert services.requests_sweep(now=at("2026-03-07")).reminded == 0
    report = services.requests_sweep(now=at("2026-03-08"))  # the day before
    assert report.reminded == 1
    assert services.requests_sweep(now=at("2026-03-08", 15)).reminded == 0  # once a day
    assert services.requests_sweep(now=at("2026-03-09")).reminded == 1  # on the day
    assert services.requests_sweep(now=at("2026-03-09", 23)).escalated_county == 0
    report = services.requests_sweep(now=at("2026-03-10"))
    assert (report.escalated_county, report.escalated_city) == (1, 0)
    req.refresh_from_db()
    assert req.escalation_level == Level.COUNTY
    assert Notification.objects.filter(user=world.users["county"], kind="escalated").exists()
    assert not Notification.objects.filter(user=city_officer, kind="escalated").exists()
    # idempotent the same day
    assert services.requests_sweep(now=at("2026-03-10", 18)).escalated_county == 0
    # the city, CHAINBOARD_REQUEST_CITY_AFTER_DAYS (5) days after the deadline
    assert services.requests_sweep(now=at("2026-03-14")).escalated_city == 0
    report = services.requests_sweep(now=at("2026-03-15"))
    assert report.escalated_city == 1
    req.refresh_from_db()
    assert req.escalation_level == Level.CITY
    assert Notification.objects.filter(user=city_officer, kind="escalated").count() == 1
    assert kinds(req) == [
        "raised",
        "routed",
        "reminded",
        "reminded",
        "escalated",
        "escalated",
    ]
    notes = list(req.steps.filter(kind="escalated").values_list("note", flat=True))
    assert notes == [
        "逾期 1 天（期限 2026-03-09），升级至宁晋县督办",
        "逾期 6 天（期限 2026-03-09），升级至邢台市督办",
    ]
    assert req.history.filter(history_user=None, history_change_reason="逾期升级至邢台市").exists()


def test_answered_requests_do_not_escalate(world) -> None:  # type: ignore[no-untyped-def]
    req = raise_land(world)
    services.request_accept(actor=world.users["county"], request=req)
    services.request_answer(actor=world.users["county"], request=req, answer="已办")
    report = services.requests_sweep(now=at("2026-04-30"))
    assert (report.escalated_county, report.escalated_city) == (0, 0)


def test_sweep_command(world, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    raise_land(world)
    call_command("requests", "sweep", "--date", "2026-03-20")
    out = capsys.readouterr().out
    assert "升级至县区 1 件，升级至市级 1 件" in out


def test_worker_runs_the_sweep_periodically(world, settings) -> None:  # type: ignore[no-untyped-def]
    from chainboard.jobs.worker import Heartbeat

    settings.JOBS_PERIODIC = {"chainboard.firmrequests.services.requests_sweep": 600}
    req = raise_land(world, now=timezone.now() - dt.timedelta(days=30))
    beat = Heartbeat("w1", 5)
    assert beat.periodic_if_due(now=1000.0) == ["chainboard.firmrequests.services.requests_sweep"]
    assert beat.periodic_if_due(now=1300.0) == []  # not due yet
    assert beat.periodic_if_due(now=1600.0) == ["chainboard.firmrequests.services.requests_sweep"]
    req.refresh_from_db()
    assert req.escalation_level == Level.CITY


def test_routing_rules_edited_with_history(world) -> None:  # type: ignore[no-untyped-def]
    analyst = world.users["analyst"]
    rule = services.routing_rule_save(
        actor=analyst,
        category="land",
        region=world.regions["ningjin"],
        department=world.depts["approval"],
        deadline_days="5",
    )
    assert RoutingRule.objects.filter(category="land", region=world.regions["ningjin"]).count() == 1
    assert rule.history.latest("history_date").history_user == analyst
    assert raise_land(world).department == world.depts["approval"]
    with pytest.raises(OutOfScope):
        services.routing_rule_save(
            actor=world.users["county"],
            category="land",
            region=None,
            department=world.depts["city"],
            deadline_days=5,
        )
    with pytest.raises(DomainError, match="1–90"):
        services.routing_rule_save(
            actor=analyst,
            category="land",
            region=None,
            department=world.depts["city"],
            deadline_days="0",
        )


def test_email_goes_out_only_when_configured(
    world, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CHAINBOARD_NOTIFY_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        raise_land(world)
    assert mail.outbox == []
    settings.CHAINBOARD_NOTIFY_EMAIL = True
    with django_capture_on_commit_callbacks(execute=True):
        raise_land(world, title="第二块地")
    assert [m.to for m in mail.outbox] == [["nj@example.cn"]]
    assert "第二块地" in mail.outbox[0].subject

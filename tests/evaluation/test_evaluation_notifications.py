"""站内通知 of 异议 answers: the firm's own users hear of the answer (link to the 异议 page);
another firm's user and an officer of another county hear nothing; no email or webhook needed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from tests.factories import UserFactory

from chainboard.core.errors import DomainError
from chainboard.evaluation import publicity, services
from chainboard.notifications.models import Notification
from chainboard_analytics.evaluation import load_method

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
END = dt.date(2026, 3, 10)


def _answered(small_city, city_analyst, firm_user, outcome="upheld"):  # type: ignore[no-untyped-def]
    run, _ = services.evaluation_run_create(
        actor=city_analyst, year=2025, method=load_method("zhejiang")
    )
    publicity.run_start_publicity(
        actor=city_analyst, run=run, end=END, now=dt.datetime(2026, 3, 3, 9, tzinfo=SH)
    )
    objection = publicity.objection_file(
        actor=firm_user,
        run=run,
        enterprise=small_city[0],
        reason="税金数据少报",
        now=dt.datetime(2026, 3, 10, 12, tzinfo=SH),
    )
    publicity.run_start_review(
        actor=city_analyst, run=run, now=dt.datetime(2026, 3, 11, 0, tzinfo=SH)
    )
    return publicity.objection_answer(
        actor=city_analyst, objection=objection, outcome=outcome, answer="经核实，数据无误，维持"
    )


def test_answer_notifies_the_firm_users_only(
    small_city, city_analyst, firm_user, shahe_user, settings, django_capture_on_commit_callbacks
):
    settings.CHAINBOARD_NOTIFY_EMAIL = False
    settings.CHAINBOARD_NOTIFY_WEBHOOK_URL = ""
    colleague = UserFactory(role="enterprise", scope_enterprise=small_city[0])
    other_firm = UserFactory(role="enterprise", scope_enterprise=small_city[1])
    gone = UserFactory(role="enterprise", scope_enterprise=small_city[0], is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        objection = _answered(small_city, city_analyst, firm_user)
    link = reverse("evaluation:objection", args=[objection.pk])
    for u in (firm_user, colleague):
        rows = list(Notification.objects.filter(user=u))
        assert len(rows) == 1
        assert rows[0].kind == "answered" and rows[0].link == link
        assert (
            rows[0].title.startswith("亩均评价异议已答复-维持：2025年度")
            and "#" not in rows[0].title
        )
    for u in (other_firm, gone, shahe_user, city_analyst):
        assert not Notification.objects.filter(user=u).exists()
    assert mail.outbox == []  # no email configured: nothing sent, nothing failed


def test_refused_answer_notifies_nobody(small_city, city_analyst, firm_user):
    objection = _answered(small_city, city_analyst, firm_user)
    with pytest.raises(DomainError):  # already answered
        publicity.objection_answer(
            actor=city_analyst, objection=objection, outcome="upheld", answer="再次答复"
        )
    assert Notification.objects.filter(user=firm_user).count() == 1

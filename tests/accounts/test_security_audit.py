"""The security audit log: the service other apps call, and its read-only admin."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from tests.factories import UserFactory

from chainboard.accounts.models import SecurityEvent, SecurityEventKind
from chainboard.accounts.services import security_event_record

pytestmark = pytest.mark.django_db


def test_record_takes_user_ip_and_target_from_the_request(ningjin_user, ningjin) -> None:
    request = RequestFactory().get("/enterprises/export.xlsx", REMOTE_ADDR="192.0.2.7")
    request.user = ningjin_user
    event = security_event_record(
        SecurityEventKind.EXPORT, request=request, target=ningjin, detail="企业名录 12 家"
    )
    event.refresh_from_db()
    assert event.user == ningjin_user and event.username == "ningjin"
    assert event.ip_address == "192.0.2.7"
    assert event.target == str(ningjin) and event.detail == "企业名录 12 家"
    assert event.created_at is not None


def test_permission_denied_defaults_its_target_to_the_path(ningjin_user) -> None:
    request = RequestFactory().get("/projects/99/")
    request.user = ningjin_user
    event = security_event_record("permission_denied", request=request, detail="无权访问该项目")
    assert event.target == "/projects/99/"


def test_unknown_event_kind_is_refused(db) -> None:
    with pytest.raises(ValueError):
        security_event_record("made_up_event")
    assert not SecurityEvent.objects.exists()


def test_record_without_request_and_with_a_bad_address(db) -> None:
    event = security_event_record(SecurityEventKind.PUBLISH, username="system", target="run 3")
    assert event.user is None and event.username == "system" and event.ip_address is None
    request = RequestFactory().get("/", REMOTE_ADDR="not-an-ip")
    event = security_event_record(SecurityEventKind.LOGIN_FAILED, request=request, username="x")
    assert event.ip_address is None


def test_administrators_read_the_log_but_cannot_change_it(client, admin_user) -> None:
    event = security_event_record(SecurityEventKind.LOGIN_FAILED, username="mallory")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:accounts_securityevent_changelist"))
    assert listing.status_code == 200
    assert "mallory" in listing.content.decode() and "登录失败" in listing.content.decode()
    assert client.get(reverse("admin:accounts_securityevent_add")).status_code == 403
    detail = client.get(reverse("admin:accounts_securityevent_change", args=[event.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    delete = client.post(reverse("admin:accounts_securityevent_delete", args=[event.pk]))
    assert delete.status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


def test_logout_is_recorded(client) -> None:
    user = UserFactory(username="bob")
    client.force_login(user)
    client.post(reverse("accounts:logout"))
    assert SecurityEvent.objects.filter(event=SecurityEventKind.LOGOUT, user=user).exists()


def test_enterprise_list_export_is_audited(client, ningjin_user) -> None:
    client.force_login(ningjin_user)
    response = client.get(reverse("enterprises:export"))
    assert response.status_code == 200
    event = SecurityEvent.objects.get(event=SecurityEventKind.EXPORT)
    assert event.user == ningjin_user and event.target == "企业名录"
    assert event.detail.startswith("企业名录-") and event.ip_address == "127.0.0.1"


def test_out_of_scope_on_a_page_is_audited(ningjin_user) -> None:
    from chainboard.core.errors import OutOfScope
    from chainboard.core.middleware import DomainErrorMiddleware

    request = RequestFactory().post("/projects/P1/edit/")
    request.user = ningjin_user
    middleware = DomainErrorMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    response = middleware.process_exception(request, OutOfScope("沙河市 不在您的管辖范围"))
    assert response is not None and response.status_code == 403
    event = SecurityEvent.objects.get(event=SecurityEventKind.PERMISSION_DENIED)
    assert event.user == ningjin_user and event.target == "/projects/P1/edit/"
    assert event.detail == "沙河市 不在您的管辖范围"


def test_out_of_scope_in_the_api_is_audited(ningjin_user) -> None:
    from chainboard.api import domain_error
    from chainboard.core.errors import NotFound, OutOfScope

    request = RequestFactory().patch("/api/enterprises/1")
    request.user = ningjin_user
    assert domain_error(request, OutOfScope("无权访问该企业")).status_code == 403
    assert domain_error(request, NotFound("未找到")).status_code == 404  # not a denial
    events = SecurityEvent.objects.filter(event=SecurityEventKind.PERMISSION_DENIED)
    assert [e.detail for e in events] == ["无权访问该企业"]

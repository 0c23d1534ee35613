"""Login hardening: django-axes lockout (app login and /admin/login/), unlock, audit of logins."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from tests.factories import UserFactory

from chainboard.accounts.models import SecurityEvent, SecurityEventKind

PASSWORD = "Correct-horse-42"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="alice", password=PASSWORD, role="analyst")


@pytest.fixture
def root(db):  # type: ignore[no-untyped-def]
    return UserFactory(
        username="rootadmin", password=PASSWORD, role="admin", is_superuser=True, is_staff=True
    )


def _post(client, url: str, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(url, {"username": username, "password": password})


def test_right_password_logs_in_and_is_audited(client, alice) -> None:
    response = _post(client, LOGIN, "alice", PASSWORD)
    assert response.status_code == 302
    event = SecurityEvent.objects.get(event=SecurityEventKind.LOGIN)
    assert event.user == alice and event.username == "alice"
    assert event.ip_address == "127.0.0.1"


def test_thirty_wrong_passwords_lock_the_account(client, alice) -> None:
    statuses = [_post(client, LOGIN, "alice", f"wrong-{i}").status_code for i in range(30)]
    assert statuses[:4] == [200] * 4  # the form again, "用户名或密码不正确"
    assert set(statuses[5:]) == {429}
    locked = _post(client, LOGIN, "alice", PASSWORD)
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "登录已暂时锁定" in body and "15 分钟" in body
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(event=SecurityEventKind.LOGIN_FAILED).count() >= 5
    assert SecurityEvent.objects.filter(event=SecurityEventKind.LOCKOUT, username="alice").exists()
    assert not SecurityEvent.objects.filter(event=SecurityEventKind.LOGIN).exists()


def test_lockout_is_per_address_too(client, alice) -> None:
    """Guessing many names from one address locks that address, even for a real user."""
    for i in range(5):
        _post(client, LOGIN, f"nobody{i}", "whatever-123")
    assert _post(client, LOGIN, "alice", PASSWORD).status_code == 429
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert _post(other, LOGIN, "alice", PASSWORD).status_code == 302


def test_admin_login_is_locked_out_too(client, root) -> None:
    statuses = [_post(client, ADMIN_LOGIN, "rootadmin", f"bad-{i}").status_code for i in range(8)]
    assert statuses[0] == 200 and statuses[-1] == 429
    assert _post(client, ADMIN_LOGIN, "rootadmin", PASSWORD).status_code == 429


def test_unlock_command_lets_the_user_in_again(client, alice) -> None:
    for i in range(6):
        _post(client, LOGIN, "alice", f"wrong-{i}")
    assert _post(client, LOGIN, "alice", PASSWORD).status_code == 429
    call_command("unlock", "alice")
    assert _post(client, LOGIN, "alice", PASSWORD).status_code == 302
    assert SecurityEvent.objects.filter(event=SecurityEventKind.UNLOCK, target="alice").exists()


def test_unlock_unknown_user_is_an_error(db) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有锁定记录"):
        call_command("unlock", "ghost")


def test_admin_can_unlock_in_the_admin(client, alice, root) -> None:
    from axes.models import AccessAttempt

    for i in range(6):
        _post(client, LOGIN, "alice", f"wrong-{i}")
    attempt = AccessAttempt.objects.get(username="alice")
    client.force_login(root)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200 and "alice" in page.content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    client.logout()
    assert _post(client, LOGIN, "alice", PASSWORD).status_code == 302


def test_lockout_settings_are_configurable(client, alice, settings) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    _post(client, LOGIN, "alice", "wrong-1")
    assert _post(client, LOGIN, "alice", "wrong-2").status_code == 429


def test_behind_the_proxy_the_lockout_follows_the_forwarded_address(
    client, alice, settings
) -> None:
    settings.AXES_CLIENT_IP_CALLABLE = "chainboard.accounts.services.client_ip_behind_proxy"
    attacker = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.9"}  # nginx appended .9
    for i in range(5):
        client.post(LOGIN, {"username": f"nobody{i}", "password": "x-123456789"}, **attacker)
    assert client.post(LOGIN, {"username": "x", "password": "y"}, **attacker).status_code == 429
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.10"}
    assert (
        client.post(LOGIN, {"username": "alice", "password": PASSWORD}, **colleague).status_code
        == 302
    )
    assert SecurityEvent.objects.filter(ip_address="198.51.100.9").exists()


def test_forwarded_header_is_ignored_from_a_remote_client(rf) -> None:  # type: ignore[no-untyped-def]
    from chainboard.accounts.services import client_ip_behind_proxy

    spoof = rf.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip_behind_proxy(spoof) == "203.0.113.5"
    assert client_ip_behind_proxy(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"

"""Password validators (Chinese messages), the password change page, session expiry, /admin/."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from tests.factories import UserFactory

from chainboard.accounts.models import SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db
OLD = "Old-password-2024"


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("12345678", "太短"),
        ("password", "太常见"),
        ("8302749165", "只包含数字"),
        ("zhangsanfeng1", "太相似"),
        ("qwertyuiop", "太常见"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password: str, fragment: str) -> None:
    user = UserFactory.build(username="zhangsanfeng", first_name="三丰")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_password(password, user)
    assert any(fragment in message for message in info.value.messages), info.value.messages


def test_a_good_password_passes_and_the_demo_password_too() -> None:
    from chainboard.demo.loader import DEMO_PASSWORD

    validate_password("Lanyang-chain-2026", UserFactory.build(username="ningjin"))
    for name in ("admin", "analyst", "ningjin", "qiye"):
        validate_password(DEMO_PASSWORD, UserFactory.build(username=name))


def test_every_user_can_change_their_password(client) -> None:
    user = UserFactory(username="clerk", password=OLD, role="region_staff")
    client.force_login(user)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    home = client.get(reverse("dashboards:home"))
    assert reverse("accounts:password_change") in home.content.decode()
    weak = client.post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    assert "太短" in weak.content.decode() and "只包含数字" in weak.content.decode()
    wrong_old = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "nope",
            "new_password1": "New-pass-2026x",
            "new_password2": "New-pass-2026x",
        },
    )
    assert wrong_old.status_code == 200 and "旧密码不正确" in wrong_old.content.decode()
    done = client.post(
        reverse("accounts:password_change"),
        {"old_password": OLD, "new_password1": "New-pass-2026x", "new_password2": "New-pass-2026x"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("New-pass-2026x")
    assert SecurityEvent.objects.filter(event=SecurityEventKind.PASSWORD_CHANGE, user=user).exists()
    assert client.get(reverse("dashboards:home")).status_code == 200  # still signed in


def test_password_change_needs_login(client) -> None:
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_expires_after_idle_hours() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_admin_site_is_for_superusers_only(client, admin_user, xingtai) -> None:
    scoped_staff = UserFactory(
        username="staffer", role="admin", is_staff=True, scope_region=xingtai["130528"]
    )
    client.force_login(scoped_staff)
    response = client.get("/admin/geo/region/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/").status_code == 302
    assert "管理后台" not in client.get(reverse("dashboards:home")).content.decode()
    client.force_login(admin_user)
    assert client.get("/admin/geo/region/").status_code == 200
    assert "管理后台" in client.get(reverse("dashboards:home")).content.decode()

"""Production error bodies: Chinese pages and {code, message} JSON, nothing internal (DEBUG off)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INTERNAL = ("Traceback", 'File "', "sqlite", "Resolver404", "matches the given query", "DEBUG")


def _clean(body: str) -> None:
    for marker in INTERNAL:
        assert marker not in body, marker


@pytest.fixture
def signed_in(client, admin_user):  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    client.raise_request_exception = False
    return client


@override_settings(DEBUG=False)
def test_unknown_page_is_the_chinese_404(signed_in) -> None:
    response = signed_in.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    _clean(body)


@override_settings(DEBUG=False)
def test_missing_object_page_hides_the_model_name(signed_in) -> None:
    response = signed_in.get("/enterprises/999999/")
    assert response.status_code == 404
    _clean(response.content.decode())


@override_settings(DEBUG=False)
def test_unknown_api_path_is_json(signed_in) -> None:
    response = signed_in.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到请求的内容"}


@override_settings(DEBUG=False)
def test_api_crash_answers_json_500_without_traceback(signed_in, monkeypatch) -> None:
    from chainboard.projects.selectors import ranking

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail /var/lib/db.sqlite3")

    monkeypatch.setattr(ranking, "ranking_with_moves", boom)
    response = signed_in.get("/api/projects/ranking/2026-01")
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "服务器内部错误，请稍后再试或联系管理员",
    }
    _clean(response.content.decode())
    assert "secret internal detail" not in response.content.decode()


@override_settings(DEBUG=False)
def test_api_bad_month_is_a_400(signed_in) -> None:
    response = signed_in.get("/api/projects/ranking/abc")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "YYYY-MM" in response.json()["message"]
    _clean(response.content.decode())


@override_settings(DEBUG=False)
def test_page_crash_is_the_plain_chinese_500(signed_in, monkeypatch) -> None:
    from chainboard.dashboards import views

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views.selectors, "cockpit", boom)
    response = signed_in.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器内部错误" in body and "secret internal detail" not in body
    _clean(body)


def test_server_error_under_api_is_json() -> None:
    from django.test import RequestFactory

    from chainboard.core.views import bad_request, permission_denied, server_error

    factory = RequestFactory()
    assert server_error(factory.get("/api/x")).status_code == 500
    assert b"server_error" in server_error(factory.get("/api/x")).content
    assert permission_denied(factory.get("/api/x"), Exception("x")).status_code == 403
    assert bad_request(factory.get("/api/x"), Exception("x")).status_code == 400


@override_settings(DEBUG=False)
def test_bad_request_page_is_chinese(client) -> None:
    response = client.get("/", HTTP_HOST="evil.example.com")  # DisallowedHost → 400
    assert response.status_code == 400
    body = response.content.decode()
    assert "请求无效" in body
    _clean(body)


@override_settings(DEBUG=False)
def test_forbidden_page_does_not_echo_the_exception(client) -> None:
    from django.test import RequestFactory

    from chainboard.core.views import permission_denied

    request = RequestFactory().get("/enterprises/")
    request.user = UserFactory(username="viewer")
    response = permission_denied(request, Exception("internal reason"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权操作" in body and "internal reason" not in body
    from chainboard.accounts.models import SecurityEvent

    event = SecurityEvent.objects.get(event="permission_denied")
    assert event.username == "viewer" and event.target == "/enterprises/"


@override_settings(DEBUG=False)
def test_api_without_login_is_a_chinese_401(client) -> None:
    response = client.get("/api/projects/ranking/2026-01")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "请先登录"}

"""In-app notifications (the bell), optional email and the optional 企业微信 webhook."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from chainboard.firmrequests import services
from chainboard.notifications.models import Notification
from chainboard.notifications.services import Message, notify

pytestmark = pytest.mark.django_db


def raise_one(world):  # type: ignore[no-untyped-def]
    return services.request_raise(
        actor=world.users["firm"],
        enterprise=world.firm,
        category="land",
        title="用地",
        description="用地",
    )


def test_bell_counts_unread_and_opening_marks_read(world) -> None:  # type: ignore[no-untyped-def]
    req = raise_one(world)
    c = world.client("county")
    page = c.get("/").content.decode()
    assert 'id="bell-count">1<' in page
    row = Notification.objects.get(user=world.users["county"])
    assert row.title.startswith("新诉求待受理") and row.link == f"/requests/{req.pk}/"
    listing = c.get("/notifications/").content.decode()
    assert "新诉求待受理" in listing
    r = c.post(f"/notifications/{row.pk}/read/")
    assert r.status_code == 302 and r["Location"] == f"/requests/{req.pk}/"
    assert 'id="bell-count"' not in c.get("/").content.decode()
    # another user's notification: 404, unchanged
    other = world.client("firm")
    assert other.post(f"/notifications/{row.pk}/read/").status_code == 404
    api = c.get("/api/notifications/").json()
    assert api["unread"] == 0 and api["items"][0]["title"] == row.title


def test_read_all(world) -> None:  # type: ignore[no-untyped-def]
    raise_one(world)
    raise_one(world)
    c = world.client("county")
    assert c.get("/api/notifications/?unread=true").json()["unread"] == 2
    c.post("/notifications/read-all/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


class Hook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append(json.loads(body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


def test_webhook_posts_the_wecom_robot_message(
    world, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Hook.received = []
    try:
        settings.CHAINBOARD_NOTIFY_WEBHOOK_URL = (
            f"http://127.0.0.1:{server.server_port}/cgi-bin/webhook/send?key=test"
        )
        settings.CHAINBOARD_SITE_URL = "https://cb.example.cn"
        with django_capture_on_commit_callbacks(execute=True):
            req = raise_one(world)
    finally:
        server.shutdown()
    assert len(Hook.received) == 1
    msg = Hook.received[0]
    assert msg["msgtype"] == "text"
    assert "新诉求待受理" in msg["text"]["content"]
    assert f"https://cb.example.cn/requests/{req.pk}/" in msg["text"]["content"]


def test_channels_failing_never_break_the_write(
    world, settings, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    settings.CHAINBOARD_NOTIFY_WEBHOOK_URL = "http://127.0.0.1:9/nothing-listens"
    settings.CHAINBOARD_NOTIFY_WEBHOOK_TIMEOUT = 1
    settings.CHAINBOARD_NOTIFY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    with django_capture_on_commit_callbacks(execute=True):
        req = raise_one(world)
    assert req.pk and Notification.objects.count() == 1


def test_notify_skips_inactive_and_duplicate_users(world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    u = world.users["county"]
    gone = world.users["shahe"]
    gone.is_active = False
    rows = notify(users=[u, u, gone], message=Message("other", "测试"))
    assert len(rows) == 1
    assert mail.outbox == []

"""Pages and API of 政企直通车: a firm's own list and form, the officer's queue, the detail and its
actions, the dashboard, the rules; bad input → 400 with the message and nothing written; the
county boundary (out of scope: 404 for reads and writes, a refused action on a visible request
403)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainboard.firmrequests import services
from chainboard.firmrequests.models import (
    FirmRequest,
    RequestAttachment,
    RequestStep,
    RoutingRule,
    Status,
)
from chainboard.notifications.models import Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def counts() -> tuple[int, ...]:
    return (
        FirmRequest.objects.count(),
        FirmRequest.history.model.objects.count(),
        RequestStep.objects.count(),
        RequestAttachment.objects.count(),
        Notification.objects.count(),
    )


def form(**kw):  # type: ignore[no-untyped-def]
    data = {
        "category": "land",
        "urgency": "normal",
        "title": "厂房用地",
        "description": "需要新增用地 20 亩。",
    }
    data.update(kw)
    return data


def raised(world, firm=None):  # type: ignore[no-untyped-def]
    firm = firm or world.firm
    user = world.users["firm"] if firm == world.firm else world.users["firm_shahe"]
    return services.request_raise(
        actor=user, enterprise=firm, category="land", title=f"{firm.name}用地", description="用地"
    )


def test_firm_user_raises_with_an_attachment_and_sees_its_own_list(world) -> None:  # type: ignore[no-untyped-def]
    c = world.client("firm")
    page = c.get("/requests/new/")
    assert page.status_code == 200 and "提交诉求" in page.content.decode()
    assert "统一社会信用代码" not in page.content.decode()  # its own firm, no choice
    r = c.post(
        "/requests/new/",
        {**form(), "files": SimpleUploadedFile("规划图.pdf", PDF, "application/pdf")},
    )
    assert r.status_code == 302
    req = FirmRequest.objects.get()
    assert req.enterprise == world.firm and req.attachments.get().name == "规划图.pdf"
    detail = c.get(r["Location"]).content.decode()
    assert "自然资源和规划局" in detail and "办理过程" in detail and "规划图.pdf" in detail
    att = req.attachments.get()
    download = c.get(f"/requests/{req.pk}/attachments/{att.pk}/")
    assert download.status_code == 200 and download["Content-Security-Policy"] == "sandbox"
    raised(world, world.firm_shahe)
    listing = c.get("/requests/").content.decode()
    assert "厂房用地" in listing and "沙河" not in listing


def test_officer_raises_on_behalf_by_uscc(world) -> None:  # type: ignore[no-untyped-def]
    c = world.client("county")
    r = c.post("/requests/new/", form(uscc=world.firm.uscc))
    assert r.status_code == 302
    assert FirmRequest.objects.get().on_behalf
    before = counts()
    r = c.post("/requests/new/", form(uscc=world.firm_shahe.uscc))  # another county's firm
    assert r.status_code == 400 and "管辖范围内企业" in r.content.decode()
    assert counts() == before


def test_firm_sees_an_empty_form_page_for_others_firms(world) -> None:  # type: ignore[no-untyped-def]
    assert world.client("firm").get("/requests/new/").status_code == 200


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form(category="weather"), "未知的诉求类别“weather”"),
        (form(title="长" * 61), "标题不能超过 60 字"),
        (form(description="长" * 2001), "诉求内容不能超过 2000 字"),
        (form(urgency="now"), "未知的紧急程度"),
        (form(description=""), "请填写诉求内容"),
        (form(description="a\x00b"), "含有控制字符"),
    ],
)
def test_bad_input_is_400_and_nothing_is_written(world, data, message) -> None:  # type: ignore[no-untyped-def]
    before = counts()
    r = world.client("firm").post("/requests/new/", data)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert counts() == before


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"0" * (30 * 1024 * 1024))
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("证明.pdf", b"<html><script>alert(1)</script></html>", "不是PDF"),
        ("页面.html", b"<html></html>", "不支持的附件类型"),
        ("空.pdf", b"", "附件为空"),
        ("炸弹.docx", _bomb(), "附件“炸弹.docx”"),
    ],
)
def test_hostile_attachments_are_400_and_nothing_is_written(world, name, content, message) -> None:  # type: ignore[no-untyped-def]
    before = counts()
    r = world.client("firm").post(
        "/requests/new/", {**form(), "files": SimpleUploadedFile(name, content)}
    )
    assert r.status_code == 400, r.content.decode()[:500]
    assert message in r.content.decode()
    assert counts() == before


def test_officer_handles_and_firm_confirms_and_rates_through_pages(world) -> None:  # type: ignore[no-untyped-def]
    req = raised(world)
    officer, firm = world.client("county"), world.client("firm")
    url = f"/requests/{req.pk}/"
    assert "受理" in officer.get(url).content.decode()
    assert (
        officer.post(
            url, {"action": "transfer", "department": world.depts["approval"].pk, "note": "转审批"}
        ).status_code
        == 302
    )
    assert officer.post(url, {"action": "accept"}).status_code == 302
    r = officer.post(url, {"action": "answer", "answer": ""})
    assert r.status_code == 400 and "请填写答复意见" in r.content.decode()
    assert officer.post(url, {"action": "answer", "answer": "已协调"}).status_code == 302
    assert firm.post(url, {"action": "confirm"}).status_code == 302
    before = counts()
    r = firm.post(url, {"action": "rate", "rating": "9"})
    assert r.status_code == 400 and "满意度评分须为 1–5 的整数，收到“9”" in r.content.decode()
    assert counts() == before
    req.refresh_from_db()
    assert req.rating is None
    assert firm.post(url, {"action": "rate", "rating": "4"}).status_code == 302
    req.refresh_from_db()
    assert (req.status, req.rating) == (Status.CLOSED, 4)
    page = firm.get(url).content.decode()
    for step in ("提交", "分办", "转办", "受理", "答复", "确认办结", "评价"):
        assert f"<td>{step}</td>" in page


def test_unknown_action_is_400(world) -> None:  # type: ignore[no-untyped-def]
    req = raised(world)
    r = world.client("county").post(f"/requests/{req.pk}/", {"action": "delete"})
    assert r.status_code == 400 and "未知的操作" in r.content.decode()


def test_county_boundary_through_pages_and_api(world) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = raised(world), raised(world, world.firm_shahe)
    county, firm, park = world.client("county"), world.client("firm"), world.client("park")
    # reads out of scope: 404 (pages and API)
    for c in (county, firm, park):
        assert c.get(f"/requests/{theirs.pk}/").status_code == 404
        assert c.get(f"/api/requests/{theirs.pk}").status_code == 404
        body = c.get("/api/requests/").json()
        assert [row["id"] for row in body["items"]] == [mine.pk]
        assert "沙河" not in c.get("/requests/").content.decode()
    # writes out of scope: 404 and nothing changes
    before = counts()
    for c in (county, firm):
        assert c.post(f"/requests/{theirs.pk}/", {"action": "accept"}).status_code == 404
    assert counts() == before
    # refused actions on a visible request: 403
    assert firm.post(f"/requests/{mine.pk}/", {"action": "accept"}).status_code == 403
    assert park.post(f"/requests/{mine.pk}/", {"action": "accept"}).status_code == 403
    assert county.post(f"/requests/{mine.pk}/", {"action": "confirm"}).status_code == 403
    assert counts() == before
    # the city analyst sees both
    analyst = world.client("analyst")
    assert analyst.get(f"/requests/{theirs.pk}/").status_code == 200
    assert len(analyst.get("/api/requests/").json()["items"]) == 2


def test_queue_filters_and_paging(world) -> None:  # type: ignore[no-untyped-def]
    for i in range(55):
        services.request_raise(
            actor=world.users["county"],
            enterprise=world.firm,
            category="land" if i % 2 else "finance",
            title=f"诉求{i:02d}",
            description="内容",
        )
    c = world.client("county")
    page = c.get("/requests/").content.decode()
    assert "共 55 件" in page and "page=2" in page
    assert "共 27 件" in c.get("/requests/?category=land").content.decode()
    FirmRequest.objects.filter(title="诉求00").update(due_on=dt.date(2020, 1, 1))
    assert "共 1 件" in c.get("/requests/?overdue=true").content.decode()
    r = c.get("/requests/?status=lost")
    assert r.status_code == 400 and "status" in r.content.decode()
    assert c.get("/api/requests/?category=weather").status_code == 400
    assert c.get("/api/requests/?page=2").json()["count"] == 55
    with CaptureQueriesContext(connection) as q:
        assert c.get("/requests/").status_code == 200
    assert len(q.captured_queries) <= 15


def test_dashboard_and_stats(world) -> None:  # type: ignore[no-untyped-def]
    county = world.users["county"]
    a = raised(world)
    services.request_accept(actor=county, request=a)
    services.request_answer(actor=county, request=a, answer="已办")
    services.request_confirm(actor=world.users["firm"], request=a)
    services.request_rate(actor=world.users["firm"], request=a, rating=4)
    b = raised(world)
    FirmRequest.objects.filter(pk=b.pk).update(due_on=dt.date(2020, 1, 1))
    raised(world, world.firm_shahe)
    page = world.client("county").get("/requests/dashboard/").content.decode()
    assert "按承办部门" in page and "高频问题" in page and "沙河" not in page
    stats = world.client("county").get("/api/requests/stats").json()
    assert (stats["total"], stats["open"], stats["overdue"], stats["rated"]) == (2, 1, 1, 1)
    assert stats["rating"] == 4
    assert stats["by_county"] == [
        {"code": "130528", "name": "宁晋县", "total": 2, "open": 1, "overdue": 1, "escalated": 0}
    ]
    assert world.client("analyst").get("/api/requests/stats").json()["total"] == 3
    r = world.client("firm").get("/requests/dashboard/")
    assert r.status_code == 302


def test_rules_page_edit(world) -> None:  # type: ignore[no-untyped-def]
    analyst, county = world.client("analyst"), world.client("county")
    data = {
        "region": "130528",
        "category": "labour",
        "department": world.depts["approval"].pk,
        "deadline_days": "12",
    }
    assert county.get("/requests/rules/").status_code == 200
    before = RoutingRule.objects.count()
    assert county.post("/requests/rules/", data).status_code == 403
    assert RoutingRule.objects.count() == before
    r = analyst.post("/requests/rules/", {**data, "deadline_days": "120"})
    assert r.status_code == 400 and "1–90" in r.content.decode()
    assert analyst.post("/requests/rules/", data).status_code == 302
    rule = RoutingRule.objects.get(category="labour")
    assert rule.deadline_days == 12
    assert rule.history.get().history_user == world.users["analyst"]
    assert "沙河" not in county.get("/requests/rules/").content.decode()


def test_api_detail_has_the_steps(world) -> None:  # type: ignore[no-untyped-def]
    req = raised(world)
    services.request_accept(actor=world.users["county"], request=req)
    body = world.client("firm").get(f"/api/requests/{req.pk}").json()
    assert body["code"] == req.code and body["department"] == "宁晋县自然资源和规划局"
    assert [s["label"] for s in body["steps"]] == ["提交", "分办", "受理"]
    assert body["steps"][2]["actor"] == "ningjin"

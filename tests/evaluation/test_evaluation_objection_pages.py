"""异议 pages: hostile attachments refused, downloads never inline, other firms' objections 404,
the report and its xlsx, the API, the bulletin only for runs past the draft."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.evaluation.conftest import login
from tests.factories import UserFactory

from chainboard.core.errors import DomainError
from chainboard.evaluation import publicity, services
from chainboard.evaluation.bulletin import require_bulletin
from chainboard.evaluation.models import EvaluationRun, Objection, ObjectionAttachment
from chainboard.imports.guard import attachment_name
from chainboard.jobs.models import Job
from chainboard_analytics.evaluation import load_method

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx(main: bool = True) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if main:
            z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/pad.bin", b"\x00" * (8 * 1024 * 1024))
    return buf.getvalue()


@pytest.fixture
def run(small_city, city_analyst) -> EvaluationRun:  # type: ignore[no-untyped-def]
    draft, _ = services.evaluation_run_create(
        actor=city_analyst, year=2025, method=load_method("zhejiang")
    )
    end = timezone.localdate() + dt.timedelta(days=3)
    return publicity.run_start_publicity(actor=city_analyst, run=draft, end=end)


def _post(client, run, firm, files):  # type: ignore[no-untyped-def]
    url = reverse("evaluation:objection_new", args=[run.pk, firm.uscc])
    return client.post(url, {"reason": "税金少计", "files": files})


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("证明.pdf", b"<html><script>alert(1)</script></html>", "文件内容不是PDF 文件"),
        ("照片.png", b"<svg onload=alert(1)>", "文件内容不是PNG 图片"),
        ("页面.html", b"<html></html>", "不支持的附件类型"),
        ("图.svg", b"<svg/>", "不支持的附件类型"),
        ("脚本.js", b"alert(1)", "不支持的附件类型"),
        ("无扩展名", PDF, "不支持的附件类型"),
        ("空.pdf", b"", "附件为空"),
        ("假.docx", b"PK\x03\x04not a zip at all", "文件已损坏"),
        ("缺正文.docx", _docx(main=False), "压缩包中没有 word/document.xml"),
        ("炸弹.docx", _bomb(), "疑似压缩炸弹"),
        ("旧表.xls", PDF, "文件内容不是Excel 97-2003 工作簿"),
    ],
)
def test_hostile_attachments_are_refused_and_nothing_is_saved(
    run, firm_user, small_city, name, body, message
):
    client = login(firm_user)
    response = _post(client, run, small_city[0], [SimpleUploadedFile(name, body)])
    assert response.status_code == 200 and message in response.content.decode()
    assert not Objection.objects.exists() and not ObjectionAttachment.objects.exists()


def test_size_and_count_limits(run, firm_user, small_city, settings):
    settings.CHAINBOARD_ATTACHMENT_MAX_BYTES = 40
    client = login(firm_user)
    big = SimpleUploadedFile("大.pdf", PDF + b"x" * 40)
    assert "超过上限" in _post(client, run, small_city[0], [big]).content.decode()
    settings.CHAINBOARD_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
    many = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]
    assert "附件最多 5 个" in _post(client, run, small_city[0], many).content.decode()
    assert not Objection.objects.exists()


def test_good_attachments_are_stored_under_random_names_and_downloaded_not_inline(
    run, firm_user, small_city, city_analyst, ningjin, shahe
):
    client = login(firm_user)
    files = [
        SimpleUploadedFile("../../etc/完税证明.pdf", PDF),
        SimpleUploadedFile("现场.PNG", PNG),
        SimpleUploadedFile("说明.docx", _docx()),
    ]
    response = _post(client, run, small_city[0], files)
    objection = Objection.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "evaluation:objection", args=[objection.pk]
    )
    stored = list(objection.attachments.order_by("pk"))
    assert [a.name for a in stored] == ["完税证明.pdf", "现场.PNG", "说明.docx"]
    assert [a.kind for a in stored] == ["pdf", "png", "docx"]
    for a in stored:
        assert a.file.name.startswith(f"objections/{run.pk}/") and ".." not in a.file.name
        assert "完税" not in a.file.name and len(a.sha256) == 64
    url = reverse("evaluation:attachment", args=[objection.pk, stored[0].pk])
    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")
    assert (
        got["X-Content-Type-Options"] == "nosniff" and got["Content-Security-Policy"] == "sandbox"
    )
    assert b"".join(got.streaming_content) == PDF
    # the officer of the county and the city see it; another firm and another county do not
    assert login(city_analyst).get(url).status_code == 200
    county = UserFactory(username="nj", role="region_staff", scope_region=ningjin)
    assert login(county).get(url).status_code == 200
    others = [
        UserFactory(username="sh", role="region_staff", scope_region=shahe),
        UserFactory(username="qiye2", role="enterprise", scope_enterprise=small_city[1]),
    ]
    detail = reverse("evaluation:objection", args=[objection.pk])
    for user in others:
        c = login(user)
        assert c.get(url).status_code == 404 and c.get(detail).status_code == 404
    assert client.get(reverse("evaluation:attachment", args=[objection.pk, 999])).status_code == 404


def test_attachment_name_keeps_no_folder_or_control_characters():
    assert attachment_name("C:\\Users\\x\\证明.pdf") == "证明.pdf"
    assert attachment_name("a\x00b\n.pdf") == "ab.pdf"
    assert attachment_name("../.hidden.pdf") == "hidden.pdf"
    assert len(attachment_name("长" * 300 + ".pdf")) == 100


def test_firm_user_cannot_see_or_object_for_another_firm(run, firm_user, small_city):
    client = login(firm_user)
    own = client.get(reverse("evaluation:card", args=[run.pk, small_city[0].uscc]))
    assert own.status_code == 200 and "提出异议" in own.content.decode()
    for name in ("card", "objection_new"):
        url = reverse(f"evaluation:{name}", args=[run.pk, small_city[1].uscc])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert not Objection.objects.exists()


def test_report_page_and_xlsx(run, firm_user, small_city, city_analyst):
    publicity.objection_file(
        actor=firm_user, run=run, enterprise=small_city[0], reason="税金少计=SUM(A1)"
    )
    c = login(city_analyst)
    page = c.get(reverse("evaluation:objections", args=[run.pk]))
    assert page.status_code == 200
    assert "待答复 1 · 已答复-维持 0 · 已答复-更正 0" in page.content.decode()
    xlsx = c.get(reverse("evaluation:objections", args=[run.pk]) + "?export=xlsx")
    assert xlsx["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = list(book["异议"].iter_rows(values_only=True))
    assert rows[0][:3] == ("异议编号", "统一社会信用代码", "企业名称")
    assert rows[1][2] == small_city[0].name and rows[1][5] == "税金少计=SUM(A1)"
    assert rows[1][7] == "待答复"
    assert book.sheetnames == ["异议", "等级变化"]


def test_api_stages_objections_and_answer(small_city, city_analyst, firm_user):
    c = login(city_analyst)
    run, _ = services.evaluation_run_create(
        actor=city_analyst, year=2025, method=load_method("zhejiang")
    )
    end = timezone.localdate().isoformat()
    body = c.post(
        f"/api/evaluation/runs/{run.pk}/publicity", {"end": end}, content_type="application/json"
    )
    assert body.status_code == 200 and body.json()["stage"] == "publicity"
    f = login(firm_user)
    filed = f.post(
        f"/api/evaluation/runs/{run.pk}/objections",
        {"uscc": small_city[0].uscc, "reason": "数据有误"},
        content_type="application/json",
    )
    assert filed.status_code == 201 and filed.json()["status"] == "pending"
    other = f.post(
        f"/api/evaluation/runs/{run.pk}/objections",
        {"uscc": small_city[1].uscc, "reason": "数据有误"},
        content_type="application/json",
    )
    assert other.status_code == 404
    early = c.post(f"/api/evaluation/runs/{run.pk}/review")
    assert early.status_code == 400 and "期满后" in early.json()["message"]
    EvaluationRun.objects.filter(pk=run.pk).update(
        publicity_start=timezone.localdate() - dt.timedelta(1),
        publicity_end=timezone.localdate() - dt.timedelta(1),
    )
    assert c.post(f"/api/evaluation/runs/{run.pk}/review").json()["stage"] == "review"
    listed = f.get(f"/api/evaluation/runs/{run.pk}/objections").json()["items"]
    pk = listed[0]["id"]
    answered = c.post(
        f"/api/evaluation/objections/{pk}/answer",
        {"outcome": "corrected", "answer": "更正", "figures": {"tax_paid_wan_yuan": "900"}},
        content_type="application/json",
    )
    assert answered.status_code == 400 and answered.json()["code"] == "version_required"
    version = small_city[0].years.get(year=2025).version
    answered = c.post(
        f"/api/evaluation/objections/{pk}/answer",
        {
            "outcome": "corrected",
            "answer": "更正",
            "figures": {"tax_paid_wan_yuan": "900"},
            "version": version,
        },
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["klass_answered"] == "A"
    published = c.post(f"/api/evaluation/runs/{run.pk}/publish")
    assert published.status_code == 200 and published.json()["stage"] == "published"


def test_bulletin_only_past_the_draft(small_city, city_analyst, firm_user):
    run, _ = services.evaluation_run_create(
        actor=city_analyst, year=2025, method=load_method("zhejiang")
    )
    with pytest.raises(DomainError, match="草稿不能生成公告"):
        require_bulletin(run)
    c = login(city_analyst)
    refused = c.post(reverse("evaluation:bulletin", args=[run.pk]), follow=True)
    assert "草稿不能生成公告" in refused.content.decode() and not Job.objects.exists()
    publicity.run_start_publicity(actor=city_analyst, run=run, end=timezone.localdate())
    require_bulletin(run)
    from chainboard.evaluation.tasks import bulletin_filename

    assert bulletin_filename(run).startswith("亩均评价公示稿-2025年-")
    assert c.post(reverse("evaluation:bulletin", args=[run.pk])).status_code == 302

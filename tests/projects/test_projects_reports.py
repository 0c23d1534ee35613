"""Reports: 产业链发展项目情况表 (xlsx), 周调度表 and 月评比通报 (xlsx + PDF with CJK text)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from tests.factories import ProjectFactory
from tests.pdfs import assert_cjk_sc_fonts

from chainboard.jobs.models import Job
from chainboard.projects import reports, services
from chainboard.projects.selectors import ranking

pytestmark = pytest.mark.django_db
d = dt.date
WEEK = d(2025, 3, 10)  # a Monday


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _update(project, week, amount, *, late=False, problems=""):  # type: ignore[no-untyped-def]
    when = week + dt.timedelta(days=9 if late else 2)
    services.update_submit(
        project_id=project.pk,
        actor=None,
        week=week,
        data={
            "done_this_week": "主体施工",
            "investment_period_wan_yuan": Decimal(amount),
            "problems": problems,
            "help_department": "供电公司" if problems else "",
        },
        submitted_at=timezone.make_aware(dt.datetime.combine(when, dt.time(10))),
    )


@pytest.fixture
def pool(xingtai):  # type: ignore[no-untyped-def]
    nj, sh = xingtai["130528"], xingtai["130582"]
    cable = ProjectFactory(
        code="NJ-1", name="宁晋线缆扩能项目", region=nj, chain_node_codes=["宁晋电线电缆"]
    )
    cable2 = ProjectFactory(
        code="NJ-2",
        name="宁晋光伏线缆项目",
        region=nj,
        total_investment_wan_yuan=Decimal(5000),
        chain_node_codes=["宁晋电线电缆", "宁晋光伏"],
    )
    glass = ProjectFactory(
        code="SH-1",
        name="沙河玻璃深加工项目",
        region=sh,
        total_investment_wan_yuan=Decimal(150000),
        chain_node_codes=["沙河玻璃"],
    )
    ProjectFactory(code="SH-2", name="沙河谋划项目", region=sh, stage="planned", started_on=None)
    for p, plan in ((cable, 12000), (cable2, 3000), (glass, 60000)):
        services.year_plan_set(project=p, year=2025, planned_wan_yuan=Decimal(plan), actor=None)
    _update(cable, WEEK, 800, problems="施工用电未接通")
    _update(glass, WEEK, 3000, late=True)
    # NJ-2 files nothing this week → missing
    services.ranking_store(d(2025, 2, 1), actor=None)
    services.ranking_store(d(2025, 3, 1), actor=None)
    return {"cable": cable, "cable2": cable2, "glass": glass}


def test_chain_workbook_one_sheet_per_chain_with_totals(pool, city_analyst, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    response = _client(city_analyst).get("/projects/reports/chains.xlsx?year=2025")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), data_only=True)
    assert book.sheetnames == ["汇总", "宁晋光伏", "宁晋电线电缆", "沙河玻璃", "未挂链项目"]
    sheet = book["宁晋电线电缆"]
    head = [c.value for c in sheet[3]]
    assert head[:5] == ["序号", "项目编号", "项目名称", "建设单位", "所在区县"]
    assert "2025年计划投资(万元)" in head and "存在问题" in head
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [r[1] for r in rows[:2]] == ["NJ-1", "NJ-2"]  # biggest first
    assert rows[0][head.index("存在问题")] == "施工用电未接通"
    total = rows[2]
    assert total[0] == "合计" and total[2] == "2个项目"
    assert total[head.index("总投资(万元)")] == 25000  # 20,000 + 5,000
    assert total[head.index("2025年计划投资(万元)")] == 15000
    summary = list(book["汇总"].iter_rows(min_row=4, values_only=True))
    assert summary[0][:2] == ("宁晋光伏", 1)
    assert [r[0] for r in summary[:5]] == [
        "宁晋光伏",
        "宁晋电线电缆",
        "沙河玻璃",
        "未挂链项目",
        "合计",
    ]
    assert summary[4][1] == 5  # NJ-2 is counted in both of its chains
    # a county user gets only the chains of their own projects
    response = _client(ningjin_user).get("/projects/reports/chains.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["汇总", "宁晋光伏", "宁晋电线电缆"]


def test_weekly_report_counts(pool, city_analyst) -> None:  # type: ignore[no-untyped-def]
    r = reports.weekly_report(user=city_analyst, week=WEEK + dt.timedelta(days=3))
    assert r.week == WEEK
    by_name = {c.name: c for c in r.counties}
    nj, sh = by_name["宁晋县"], by_name["沙河市"]
    assert (nj.expected, nj.filed, nj.on_time, nj.missing, nj.problems) == (2, 1, 1, 1, 1)
    assert (sh.expected, sh.filed, sh.late, sh.missing) == (1, 1, 1, 0)
    assert r.totals.investment == Decimal(3800)
    assert [p.code for p in r.missing] == ["NJ-2"]


def _pdf_job(client, url, data, run_worker) -> tuple[Job, str]:  # type: ignore[no-untyped-def]
    """POST the PDF button: a job and its page (nothing rendered in the request); run the worker;
    download the file: (job, text of the PDF)."""
    before = set(Job.objects.values_list("pk", flat=True))
    response = client.post(url, data)
    job = Job.objects.exclude(pk__in=before).get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.status == "queued" and "排队中" in client.get(response.url).content.decode()
    run_worker()
    job.refresh_from_db()
    assert job.status == "done", job.error
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    body = b"".join(download.streaming_content)
    assert_cjk_sc_fonts(body)  # one Noto CJK SC family, embedded (chainboard.core.pdf)
    pdf = PdfReader(io.BytesIO(body))
    return job, "".join(page.extract_text() for page in pdf.pages)


def test_weekly_xlsx_and_pdf(pool, city_analyst, ningjin_user, run_worker) -> None:  # type: ignore[no-untyped-def]
    client = _client(city_analyst)
    response = client.get("/projects/reports/weekly.xlsx?week=2025-03-12")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["汇总", "明细", "未报项目"]
    rows = list(book["汇总"].iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == ["宁晋县", "沙河市", "合计"]
    assert rows[2][1:6] == (3, 2, 1, 1, 1)
    assert book["未报项目"]["B2"].value == "NJ-2"
    url = "/projects/reports/weekly.pdf"
    assert client.get(url + "?week=2025-03-12").status_code == 405  # a job is started by POST
    job, text = _pdf_job(client, url, {"week": "2025-03-12"}, run_worker)
    assert job.result_name == "周调度表-2025-03-10.pdf" and job.params == {"week": "2025-03-10"}
    assert "重点项目周调度表" in text
    assert "宁晋县" in text and "沙河市" in text and "施工用电未接通" in text
    county = _client(ningjin_user)
    job, text = _pdf_job(county, url, {"week": "2025-03-12"}, run_worker)
    assert "宁晋县" in text and "沙河" not in text  # built over the starter's scope
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404  # not theirs
    assert client.get("/projects/reports/weekly.doc").status_code == 404


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/projects/reports/weekly.pdf", {"week": "9999-12-31"}, "周格式应为 YYYY-MM-DD"),
        ("/projects/reports/weekly.pdf", {"week": "2025-02-30"}, "周格式应为 YYYY-MM-DD"),
        ("/projects/reports/monthly.pdf", {"month": "2025-00"}, "月份格式应为 YYYY-MM"),
        ("/projects/reports/monthly.pdf", {"month": "0-1"}, "月份格式应为 YYYY-MM"),
    ],
)
def test_a_bad_period_is_a_400_before_any_job(city_analyst, url, data, message) -> None:  # type: ignore[no-untyped-def]
    response = _client(city_analyst).post(url, data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Job.objects.exists()


def test_monthly_xlsx_and_pdf(pool, city_analyst, run_worker) -> None:  # type: ignore[no-untyped-def]
    client = _client(city_analyst)
    response = client.get("/projects/reports/monthly.xlsx?month=2025-03")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["月评比"]
    assert sheet["A1"].value == "2025年3月重点项目建设月评比通报"
    rows = list(sheet.iter_rows(min_row=4, max_row=5, values_only=True))
    stored = ranking.ranking_with_moves(d(2025, 3, 1))
    assert [(r[0], r[3], r[4]) for r in rows] == [(s.rank, s.label, float(s.score)) for s in stored]
    assert {r[1] for r in rows} <= {0, 1, -1}  # moves against February
    job, text = _pdf_job(client, "/projects/reports/monthly.pdf", {"month": "2025-03"}, run_worker)
    assert job.result_name == "月评比通报-2025年3月.pdf"
    assert "2025年3月重点项目建设月评比通报" in text
    assert "宁晋县" in text and "沙河市" in text and "位列第一" in text


def test_reports_page(pool, city_analyst) -> None:  # type: ignore[no-untyped-def]
    page = _client(city_analyst).get("/projects/reports/").content.decode()
    assert "产业链发展项目情况表" in page and "/projects/reports/weekly.pdf" in page
    assert 'method="post" action="/projects/reports/weekly.pdf"' in page

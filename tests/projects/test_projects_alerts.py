"""预警: severity by the documented rule, owner, paging, filters, the xlsx export through the
shared writer with a Chinese file name, scope, and bad parameters answered 400."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import Client
from tests.factories import ProjectFactory, UserFactory

from chainboard.projects.models import Milestone
from chainboard.projects.selectors import alert_severity, alerts

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def late(project, days: int, name: str = "主体封顶") -> Milestone:  # type: ignore[no-untyped-def]
    return Milestone.objects.create(
        project=project, name=name, due_on=TODAY - dt.timedelta(days=days)
    )


def client_for(**user: object) -> Client:
    c = Client()
    c.force_login(UserFactory(**user))
    return c


@pytest.mark.parametrize(
    ("kind", "amount", "want"),
    [
        ("milestone", 1, "notice"),
        ("milestone", 7, "notice"),
        ("milestone", 8, "moderate"),
        ("milestone", 30, "moderate"),
        ("milestone", 31, "severe"),
        ("stale", 14, "notice"),
        ("stale", 20, "notice"),
        ("stale", 21, "moderate"),
        ("stale", 41, "moderate"),
        ("stale", 42, "severe"),
        ("behind", 0.79, "notice"),
        ("behind", 0.65, "notice"),
        ("behind", 0.64, "moderate"),
        ("behind", 0.5, "moderate"),
        ("behind", 0.49, "severe"),
    ],
)
def test_severity_rule(kind: str, amount: float, want: str) -> None:
    assert alert_severity(kind, amount) == want


def test_alerts_carry_severity_and_owner_most_severe_first(xingtai) -> None:  # type: ignore[no-untyped-def]
    p = ProjectFactory(
        code="NJ-1", responsible_official="张副县长", responsible_department="县发改局"
    )
    late(p, 3, "设备进场")
    late(p, 45, "主体封顶")
    late(p, 10, "环评批复")
    user = UserFactory(role="analyst", scope_region_id="130500")
    milestones = [a for a in alerts(user=user) if a.kind == "milestone"]
    assert [(a.severity_label, a.days) for a in milestones] == [
        ("严重", 45),
        ("一般", 10),
        ("提示", 3),
    ]
    assert milestones[0].owner == "张副县长 · 县发改局"


def test_page_shows_severity_owner_and_pages(xingtai) -> None:  # type: ignore[no-untyped-def]
    for i in range(60):
        p = ProjectFactory(code=f"NJ-{i:02d}", responsible_official=f"领导{i}")
        late(p, 40 if i < 5 else 3)
    c = client_for(role="analyst", scope_region_id="130500")
    html = c.get("/projects/alerts/").content.decode()
    assert "严重" in html and "领导0" in html
    assert '<span class="current" aria-current="page">1</span>' in html
    page = c.get("/projects/alerts/").context["page"]
    assert len(page.object_list) == 50 and page.paginator.count >= 60
    assert all(a.severity == "severe" for a in page.object_list[:5])
    second = c.get("/projects/alerts/", {"page": 2}).context["page"]
    assert second.number == 2 and len(second.object_list) == min(50, page.paginator.count - 50)
    only = c.get("/projects/alerts/", {"severity": "severe", "kind": "milestone"})
    assert {a.severity for a in only.context["items"]} == {"severe"}
    assert only.context["count"] == 5
    found = c.get("/projects/alerts/", {"q": "nj-07"}).context["items"]
    assert {a.project.code for a in found} == {"NJ-07"}


def test_export_is_the_filtered_list_with_a_chinese_name(xingtai) -> None:  # type: ignore[no-untyped-def]
    p = ProjectFactory(
        code="NJ-1",
        name="宁晋光伏项目",
        responsible_official="张三",
        responsible_department="县发改局",
    )
    late(p, 40)
    late(ProjectFactory(code="NJ-2"), 2)
    c = client_for(role="analyst", scope_region_id="130500")
    response = c.get("/projects/alerts/export.xlsx", {"severity": "severe"})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith("项目预警-")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("严重程度", "预警类型", "区县", "项目编号", "项目名称", "包联领导")
    milestone_rows = [r for r in rows[1:] if r[1] == "节点逾期"]
    assert [r[:7] for r in milestone_rows] == [
        ("严重", "节点逾期", "宁晋县", "NJ-1", "宁晋光伏项目", "张三", "县发改局")
    ]
    assert milestone_rows[0][9] == 40
    assert sheet.freeze_panes == "B2"  # the shared writer: frozen header and first column


def test_a_county_user_sees_only_their_alerts(xingtai) -> None:  # type: ignore[no-untyped-def]
    late(ProjectFactory(code="NJ-1", name="宁晋项目"), 40)
    late(ProjectFactory(code="SH-1", name="沙河项目", region_id="130582"), 40)
    c = client_for(role="region_staff", scope_region_id="130528")
    html = c.get("/projects/alerts/").content.decode()
    assert "宁晋项目" in html and "沙河项目" not in html
    assert "沙河项目" not in c.get("/projects/alerts/", {"region": "130582"}).content.decode()
    response = c.get("/projects/alerts/export.xlsx")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    codes = {
        r[3]
        for r in openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(
            min_row=2, values_only=True
        )
    }
    assert codes == {"NJ-1"}


@pytest.mark.parametrize(
    "params",
    [
        {"severity": "fatal"},
        {"kind": "x"},
        {"region": "abc"},
        {"page": "abc"},
        {"page": "0"},
        {"q": "x" * 101},
    ],
)
@pytest.mark.parametrize("url", ["/projects/alerts/", "/projects/alerts/export.xlsx"])
def test_bad_parameters_are_400(xingtai, url: str, params: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    c = client_for(role="analyst", scope_region_id="130500")
    response = c.get(url, params)
    assert response.status_code == 400
    assert next(iter(params)) in response.content.decode()


def test_behind_plan_severity(xingtai) -> None:  # type: ignore[no-untyped-def]
    if TODAY.month == 1:
        pytest.skip("no plan is due in January")
    from chainboard.projects.models import YearPlan

    p = ProjectFactory(code="NJ-1")
    YearPlan.objects.create(project=p, year=TODAY.year, planned_wan_yuan=Decimal("12000"))
    user = UserFactory(role="analyst", scope_region_id="130500")
    behind = [a for a in alerts(user=user) if a.kind == "behind"]
    assert [a.severity for a in behind] == ["severe"]  # nothing done: 0% of the plan to date

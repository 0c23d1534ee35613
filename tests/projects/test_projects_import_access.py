"""Project pool import (located errors, all-or-nothing, scope) and the county boundary through
pages, exports and the API."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from tests.factories import ProjectFactory
from tests.imports.filemaker import write_xlsx

from chainboard.imports.runner import run_import
from chainboard.projects.importers import ProjectImporter
from chainboard.projects.models import Project, ProjectUpdate, YearPlan

pytestmark = pytest.mark.django_db

HEADERS = [
    "项目编号",
    "项目名称",
    "行政区划代码",
    "投资主体",
    "建设性质",
    "项目来源",
    "总投资(万元)",
    "阶段",
    "签约日期",
    "开工日期",
    "计划年份",
    "年度计划投资(万元)",
]


def _rows() -> list[list[object]]:
    return [
        HEADERS,
        [
            "NJ-001",
            "宁晋光伏电池片项目",
            "130528",
            "晶澳太阳能",
            "新建",
            "招商引资",
            350000,
            "开工",
            "2025-01-08",
            "2025-03-01",
            2025,
            120000,
        ],
        [
            "NJ-002",
            "宁晋电缆技改项目",
            "130528",
            "宁晋某电缆公司",
            "技改",
            "技改",
            8000,
            "签约",
            "2025-02-01",
            "",
            "",
            "",
        ],
    ]


def test_valid_file_imports_with_plans(tmp_path: Path, ningjin_user) -> None:
    out = run_import(
        ProjectImporter(), write_xlsx(tmp_path / "p.xlsx", _rows()), actor=ningjin_user
    )
    assert out.ok, [e.text() for e in out.errors]
    assert Project.objects.count() == 2
    assert YearPlan.objects.get(project__code="NJ-001").planned_wan_yuan == 120000
    p = Project.objects.get(code="NJ-001")
    assert p.history.first().history_user == ningjin_user


def test_bad_rows_are_located_and_nothing_is_written(tmp_path: Path, ningjin_user) -> None:
    rows = _rows()
    rows[1][4] = "新造"  # unknown kind
    rows[2][7] = "开工"  # started without a start date
    rows.append(
        [
            "NJ-003",
            "沙河玻璃项目",
            "130582",
            "某玻璃公司",
            "新建",
            "招商引资",
            5000,
            "谋划",
            "",
            "",
            "",
            "",
        ]
    )  # another county
    rows.append(["NJ-001", "重复", "130528", "x", "新建", "招商引资", -5, "", "", "", "", ""])
    out = run_import(ProjectImporter(), write_xlsx(tmp_path / "p.xlsx", rows), actor=ningjin_user)
    texts = [e.text() for e in out.errors]
    assert any("第2行 建设性质 新造" in t and "新建、技改、扩建" in t for t in texts), texts
    assert any("第3行 开工日期" in t and "须填写开工日期" in t for t in texts), texts
    assert any("第4行 行政区划代码 130582" in t and "管辖范围" in t for t in texts), texts
    assert any("第5行 项目编号 NJ-001" in t and "与第2行重复" in t for t in texts), texts
    assert any("第5行 总投资(万元)" in t for t in texts), texts
    assert not Project.objects.exists() and not YearPlan.objects.exists()


def login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two(xingtai):  # type: ignore[no-untyped-def]
    return (
        ProjectFactory(code="NJ-9", name="宁晋可见项目", region=xingtai["130528"]),
        ProjectFactory(code="SH-9", name="沙河隐藏项目", region=xingtai["130582"]),
    )


def test_pages_and_export_hide_other_county(two, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    body = c.get("/projects/list/").content.decode()
    assert "宁晋可见项目" in body and "沙河隐藏项目" not in body
    assert c.get("/projects/p/SH-9/").status_code == 404
    assert c.get("/projects/p/SH-9/update/").status_code == 404
    assert (
        c.post(
            "/projects/p/SH-9/update/",
            {"week": "2025-03-03", "done_this_week": "x", "investment_period_wan_yuan": "1"},
        ).status_code
        == 404
    )
    assert c.post("/projects/p/SH-9/delete/").status_code == 404
    book = openpyxl.load_workbook(
        io.BytesIO(b"".join(c.get("/projects/export.xlsx").streaming_content))
    )
    codes = [r[0].value for r in book.active.iter_rows(min_row=2)]
    assert codes == ["NJ-9"]
    for url in ("/projects/", "/projects/ranking/", "/projects/alerts/"):
        assert c.get(url).status_code == 200, url


def test_county_user_files_update_through_the_page(two, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    r = c.post(
        "/projects/p/NJ-9/update/",
        {
            "week": "2025-03-05",
            "done_this_week": "主体封顶",
            "investment_period_wan_yuan": "250",
            "version": "0",
        },
    )
    assert r.status_code == 302
    u = ProjectUpdate.objects.get()
    assert (u.week, u.author) == (dt.date(2025, 3, 3), ningjin_user)
    assert "主体封顶" in c.get("/projects/p/NJ-9/").content.decode()


def test_api_hides_and_refuses_other_county(two, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    c = login(ningjin_user)
    codes = [p["code"] for p in c.get("/api/projects/").json()]
    assert codes == ["NJ-9"]
    assert c.get("/api/projects/SH-9").status_code == 404
    r = c.post(
        "/api/projects/SH-9/updates",
        {"week": "2025-03-03", "done_this_week": "x"},
        content_type="application/json",
    )
    assert r.status_code == 404
    r = c.patch(
        "/api/projects/NJ-9",
        {"version": 1, "responsible_official": "王副县长"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["version"] == 2
    r = c.patch(
        "/api/projects/NJ-9",
        {"version": 1, "responsible_official": "李"},
        content_type="application/json",
    )
    assert r.status_code == 409
    r = c.post(
        "/api/projects/NJ-9/updates",
        {
            "week": "2025-03-03",
            "done_this_week": "x",
            "investment_period_wan_yuan": "10",
            "version": 0,
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["investment_cumulative_wan_yuan"] == "10.00"
    points = c.get("/api/projects/map").json()["points"]
    assert [p["code"] for p in points] == ["NJ-9"]


def test_enterprise_user_sees_only_its_projects(two) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import EnterpriseFactory, UserFactory

    firm = EnterpriseFactory()
    mine = ProjectFactory(code="NJ-10", investor=firm, investor_name=firm.name)
    user = UserFactory(username="firm", role="enterprise", scope_enterprise=firm)
    c = login(user)
    assert [p["code"] for p in c.get("/api/projects/").json()] == [mine.code]
    r = c.post(
        "/projects/p/NJ-10/update/",
        {
            "week": "2025-03-05",
            "done_this_week": "设备安装",
            "investment_period_wan_yuan": "5",
            "version": "0",
        },
    )
    assert r.status_code == 302

"""谋划入库日期 and 县级重点 on projects: model rule, import column, edit form, list filter, API,
xlsx export (what "新谋划157项" and "县级重点技改项目100个" are counted from)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from tests.factories import ProjectFactory
from tests.imports.filemaker import write_xlsx

from chainboard.imports.runner import run_import
from chainboard.projects.importers import ProjectImporter
from chainboard.projects.models import Project

pytestmark = pytest.mark.django_db
d = dt.date

HEADERS = ["项目编号", "项目名称", "行政区划代码", "投资主体", "建设性质", "项目来源"]
HEADERS += ["总投资(万元)", "阶段", "谋划入库日期", "签约日期", "县级重点"]


def _login(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_listed_after_signing_is_refused(ningjin) -> None:  # type: ignore[no-untyped-def]
    p = ProjectFactory.build(region=ningjin, listed_on=d(2025, 2, 1), signed_on=d(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        p.full_clean()
    assert "谋划入库日期不能晚于签约" in exc.value.message_dict["listed_on"][0]
    p.listed_on = d(2025, 1, 10)  # the same day is fine
    p.full_clean()


def test_import_reads_listed_date_and_county_key(tmp_path: Path, ningjin_user) -> None:
    rows = [
        HEADERS,
        [
            "NJ-1",
            "宁晋电缆技改",
            "130528",
            "宁晋某电缆",
            "技改",
            "技改",
            8000,
            "签约",
            "2024-11-02",
            "2025-02-01",
            "是",
        ],
        [
            "NJ-2",
            "宁晋光伏谋划",
            "130528",
            "外地企业",
            "新建",
            "招商引资",
            50000,
            "谋划",
            "2025-03-15",
            "",
            "否",
        ],
    ]
    out = run_import(ProjectImporter(), write_xlsx(tmp_path / "p.xlsx", rows), actor=ningjin_user)
    assert out.ok, [e.text() for e in out.errors]
    one, two = Project.objects.get(code="NJ-1"), Project.objects.get(code="NJ-2")
    assert (one.listed_on, one.county_key) == (d(2024, 11, 2), True)
    assert (two.listed_on, two.county_key) == (d(2025, 3, 15), False)


def test_import_locates_bad_listed_date_and_flag(tmp_path: Path, ningjin_user) -> None:
    rows = [
        HEADERS,
        [
            "NJ-1",
            "x",
            "130528",
            "y",
            "技改",
            "技改",
            8000,
            "签约",
            "2025-03-01",
            "2025-02-01",
            "是",
        ],  # listed after signing
        ["NJ-2", "x", "130528", "y", "新建", "招商引资", 8000, "谋划", "2025-13-01", "", "也许"],
    ]
    out = run_import(ProjectImporter(), write_xlsx(tmp_path / "p.xlsx", rows), actor=ningjin_user)
    texts = [e.text() for e in out.errors]
    assert any("第2行 谋划入库日期" in t and "不能晚于签约" in t for t in texts), texts
    assert any("第3行 谋划入库日期" in t for t in texts), texts
    assert any("第3行 县级重点" in t for t in texts), texts
    assert not Project.objects.exists()


def test_api_form_list_and_export_carry_the_fields(ningjin, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    ProjectFactory(code="NJ-K", region=ningjin, county_key=True, listed_on=d(2024, 12, 1))
    ProjectFactory(code="NJ-O", region=ningjin)
    c = _login(ningjin_user)
    got = {p["code"]: p for p in c.get("/api/projects/").json()}
    assert got["NJ-K"]["county_key"] is True and got["NJ-K"]["listed_on"] == "2024-12-01"
    assert got["NJ-O"]["county_key"] is False and got["NJ-O"]["listed_on"] is None
    assert [p["code"] for p in c.get("/api/projects/?county_key=1").json()] == ["NJ-K"]
    assert [p["code"] for p in c.get("/api/projects/?county_key=0").json()] == ["NJ-O"]
    assert c.get("/api/projects/?county_key=maybe").status_code == 400
    page = c.get("/projects/list/?pool=building&county_key=1").content.decode()
    assert "NJ-K" in page and "NJ-O" not in page and "县级重点" in page
    r = c.patch(
        "/api/projects/NJ-O",
        {"version": 1, "county_key": True, "listed_on": "2024-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["county_key"] is True
    r = c.patch(  # listed after its signing (factory: signed 2025-01-10) → 400, nothing saved
        "/api/projects/NJ-O",
        {"version": 2, "listed_on": "2025-06-01"},
        content_type="application/json",
    )
    assert r.status_code == 400
    assert Project.objects.get(code="NJ-O").listed_on == d(2024, 6, 1)
    detail = c.get("/projects/p/NJ-K/").content.decode()
    assert "2024-12-01" in detail or "2024年12月1日" in detail
    edit = c.get("/projects/p/NJ-K/edit/").content.decode()
    assert 'name="listed_on"' in edit and 'name="county_key"' in edit
    xlsx = c.get("/projects/export.xlsx?pool=building")
    body = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    wb = openpyxl.load_workbook(io.BytesIO(body))
    header = [c.value for c in next(wb.active.iter_rows(max_row=1))]
    assert "谋划入库日期" in header and "县级重点" in header

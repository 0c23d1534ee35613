"""Exports opened in LibreOffice headless: no cell shows ``###`` (issue 15: dates, 项目编号 and
firm names were cut). LibreOffice prints the workbooks to PDF; pypdf reads the text back.

Needs ``soffice`` (Debian ``libreoffice-calc-nogui``, installed by ``scripts/system-deps.sh``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.factories import EnterpriseFactory, ProjectFactory

from chainboard.enterprises.exports import write_enterprises_xlsx
from chainboard.enterprises.models import Enterprise
from chainboard.projects.exports import projects_xlsx
from chainboard.projects.models import Project
from chainboard_analytics.exports import Col, Workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (scripts/system-deps.sh) not found"),
]
LONG_NAME = "河北省邢台市宁晋县经济开发区新能源高端装备制造产业园建设运营管理有限责任公司"
NAME = "邢台市宁晋县新能源高端装备制造有限责任公司"  # 21 characters: shown on one line


def _pdf_text(xlsx: Path, tmp_path: Path) -> str:
    assert SOFFICE is not None
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    reader = PdfReader(tmp_path / f"{xlsx.stem}.pdf")
    return "\n".join(page.extract_text() for page in reader.pages)


def test_enterprise_and_project_exports_show_every_value(tmp_path: Path) -> None:
    for i in range(3):
        EnterpriseFactory(name=f"{NAME}{i}", founded_on=dt.date(1999, 12, 31 - i))
    EnterpriseFactory(name=LONG_NAME, founded_on=None)  # longer than the cap: wraps in its cell
    path = write_enterprises_xlsx(Enterprise.objects.select_related("region", "industry", "park"))
    ent = tmp_path / "enterprises.xlsx"
    shutil.move(path, ent)
    ProjectFactory(
        code="XT26-02-00417",
        name=LONG_NAME,
        total_investment_wan_yuan=Decimal("1234567.89"),
        signed_on=dt.date(2026, 12, 30),
    )
    proj = tmp_path / "projects.xlsx"
    proj.write_bytes(projects_xlsx(Project.objects.all()).getvalue())

    text = _pdf_text(ent, tmp_path)
    assert "###" not in text
    assert "1999-12-31" in text and "1999-12-29" in text
    assert f"{NAME}0" in text and f"{NAME}2" in text
    text = _pdf_text(proj, tmp_path)
    assert "###" not in text
    assert "XT26-02-00417" in text and "2026-12-30" in text and "1,234,567.89" in text


def test_every_column_kind_fits(tmp_path: Path) -> None:
    path = tmp_path / "kinds.xlsx"
    with Workbook(path) as book:
        sheet = book.sheet(
            "表",
            [
                Col("日", "date"),
                Col("时", "datetime"),
                Col("数", "int"),
                Col("额(万元)", "wan"),
                Col("率", "pct"),
                Col("亩均", "num2"),
                Col("名称"),
            ],
        )
        sheet.row(
            [
                dt.date(2026, 12, 31),
                dt.datetime(2026, 12, 31, 23, 59),
                123456789,
                98765432.1,
                12.345,
                111.114094,
                "中文名称",
            ]
        )
    text = _pdf_text(path, tmp_path)
    assert "###" not in text
    for shown in ("2026-12-31", "23:59", "123,456,789", "98,765,432.10", "1234.5%", "111.11"):
        assert shown in text, shown

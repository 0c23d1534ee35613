"""The 招商线索名单 importer: located errors, all or nothing, dry run, a county officer's default
county and scope, a malformed file; the create → unchanged → changed life is in
tests/imports/test_importer_lifecycle.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chainboard.imports.runner import run_import
from chainboard.investment.importers import LeadImporter
from chainboard.investment.models import Lead
from tests.imports.filemaker import write_xlsx

pytestmark = pytest.mark.django_db

HEAD = [
    "企业名称",
    "统一社会信用代码",
    "来源地区",
    "主要产品",
    "拟投资额(万元)",
    "联系人及方式",
    "产业链",
    "环节",
    "负责区县",
]


def rows(w: Any, *extra: list[Any]) -> list[list[Any]]:
    return [
        HEAD,
        [
            "苏州甲电缆有限公司",
            w.uscc,
            "江苏省苏州市",
            "特种电缆",
            20000,
            "王经理",
            "电线电缆产业链",
            "特种电缆",
            "",
        ],
        *extra,
    ]


def test_county_officer_imports_into_own_county_with_dry_run(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "名单.xlsx", rows(world))
    preview = run_import(LeadImporter(), path, actor=world.users["ningjin"], dry_run=True)
    assert preview.ok and not Lead.objects.exists()
    done = run_import(LeadImporter(), path, actor=world.users["ningjin"])
    assert done.ok and done.counts.created == 1
    lead = Lead.objects.get()
    assert (lead.region_id, lead.source, lead.stage, lead.node.name) == (
        "130528",
        "import",
        "lead",
        "特种电缆",
    )
    assert lead.activities.count() == 1
    assert lead.history.get().history_change_reason == done.batch.change_reason


def test_bad_rows_are_located_and_nothing_is_written(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = rows(
        world,
        ["乙公司", world.bad_uscc, "", "", 100, "", "电线电缆产业链", "", ""],
        ["丙公司", "", "", "", -5, "", "电线电缆产业链", "", ""],
        ["丁公司", "", "", "", "", "", "不存在的产业链", "", ""],
        ["戊公司", "", "", "", "", "", "电线电缆产业链", "不存在的环节", ""],
        ["己公司", "", "", "", "", "", "电线电缆产业链", "", "沙河市"],
        ["苏州甲电缆有限公司", "", "", "", "", "", "电线电缆产业链", "", ""],
        ["", "", "", "", "", "", "电线电缆产业链", "", ""],
    )
    outcome = run_import(
        LeadImporter(), write_xlsx(tmp_path / "坏.xlsx", bad), actor=world.users["ningjin"]
    )
    assert not outcome.ok and not Lead.objects.exists()
    found = {(e.row, e.column) for e in outcome.errors}
    assert {
        (3, "统一社会信用代码"),
        (4, "拟投资额(万元)"),
        (5, "产业链"),
        (6, "环节"),
        (7, "负责区县"),
        (8, "企业名称"),
        (9, "企业名称"),
    } <= found, [e.text() for e in outcome.errors]
    texts = " ".join(e.text() for e in outcome.errors)
    assert "校验位" in texts and "第8行" in texts


def test_analyst_must_name_the_county(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    outcome = run_import(
        LeadImporter(), write_xlsx(tmp_path / "x.xlsx", rows(world)), actor=world.users["analyst"]
    )
    assert [e.column for e in outcome.errors] == ["负责区县"]


def test_malformed_file(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not a workbook")
    outcome = run_import(LeadImporter(), path, actor=world.users["ningjin"])
    assert not outcome.ok and outcome.errors[0].row == 0
    assert not Lead.objects.exists()
    missing = write_xlsx(tmp_path / "缺列.xlsx", [["企业名称", "来源地区"], ["甲", "苏州"]])
    outcome = run_import(LeadImporter(), missing, actor=world.users["ningjin"])
    assert not outcome.ok and "产业链" in outcome.errors[0].text()

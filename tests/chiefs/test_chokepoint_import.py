"""Import of the 攻关清单 (xlsx): header detection, located errors (row, column, reason),
all-or-nothing, dry-run preview, the template, scope; an exported list imports back unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from chainboard.chiefs.importers import ChokepointImporter
from chainboard.chiefs.models import Chokepoint
from chainboard.imports.registry import IMPORTERS
from chainboard.imports.runner import run_import
from tests.imports.filemaker import write_xlsx

pytestmark = pytest.mark.django_db

HEAD = ["产业链", "关键核心技术", "涉及环节", "卡脖子原因", "进口依赖度", "攻关目标", "目标年份"]


def _errors(outcome: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in outcome.errors]


def test_registered_with_a_template(city) -> None:  # type: ignore[no-untyped-def]
    assert IMPORTERS["chokepoints"] is ChokepointImporter
    web = Client()
    web.force_login(city.users["analyst"])
    r = web.get("/imports/templates/chokepoints.xlsx")
    assert r.status_code == 200
    assert "%E6%94%BB%E5%85%B3%E6%B8%85%E5%8D%95" in r["Content-Disposition"]  # 攻关清单


def test_title_lines_above_the_header_and_a_preview_writes_nothing(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["电线电缆产业链关键核心技术攻关清单（2026年）"],
        HEAD,
        ["电线电缆产业链", "超净屏蔽料", "高压电缆料", "单一境外供应商", 0.7, "国产化", 2028],
    ]
    path = write_xlsx(tmp_path / "清单.xlsx", rows, sheet="清单")
    n = Chokepoint.objects.count()
    preview = run_import(ChokepointImporter(), path, actor=city.users["analyst"], dry_run=True)
    assert preview.ok and preview.counts.created == 1 and preview.batch.status == "previewed"
    assert Chokepoint.objects.count() == n
    done = run_import(ChokepointImporter(), path, actor=city.users["analyst"])
    assert done.ok and done.counts.created == 1
    item = Chokepoint.objects.get(technology="超净屏蔽料")
    assert item.reason == "single_foreign" and str(item.import_share) == "0.7000"
    assert item.history.first().history_change_reason == done.batch.change_reason


def test_malformed_file_located_errors_nothing_written(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEAD,
        ["电线电缆产业链", "甲技术", "高压电缆料", "进口依赖", "130%", "目标", 2027],
        ["不存在的产业链", "乙技术", "高压电缆料", "进口依赖", "", "目标", ""],
        ["电线电缆产业链", "丙技术", "没有的环节", "被卡了", "", "", "明年"],
        ["电线电缆产业链", "甲技术", "高压电缆料", "进口依赖", "", "目标", ""],
        ["电线电缆产业链", "丁技术", "超高压电缆", "进口依赖", "0.5", "目标", 2026],
    ]
    path = write_xlsx(tmp_path / "坏.xlsx", rows)
    n = Chokepoint.objects.count() + Chokepoint.history.count()
    outcome = run_import(ChokepointImporter(), path, actor=city.users["analyst"])
    errors = _errors(outcome)
    assert (2, "进口依赖度", "应在 0 到 1 之间（或写成百分数，如 85%）") in errors
    assert (3, "产业链", "没有该产业链，或不在您的管辖范围") in errors
    assert any(r == 4 and c == "涉及环节" and "没有该环节" in m for r, c, m in errors)
    assert any(
        r == 4 and c == "卡脖子原因" and m.startswith("应为：进口依赖") for r, c, m in errors
    )
    assert (4, "攻关目标", "必填项为空") in errors
    assert any(r == 4 and c == "目标年份" for r, c, _ in errors)
    assert any(r == 5 and c == "关键核心技术" and "与第2行" in m for r, c, m in errors)
    assert outcome.batch.status == "rejected"
    assert Chokepoint.objects.count() + Chokepoint.history.count() == n  # all or nothing
    # a file without the required columns: errors on the header row
    bad = write_xlsx(tmp_path / "无列.xlsx", [["技术", "备注"], ["x", "y"]])
    outcome = run_import(ChokepointImporter(), bad, actor=city.users["analyst"])
    assert {c for _, c, _ in _errors(outcome)} >= {"产业链", "关键核心技术", "涉及环节"}
    # not a spreadsheet at all
    junk = tmp_path / "假.xlsx"
    junk.write_bytes(b"not a zip")
    assert not run_import(ChokepointImporter(), junk, actor=city.users["analyst"]).ok


def test_only_the_chains_keepers_import(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [HEAD, ["电线电缆产业链", "戊技术", "高压电缆料", "进口依赖", "", "目标", ""]]
    path = write_xlsx(tmp_path / "x.xlsx", rows)
    outcome = run_import(ChokepointImporter(), path, actor=city.users["shahe"])
    assert _errors(outcome) == [
        (2, "产业链", "只有电线电缆产业链的链长办或产业链维护人员可以导入其攻关清单")
    ]
    assert not Chokepoint.objects.filter(technology="戊技术").exists()


def test_export_imports_back_unchanged(city, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    web = Client()
    web.force_login(city.users["analyst"])
    r = web.get(f"/chains/{city.chain.pk}/chokepoints/export.xlsx")
    assert r.status_code == 200
    path = tmp_path / "导出.xlsx"
    path.write_bytes(b"".join(r.streaming_content) if r.streaming else r.content)
    sheet = openpyxl.load_workbook(path).active
    assert sheet["B2"].value == "500kV超高压电缆绝缘料"
    outcome = run_import(ChokepointImporter(), path, actor=city.users["analyst"])
    assert outcome.ok, [e.text() for e in outcome.errors]
    assert (outcome.counts.created, outcome.counts.updated, outcome.counts.unchanged) == (0, 0, 1)
    r = web.get("/chains/calls/export.xlsx")
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]

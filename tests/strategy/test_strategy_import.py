"""Importing a real statistical table into the panel: all-or-nothing, located errors, scope."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from chainboard.imports.models import ImportStatus
from chainboard.imports.runner import run_import
from chainboard.strategy.importers import PanelImporter
from chainboard.strategy.models import PanelValue
from chainboard.strategy.services import panel_version

pytestmark = pytest.mark.django_db
HEADER = ["行政区划代码", "行业代码", "年份", "数值", "指标"]


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([HEADER, *rows])
    return path


GOOD = [
    ["130528", "3831", 2023, "105,861.5", "营业收入"],
    ["130528", "3130", 2023, 19011.4, ""],
    ["130582", "3041", 2023, 93800, "营业收入"],
    ["130582", "3041", 2023, 1200, "从业人员"],
]


def test_valid_table_imports_and_reimport_changes_nothing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "panel.csv", GOOD)
    outcome = run_import(PanelImporter(), path, actor=None)
    assert outcome.ok and outcome.batch.status == ImportStatus.COMMITTED
    assert outcome.counts.created == 4
    cell = PanelValue.objects.get(region_id="130528", industry_id="3831")
    assert cell.value == Decimal("105861.5") and not cell.sample and cell.measure == "revenue"
    assert PanelValue.objects.get(industry_id="3041", measure="employment").value == 1200
    assert cell.history.first().history_change_reason == outcome.batch.change_reason
    version = panel_version()
    again = run_import(PanelImporter(), path, actor=None)
    assert again.counts.unchanged == 4 and again.counts.created == again.counts.updated == 0
    assert panel_version() == version  # nothing written, cached pages stay valid


def test_bad_rows_are_located_and_nothing_is_written(tmp_path: Path) -> None:
    rows = [
        *GOOD,
        ["139999", "3831", 2023, 10, ""],  # row 6: unknown region
        ["130528", "9999", 2023, 10, ""],  # row 7: unknown industry
        ["130528", "3831", 2023, -5, ""],  # row 8: negative + duplicate of row 2
        ["130528", "3451", "二〇二三", 10, ""],  # row 9: year
        ["130528", "38", 2023, 10, ""],  # row 10: a 大类 among 小类
        ["130528", "3452", 2023, 10, "产值"],  # row 11: unknown measure
    ]
    before = panel_version()
    outcome = run_import(PanelImporter(), write_csv(tmp_path / "bad.csv", rows), actor=None)
    assert not outcome.ok and outcome.batch.status == ImportStatus.REJECTED
    assert PanelValue.objects.count() == 0 and panel_version() == before
    located = {(e.row, e.column) for e in outcome.errors}
    assert {
        (6, "行政区划代码"),
        (7, "行业代码"),
        (8, "数值"),
        (8, "行业代码"),
        (9, "年份"),
        (10, "行业代码"),
        (11, "指标"),
    } <= located
    texts = " | ".join(e.text() for e in outcome.errors)
    assert "bad.csv 第8行 数值 -5：不能为负数" in texts
    assert "与第2行重复" in texts and "层级" in texts


def test_county_user_cannot_import_another_county(tmp_path: Path, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    outcome = run_import(PanelImporter(), write_csv(tmp_path / "p.csv", GOOD), actor=ningjin_user)
    assert not outcome.ok and PanelValue.objects.count() == 0
    assert {e.row for e in outcome.errors} == {4, 5}
    assert "沙河市不在您的管辖范围" in outcome.errors[0].message


def test_import_replaces_sample_values(tmp_path: Path) -> None:
    from chainboard.strategy.services import panel_bulk_write

    panel_bulk_write(
        creates=[
            {
                "region_id": "130528",
                "industry_id": "3831",
                "year": 2023,
                "measure": "revenue",
                "value": Decimal(1),
                "sample": True,
            }
        ],
        updates=[],
        actor=None,
        reason="示例数据",
    )
    outcome = run_import(PanelImporter(), write_csv(tmp_path / "p.csv", GOOD[:1]), actor=None)
    assert outcome.counts.updated == 1
    cell = PanelValue.objects.get()
    assert cell.value == Decimal("105861.5") and not cell.sample


def test_importer_is_registered_for_upload_and_cli() -> None:
    from chainboard.imports.registry import IMPORTERS

    assert IMPORTERS["strategy_panel"] is PanelImporter

"""The registry import end to end: located errors, all-or-nothing, idempotence, scope, history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from tests.factories import EnterpriseFactory, ParkFactory, make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_csv, write_xls, write_xlsx

from chainboard.enterprises.importers import EnterpriseImporter, FiguresImporter
from chainboard.enterprises.models import Enterprise, EnterpriseYear
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import run_import

pytestmark = pytest.mark.django_db

GOOD1 = make_uscc("130528", 11)
GOOD2 = make_uscc("130582", 12)


def firm_rows() -> list[list[object]]:
    return [
        ENTERPRISE_HEADERS,
        [
            GOOD1,
            "宁晋县示例电缆有限公司",
            "130528",
            "宁晋经济开发区",
            "3831",
            "是",
            dt.date(2015, 6, 1),
            "电线电缆制造",
        ],
        [GOOD2, "沙河市示例玻璃有限公司", 130582, "", "3041", "否", "2019/3/1", "平板玻璃制造"],
    ]


@pytest.fixture
def park(ningjin):  # type: ignore[no-untyped-def]
    return ParkFactory(name="宁晋经济开发区", region=ningjin)


def test_valid_file_imports_and_reimport_changes_nothing(tmp_path: Path, park) -> None:  # type: ignore[no-untyped-def]
    path = write_xlsx(tmp_path / "firms.xlsx", firm_rows())
    first = run_import(EnterpriseImporter(), path, actor=None)
    assert first.ok, [e.text() for e in first.errors]
    assert (first.counts.created, first.counts.updated) == (2, 0)
    firm = Enterprise.objects.get(uscc=GOOD1)
    assert firm.park == park and firm.above_scale and firm.founded_on == dt.date(2015, 6, 1)
    assert Enterprise.objects.get(uscc=GOOD2).founded_on == dt.date(2019, 3, 1)
    assert firm.history.count() == 1
    assert firm.history.first().history_change_reason.startswith("导入批次#")

    again = run_import(EnterpriseImporter(), path, actor=None)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    assert firm.history.count() == 1  # nothing changed, nothing recorded


def test_changed_row_updates_and_is_recorded(tmp_path: Path, park) -> None:  # type: ignore[no-untyped-def]
    run_import(EnterpriseImporter(), write_xlsx(tmp_path / "a.xlsx", firm_rows()), actor=None)
    rows = firm_rows()
    rows[1][1] = "宁晋县示例电缆集团有限公司"
    outcome = run_import(EnterpriseImporter(), write_xlsx(tmp_path / "b.xlsx", rows), actor=None)
    assert (outcome.counts.updated, outcome.counts.unchanged) == (1, 1)
    firm = Enterprise.objects.get(uscc=GOOD1)
    assert firm.name == "宁晋县示例电缆集团有限公司"
    assert firm.history.count() == 2


def test_one_bad_row_writes_nothing_and_every_error_is_located(tmp_path: Path, park) -> None:  # type: ignore[no-untyped-def]
    bad_check = GOOD1[:-1] + ("0" if GOOD1[-1] != "0" else "1")
    rows = [
        *firm_rows(),
        [bad_check, "校验位错误有限公司", "130528", "", "3831", "是", "", ""],
        [make_uscc("130599", 13), "未知区划有限公司", "130599", "", "3831", "是", "", ""],
        [
            make_uscc("130528", 14),
            "大类代码有限公司",
            "130528",
            "不存在的园区",
            "38",
            "也许",
            "2019-13-01",
            "",
        ],
        [GOOD2, "重复企业", "130582", "", "3041", "否", "", ""],
    ]
    outcome = run_import(EnterpriseImporter(), write_xlsx(tmp_path / "bad.xlsx", rows), actor=None)
    texts = [e.text() for e in outcome.errors]
    expected_check = GOOD1[-1]
    assert (
        f"bad.xlsx 工作表「企业名录」 第4行 统一社会信用代码 {bad_check}：校验位应为 {expected_check}，实为 {bad_check[-1]}"
        in texts
    )
    assert any("第5行 行政区划代码 130599：不是已知的 GB/T 2260 行政区划代码" in t for t in texts)
    assert any("第5行 统一社会信用代码" in t and "第3-8位行政区划码 130599" in t for t in texts)
    assert any("第6行 行业代码 38：应为4位小类代码，这是大类代码" in t for t in texts)
    assert any("第6行 是否规上 也许" in t for t in texts)
    assert any("第6行 成立日期 2019-13-01" in t for t in texts)
    assert any("第6行 所属园区 不存在的园区：宁晋县没有该园区" in t for t in texts)
    assert any("第7行 统一社会信用代码" in t and "与第3行重复" in t for t in texts)
    assert Enterprise.objects.count() == 0
    assert outcome.batch.status == "rejected" and outcome.batch.error_count == len(texts)


def test_partial_mode_writes_the_valid_rows(tmp_path: Path, park) -> None:  # type: ignore[no-untyped-def]
    rows = [
        *firm_rows(),
        [make_uscc("130528", 15), "负责任有限公司", "130599", "", "3831", "", "", ""],
    ]
    outcome = run_import(
        EnterpriseImporter(), write_xlsx(tmp_path / "p.xlsx", rows), actor=None, partial=True
    )
    assert outcome.counts.created == 2 and len(outcome.errors) == 1
    assert outcome.batch.status == "partial"
    assert Enterprise.objects.count() == 2


def test_dry_run_reports_counts_and_writes_nothing(tmp_path: Path, park) -> None:  # type: ignore[no-untyped-def]
    outcome = run_import(
        EnterpriseImporter(), write_xlsx(tmp_path / "d.xlsx", firm_rows()), actor=None, dry_run=True
    )
    assert outcome.ok and outcome.counts.created == 2
    assert outcome.batch.status == "previewed"
    assert Enterprise.objects.count() == 0


def test_missing_required_column_is_named(tmp_path: Path) -> None:
    rows = [["统一社会信用代码", "企业名称"], [GOOD1, "x"]]
    outcome = run_import(EnterpriseImporter(), write_csv(tmp_path / "m.csv", rows), actor=None)
    columns = {e.column for e in outcome.errors}
    assert {"行政区划代码", "行业代码"} <= columns
    assert all(e.row == 1 for e in outcome.errors)


@pytest.mark.parametrize("fmt", ["csv-gbk", "csv-bom", "xls"])
def test_other_formats_and_full_width_titles(tmp_path: Path, park, fmt: str) -> None:  # type: ignore[no-untyped-def]
    rows = firm_rows()
    rows[0] = [
        " 统一社会信用代码 ",
        "企业名称",
        "行政区划代码",
        "所属园区",
        "行业代码",
        "是否规上",
        "成立日期",
        "经营范围",
    ]
    rows[1][6] = "2015-06-01"
    rows[2][2] = "１３０５８２"
    if fmt == "xls":
        path = write_xls(tmp_path / "f.xls", rows)
    else:
        path = write_csv(tmp_path / "f.csv", rows, "gbk" if fmt == "csv-gbk" else "utf-8-sig")
    outcome = run_import(EnterpriseImporter(), path, actor=None)
    assert outcome.ok, [e.text() for e in outcome.errors]
    assert Enterprise.objects.filter(region_id="130582").count() == 1


def test_figures_import_located_errors_and_upsert(tmp_path: Path) -> None:
    firm = EnterpriseFactory()
    headers = [
        "统一社会信用代码",
        "年份",
        "营业收入（万元）",
        "实缴税金(万元)",
        "用地面积(亩)",
        "年平均职工人数(人)",
    ]
    rows = [
        headers,
        [firm.uscc, 2024, "12,345.6", 300, "50", 120],
        [firm.uscc, "2025", 13000, 310, 50, "130"],
    ]
    outcome = run_import(FiguresImporter(), write_xlsx(tmp_path / "fig.xlsx", rows), actor=None)
    assert outcome.ok, [e.text() for e in outcome.errors]
    fy = EnterpriseYear.objects.get(enterprise=firm, year=2024)
    assert fy.revenue_wan_yuan == Decimal("12345.6") and fy.employees == 120
    assert fy.energy_tce is None  # absent column stays missing
    again = run_import(FiguresImporter(), write_xlsx(tmp_path / "fig2.xlsx", rows), actor=None)
    assert again.counts.unchanged == 2

    bad = [
        headers,
        [firm.uscc, 2024, "-5", 300, 50, 120],
        [firm.uscc, 2024, 1, 1, 1, 1],
        [make_uscc("130528", 99), 2024, 1, 1, 1, 1],
        [firm.uscc, 2026, 1, 1, "abc", 1.5],
    ]
    rejected = run_import(FiguresImporter(), write_xlsx(tmp_path / "bad.xlsx", bad), actor=None)
    texts = [e.text() for e in rejected.errors]
    assert any("第2行 营业收入（万元） -5：不能为负数" in t for t in texts)  # as the file writes it
    assert any("第3行 年份 2024：与第2行（同一企业同一年份）重复" in t for t in texts)
    assert any("第4行 统一社会信用代码" in t and "不在企业名录中" in t for t in texts)
    assert any("第5行 用地面积(亩) abc：应为数字" in t for t in texts)
    assert any("第5行 年平均职工人数(人) 1.5：应为整数" in t for t in texts)
    assert EnterpriseYear.objects.get(enterprise=firm, year=2024).revenue_wan_yuan == Decimal(
        "12345.6"
    )
    assert not EnterpriseYear.objects.filter(year=2026).exists()


def test_county_user_cannot_import_into_another_county(tmp_path: Path, ningjin_user, park) -> None:  # type: ignore[no-untyped-def]
    outcome = run_import(
        EnterpriseImporter(), write_xlsx(tmp_path / "s.xlsx", firm_rows()), actor=ningjin_user
    )
    texts = [e.text() for e in outcome.errors]
    assert (
        len(texts) == 1
        and "第3行 行政区划代码 130582：沙河市不在您的管辖范围（宁晋县）" in texts[0]
    )
    assert Enterprise.objects.count() == 0


def test_county_user_cannot_overwrite_another_countys_firm(
    tmp_path: Path, ningjin_user, shahe
) -> None:  # type: ignore[no-untyped-def]
    other = EnterpriseFactory(region=shahe, name="沙河原有企业")
    rows = [ENTERPRISE_HEADERS, [other.uscc, "改名企业", "130528", "", "3831", "是", "", ""]]
    outcome = run_import(
        EnterpriseImporter(), write_csv(tmp_path / "o.csv", rows), actor=ningjin_user
    )
    assert any("不在您的管辖范围，无权修改" in e.message for e in outcome.errors)
    other.refresh_from_db()
    assert other.name == "沙河原有企业" and other.region_id == "130582"

    figures = [["统一社会信用代码", "年份", "营业收入(万元)"], [other.uscc, 2024, 1]]
    outcome = run_import(
        FiguresImporter(), write_csv(tmp_path / "f.csv", figures), actor=ningjin_user
    )
    assert any("无权填报" in e.message for e in outcome.errors)
    assert not EnterpriseYear.objects.exists()
    assert ImportBatch.objects.filter(status="rejected").count() == 2

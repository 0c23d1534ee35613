"""Several sources for one figure through the figures import: 数据来源, precedence, conflicts,
department users, the create → unchanged → changed sequence and bad input."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.factories import EnterpriseFactory, UserFactory
from tests.imports.filemaker import write_csv

from chainboard.enterprises.importers import FiguresImporter
from chainboard.enterprises.models import EnterpriseYear, FigureValues
from chainboard.enterprises.selectors import figure_conflicts
from chainboard.imports.runner import run_import

pytestmark = pytest.mark.django_db

TAX = "实缴税金(万元)"
REVENUE = "营业收入(万元)"
POWER = "用电量(万千瓦时)"


@pytest.fixture
def firm(ningjin: Any) -> Any:
    return EnterpriseFactory(region=ningjin, name="宁晋电缆有限公司")


def sheet(tmp_path: Path, name: str, firm: Any, **columns: Any) -> Path:
    titles = list(columns)
    return write_csv(
        tmp_path / name,
        [["统一社会信用代码", "年份", *titles], [firm.uscc, 2025, *columns.values()]],
    )


def imp(path: Path, data_source: str = "", actor: Any = None) -> Any:
    return run_import(FiguresImporter(), path, actor=actor, data_source=data_source)


def year_of(firm: Any) -> EnterpriseYear:
    return EnterpriseYear.objects.get(enterprise=firm, year=2025)


def test_tax_then_statistics_follows_precedence_and_lists_the_conflict(
    tmp_path: Path, firm: Any, admin_user: Any
) -> None:
    tax = imp(sheet(tmp_path, "tax.csv", firm, **{TAX: 120, REVENUE: 5000}), "tax")
    assert tax.ok and tax.counts.created == 1, [e.text() for e in tax.errors]
    assert "数据来源：税务" in tax.notes
    stats = imp(sheet(tmp_path, "stats.csv", firm, **{TAX: 100, REVENUE: 5100}), "statistics")
    assert stats.ok and stats.counts.updated == 1
    year = year_of(firm)
    # 税收: 税务 > 统计 → 120; 营业收入: 统计 > 税务 → 5100 (2 % apart: no conflict)
    assert (year.tax_paid_wan_yuan, year.revenue_wan_yuan) == (D(120), D(5100))
    assert FigureValues.objects.filter(enterprise=firm).count() == 2
    rows = figure_conflicts(admin_user)
    assert [(c.field, c.used_source, c.used_value) for c in rows] == [
        ("tax_paid_wan_yuan", "tax", D(120))
    ]
    assert rows[0].values == {"tax": D(120), "statistics": D(100)}
    assert rows[0].difference == D(20) / D(120)

    # re-import the same statistics file: nothing changes
    again = imp(sheet(tmp_path, "stats.csv", firm, **{TAX: 100, REVENUE: 5100}), "statistics")
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 1)
    # a changed statistics value that is not used: the source row changes, the registry not
    changed = imp(sheet(tmp_path, "stats2.csv", firm, **{TAX: 118, REVENUE: 5100}), "statistics")
    assert changed.counts.updated == 1
    assert year_of(firm).tax_paid_wan_yuan == D(120)
    assert FigureValues.objects.get(enterprise=firm, source="statistics").tax_paid_wan_yuan == 118
    assert figure_conflicts(admin_user) == []  # 2/120 ≈ 1.7 % is within 5 %
    # the tax bureau's correction changes the registry, with the batch in its history
    fix = imp(sheet(tmp_path, "tax2.csv", firm, **{TAX: 200, REVENUE: 5000}), "tax")
    assert fix.counts.updated == 1
    year = year_of(firm)
    assert year.tax_paid_wan_yuan == D(200)
    assert year.history.first().history_change_reason.startswith(f"导入批次#{fix.batch.pk}")
    assert FigureValues.objects.get(enterprise=firm, source="tax").batch_id == fix.batch.pk


def test_no_source_chosen_is_manual_and_keeps_working(tmp_path: Path, firm: Any) -> None:
    out = imp(sheet(tmp_path, "all.csv", firm, **{TAX: 1, POWER: 2, "用地面积(亩)": 3}))
    assert out.ok and out.counts.created == 1
    assert "数据来源：手工（未选择来源）" in out.notes
    assert FigureValues.objects.get(enterprise=firm).source == "manual"


def test_a_column_the_source_does_not_carry_is_an_error_naming_it(
    tmp_path: Path, firm: Any
) -> None:
    out = imp(sheet(tmp_path, "power.csv", firm, **{POWER: 300, TAX: 5}), "power")
    assert not out.ok
    (error,) = out.errors
    assert error.row == 1 and error.column == TAX
    assert "不是供电数据的指标" in error.message
    assert not EnterpriseYear.objects.exists() and not FigureValues.objects.exists()


def test_unknown_source_is_refused(tmp_path: Path, firm: Any) -> None:
    out = imp(sheet(tmp_path, "x.csv", firm, **{TAX: 5}), "customs")
    assert not out.ok and "未知的数据来源" in out.errors[0].message
    assert not FigureValues.objects.exists()


def test_negative_value_is_a_located_error(tmp_path: Path, firm: Any) -> None:
    out = imp(sheet(tmp_path, "neg.csv", firm, **{TAX: -5}), "tax")
    assert not out.ok and out.errors[0].row == 2 and out.errors[0].column == TAX
    assert not FigureValues.objects.exists()


def test_department_user_imports_only_its_own_source(
    tmp_path: Path, firm: Any, ningjin: Any
) -> None:
    tax_user = UserFactory(role="region_staff", scope_region=ningjin, data_source="tax")
    # no source chosen: the department's own
    own = imp(sheet(tmp_path, "t.csv", firm, **{TAX: 7}), actor=tax_user)
    assert own.ok and FigureValues.objects.get().source == "tax"
    # another department's source: refused
    other = imp(sheet(tmp_path, "s.csv", firm, **{REVENUE: 7}), "statistics", actor=tax_user)
    assert not other.ok and "税务部门只能导入税务数据" in other.errors[0].message
    # its own source with another department's column: refused naming the column
    column = imp(sheet(tmp_path, "p.csv", firm, **{TAX: 7, POWER: 1}), actor=tax_user)
    assert not column.ok and column.errors[0].column == POWER
    assert FigureValues.objects.count() == 1


def test_enterprise_user_figures_are_firm_reported(tmp_path: Path, firm: Any) -> None:
    owner = UserFactory(role="enterprise", scope_enterprise=firm)
    imp(sheet(tmp_path, "tax.csv", firm, **{TAX: 120}), "tax")
    out = imp(sheet(tmp_path, "own.csv", firm, **{TAX: 90}), actor=owner)
    assert out.ok and "数据来源：企业填报（未选择来源）" in out.notes
    assert year_of(firm).tax_paid_wan_yuan == D(120)  # 税务 > 企业填报
    refused = imp(sheet(tmp_path, "own2.csv", firm, **{TAX: 90}), "tax", actor=owner)
    assert not refused.ok


def test_upload_page_offers_the_source_and_previews_with_it(
    tmp_path: Path, firm: Any, ningjin_user: Any
) -> None:
    client = Client()
    client.force_login(ningjin_user)
    page = client.get("/imports/")
    assert 'name="data_source"' in page.content.decode() and "供电" in page.content.decode()
    path = sheet(tmp_path, "power.csv", firm, **{POWER: 300, TAX: 5})
    with path.open("rb") as f:
        response = client.post("/imports/", {"kind": "figures", "file": f, "data_source": "power"})
    assert response.status_code == 302
    batch_page = client.get(response["Location"]).content.decode()
    assert "不是供电数据的指标" in batch_page

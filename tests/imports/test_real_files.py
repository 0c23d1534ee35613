"""The files people really send import as they are (tests/imports/realfiles.py makes them)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from tests.factories import EnterpriseFactory, make_uscc
from tests.imports import realfiles

from chainboard.enterprises.importers import EnterpriseImporter, FiguresImporter
from chainboard.enterprises.models import Enterprise, EnterpriseYear
from chainboard.imports.headers import TemplateIndex, find_header, skip_reason, split_unit
from chainboard.imports.readers import read_table
from chainboard.imports.runner import run_import

FIRMS = [(make_uscc("130528", i), f"宁晋县示例电缆{i}号有限公司") for i in range(1, 4)]


@pytest.mark.django_db
def test_county_register_with_title_rows_total_and_note_imports(tmp_path: Path, ningjin) -> None:  # type: ignore[no-untyped-def]
    path = realfiles.county_register(tmp_path / "2025年宁晋县规上工业企业名录.xlsx", FIRMS)
    preview = run_import(EnterpriseImporter(), path, actor=None, dry_run=True)
    assert preview.ok, [e.text() for e in preview.errors]
    assert preview.counts.created == 3
    notes = " ".join(preview.notes)
    assert "表头在第3行" in notes
    assert "已跳过合计行 1 行（第7行）" in notes and "已跳过注释行 1 行（第8行）" in notes
    assert "已忽略未知列「法定代表人」" in notes and "已忽略未知列「联系电话」" in notes
    assert "序号" not in notes  # the row counter is not data and not worth a note

    done = run_import(EnterpriseImporter(), path, actor=None)
    assert done.ok and done.counts.created == 3
    assert Enterprise.objects.get(uscc=FIRMS[0][0]).name == FIRMS[0][1]
    again = run_import(EnterpriseImporter(), path, actor=None)
    assert (again.counts.created, again.counts.unchanged) == (0, 3)


@pytest.mark.django_db
def test_data_on_the_second_sheet_after_instructions(tmp_path: Path, ningjin) -> None:  # type: ignore[no-untyped-def]
    path = realfiles.instructions_first(tmp_path / "名录.xlsx", FIRMS)
    outcome = run_import(EnterpriseImporter(), path, actor=None)
    assert outcome.ok, [e.text() for e in outcome.errors]
    assert outcome.counts.created == 3
    assert "读取工作表「企业名录」（共 2 个工作表）" in outcome.notes
    assert outcome.batch.errors == []


@pytest.mark.django_db
def test_a_chosen_sheet_that_does_not_exist_is_a_located_error(tmp_path: Path, ningjin) -> None:  # type: ignore[no-untyped-def]
    path = realfiles.instructions_first(tmp_path / "名录.xlsx", FIRMS)
    outcome = run_import(EnterpriseImporter(), path, actor=None, sheet="Sheet9")
    assert not outcome.ok and not Enterprise.objects.exists()
    assert (
        "没有名为「Sheet9」的工作表（有：「填表说明」、「企业名录」）" in outcome.errors[0].text()
    )
    chosen = run_import(EnterpriseImporter(), path, actor=None, sheet="填表说明", dry_run=True)
    assert not chosen.ok  # the instructions sheet has no header: missing columns, nothing written
    assert any("缺少必需的列" in e.message for e in chosen.errors)


@pytest.mark.django_db
def test_figures_in_yi_yuan_square_metres_and_wan_du_are_converted(tmp_path: Path, ningjin) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(uscc=FIRMS[0][0], region=ningjin)
    path = realfiles.figures_in_yi_yuan(
        tmp_path / "指标.xlsx", [[firm.uscc, 2025, 1.25, "0.0835", 20000, 150.5]]
    )
    outcome = run_import(FiguresImporter(), path, actor=None)
    assert outcome.ok, [e.text() for e in outcome.errors]
    notes = outcome.notes
    assert "「营业收入（亿元）」→ 万元 ×10000" in notes
    assert "「用地面积（平方米）」→ 亩 ×0.0015" in notes
    assert "「用电量（万度）」→ 万千瓦时" not in " ".join(notes)  # same unit: no conversion note
    assert any("已跳过合计行" in n for n in notes)
    year = EnterpriseYear.objects.get(enterprise=firm, year=2025)
    assert year.revenue_wan_yuan == Decimal("12500")  # 1.25 亿元
    assert year.tax_paid_wan_yuan == Decimal("835")  # 0.0835 亿元
    assert year.land_area_mu == Decimal("30")  # 20000 m² × 15/10000
    assert year.electricity_10k_kwh == Decimal("150.5")
    again = run_import(FiguresImporter(), path, actor=None)
    assert again.counts.unchanged == 1  # converted values compare equal on re-import


@pytest.mark.django_db
def test_two_row_header_is_joined(tmp_path: Path, ningjin) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(uscc=FIRMS[1][0], region=ningjin)
    path = realfiles.two_row_header(tmp_path / "两行.xlsx", [[firm.uscc, 2025, 12000, 800]])
    outcome = run_import(FiguresImporter(), path, actor=None)
    assert outcome.ok, [e.text() for e in outcome.errors]
    assert EnterpriseYear.objects.get(enterprise=firm).revenue_wan_yuan == Decimal("12000")


@pytest.mark.django_db
def test_unknown_unit_is_an_error_naming_the_column(tmp_path: Path, ningjin) -> None:  # type: ignore[no-untyped-def]
    firm = EnterpriseFactory(uscc=FIRMS[2][0], region=ningjin)
    outcome = run_import(
        FiguresImporter(), realfiles.unknown_unit(tmp_path / "u.xlsx", firm.uscc), actor=None
    )
    assert not outcome.ok and not EnterpriseYear.objects.exists()
    text = outcome.errors[0].text()
    assert "第1行 营业收入（美元）" in text and "单位「美元」无法换算为万元" in text
    assert "亿元" in text  # the units that would work are listed


@pytest.mark.django_db
def test_gbk_csv_with_a_title_line(tmp_path: Path, ningjin) -> None:  # type: ignore[no-untyped-def]
    outcome = run_import(
        EnterpriseImporter(), realfiles.gbk_csv_with_title(tmp_path / "名录.csv", FIRMS), actor=None
    )
    assert outcome.ok, [e.text() for e in outcome.errors]
    assert outcome.counts.created == 3 and outcome.table is not None
    assert outcome.table.encoding == "GB18030" and outcome.table.header_row == 2


def test_an_oversized_other_sheet_is_skipped_not_fatal(tmp_path: Path) -> None:
    import xlsxwriter

    from chainboard.imports.guard import Limits

    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("说明").write(5000, 50, "far away")
    book.add_worksheet("企业名录").write_row(0, 0, ["统一社会信用代码", "企业名称"])
    book.close()
    table = read_table(path, limits=Limits(max_cells=10), columns=EnterpriseImporter.columns)
    assert table.sheet == "企业名录"
    with pytest.raises(Exception, match="超过每次导入 10 个单元格"):
        read_table(
            path, limits=Limits(max_cells=10), columns=EnterpriseImporter.columns, sheet="说明"
        )


# ---------------------------------------------------------------------- the pure header rules


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("营业收入（亿元）", ("营业收入", "亿元")),
        ("营业收入(万元)", ("营业收入", "万元")),
        ("营业收入【千元】", ("营业收入", "千元")),
        ("营业收入/元", ("营业收入", "元")),
        ("营业收入 （单位：万元）", ("营业收入", "万元")),
        ("企业名称", ("企业名称", None)),
    ],
)
def test_split_unit(title: str, expected: tuple[str, str | None]) -> None:
    assert split_unit(title) == expected


@pytest.mark.parametrize(
    ("title", "factor"),
    [
        ("营业收入（元）", Fraction(1, 10_000)),
        ("营业收入（千元）", Fraction(1, 10)),
        ("营业收入（亿元）", Fraction(10_000)),
        ("用地面积（公顷）", Fraction(15)),
        ("用地面积（平方米）", Fraction(15, 10_000)),
        ("综合能耗（万吨标准煤）", Fraction(10_000)),
        ("综合能耗（千克标准煤）", Fraction(1, 1000)),
        ("用电量（千瓦时）", Fraction(1, 10_000)),
        ("用电量（亿千瓦时）", Fraction(10_000)),
    ],
)
def test_unit_factors_are_exact(title: str, factor: Fraction) -> None:
    index = TemplateIndex(FiguresImporter.columns)
    column, got, _, error = index.lookup(title)
    assert column is not None and not error
    assert got == factor


def test_a_unit_of_another_kind_is_refused() -> None:
    index = TemplateIndex(FiguresImporter.columns)
    _, _, _, error = index.lookup("营业收入（亩）")
    assert error.startswith("单位「亩」无法换算为万元")


def test_header_found_below_title_rows_and_skip_rules() -> None:
    index = TemplateIndex(EnterpriseImporter.columns)
    grid = [
        ["2025年名录", None, None],
        ["填报单位：某局", None, "填报日期：2026-01-15"],
        ["序号", "统一社会信用代码", "企业名称"],
        [1, "x", "y"],
    ]
    found = find_header(grid, index)
    assert found is not None and found.index == 2 and found.score == 2
    titles = grid[2]
    assert skip_reason(["合计", None, "3家"], titles) == "合计行"
    assert skip_reason([None, "小计", None], titles) == "合计行"
    assert skip_reason(["注：单位万元", None, None], titles) == "注释行"
    assert skip_reason(titles, titles) == "重复的表头"
    assert skip_reason([1, "x", "注塑科技有限公司"], titles) is None
    assert find_header([["a", "b"], ["c", "d"]], index) is None


@pytest.mark.parametrize(
    ("title", "field", "factor"),
    [
        ("税收（亿元）", "tax_paid_wan_yuan", Fraction(10_000)),
        ("从业人员", "employees", Fraction(1)),
        ("占地面积（公顷）", "land_area_mu", Fraction(15)),
        ("纳税人识别号", "uscc", Fraction(1)),
        ("年度", "year", Fraction(1)),
    ],
)
def test_aliases_people_write_are_understood(title: str, field: str, factor: Fraction) -> None:
    column, got, _, error = TemplateIndex(FiguresImporter.columns).lookup(title)
    assert column is not None and column.field == field and got == factor and not error


# ------------------------------------------------------------- column mapping, remembered per source


def _tax_bureau_file(path: Path, uscc: str) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("税收")
    ws.write_row(0, 0, ["统一社会信用代码", "年份", "纳税额合计（亿元）", "纳税人状态"])
    ws.write_row(1, 0, [uscc, 2025, 0.05, "正常"])
    book.close()
    return path


@pytest.fixture
def upload_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


@pytest.mark.django_db
def test_unmatched_column_is_mapped_once_and_remembered_for_the_source(
    tmp_path: Path, ningjin, ningjin_user, upload_dir
) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from chainboard.imports.models import ColumnMapping, ImportBatch

    firm = EnterpriseFactory(uscc=FIRMS[0][0], region=ningjin)
    client = Client()
    client.force_login(ningjin_user)
    path = _tax_bureau_file(tmp_path / "税收.xlsx", firm.uscc)
    with path.open("rb") as fh:
        response = client.post(
            "/imports/", {"kind": "figures", "file": fh, "source": " 宁晋县税务局 "}
        )
    assert response.status_code == 302
    first = ImportBatch.objects.latest("pk")
    assert first.source == "宁晋县税务局"
    assert first.unmatched == ["纳税额合计（亿元）", "纳税人状态"]
    page = client.get(f"/imports/{first.pk}/").content.decode()
    assert "列对应" in page and "纳税额合计（亿元）" in page and "实缴税金(万元)" in page

    # bad choices: a field the template lacks, a title not in the file, two columns on one field
    for bad in (
        {"map-0": "no_such_field"},
        {"map-0": "tax_paid_wan_yuan", "map-1": "tax_paid_wan_yuan"},
    ):
        response = client.post(f"/imports/{first.pk}/columns/", bad, follow=True)
        assert response.status_code == 200
        assert ColumnMapping.objects.count() == 0
    assert "两列不能对应同一个模板列" in response.content.decode()

    response = client.post(f"/imports/{first.pk}/columns/", {"map-0": "tax_paid_wan_yuan"})
    second = ImportBatch.objects.latest("pk")
    assert response.status_code == 302 and second.pk != first.pk and second.status == "previewed"
    assert second.unmatched == ["纳税人状态"]
    assert any("按已记住的对应关系读作「实缴税金(万元)」" in n for n in second.notes)
    assert any("→ 万元 ×10000" in n for n in second.notes)  # the unit still converts
    mapping = ColumnMapping.objects.get()
    assert (mapping.source, mapping.file_title, mapping.field) == (
        "宁晋县税务局",
        "纳税额合计(亿元)",
        "tax_paid_wan_yuan",
    )
    client.post(f"/imports/{second.pk}/commit/")
    assert EnterpriseYear.objects.get(enterprise=firm).tax_paid_wan_yuan == Decimal("500")

    # the next file from the same source is read without asking; another source is asked again
    again = run_import(FiguresImporter(), path, actor=ningjin_user, source="宁晋县税务局")
    assert again.ok and again.counts.unchanged == 1
    other = run_import(
        FiguresImporter(), path, actor=ningjin_user, source="宁晋县统计局", dry_run=True
    )
    assert other.batch.unmatched == ["纳税额合计（亿元）", "纳税人状态"]


@pytest.mark.django_db
def test_mapping_someone_elses_batch_is_not_found(
    tmp_path: Path, ningjin, ningjin_user, shahe_user, upload_dir
) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from chainboard.imports.models import ColumnMapping, ImportBatch

    firm = EnterpriseFactory(uscc=FIRMS[0][0], region=ningjin)
    owner = Client()
    owner.force_login(ningjin_user)
    with _tax_bureau_file(tmp_path / "税收.xlsx", firm.uscc).open("rb") as fh:
        owner.post("/imports/", {"kind": "figures", "file": fh})
    batch = ImportBatch.objects.latest("pk")
    other = Client()
    other.force_login(shahe_user)
    assert (
        other.post(f"/imports/{batch.pk}/columns/", {"map-0": "tax_paid_wan_yuan"}).status_code
        == 404
    )
    assert other.post(f"/imports/{batch.pk}/sheet/", {"sheet": "税收"}).status_code == 404
    assert ColumnMapping.objects.count() == 0
    long_source = owner.post("/imports/", {"kind": "figures", "source": "局" * 101})
    assert long_source.status_code == 400

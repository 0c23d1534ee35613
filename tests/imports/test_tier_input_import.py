"""梯度培育指标 (tier inputs): a county's sheet with a title row and 序号, units, names, bad input,
scope, dry run, history and the 梯度培育 page's cached checks."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from tests.factories import EnterpriseFactory, make_uscc
from tests.imports.filemaker import write_xlsx

from chainboard.evaluation import selectors
from chainboard.evaluation.models import TierProfile
from chainboard.evaluation.tier_import import TierInputsImporter
from chainboard.imports.runner import run_import

pytestmark = pytest.mark.django_db

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "年份",
    "研发人员数(人)",
    "Ⅰ类知识产权(件)",
    "主导产品占主营业务收入比(%)",
    "资产总额(万元)",
    "近五年主导制定国际/国家/行业标准",
]


@pytest.fixture
def firms(ningjin, shahe):  # type: ignore[no-untyped-def]
    return {
        "huatong": EnterpriseFactory(
            uscc=make_uscc("130528", 701), name="宁晋县华通电缆有限责任公司", region=ningjin
        ),
        "jinglong": EnterpriseFactory(
            uscc=make_uscc("130528", 702), name="河北晶龙电子材料股份有限公司", region=ningjin
        ),
        "shahe": EnterpriseFactory(
            uscc=make_uscc("130582", 703), name="沙河华通电缆有限公司", region=shahe
        ),
    }


def _county_sheet(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    """As a county office sends it: a merged title, a 填报单位 line, the header on row 3 with
    序号 and an extra 联系电话 column, a 合计 row and a 注 line."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("梯度培育")
    full = ["序号", *header, "联系电话"]
    ws.merge_range(0, 0, 0, len(full) - 1, "2025年宁晋县梯度培育企业指标汇总表")
    ws.write(1, 0, "填报单位：宁晋县工业和信息化局    填报日期：2026年3月1日")
    ws.write_row(2, 0, full)
    r = 3
    for i, row in enumerate(rows, start=1):
        ws.write_row(r, 0, [i, *row, "0319-5800000"])
        r += 1
    ws.write_row(r, 0, ["合计", "", "", "", 20])
    ws.write(r + 1, 0, "注：百分比填数字，35表示35%。")
    book.close()
    return path


def _errors(outcome: Any) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in outcome.errors]


def test_county_sheet_with_title_and_serial_numbers_converts_units(
    tmp_path: Path, firms, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    header = [
        "统一社会信用代码",
        "年度",
        "研发人员（人）",
        "一类知识产权（件）",
        "主导产品收入占比（%）",
        "资产总额（亿元）",
        "是否参与标准制定",
    ]
    path = _county_sheet(
        tmp_path / "梯度.xlsx",
        header,
        [
            [firms["huatong"].uscc, 2025, 12, 3, "72.5%", 1.25, "是"],
            [firms["jinglong"].uscc, 2025, 8, 1, 55, 0.3, "否"],
        ],
    )
    preview = run_import(TierInputsImporter(), path, actor=ningjin_user, dry_run=True)
    assert preview.ok, [e.text() for e in preview.errors]
    assert preview.counts.created == 2 and not TierProfile.objects.exists()
    assert any("亿元" in n and "×10000" in n for n in preview.notes), preview.notes

    done = run_import(TierInputsImporter(), path, actor=ningjin_user)
    assert done.ok and done.batch.status == "committed", [e.text() for e in done.errors]
    p = TierProfile.objects.get(enterprise=firms["huatong"], year=2025)
    assert (p.rd_staff, p.ip_class1, p.main_product_share_pct) == (12, 3, Decimal("72.5"))
    assert p.total_assets_wan_yuan == Decimal(12500)
    assert p.standard_led_5y is True
    assert p.history.get().history_change_reason == done.batch.change_reason
    assert p.history.get().history_user == ningjin_user


def test_bad_input_is_located_and_nothing_is_written(tmp_path: Path, firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    good = firms["huatong"].uscc
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows = [
        HEADERS,
        [good, "", 2025, 10, 2, 50, 1000, "是"],  # row 2: fine
        [wrong_check, "", 2025, 10, 2, 50, 1000, "是"],  # row 3: check digit
        [firms["jinglong"].uscc, "", 2025, 10, 2, 120, 1000, "是"],  # row 4: 120%
        [firms["jinglong"].uscc, "", 2024, -3, 2, 50, 1000, "是"],  # row 5: negative count
        [firms["shahe"].uscc, "", 2025, 10, 2, 50, 1000, "是"],  # row 6: another county
        [good, "", 2025, 11, 2, 50, 1000, "是"],  # row 7: same firm and year again
        [firms["jinglong"].uscc, "", 2023, 10, 2, 50, 1000, "也许"],  # row 8: not 是/否
        ["", "", 2023, 10, 2, 50, 1000, ""],  # row 9: no firm
    ]
    outcome = run_import(
        TierInputsImporter(), write_xlsx(tmp_path / "bad.xlsx", rows), actor=ningjin_user
    )
    assert not outcome.ok and outcome.batch.status == "rejected"
    found = _errors(outcome)
    by_row = {row: (col, msg) for row, col, msg in found}
    assert by_row[3][0] == "统一社会信用代码" and "校验" in by_row[3][1]
    assert by_row[4] == ("主导产品占主营业务收入比(%)", "百分比应在0-100之间（35表示35%）")
    assert by_row[5] == ("研发人员数(人)", "不能为负数")
    assert by_row[6] == ("统一社会信用代码", "该企业不在您的管辖范围")
    assert by_row[7][0] == "年份" and "与第2行" in by_row[7][1]
    assert by_row[8][0] == "近五年主导制定国际/国家/行业标准"
    assert by_row[9][0] == "企业名称"
    assert 2 not in by_row
    assert not TierProfile.objects.exists()  # all or nothing


def test_an_unknown_unit_in_a_title_is_an_error_naming_the_column(
    tmp_path: Path, firms, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["统一社会信用代码", "年份", "资产总额（美元）", "资产负债率（‰）"],
        [firms["huatong"].uscc, 2025, 1000, 300],
    ]
    outcome = run_import(
        TierInputsImporter(), write_xlsx(tmp_path / "unit.xlsx", rows), actor=ningjin_user
    )
    assert not outcome.ok
    texts = [e.text() for e in outcome.errors]
    assert any("资产总额（美元）" in t and "美元" in t and "万元" in t for t in texts), texts
    assert any("资产负债率（‰）" in t and "‰" in t for t in texts), texts
    assert not TierProfile.objects.exists()


def test_name_only_rows_match_within_the_county(tmp_path: Path, firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    rows = [
        ["企业名称", "所在地", "年份", "研发人员数(人)"],
        ["宁晋县华通电缆有限公司", "宁晋县", 2025, 9],  # 有限公司 for 有限责任公司
        ["沙河华通电缆有限公司", "沙河市", 2025, 4],  # another county: not offered
    ]
    outcome = run_import(
        TierInputsImporter(), write_xlsx(tmp_path / "names.xlsx", rows), actor=ningjin_user
    )
    assert outcome.ok, [e.text() for e in outcome.errors]
    matches = {m["row"]: m for m in outcome.batch.name_matches}
    assert matches[2]["status"] == "confirmed" and matches[2]["firm"] == firms["huatong"].pk
    assert matches[3]["status"] == "not_found"
    assert list(TierProfile.objects.values_list("enterprise_id", "rd_staff")) == [
        (firms["huatong"].pk, 9)
    ]


def test_a_column_the_file_leaves_out_keeps_its_value(tmp_path: Path, firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    uscc = firms["huatong"].uscc
    full = [["统一社会信用代码", "年份", "研发人员数(人)", "Ⅱ类知识产权(件)"], [uscc, 2025, 10, 7]]
    run_import(TierInputsImporter(), write_xlsx(tmp_path / "a.xlsx", full), actor=ningjin_user)
    part = [["统一社会信用代码", "年份", "研发人员数(人)"], [uscc, 2025, 11]]
    second = run_import(
        TierInputsImporter(), write_xlsx(tmp_path / "b.xlsx", part), actor=ningjin_user
    )
    assert (second.counts.created, second.counts.updated) == (0, 1)
    p = TierProfile.objects.get()
    assert (p.rd_staff, p.ip_class2, p.version) == (11, 7, 2)
    assert p.history.order_by("-history_id").first().ip_class2 == 7


def test_an_import_changes_the_tier_data_version(tmp_path: Path, firms, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    """The 梯度培育 page keeps its checks per data version: an import must change it."""
    uscc = firms["huatong"].uscc
    rows = [["统一社会信用代码", "年份", "研发人员数(人)"], [uscc, 2025, 10]]
    run_import(TierInputsImporter(), write_xlsx(tmp_path / "a.xlsx", rows), actor=ningjin_user)
    version = selectors.tier_data_version()
    rows[1][2] = 12
    run_import(TierInputsImporter(), write_xlsx(tmp_path / "b.xlsx", rows), actor=ningjin_user)
    assert selectors.tier_data_version() != version


def test_enterprise_users_cannot_import_tier_inputs(tmp_path: Path, firms) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    user = UserFactory(username="firm", role="enterprise", scope_enterprise=firms["huatong"])
    from chainboard.accounts.scope import can_import

    assert not can_import(user, "tier_inputs")


def test_template_download_has_the_chinese_titles(client, ningjin_user) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    client.force_login(ningjin_user)
    response = client.get("/imports/templates/tier_inputs.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    titles = [c.value for c in next(book.active.iter_rows(max_row=1))]
    assert titles[:5] == ["统一社会信用代码", "企业名称", "所在地", "年份", "科技人员数(人)"]
    assert "主导产品占主营业务收入比(%)" in titles and "近三年无重大违法违规" in titles
    assert book.active.title == "梯度培育指标"


@pytest.fixture
def upload_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


def test_api_dry_run_previews_and_a_park_user_sees_only_its_park(
    tmp_path: Path, firms, ningjin, upload_dir
) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client
    from tests.factories import ParkFactory, UserFactory

    park = ParkFactory(region=ningjin)
    firms["huatong"].park = park
    firms["huatong"].save(update_fields=["park"])
    user = UserFactory(username="park", role="park_staff", scope_park=park)
    rows = [
        ["统一社会信用代码", "年份", "研发人员数(人)"],
        [firms["huatong"].uscc, 2025, 10],
        [firms["jinglong"].uscc, 2025, 5],  # same county, not in the park
    ]
    path = write_xlsx(tmp_path / "park.xlsx", rows)
    client = Client()
    client.force_login(user)
    with path.open("rb") as fh:
        response = client.post("/api/imports/tier_inputs?dry_run=true", {"file": fh})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "rejected", body
    assert [(e["row"], e["message"]) for e in body["errors"]] == [(3, "该企业不在您的管辖范围")]
    assert not TierProfile.objects.exists()

    rows.pop()
    path = write_xlsx(tmp_path / "park2.xlsx", rows)
    with path.open("rb") as fh:
        response = client.post("/api/imports/tier_inputs?dry_run=true", {"file": fh})
    body = response.json()
    assert body["status"] == "previewed" and body["created_count"] == 1, body
    assert not TierProfile.objects.exists()  # a preview writes nothing

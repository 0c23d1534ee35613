"""资质名单: name-only 认定名单 matched within the user's scope, codes, title defaults, bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.factories import EnterpriseFactory, make_uscc
from tests.imports.filemaker import write_csv, write_xlsx
from tests.imports.realfiles import srdi_recognition_list

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.enterprises.models import EnterpriseNameAlias, GrantKind, Qualification
from chainboard.enterprises.name_match import name_aliases_save
from chainboard.enterprises.qualification_import import QualificationImporter, list_defaults
from chainboard.imports import services
from chainboard.imports.runner import run_import

pytestmark = pytest.mark.django_db

HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "资质类型",
    "级别",
    "批次",
    "认定日期",
    "首次认定日期",
    "新认定/复审",
    "证书编号",
    "有效期至",
]


@pytest.fixture
def firms(ningjin, shahe):  # type: ignore[no-untyped-def]
    return {
        "huatong": EnterpriseFactory(name="宁晋县华通电缆有限责任公司", region=ningjin),
        "jinglong": EnterpriseFactory(name="河北晶龙电子材料股份有限公司", region=ningjin),
        "shahe": EnterpriseFactory(name="沙河华通电缆有限公司", region=shahe),
    }


def _matches(outcome):  # type: ignore[no-untyped-def]
    return {m["row"]: m for m in outcome.batch.name_matches}


def test_provincial_srdi_list_without_codes_imports_the_confirmed_names(
    tmp_path: Path, firms, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    path = srdi_recognition_list(tmp_path / "认定名单.xlsx")
    preview = run_import(QualificationImporter(), path, actor=ningjin_user, dry_run=True)
    assert preview.ok, [e.text() for e in preview.errors]
    m = _matches(preview)
    assert (m[4]["status"], m[4]["firm"], m[4]["label"]) == (
        "confirmed",
        firms["huatong"].pk,
        "名称一致",
    )
    assert (m[5]["status"], m[5]["firm"]) == ("confirmed", firms["jinglong"].pk)
    # another county's firm is not offered to a 宁晋 user, even by a similar name
    assert m[6]["status"] == "not_found" and m[6]["candidates"] == []
    assert m[7]["status"] == "not_found"
    assert m[8]["status"] == "ambiguous"
    assert [c["id"] for c in m[8]["candidates"]] == [firms["huatong"].pk]
    assert preview.counts.created == 2
    assert any("已确认 2 行，3 行待选择或未找到" in n for n in preview.notes)

    done = run_import(QualificationImporter(), path, actor=ningjin_user)
    assert done.ok and done.batch.status == "committed"
    assert (done.counts.created, done.counts.updated) == (2, 0)
    q = Qualification.objects.get(enterprise=firms["huatong"])
    assert (q.kind, q.level, q.granted_on, q.batch, q.grant_kind) == (
        "srdi",
        "provincial",
        dt.date(2025, 11, 28),
        "2025年第一批",
        GrantKind.NEW,
    )
    assert q.first_granted_on == dt.date(2025, 11, 28)
    assert not Qualification.objects.filter(enterprise=firms["shahe"]).exists()
    assert q.history.get().history_change_reason == done.batch.change_reason
    assert len(done.batch.name_matches) == 5  # the rows not imported stay listed


def test_a_city_user_sees_both_counties_and_the_place_tells_them_apart(
    tmp_path: Path, firms, city_analyst
) -> None:  # type: ignore[no-untyped-def]
    path = srdi_recognition_list(tmp_path / "认定名单.xlsx")
    m = _matches(run_import(QualificationImporter(), path, actor=city_analyst, dry_run=True))
    assert (m[6]["status"], m[6]["firm"]) == ("confirmed", firms["shahe"].pk)
    assert m[8]["status"] == "ambiguous"


def test_chosen_names_are_remembered_in_scope_and_match_next_time(
    tmp_path: Path, firms, ningjin_user, shahe_user
) -> None:  # type: ignore[no-untyped-def]
    path = srdi_recognition_list(tmp_path / "认定名单.xlsx")
    preview = services.import_file(
        kind="qualifications", path=path, filename="认定名单.xlsx", actor=ningjin_user, dry_run=True
    )
    with pytest.raises(DomainError, match="不在候选企业中"):
        services.name_choices_save(
            batch=preview.batch, actor=ningjin_user, choices={8: firms["shahe"].pk}
        )
    with pytest.raises(DomainError, match="不是待选择企业的行"):
        services.name_choices_save(
            batch=preview.batch, actor=ningjin_user, choices={4: firms["huatong"].pk}
        )
    again = services.name_choices_save(
        batch=preview.batch, actor=ningjin_user, choices={8: firms["huatong"].pk, 7: None}
    )
    alias = EnterpriseNameAlias.objects.get()
    assert (alias.name, alias.enterprise, alias.region_id, alias.created_by) == (
        "华通线缆",
        firms["huatong"],
        "130528",
        ningjin_user,
    )
    m = _matches(again)
    assert (m[8]["status"], m[8]["firm"], m[8]["label"]) == (
        "confirmed",
        firms["huatong"].pk,
        "已记住",
    )
    # a firm of another county cannot be remembered by a 宁晋 user
    with pytest.raises(OutOfScope):
        name_aliases_save(actor=ningjin_user, pairs=[("沙河华通", firms["shahe"].pk)])
    # the 宁晋 pair is not used for a 沙河 user: the firm is not theirs
    shahe_view = _matches(run_import(QualificationImporter(), path, actor=shahe_user, dry_run=True))
    assert shahe_view[8]["status"] != "confirmed" or shahe_view[8]["firm"] != firms["huatong"].pk


def test_a_code_of_another_county_is_refused_and_nothing_is_written(
    tmp_path: Path, firms, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    rows = [
        HEADERS,
        [firms["huatong"].uscc, "", "高新技术企业", "国家级", 2024, "2024-12-01", "", "新认定", "GR1", "2027-11-30"],
        [firms["shahe"].uscc, "", "高新技术企业", "国家级", 2024, "2024-12-01", "", "新认定", "GR2", "2027-11-30"],
    ]  # fmt: skip
    out = run_import(
        QualificationImporter(), write_xlsx(tmp_path / "q.xlsx", rows), actor=ningjin_user
    )
    assert [(e.row, e.column, e.message) for e in out.errors] == [
        (3, "统一社会信用代码", "该企业不在您的管辖范围")
    ]
    assert out.batch.status == "rejected" and not Qualification.objects.exists()


def test_bad_cells_are_located_and_the_file_is_all_or_nothing(
    tmp_path: Path, firms, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    u = firms["huatong"].uscc
    rows = [
        HEADERS,
        [u, "", "专精特新中小企业", "省级", "2025年第一批", "2025-11-28", "", "", "", ""],
        [u, "", "优秀企业", "省级", "", "2025-11-28", "", "", "", ""],
        [u, "", "绿色园区", "省级", "", "2025-11-28", "", "", "", ""],
        [u, "", "高新技术企业", "部级", "", "2025-11-28", "", "", "", ""],
        [u, "", "高新技术企业", "国家级", "", "2025-11-28", "2026-01-01", "复审", "", "2024-01-01"],
        [u, "", "高新技术企业", "国家级", "", "2025-13-01", "", "也许", "", ""],
        ["", "", "上云企业", "市级", "", "2025-01-01", "", "", "", ""],
        [u, "", "专精特新中小企业", "省级", "", "2025-11-28", "", "", "", ""],
        [make_uscc("130528", 99), "", "上云企业", "市级", "", "2025-01-01", "", "", "", ""],
    ]  # fmt: skip
    out = run_import(
        QualificationImporter(), write_xlsx(tmp_path / "bad.xlsx", rows), actor=ningjin_user
    )
    got = {(e.row, e.column): e.message for e in out.errors}
    assert got[(3, "资质类型")].startswith("不是已知的资质类型")
    assert got[(4, "资质类型")] == "这是园区或集群的称号，不是企业资质，不能按企业资质导入"
    assert got[(5, "级别")] == "应为 国家级、省级、市级 或 县级"
    assert got[(6, "首次认定日期")] == "首次认定日期不能晚于认定日期"
    assert got[(6, "有效期至")] == "有效期至不能早于认定日期"
    assert got[(7, "认定日期")].startswith("应为日期")
    assert got[(7, "新认定/复审")] == "应为“新认定”或“复审”（重新认定）"
    assert got[(8, "企业名称")] == "企业名称与统一社会信用代码至少填写一项"
    assert got[(9, "企业名称")] == "与第2行重复"
    assert got[(10, "统一社会信用代码")] == "企业不在企业名录中（请先导入企业名录）"
    assert all(e.filename == "bad.xlsx" for e in out.errors)
    assert out.batch.status == "rejected" and not Qualification.objects.exists()


def test_a_list_without_date_column_or_dated_title_is_refused_naming_the_column(
    tmp_path: Path, firms, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    path = srdi_recognition_list(tmp_path / "无日期.xlsx", dated="")
    out = run_import(QualificationImporter(), path, actor=ningjin_user)
    assert [(e.row, e.column) for e in out.errors] == [(0, "认定日期")]
    assert "标题中也未写明" in out.errors[0].message
    assert not Qualification.objects.exists()


def test_renewal_list_title_sets_grant_kind_and_keeps_first_grant(
    tmp_path: Path, firms, ningjin_user
) -> None:  # type: ignore[no-untyped-def]
    path = srdi_recognition_list(
        tmp_path / "复审.xlsx",
        rows=[("宁晋县华通电缆有限公司", "宁晋县", "电缆")],
        title="邢台市2024年度市级专精特新中小企业复审通过名单",
        dated="公告日期：2024年12月20日",
    )
    out = run_import(QualificationImporter(), path, actor=ningjin_user)
    assert out.ok, [e.text() for e in out.errors]
    q = Qualification.objects.get()
    assert (q.level, q.grant_kind, q.first_granted_on, q.batch) == (
        "city",
        GrantKind.RENEWAL,
        None,
        "2024年",
    )


def test_list_defaults_read_the_title_lines() -> None:
    d = list_defaults(
        [
            "河北省工业和信息化厅关于公布2025年度第二批国家级专精特新“小巨人”企业名单的通知",
            "发布日期：2025年7月1日",
        ]
    )
    assert (d.kind, d.level, d.batch, d.granted_on, d.grant_kind) == (
        "little_giant",
        "national",
        "2025年第二批",
        dt.date(2025, 7, 1),
        None,
    )
    green = list_defaults(["2024年河北省绿色工厂名单"])
    assert (green.kind, green.level, green.batch) == ("green_factory", "provincial", "2024年")
    assert list_defaults(["2025年宁晋县两化融合管理体系贯标企业"]).kind == "integration_standard"
    assert list_defaults(["填报单位：某局"]).kind is None


def test_programme_lists_import_as_qualification_kinds(tmp_path: Path, firms) -> None:  # type: ignore[no-untyped-def]
    u = firms["jinglong"].uscc
    rows = [["统一社会信用代码", "资质类型", "级别", "认定日期"]] + [
        [u, label, "省级", "2025-06-30"]
        for label in (
            "上云企业",
            "两化融合管理体系贯标",
            "数字化车间",
            "晨星工厂",
            "绿色工厂",
            "工业设计中心",
        )
    ]
    out = run_import(
        QualificationImporter(), write_csv(tmp_path / "programmes.csv", rows), actor=None
    )
    assert out.ok, [e.text() for e in out.errors]
    assert set(Qualification.objects.values_list("kind", flat=True)) == {
        "cloud",
        "integration_standard",
        "smart_factory",
        "morning_star",
        "green_factory",
        "design_center",
    }


@pytest.fixture
def upload_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.UPLOAD_DIR = tmp_path / "uploads"
    return settings.UPLOAD_DIR


def test_preview_page_lists_matches_and_the_choice_is_remembered(
    tmp_path: Path, firms, ningjin_user, shahe_user, upload_dir
) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    from chainboard.imports.models import ImportBatch

    xianlan = EnterpriseFactory(name="宁晋县华通线缆科技有限公司", region=firms["huatong"].region)
    client = Client()
    client.force_login(ningjin_user)
    path = srdi_recognition_list(tmp_path / "认定名单.xlsx")
    with path.open("rb") as fh:
        response = client.post("/imports/", {"kind": "qualifications", "file": fh})
    assert response.status_code == 302
    first = ImportBatch.objects.latest("pk")
    page = client.get(f"/imports/{first.pk}/").content.decode()
    assert "企业名称匹配" in page and "已确认 2 行，待选择 1 行，未找到 2 行" in page
    assert 'name="row-8"' in page and "宁晋县华通线缆科技有限公司" in page
    assert "沙河华通电缆有限公司" in page  # listed as not found, never offered as a firm
    assert f'value="{firms["shahe"].pk}"' not in page

    # another user cannot choose on this batch
    other = Client()
    other.force_login(shahe_user)
    assert (
        other.post(f"/imports/{first.pk}/names/", {"row-8": firms["huatong"].pk}).status_code == 404
    )
    assert not EnterpriseNameAlias.objects.exists()
    # a firm outside the candidates is refused with a message, nothing remembered
    response = client.post(f"/imports/{first.pk}/names/", {"row-8": firms["shahe"].pk}, follow=True)
    assert "所选企业不在候选企业中" in response.content.decode()
    assert not EnterpriseNameAlias.objects.exists()

    response = client.post(f"/imports/{first.pk}/names/", {"row-8": xianlan.pk})
    second = ImportBatch.objects.latest("pk")
    assert second.status == "previewed", second.errors
    assert response.status_code == 302 and second.pk != first.pk
    assert EnterpriseNameAlias.objects.get().enterprise == xianlan
    response = client.post(f"/imports/{second.pk}/commit/")
    done = ImportBatch.objects.latest("pk")
    assert done.status == "committed" and done.created_count == 3
    page = client.get(f"/imports/{done.pk}/").content.decode()
    assert "2 行企业名称未确认，未导入" in page
    assert Qualification.objects.filter(enterprise=firms["huatong"]).count() == 1
    assert Qualification.objects.filter(enterprise=xianlan).count() == 1


@pytest.mark.parametrize(
    ("kind", "first_titles"),
    [
        ("qualifications", ["统一社会信用代码", "企业名称", "所在地", "资质类型", "级别", "批次"]),
        ("chain_firms", ["统一社会信用代码", "企业名称", "所在地", "产业链", "环节", "备注"]),
    ],
)
def test_templates_download_with_chinese_titles(client, ningjin_user, kind, first_titles) -> None:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    client.force_login(ningjin_user)
    response = client.get(f"/imports/templates/{kind}.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    titles = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert titles[: len(first_titles)] == first_titles


def test_the_api_returns_the_name_matches(tmp_path: Path, firms, ningjin_user, upload_dir) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(ningjin_user)
    path = srdi_recognition_list(tmp_path / "认定名单.xlsx")
    with path.open("rb") as fh:
        response = client.post("/api/imports/qualifications?dry_run=true", {"file": fh})
    assert response.status_code == 200, response.content
    body = response.json()
    by_row = {m["row"]: m for m in body["name_matches"]}
    assert by_row[4]["status"] == "confirmed" and by_row[4]["firm"] == firms["huatong"].pk
    assert by_row[8]["status"] == "ambiguous" and by_row[8]["candidates"][0]["how"] == "fuzzy"
    assert by_row[6]["status"] == "not_found"

"""企业填报 pages: scope (a firm never sees another firm's entry, a county another county's),
the form's messages and conflicts, the progress page, the sheet download."""

from __future__ import annotations

import io

import openpyxl
import pytest

from chainboard.reporting.models import EntryStatus, ReportEntry
from tests.reporting.conftest import GOOD, World

pytestmark = pytest.mark.django_db


def entry_of(task, firm) -> ReportEntry:  # type: ignore[no-untyped-def]
    return ReportEntry.objects.get(task=task, enterprise=firm)


def test_firm_user_sees_only_its_own_entry(world: World) -> None:
    task = world.task()
    own, other = entry_of(task, world.firm), entry_of(task, world.firm_shahe)
    c = world.client("firm")
    assert c.get(f"/reporting/entries/{own.pk}/").status_code == 200
    for url in (f"/reporting/entries/{other.pk}/", f"/reporting/entries/{other.pk}/template/"):
        assert c.get(url).status_code == 404
    r = c.post(f"/reporting/entries/{other.pk}/", {"action": "submit", "version": 1, **GOOD})
    assert r.status_code == 404
    other.refresh_from_db()
    assert other.status == EntryStatus.PENDING
    # the task page sends the firm to its own entry; the list shows only it
    assert c.get(f"/reporting/{task.pk}/")["Location"] == f"/reporting/entries/{own.pk}/"
    body = c.get("/reporting/").content.decode()
    assert task.title in body and world.firm_shahe.name not in body
    assert c.get("/reporting/new/").status_code == 403


def test_county_user_sees_only_its_county(world: World) -> None:
    task = world.task()
    c = world.client("county")
    shahe = entry_of(task, world.firm_shahe)
    assert c.get(f"/reporting/entries/{shahe.pk}/").status_code == 404
    r = c.post(f"/reporting/entries/{shahe.pk}/", {"action": "return", "comment": "x"})
    assert r.status_code == 404
    body = c.get(f"/reporting/{task.pk}/").content.decode()
    assert world.firm.name in body and world.firm_shahe.name not in body and "沙河市" not in body
    # a task of another county's office is not even visible
    other = world.task("shahe", title="沙河填报")
    assert c.get(f"/reporting/{other.pk}/").status_code == 404
    assert world.client("firm").get(f"/reporting/{other.pk}/").status_code == 404


def test_form_shows_units_errors_and_keeps_the_typed_values(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    c = world.client("firm")
    page = c.get(f"/reporting/entries/{e.pk}/").content.decode()
    for unit in ("亩", "万元", "人"):
        assert f"<td>{unit}</td>" in page
    r = c.post(
        f"/reporting/entries/{e.pk}/",
        {"action": "save", "version": 1, **GOOD, "land_area_mu": "-3", "revenue_wan_yuan": "abc"},
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "用地面积不能为负数" in body and "营业收入“abc”不是数字" in body
    assert 'value="1520"' in body  # nothing typed is lost


def test_officer_and_firm_editing_at_once_get_a_conflict(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    firm, officer = world.client("firm"), world.client("county")
    assert (
        firm.post(
            f"/reporting/entries/{e.pk}/", {"action": "save", "version": 1, **GOOD}
        ).status_code
        == 302
    )
    stale = {"action": "save", "version": 1, **GOOD, "revenue_wan_yuan": "30000"}
    r = officer.post(f"/reporting/entries/{e.pk}/", stale)
    assert r.status_code == 409
    body = r.content.decode()
    assert "在您编辑期间已被他人修改" in body and "他人已改为：36800" in body
    assert 'value="30000"' in body and 'name="version" value="2"' in body
    e.refresh_from_db()
    assert str(e.revenue_wan_yuan) == "36800.0000"
    # re-sending the form (now on version 2) puts the officer's value on top
    assert officer.post(f"/reporting/entries/{e.pk}/", {**stale, "version": 2}).status_code == 302
    e.refresh_from_db()
    assert str(e.revenue_wan_yuan) == "30000.0000"


def test_progress_page_counts_per_county_and_park(world: World) -> None:
    task = world.task()
    e = entry_of(task, world.firm)
    world.client("firm").post(
        f"/reporting/entries/{e.pk}/", {"action": "submit", "version": 1, **GOOD}
    )
    r = world.client("analyst").get(f"/reporting/{task.pk}/")
    p = r.context["p"]
    assert (p["totals"]["total"], p["totals"]["filled"], p["totals"]["unfilled"]) == (3, 1, 2)
    counties = {row["enterprise__region__name"]: row["filled"] for row in p["by_county"]}
    assert counties == {"宁晋县": 1, "沙河市": 0}
    parks = {row["enterprise__park__name"]: row["total"] for row in p["by_park"]}
    assert parks == {"宁晋填报测试园区": 1, None: 2}
    r = world.client("analyst").get(f"/reporting/{task.pk}/?status=unfilled")
    assert r.context["page"].paginator.count == 2
    assert world.client("analyst").get(f"/reporting/{task.pk}/?status=bogus").status_code == 400
    r = world.client("analyst").post(f"/reporting/{task.pk}/", {"action": "remind"})
    assert r.status_code == 302


def test_new_task_form(world: World) -> None:
    c = world.client("county")
    assert c.get("/reporting/new/").status_code == 200
    r = c.post("/reporting/new/", {"title": "", "year": "2025", "deadline": "2099-01-01"})
    assert r.status_code == 400 and "请填写任务名称" in r.content.decode()
    r = c.post(
        "/reporting/new/",
        {
            "title": "宁晋县2025年度亩均评价数据填报",
            "year": "2025",
            "deadline": "2099-01-01",
            "fields": ["land_area_mu", "revenue_wan_yuan"],
        },
    )
    assert r.status_code == 302
    assert ReportEntry.objects.filter(task__title__startswith="宁晋县").count() == 2


def test_sheet_download_round_trips(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    c = world.client("firm")
    r = c.get(f"/reporting/entries/{e.pk}/template/")
    assert r.status_code == 200 and "filename*=UTF-8''" in r["Content-Disposition"]
    raw = b"".join(r.streaming_content) if r.streaming else r.content
    book = openpyxl.load_workbook(io.BytesIO(raw))
    ws = book.active
    labels = [ws.cell(row=i, column=1).value for i in range(4, 8)]
    assert labels == ["营业收入", "实缴税金", "用地面积", "年平均职工人数"]
    assert ws.cell(row=6, column=4).value == 118  # the registry's 2024 figure as reference
    for i, v in zip(range(4, 8), (36800, 1520, 120.5, 310), strict=True):
        ws.cell(row=i, column=3).value = v
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "填报表.xlsx"
    r = c.post(f"/reporting/entries/{e.pk}/", {"action": "upload", "version": 1, "file": out})
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.status == EntryStatus.DRAFT and e.employees == 310


def test_firm_profile_links_to_open_entries(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    body = world.client("firm").get(f"/firm/{world.firm.uscc}/").content.decode()
    assert f"/reporting/entries/{e.pk}/" in body and "2025年度亩均评价数据填报" in body

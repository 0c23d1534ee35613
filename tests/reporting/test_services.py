"""企业填报 services: opening a task, the form's validation, submit/return/resubmit/accept (the
registry with history), optimistic locking, uploads, reminders."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.locking import EditConflict
from chainboard.enterprises.models import EnterpriseYear
from chainboard.notifications.models import Notification
from chainboard.reporting import services
from chainboard.reporting.figures import warnings
from chainboard.reporting.models import EntryStatus, ReportEntry, StepKind
from tests.reporting.conftest import GOOD, World

pytestmark = pytest.mark.django_db


def entry_of(task, firm) -> ReportEntry:  # type: ignore[no-untyped-def]
    return ReportEntry.objects.get(task=task, enterprise=firm)


# --- opening a task ---------------------------------------------------------------------------


def test_task_goes_to_the_firms_of_the_scope(world: World) -> None:
    city = world.task("analyst")
    assert set(city.entries.values_list("enterprise__name", flat=True)) == {
        world.firm.name,
        world.firm_county.name,
        world.firm_shahe.name,
    }
    county = world.task("county", title="宁晋县2025年度数据填报")
    assert county.entries.count() == 2
    park = world.task("park", title="园区填报")
    assert list(park.entries.values_list("enterprise", flat=True)) == [world.firm.pk]
    assert park.park == world.park
    # every entry starts 未填 with a step, and the firm's users are told
    e = entry_of(city, world.firm)
    assert e.status == EntryStatus.PENDING and e.steps.get().kind == StepKind.OPENED
    assert Notification.objects.filter(user=world.users["firm"], title__contains="新的填报任务")


def test_task_narrowed_by_county_and_scale(world: World) -> None:
    world.firm_county.above_scale = False
    world.firm_county.save()
    world.firm.above_scale = True
    world.firm.save()
    task = world.task(region=world.regions["ningjin"], above_scale_only=True)
    assert list(task.entries.values_list("enterprise", flat=True)) == [world.firm.pk]
    assert "宁晋县" in task.scope_note and "规上企业" in task.scope_note


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": "  "}, "请填写任务名称"),
        ({"year": "二〇二五"}, "填报年度应为"),
        ({"year": 1990}, "填报年度应为"),
        ({"fields": []}, "请至少选择一项填报指标"),
        ({"fields": ["profit"]}, "未知的填报指标"),
        ({"deadline": "2025-13-01"}, "不是日期"),
        ({"deadline": dt.date(2020, 1, 1)}, "早于今天"),
        ({"industry": "9999"}, "没有在营企业"),
        ({"tiers": ["unicorn"]}, "未知的资质类型"),
    ],
)
def test_task_bad_input_is_refused(world: World, change, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match=message):
        world.task(**change)
    assert not ReportEntry.objects.exists()


def test_task_outside_the_scope_is_refused(world: World) -> None:
    with pytest.raises(OutOfScope):
        world.task("firm")
    with pytest.raises(DomainError, match="不在您的管辖范围"):
        world.task("county", region=world.regions["shahe"])


# --- the form --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"land_area_mu": "-5"}, "用地面积不能为负数"),
        ({"revenue_wan_yuan": "三万"}, "营业收入“三万”不是数字"),
        ({"employees": "310.5"}, "年平均职工人数应为整数"),
        ({"tax_paid_wan_yuan": "1e20"}, "数值过大"),
    ],
)
def test_bad_values_are_refused_with_chinese_messages(world: World, values, message) -> None:  # type: ignore[no-untyped-def]
    e = entry_of(world.task(), world.firm)
    with pytest.raises(DomainError, match=message) as caught:
        services.entry_save(
            actor=world.users["firm"], entry=e, values=values, expected_version=e.version
        )
    assert set(caught.value.fields) == set(values)
    e.refresh_from_db()
    assert e.status == EntryStatus.PENDING and e.version == 1


def test_draft_then_submit_needs_every_figure(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    e = services.entry_save(
        actor=world.users["firm"],
        entry=e,
        values={"land_area_mu": "１２０.５"},  # full-width digits read like the import
        expected_version=e.version,
    )
    assert e.status == EntryStatus.DRAFT and e.land_area_mu == Decimal("120.5")
    with pytest.raises(DomainError, match="尚缺：营业收入、实缴税金、年平均职工人数"):
        services.entry_save(
            actor=world.users["firm"], entry=e, values={}, expected_version=e.version, submit=True
        )
    e = services.entry_save(
        actor=world.users["firm"], entry=e, values=GOOD, expected_version=e.version, submit=True
    )
    assert e.status == EntryStatus.SUBMITTED and e.revenue_wan_yuan == Decimal("36800")
    with pytest.raises(DomainError, match="已提交，正在审核"):
        services.entry_save(
            actor=world.users["firm"], entry=e, values=GOOD, expected_version=e.version
        )


def test_return_resubmit_accept_writes_the_registry_with_history(world: World) -> None:
    task = world.task()
    e = entry_of(task, world.firm)
    firm, officer = world.users["firm"], world.users["county"]
    bad = {**GOOD, "revenue_wan_yuan": "368000000"}  # 元 typed for 万元
    e = services.entry_save(
        actor=firm, entry=e, values=bad, expected_version=e.version, submit=True
    )
    assert any(
        "超过常见上限" in w for w in warnings(task.fields, {"revenue_wan_yuan": e.revenue_wan_yuan})
    )
    with pytest.raises(DomainError, match="请填写退回意见"):
        services.entry_return(actor=officer, entry=e, comment=" ")
    with pytest.raises(OutOfScope):
        services.entry_return(actor=world.users["shahe"], entry=e, comment="越权")
    with pytest.raises(OutOfScope):
        services.entry_accept(actor=firm, entry=e)
    e = services.entry_return(actor=officer, entry=e, comment="营业收入单位应为万元，请更正")
    assert e.status == EntryStatus.RETURNED and "万元" in e.comment
    assert Notification.objects.filter(user=firm, title__contains="填报被退回").exists()
    with pytest.raises(DomainError, match="只有待审核的填报可以接收"):
        services.entry_accept(actor=officer, entry=e)
    e = services.entry_save(
        actor=firm, entry=e, values=GOOD, expected_version=e.version, submit=True
    )
    assert e.status == EntryStatus.SUBMITTED and e.comment == ""
    e = services.entry_accept(actor=officer, entry=e)
    assert e.status == EntryStatus.ACCEPTED
    year = EnterpriseYear.objects.get(enterprise=world.firm, year=2025)
    assert year.revenue_wan_yuan == Decimal("36800") and year.employees == 310
    record = year.history.latest()
    assert record.history_user == officer
    assert record.history_change_reason == "企业填报接收：2025年度亩均评价数据填报"
    kinds = list(e.steps.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["opened", "submitted", "returned", "submitted", "accepted"]
    assert all(s.actor for s in e.steps.all())
    with pytest.raises(DomainError, match="已接收"):
        services.entry_save(actor=officer, entry=e, values=GOOD, expected_version=e.version)


def test_accept_keeps_registry_figures_the_task_did_not_ask_for(world: World) -> None:
    EnterpriseYear.objects.create(enterprise=world.firm, year=2025, energy_tce=Decimal("880"))
    e = entry_of(world.task(), world.firm)
    e = services.entry_save(
        actor=world.users["firm"], entry=e, values=GOOD, expected_version=1, submit=True
    )
    services.entry_accept(actor=world.users["analyst"], entry=e)
    year = EnterpriseYear.objects.get(enterprise=world.firm, year=2025)
    assert year.energy_tce == Decimal("880") and year.land_area_mu == Decimal("120.5")


def test_accept_records_the_firm_source_below_the_departments(world: World) -> None:
    from chainboard.enterprises.models import FigureValues
    from chainboard.enterprises.services import figure_values_record

    figure_values_record(
        actor=world.users["analyst"],
        enterprise=world.firm,
        year=2025,
        values={"tax_paid_wan_yuan": Decimal("1600")},
        source="tax",
    )
    e = entry_of(world.task(), world.firm)
    e = services.entry_save(
        actor=world.users["firm"], entry=e, values=GOOD, expected_version=1, submit=True
    )
    e = services.entry_accept(actor=world.users["county"], entry=e)
    firm_row = FigureValues.objects.get(enterprise=world.firm, year=2025, source="firm")
    assert firm_row.tax_paid_wan_yuan == Decimal("1520") and firm_row.employees == 310
    year = EnterpriseYear.objects.get(enterprise=world.firm, year=2025)
    assert year.tax_paid_wan_yuan == Decimal("1600")  # 税务 ranks above the firm
    assert year.land_area_mu == Decimal("120.5")  # nobody else reported the area
    note = e.steps.get(kind=StepKind.ACCEPTED).note
    assert "实缴税金按来源优先级仍取其他部门的数据" in note


def test_two_editors_at_once_conflict_not_overwrite(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    read = e.version  # the firm user and the officer open the form
    services.entry_save(
        actor=world.users["firm"],
        entry=e,
        values={"revenue_wan_yuan": "36800"},
        expected_version=read,
    )
    # the officer changes another figure: merged
    services.entry_save(
        actor=world.users["county"],
        entry=e,
        values={"land_area_mu": "120"},
        expected_version=read,
    )
    # the officer changes the same figure to another value: conflict, nothing written
    with pytest.raises(EditConflict, match="在您编辑期间已被他人修改：营业收入") as caught:
        services.entry_save(
            actor=world.users["county"],
            entry=e,
            values={"revenue_wan_yuan": "30000"},
            expected_version=read,
        )
    e.refresh_from_db()
    assert e.revenue_wan_yuan == Decimal("36800") and e.land_area_mu == Decimal("120")
    # submitting again with the version of the conflict puts the officer's value on top
    services.entry_save(
        actor=world.users["county"],
        entry=e,
        values={"revenue_wan_yuan": "30000"},
        expected_version=caught.value.version,
    )
    e.refresh_from_db()
    assert e.revenue_wan_yuan == Decimal("30000")


def test_a_form_without_version_is_refused(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    with pytest.raises(DomainError, match="缺少 version"):
        services.entry_save(actor=world.users["firm"], entry=e, values=GOOD, expected_version=-1)


def test_another_firm_cannot_fill(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    with pytest.raises(OutOfScope):
        services.entry_save(
            actor=world.users["firm_shahe"], entry=e, values=GOOD, expected_version=1
        )
    with pytest.raises(OutOfScope):
        services.entry_save(actor=world.users["shahe"], entry=e, values=GOOD, expected_version=1)


# --- the one-firm sheet ----------------------------------------------------------------------


def sheet(rows: list[list[object]]) -> io.BytesIO:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["2025年度亩均评价数据填报"])
    ws.append([])
    ws.append(["指标", "单位", "填报值"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_upload_reads_the_sheet_as_a_draft(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    data = sheet(
        [["用地面积", "亩", 120.5], ["营业收入", "万元", "36,800"], ["税收", "万元", 1520]]
    )
    e = services.entry_upload(
        actor=world.users["firm"],
        entry=e,
        filename="填报表.xlsx",
        content=data,
        size=len(data.getvalue()),
        expected_version=1,
    )
    assert e.status == EntryStatus.DRAFT
    assert (e.land_area_mu, e.revenue_wan_yuan, e.tax_paid_wan_yuan) == (
        Decimal("120.5"),
        Decimal("36800"),
        Decimal("1520"),
    )
    assert e.steps.filter(kind=StepKind.UPLOADED).exists()


def test_upload_errors_name_the_row(world: World) -> None:
    e = entry_of(world.task(), world.firm)
    data = sheet([["用地面积", "亩", -3], ["营业收入", "万元", "abc"]])
    with pytest.raises(DomainError) as caught:
        services.entry_upload(
            actor=world.users["firm"],
            entry=e,
            filename="填报表.xlsx",
            content=data,
            size=len(data.getvalue()),
            expected_version=1,
        )
    assert "填报表.xlsx 第4行 用地面积不能为负数" in caught.value.message
    assert "第5行 营业收入“abc”不是数字" in caught.value.message
    other = sheet([["利润", "万元", 5]])
    with pytest.raises(DomainError, match="没有找到本任务的指标行"):
        services.entry_upload(
            actor=world.users["firm"],
            entry=e,
            filename="x.xlsx",
            content=other,
            size=len(other.getvalue()),
            expected_version=1,
        )
    with pytest.raises(DomainError, match="不支持的文件类型"):
        services.entry_upload(
            actor=world.users["firm"],
            entry=e,
            filename="x.txt",
            content=io.BytesIO(b"x"),
            size=1,
            expected_version=1,
        )
    e.refresh_from_db()
    assert e.status == EntryStatus.PENDING and e.land_area_mu is None


# --- reminders -------------------------------------------------------------------------------


def test_remind_notifies_only_unsubmitted_firms_in_scope(world: World) -> None:
    task = world.task()
    e = entry_of(task, world.firm)
    services.entry_save(
        actor=world.users["firm"], entry=e, values=GOOD, expected_version=1, submit=True
    )
    Notification.objects.all().delete()
    done = services.task_remind(actor=world.users["county"], task=task)
    assert (done.entries, done.users) == (1, 1)  # 宁晋: the firm outside the park only
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["qiye_nj"]
    with pytest.raises(OutOfScope):
        services.task_remind(actor=world.users["firm"], task=task)


def test_sweep_reminds_three_days_before_the_deadline_once(world: World) -> None:
    today = timezone.localdate()
    soon = world.task(deadline=today + dt.timedelta(days=3))
    later = world.task(title="later", deadline=today + dt.timedelta(days=4))
    Notification.objects.all().delete()
    assert services.reports_sweep() == 3
    assert services.reports_sweep() == 0
    soon.refresh_from_db()
    later.refresh_from_db()
    assert soon.auto_reminded_on == today and later.auto_reminded_on is None
    assert Notification.objects.filter(kind="reminder").count() == 3


def test_warnings(world: World) -> None:
    fields = ["land_area_mu", "revenue_wan_yuan", "tax_paid_wan_yuan"]
    assert warnings(fields, {"land_area_mu": Decimal("80000")})[0].startswith(
        "用地面积 80,000亩 超过"
    )
    assert (
        "实缴税金大于营业收入"
        in warnings(fields, {"revenue_wan_yuan": Decimal(10), "tax_paid_wan_yuan": Decimal(20)})[0]
    )
    assert (
        "相差五倍以上"
        in warnings(
            fields, {"revenue_wan_yuan": Decimal(1000)}, {"revenue_wan_yuan": Decimal(9000)}
        )[0]
    )

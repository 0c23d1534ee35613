"""The 差别化政策 table: administrators edit it through the service (history), analysts read it,
and each firm's card and the xlsx export show the policy's effect in 万元."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from tests.evaluation.conftest import login

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.evaluation import services
from chainboard.evaluation.models import ClassPolicy, EvaluationResult

pytestmark = pytest.mark.django_db
START = dt.date(2026, 7, 1)


def set_policy(actor, klass, **values):
    base = {"valid_from": START, "source": "测试文件（2026-06-30）"}
    return services.class_policy_set(
        actor=actor, method_id="zhejiang", year=2025, klass=klass, values={**base, **values}
    )


def test_admin_sets_a_row_with_history_others_are_refused(admin_user, city_analyst):
    row = set_policy(admin_user, "D", electricity_surcharge_yuan_per_kwh=Decimal("0.1"))
    again = services.class_policy_set(
        actor=admin_user,
        method_id="zhejiang",
        year=2025,
        klass="D",
        values={"electricity_surcharge_yuan_per_kwh": Decimal("0.12")},
        expected_version=row.version,
    )
    assert again.pk == row.pk and again.electricity_surcharge_yuan_per_kwh == Decimal("0.12")
    assert [h.electricity_surcharge_yuan_per_kwh for h in again.history.order_by("history_id")] == [
        Decimal("0.1"),
        Decimal("0.12"),
    ]
    assert again.history.first().history_user == admin_user
    with pytest.raises(OutOfScope, match="只有管理员"):
        set_policy(city_analyst, "C", electricity_surcharge_yuan_per_kwh=Decimal("0.05"))


def test_bad_rows_are_refused(admin_user):
    with pytest.raises(ValidationError):  # no source: a row must say where its numbers are from
        set_policy(admin_user, "C", source="")
    with pytest.raises(ValidationError):  # ends before it starts
        set_policy(admin_user, "C", valid_to=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError):  # relief over 100 %
        set_policy(admin_user, "A", land_tax_relief_pct=Decimal("120"))
    with pytest.raises(ValidationError):  # negative surcharge
        set_policy(admin_user, "D", electricity_surcharge_yuan_per_kwh=Decimal("-0.1"))
    with pytest.raises(DomainError, match="未知的政策字段"):
        set_policy(admin_user, "D", electricity="加价")
    assert not ClassPolicy.objects.filter(year=2025).exists()


def test_card_shows_the_effect_in_wan_yuan(published, small_city, admin_user, city_analyst):
    for klass in "ABCD":
        set_policy(
            admin_user,
            klass,
            electricity_surcharge_yuan_per_kwh={"C": Decimal("0.05"), "D": Decimal("0.1")}.get(
                klass
            ),
            credit="restrict" if klass == "D" else "normal",
        )
    d = EvaluationResult.objects.filter(run=published, klass="D").first()
    assert d is not None
    page = login(city_analyst).get(
        reverse("evaluation:card", args=[published.pk, d.enterprise.uscc])
    )
    text = page.content.decode()
    # small_city: every firm uses 400 万千瓦时 → 0.1 × 400 = 40 万元
    assert "0.1 元/千瓦时 × 用电量 400.00 万千瓦时" in text
    assert 'id="card-policy-net"><b>40.00</b>' in text
    assert "压缩退出" in text and "测试文件（2026-06-30）" in text
    a = EvaluationResult.objects.filter(run=published, klass="A").first()
    text_a = (
        login(city_analyst)
        .get(reverse("evaluation:card", args=[published.pk, a.enterprise.uscc]))
        .content.decode()
    )
    assert "电价加价" not in text_a.split('id="card-policy"')[1].split("</table>")[1]


def test_card_without_a_policy_says_so(published, small_city, city_analyst):
    r = EvaluationResult.objects.filter(run=published).first()
    text = (
        login(city_analyst)
        .get(reverse("evaluation:card", args=[published.pk, r.enterprise.uscc]))
        .content.decode()
    )
    assert f"差别化政策表中没有2025年度{r.klass}类的政策" in text


def test_export_has_the_effect_columns(published, small_city, admin_user, city_analyst):
    set_policy(admin_user, "D", electricity_surcharge_yuan_per_kwh=Decimal("0.1"))
    response = login(city_analyst).get(reverse("evaluation:export", args=[published.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    head = list(rows[0])
    net, how = head.index("差别化政策影响(万元/年)"), head.index("政策影响计算")
    klass = head.index("等级")
    d_rows = [r for r in rows[1:] if r[klass] == "D"]
    assert d_rows and all(r[net] == "40.00" or r[net] == 40 for r in d_rows)
    assert "= 40.00 万元" in d_rows[0][how]
    assert all(r[net] in (None, "") for r in rows[1:] if r[klass] != "D")


def test_policy_page_for_analysts_not_firms(admin_user, city_analyst, firm_user):
    set_policy(admin_user, "D", electricity_surcharge_yuan_per_kwh=Decimal("0.1"))
    page = login(city_analyst).get(reverse("evaluation:policies"))
    text = page.content.decode()
    assert page.status_code == 200 and "测试文件（2026-06-30）" in text and "0.1000" in text
    assert "在管理后台修改" not in text
    assert (
        "在管理后台修改" in login(admin_user).get(reverse("evaluation:policies")).content.decode()
    )
    assert login(firm_user).get(reverse("evaluation:policies")).status_code == 403
    # an unknown method filter is ignored, not an error
    assert (
        login(city_analyst).get(reverse("evaluation:policies"), {"method": "x"}).status_code == 200
    )
    assert login(admin_user).get("/admin/evaluation/classpolicy/").status_code == 200


def test_shipped_62_rows_are_dated_and_sourced():
    ClassPolicy.objects.all().delete()
    mig = importlib.import_module("chainboard.evaluation.migrations.0004_class_policy_62")
    mig.add(apps, None)
    rows = {p.klass: p for p in ClassPolicy.objects.filter(method_id="zhejiang", year=2020)}
    assert {k: float(p.land_tax_relief_pct) for k, p in rows.items()} == {
        "A": 100,
        "B": 80,
        "C": 0,
        "D": 0,
    }
    assert all(p.valid_to == dt.date(2021, 12, 31) and "62号" in p.source for p in rows.values())
    assert not rows["A"].in_force_on(dt.date(2022, 1, 1))

"""Several sources for one figure: recording, precedence, conflicts, decisions (services)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, UserFactory

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.enterprises import services
from chainboard.enterprises.figure_sources import default_rules, field_rules, source_fields
from chainboard.enterprises.models import EnterpriseYear, FigureDecision, FigureValues

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(ningjin: Any) -> Any:
    return EnterpriseFactory(region=ningjin, name="宁晋电缆有限公司")


def record(actor: Any, firm: Any, source: str, **values: Any) -> EnterpriseYear:
    return services.figure_values_record(
        actor=actor, enterprise=firm, year=2025, values=values, source=source
    )


def test_defaults_list_every_source_once_per_field() -> None:
    for name, rule in default_rules().items():
        assert sorted(rule.precedence) == sorted(["tax", "power", "statistics", "firm", "manual"])
        assert rule.tolerance == D("0.05"), name
    assert default_rules()["tax_paid_wan_yuan"].precedence[:2] == ("tax", "statistics")
    assert default_rules()["electricity_10k_kwh"].precedence[0] == "power"
    assert source_fields("power") == {"electricity_10k_kwh"}
    assert "land_area_mu" not in source_fields("tax")


def test_tax_then_statistics_follows_precedence_and_keeps_history(
    firm: Any, ningjin_user: Any
) -> None:
    year = record(ningjin_user, firm, "tax", tax_paid_wan_yuan="120")
    assert year.tax_paid_wan_yuan == D(120)
    # the statistics bureau reports a different 税收: 税务 stays first
    year = record(ningjin_user, firm, "statistics", tax_paid_wan_yuan=100, revenue_wan_yuan=5000)
    year.refresh_from_db()
    assert year.tax_paid_wan_yuan == D(120) and year.revenue_wan_yuan == D(5000)
    assert FigureValues.objects.filter(enterprise=firm).count() == 2
    # re-recording the same values changes nothing (no new history rows)
    before = (FigureValues.history.count(), EnterpriseYear.history.count())
    record(ningjin_user, firm, "statistics", tax_paid_wan_yuan=100, revenue_wan_yuan=5000)
    assert (FigureValues.history.count(), EnterpriseYear.history.count()) == before
    # the tax bureau corrects its value: the resolved value follows, with history
    record(ningjin_user, firm, "tax", tax_paid_wan_yuan="130.5")
    year.refresh_from_db()
    assert year.tax_paid_wan_yuan == D("130.5")
    last = year.history.first()
    assert last.history_user == ningjin_user and "税务" in last.history_change_reason
    tax_row = FigureValues.objects.get(enterprise=firm, source="tax")
    assert [h.tax_paid_wan_yuan for h in tax_row.history.all()] == [D("130.5"), D(120)]


def test_a_lower_source_fills_what_the_higher_did_not_report(firm: Any) -> None:
    record(None, firm, "firm", tax_paid_wan_yuan=90, electricity_10k_kwh=300)
    year = record(None, firm, "power", electricity_10k_kwh=320)
    assert year.tax_paid_wan_yuan == D(90) and year.electricity_10k_kwh == D(320)


def test_untouched_fields_keep_their_registry_value(firm: Any) -> None:
    EnterpriseYearFactory(enterprise=firm, year=2025, land_area_mu=D(50), tax_paid_wan_yuan=D(1))
    year = record(None, firm, "tax", tax_paid_wan_yuan=2)
    assert year.land_area_mu == D(50) and year.tax_paid_wan_yuan == D(2)


@pytest.mark.parametrize(
    ("source", "values", "message"),
    [
        ("customs", {"tax_paid_wan_yuan": 1}, "未知的数据来源"),
        ("power", {"tax_paid_wan_yuan": 1}, "不是供电数据的指标"),
        ("tax", {"land_area_mu": 1}, "不是税务数据的指标"),
        ("tax", {"tax_paid_wan_yuan": -1}, "不能为负数"),
        ("tax", {"tax_paid_wan_yuan": "abc"}, "不是数字"),
        ("statistics", {"employees": "1.5"}, "应为整数"),
        ("manual", {"no_such_field": 1}, "未知的指标"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    firm: Any, source: str, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        record(None, firm, source, **values)
    assert not FigureValues.objects.exists() and not EnterpriseYear.objects.exists()


def test_a_department_user_records_only_its_own_source(firm: Any, ningjin: Any) -> None:
    tax_user = UserFactory(role="region_staff", scope_region=ningjin, data_source="tax")
    record(tax_user, firm, "tax", tax_paid_wan_yuan=1)
    with pytest.raises(OutOfScope, match="税务部门只能导入税务数据"):
        record(tax_user, firm, "statistics", revenue_wan_yuan=1)
    owner = UserFactory(role="enterprise", scope_enterprise=firm)
    record(owner, firm, "firm", revenue_wan_yuan=3)
    with pytest.raises(OutOfScope):
        record(owner, firm, "tax", tax_paid_wan_yuan=3)
    assert set(FigureValues.objects.values_list("source", flat=True)) == {"tax", "firm"}


def test_out_of_scope_firm_is_refused(firm: Any, shahe_user: Any) -> None:
    with pytest.raises(OutOfScope):
        record(shahe_user, firm, "manual", revenue_wan_yuan=1)
    assert not FigureValues.objects.exists()


def test_decision_picks_a_value_until_its_source_changes(firm: Any, city_analyst: Any) -> None:
    record(None, firm, "tax", tax_paid_wan_yuan=120)
    record(None, firm, "statistics", tax_paid_wan_yuan=100)
    services.figure_decide(
        actor=city_analyst,
        enterprise=firm,
        year=2025,
        field="tax_paid_wan_yuan",
        source="statistics",
        reason="税务数据含跨年补缴，按统计口径",
    )
    year = EnterpriseYear.objects.get(enterprise=firm)
    assert year.tax_paid_wan_yuan == D(100)
    assert FigureDecision.objects.get().history.first().history_user == city_analyst
    # the statistics bureau changes its figure: the decision lapses, 税务 is used again
    record(None, firm, "statistics", tax_paid_wan_yuan=101)
    year.refresh_from_db()
    assert year.tax_paid_wan_yuan == D(120)


def test_decision_bad_input_and_scope(firm: Any, city_analyst: Any, ningjin_user: Any) -> None:
    record(None, firm, "tax", tax_paid_wan_yuan=120)
    args = {"enterprise": firm, "year": 2025, "field": "tax_paid_wan_yuan"}
    with pytest.raises(DomainError, match="核定理由"):
        services.figure_decide(actor=city_analyst, source="tax", reason=" ", **args)
    with pytest.raises(DomainError, match="没有报送"):
        services.figure_decide(actor=city_analyst, source="statistics", reason="x", **args)
    with pytest.raises(OutOfScope):
        services.figure_decide(actor=ningjin_user, source="tax", reason="x", **args)
    assert not FigureDecision.objects.exists()


def test_precedence_change_re_resolves(firm: Any, admin_user: Any, city_analyst: Any) -> None:
    record(None, firm, "tax", tax_paid_wan_yuan=120)
    record(None, firm, "statistics", tax_paid_wan_yuan=100)
    order = ["statistics", "tax", "manual", "firm", "power"]
    services.figure_precedence_set(
        actor=admin_user, field="tax_paid_wan_yuan", order=order, tolerance="0.1"
    )
    assert field_rules()["tax_paid_wan_yuan"].precedence == tuple(order)
    assert EnterpriseYear.objects.get().tax_paid_wan_yuan == D(100)
    with pytest.raises(DomainError, match="每个数据来源各排一次"):
        services.figure_precedence_set(
            actor=admin_user, field="tax_paid_wan_yuan", order=order[:3], tolerance="0.1"
        )
    with pytest.raises(DomainError, match="冲突容差"):
        services.figure_precedence_set(
            actor=admin_user, field="tax_paid_wan_yuan", order=order, tolerance="-1"
        )
    with pytest.raises(OutOfScope):  # a city analyst with a region scope: not instance-wide
        services.figure_precedence_set(
            actor=city_analyst, field="tax_paid_wan_yuan", order=order, tolerance="0.1"
        )


def test_demo_step_adds_sources_without_changing_the_registry(ningjin: Any) -> None:
    import io

    from chainboard.enterprises.demo_sources import demo_step
    from chainboard.enterprises.selectors import figure_conflicts

    for i in range(6):
        firm = EnterpriseFactory(region=ningjin, name=f"示例{i}有限公司")
        EnterpriseYearFactory(
            enterprise=firm, year=2025, tax_paid_wan_yuan=D(100 + i), electricity_10k_kwh=D(50)
        )
    before = list(EnterpriseYear.objects.values_list("tax_paid_wan_yuan", "electricity_10k_kwh"))
    out = io.StringIO()
    demo_step(stdout=out)
    demo_step(stdout=out)  # idempotent
    after = list(EnterpriseYear.objects.values_list("tax_paid_wan_yuan", "electricity_10k_kwh"))
    assert after == before
    assert FigureValues.objects.count() == 12
    admin = UserFactory(role="admin", is_superuser=True)
    assert {c.enterprise.name for c in figure_conflicts(admin)} == {
        "示例0有限公司",
        "示例5有限公司",
    }

"""Loading the sample city into the database: users, history, reset rules, the command."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from chainboard.accounts.models import Role, User
from chainboard.core.models import site_setting_get
from chainboard.demo.generator import demo_generate
from chainboard.demo.loader import DEMO_PASSWORD, DEMO_REASON, DemoError, demo_load, demo_reset
from chainboard.enterprises.models import Enterprise, EnterpriseYear, Qualification
from chainboard.enterprises.uscc import uscc_check_char
from chainboard.geo.models import Park
from chainboard.industries.models import IndustryCode

pytestmark = pytest.mark.django_db

SMALL = 400


@pytest.fixture
def loaded():
    return demo_load(n_firms=SMALL, seed=11)


def test_load_writes_the_generated_city(loaded):
    city = demo_generate(n_firms=SMALL, seed=11)
    assert Enterprise.objects.count() == SMALL == loaded.firms
    assert EnterpriseYear.objects.count() == sum(len(f.years) for f in city.firms)
    assert Qualification.objects.count() == len(city.qualifications) == loaded.qualifications
    assert Park.objects.count() == len(city.parks)
    assert Enterprise.objects.filter(above_scale=True).count() == loaded.above_scale
    firm = city.firms[-1]
    stored = Enterprise.objects.get(uscc=firm.uscc)
    assert (stored.name, stored.region_id, stored.industry_id) == (
        firm.name,
        firm.region_code,
        firm.industry_code,
    )
    assert stored.park is None or stored.park.name == firm.park_name
    row = stored.years.get(year=firm.years[-1].year)
    assert row.revenue_wan_yuan == firm.years[-1].revenue_wan_yuan
    assert site_setting_get("demo_data") == "1"


def test_loaded_rows_pass_model_validation(loaded):
    for enterprise in Enterprise.objects.select_related("park", "industry")[:60]:
        enterprise.full_clean()
    for row in EnterpriseYear.objects.all()[:60]:
        row.full_clean()
    for qualification in Qualification.objects.all()[:60]:
        qualification.full_clean()
    # a later grant of a title the firm held (高企 2022 → 2025) is a 复审/重新认定
    renewals = Qualification.objects.filter(grant_kind="renewal")
    assert renewals.exists()
    for r in renewals:
        r.full_clean()
        first = Qualification.objects.get(
            enterprise=r.enterprise, kind=r.kind, granted_on=r.first_granted_on
        )
        assert first.grant_kind == "new" and first.granted_on < r.granted_on


def test_industry_codes_exist_at_class_level(loaded):
    used = set(Enterprise.objects.values_list("industry_id", flat=True))
    assert IndustryCode.objects.filter(code__in=used, level=4).count() == len(used)


def test_users_have_the_right_roles_and_scopes(loaded):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.role == Role.ADMIN
    assert admin.scope_region_id is None
    county = User.objects.get(username="ningjin")
    assert county.role == Role.REGION_STAFF and county.scope_region_id == "130528"
    analyst = User.objects.get(username="analyst")
    assert analyst.role == Role.ANALYST and analyst.scope_region_id == "130500"
    firm_user = User.objects.get(username="qiye")
    assert firm_user.role == Role.ENTERPRISE
    assert firm_user.scope_enterprise.region_id == "130528"
    assert firm_user.scope_enterprise.industry_id.startswith("383")
    for user in (admin, county, analyst, firm_user):
        user.full_clean()
        assert user.check_password(DEMO_PASSWORD)
    assert {login.username for login in loaded.logins} == {"admin", "analyst", "ningjin", "qiye"}


def test_history_rows_record_the_demo_load(loaded):
    admin = User.objects.get(username="admin")
    for model in (Park, Enterprise, EnterpriseYear, Qualification):
        history = model.history.all()
        assert history.count() == model.objects.count()
        assert set(history.values_list("history_change_reason", flat=True)) == {DEMO_REASON}
        assert set(history.values_list("history_user_id", flat=True)) == {admin.pk}
        assert set(history.values_list("history_type", flat=True)) == {"+"}


def test_second_load_without_reset_is_refused(loaded):
    with pytest.raises(DemoError, match="--reset"):
        demo_load(n_firms=50, seed=1)
    assert Enterprise.objects.count() == SMALL


def test_reset_replaces_the_demo(loaded):
    summary = demo_load(n_firms=120, seed=3, reset=True)
    assert Enterprise.objects.count() == 120 == summary.firms
    assert Enterprise.history.count() == 120
    assert User.objects.filter(username__in=["admin", "analyst", "ningjin", "qiye"]).count() == 4
    assert Park.objects.count() == Park.history.count()
    assert site_setting_get("demo_seed") == "3:120"


def test_reset_keeps_what_the_demo_did_not_create(loaded):
    other = User.objects.create_user("zhang", password="x", role=Role.ANALYST)
    demo_reset()
    assert Enterprise.objects.count() == 0
    assert Park.objects.count() == 0
    assert EnterpriseYear.history.count() == 0
    assert list(User.objects.values_list("username", flat=True)) == [other.username]
    assert site_setting_get("demo_data") == ""


def test_reset_refuses_when_real_firms_remain(loaded):
    first17 = "91130528MA07L8XY1"
    Enterprise.objects.create(
        uscc=first17 + uscc_check_char(first17),
        name="真实企业有限公司",
        region_id="130528",
        industry_id="3831",
    )
    with pytest.raises(DemoError, match="已有 1 家企业"):
        demo_load(n_firms=50, seed=1, reset=True)
    assert Enterprise.objects.count() == SMALL + 1  # the failed reset rolled back


def test_existing_accounts_are_left_untouched():
    User.objects.create_user("admin", password="secret", role=Role.ADMIN)
    summary = demo_load(n_firms=60, seed=5)
    admin = User.objects.get(username="admin")
    assert admin.check_password("secret")
    assert next(login for login in summary.logins if login.username == "admin").password == ""
    demo_reset()
    assert User.objects.filter(username="admin").exists()
    assert not User.objects.filter(username="ningjin").exists()


def test_command_prints_summary_and_logins():
    out = io.StringIO()
    call_command("demo", "--firms", "80", "--seed", "9", stdout=out)
    text = out.getvalue()
    assert "示例数据" in text and "宁晋县" in text
    assert "ningjin" in text and DEMO_PASSWORD in text
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--firms", "80", stdout=io.StringIO())
    call_command("demo", "--firms", "40", "--reset", stdout=io.StringIO())
    assert Enterprise.objects.count() == 40


def test_full_city_loads():
    # Its speed is a benchmark's business (benchmarks/), not a wall-clock assert here.
    summary = demo_load()
    assert summary.firms == Enterprise.objects.count() == 3000
    assert EnterpriseYear.objects.count() > 8000
    assert (
        Enterprise.objects.filter(region_id="130528", industry__code__startswith="383").count()
        >= 100
    )


def test_reset_refuses_to_orphan_a_real_firm_in_a_demo_park(loaded):
    park = Park.objects.get(name="宁晋电线电缆产业园")
    first17 = "91130528MA07L8XY2"
    Enterprise.objects.create(
        uscc=first17 + uscc_check_char(first17), name="园区内真实企业有限公司",
        region_id="130528", park=park, industry_id="3831",
    )  # fmt: skip
    with pytest.raises(DemoError, match="园区"):
        demo_reset()
    assert Park.objects.filter(pk=park.pk).exists()

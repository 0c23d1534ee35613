"""The role × capability table: every ``can_*`` in ``accounts/scope.py`` for every role.

Adding a capability without its rows here fails ``test_table_lists_every_capability``; each row
states the answer for all seven users, on objects in 宁晋县 (130528, with a park and a firm in the
park) and in 沙河市 (130582), both in 邢台市 (130500). The same table is in docs/access.md.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from tests.factories import EnterpriseFactory, ParkFactory, ProjectFactory, UserFactory

from chainboard.accounts import scope
from chainboard.accounts.context_processors import USER_CAPABILITIES, Capabilities, capabilities

pytestmark = pytest.mark.django_db

ROLES = ("admin", "analyst", "city_staff", "county_staff", "park_staff", "enterprise", "anonymous")


@dataclass
class World:
    users: dict[str, Any]
    regions: dict[str, Any]
    park: Any
    firm: Any  # in 宁晋, in the park
    firm_shahe: Any
    project: Any  # in 宁晋, in the park, invested by ``firm``
    project_shahe: Any


@pytest.fixture
def world(xingtai) -> World:  # type: ignore[no-untyped-def]
    ningjin, shahe, city = xingtai["130528"], xingtai["130582"], xingtai["130500"]
    park = ParkFactory(region=ningjin, name="宁晋经济开发区")
    firm = EnterpriseFactory(region=ningjin, park=park, name="宁晋园区电缆有限公司")
    firm_shahe = EnterpriseFactory(region=shahe, name="沙河玻璃有限公司", industry_id="3041")
    users = {
        "admin": UserFactory(username="root", role="admin", is_superuser=True, is_staff=True),
        "analyst": UserFactory(username="analyst", role="analyst", scope_region=city),
        "city_staff": UserFactory(username="city", role="region_staff", scope_region=city),
        "county_staff": UserFactory(username="ningjin", role="region_staff", scope_region=ningjin),
        "park_staff": UserFactory(username="park", role="park_staff", scope_park=park),
        "enterprise": UserFactory(username="qiye", role="enterprise", scope_enterprise=firm),
        "anonymous": AnonymousUser(),
    }
    return World(
        users=users,
        regions={"ningjin": ningjin, "shahe": shahe, "city": city},
        park=park,
        firm=firm,
        firm_shahe=firm_shahe,
        project=ProjectFactory(code="NJ-1", region=ningjin, park=park, investor=firm),
        project_shahe=ProjectFactory(code="SH-1", region=shahe, investor=firm_shahe),
    )


def office_chain(w: World) -> Any:
    """A 邢台市 chain whose 链长办 lists the 宁晋 county user as staff (made once per world)."""
    if not hasattr(w, "_office_chain"):
        from tests.supply.factories import ChainFactory

        from chainboard.chiefs.models import OrgMember

        chain = ChainFactory(region=w.regions["city"], code="office", name="链长办测试链")
        OrgMember.objects.create(
            chain=chain, kind="office_staff", name="联络员", user=w.users["county_staff"]
        )
        w._office_chain = chain  # type: ignore[attr-defined]
    return w._office_chain  # type: ignore[attr-defined]


def review_event(w: World, status: str) -> Any:
    """A 季观摩 event (``status``) whose reviewers are the county and the park user (and the
    firm user, refused anyway: firm users are never reviewers)."""
    from chainboard.projects.models import SiteReview

    event = SiteReview.objects.create(
        title=f"测试观摩{status}", held_on=dt.date(2025, 3, 20), year=2025, quarter=1, status=status
    )
    event.reviewers.set([w.users["county_staff"], w.users["park_staff"], w.users["enterprise"]])
    return event


def row(admin: int, analyst: int, city: int, county: int, park: int, firm: int, anon: int):  # type: ignore[no-untyped-def]
    """One line of the table, in the order of ``ROLES`` (1 = allowed)."""
    return dict(
        zip(ROLES, map(bool, (admin, analyst, city, county, park, firm, anon)), strict=True)
    )


Call = Callable[[Any, World], bool]

#: capability → [(what is asked, the call, the answer per role), …]
TABLE: dict[str, list[tuple[str, Call, dict[str, bool]]]] = {
    "can_edit_registry": [
        ("", lambda u, w: scope.can_edit_registry(u), row(1, 1, 1, 1, 1, 0, 0)),
    ],
    "can_use_admin_site": [
        ("", lambda u, w: scope.can_use_admin_site(u), row(1, 0, 0, 0, 0, 0, 0)),
    ],
    "can_see_overviews": [
        ("", lambda u, w: scope.can_see_overviews(u), row(1, 1, 1, 1, 1, 0, 0)),
    ],
    "can_import": [
        ("enterprises", lambda u, w: scope.can_import(u, "enterprises"), row(1, 1, 1, 1, 1, 0, 0)),
        ("figures", lambda u, w: scope.can_import(u, "figures"), row(1, 1, 1, 1, 1, 1, 0)),
    ],
    "can_see_import_batch": [
        (
            "a batch of the county user",
            lambda u, w: scope.can_see_import_batch(
                u, SimpleNamespace(actor_id=w.users["county_staff"].pk)
            ),
            row(1, 0, 0, 1, 0, 0, 0),
        ),
    ],
    "can_place": [
        (
            "宁晋 + park",
            lambda u, w: scope.can_place(u, w.regions["ningjin"], w.park),
            row(1, 1, 1, 1, 1, 0, 0),
        ),
        (
            "沙河",
            lambda u, w: scope.can_place(u, w.regions["shahe"], None),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_see_enterprise": [
        ("宁晋 firm", lambda u, w: scope.can_see_enterprise(u, w.firm), row(1, 1, 1, 1, 1, 1, 0)),
        (
            "沙河 firm",
            lambda u, w: scope.can_see_enterprise(u, w.firm_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_edit_enterprise": [
        ("宁晋 firm", lambda u, w: scope.can_edit_enterprise(u, w.firm), row(1, 1, 1, 1, 1, 0, 0)),
        (
            "沙河 firm",
            lambda u, w: scope.can_edit_enterprise(u, w.firm_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_edit_figures": [
        ("宁晋 firm", lambda u, w: scope.can_edit_figures(u, w.firm), row(1, 1, 1, 1, 1, 1, 0)),
        (
            "沙河 firm",
            lambda u, w: scope.can_edit_figures(u, w.firm_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_record_figure_source": [
        (
            "税务 data",
            lambda u, w: scope.can_record_figure_source(u, "tax"),
            row(1, 1, 1, 1, 1, 0, 0),
        ),
        (
            "企业填报",
            lambda u, w: scope.can_record_figure_source(u, "firm"),
            row(1, 1, 1, 1, 1, 1, 0),
        ),
    ],
    "can_see_figure_conflicts": [
        ("指标来源冲突", lambda u, w: scope.can_see_figure_conflicts(u), row(1, 1, 1, 1, 1, 0, 0)),
    ],
    "can_decide_figure": [
        ("any firm", lambda u, w: scope.can_decide_figure(u), row(1, 1, 0, 0, 0, 0, 0)),
        (
            "沙河 firm",
            lambda u, w: scope.can_decide_figure(u, w.firm_shahe),
            row(1, 1, 0, 0, 0, 0, 0),
        ),
    ],
    "can_edit_figure_precedence": [
        (
            "指标来源优先级",
            lambda u, w: scope.can_edit_figure_precedence(u),
            row(1, 0, 0, 0, 0, 0, 0),
        ),
    ],
    "can_edit_chain": [
        (
            "宁晋",
            lambda u, w: scope.can_edit_chain(u, w.regions["ningjin"]),
            row(1, 1, 1, 1, 0, 0, 0),
        ),
        (
            "邢台市",
            lambda u, w: scope.can_edit_chain(u, w.regions["city"]),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_review_links": [
        ("any", lambda u, w: scope.can_review_links(u), row(1, 1, 1, 1, 1, 0, 0)),
        (
            "沙河 firm",
            lambda u, w: scope.can_review_links(u, w.firm_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_see_project": [
        (
            "宁晋 project",
            lambda u, w: scope.can_see_project(u, w.project),
            row(1, 1, 1, 1, 1, 1, 0),
        ),
        (
            "沙河 project",
            lambda u, w: scope.can_see_project(u, w.project_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_create_project": [
        (
            "宁晋 + park",
            lambda u, w: scope.can_create_project(u, w.regions["ningjin"], w.park),
            row(1, 1, 1, 1, 1, 0, 0),
        ),
        (
            "沙河",
            lambda u, w: scope.can_create_project(u, w.regions["shahe"]),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_edit_project": [
        (
            "宁晋 project",
            lambda u, w: scope.can_edit_project(u, w.project),
            row(1, 1, 1, 1, 1, 0, 0),
        ),
        (
            "沙河 project",
            lambda u, w: scope.can_edit_project(u, w.project_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_file_weekly_update": [
        (
            "宁晋 project (the firm invests)",
            lambda u, w: scope.can_file_weekly_update(u, w.project),
            row(1, 1, 1, 1, 1, 1, 0),
        ),
        (
            "沙河 project",
            lambda u, w: scope.can_file_weekly_update(u, w.project_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_manage_rankings_and_targets": [
        ("", lambda u, w: scope.can_manage_rankings_and_targets(u), row(1, 1, 0, 0, 0, 0, 0)),
    ],
    "can_manage_review_event": [
        ("", lambda u, w: scope.can_manage_review_event(u), row(1, 1, 0, 0, 0, 0, 0)),
    ],
    "can_be_reviewer": [
        ("", lambda u, w: scope.can_be_reviewer(u), row(1, 1, 1, 1, 1, 0, 0)),
    ],
    "can_score_review": [
        (
            "an open event, the county and park users assigned",
            lambda u, w: scope.can_score_review(u, review_event(w, "open")),
            row(0, 0, 0, 1, 1, 0, 0),
        ),
        (
            "the same event closed",
            lambda u, w: scope.can_score_review(u, review_event(w, "closed")),
            row(0, 0, 0, 0, 0, 0, 0),
        ),
    ],
    "can_run_evaluation": [
        ("", lambda u, w: scope.can_run_evaluation(u), row(1, 1, 0, 0, 0, 0, 0)),
    ],
    "can_publish_evaluation": [
        (
            "a 宁晋 run",
            lambda u, w: scope.can_publish_evaluation(
                u, SimpleNamespace(scope_region=w.regions["ningjin"])
            ),
            row(1, 1, 0, 0, 0, 0, 0),
        ),
        (
            "a run of the whole instance",
            lambda u, w: scope.can_publish_evaluation(u, SimpleNamespace(scope_region=None)),
            row(1, 0, 0, 0, 0, 0, 0),
        ),
    ],
    "can_file_objection": [
        (
            "宁晋 firm (the enterprise user's own)",
            lambda u, w: scope.can_file_objection(u, w.firm),
            row(0, 0, 0, 0, 0, 1, 0),
        ),
        (
            "沙河 firm",
            lambda u, w: scope.can_file_objection(u, w.firm_shahe),
            row(0, 0, 0, 0, 0, 0, 0),
        ),
    ],
    "can_review_objection": [
        (
            "a 宁晋 run",
            lambda u, w: scope.can_review_objection(
                u, SimpleNamespace(scope_region=w.regions["ningjin"])
            ),
            row(1, 1, 0, 0, 0, 0, 0),
        ),
        (
            "a run of the whole instance",
            lambda u, w: scope.can_review_objection(u, SimpleNamespace(scope_region=None)),
            row(1, 0, 0, 0, 0, 0, 0),
        ),
    ],
    "can_set_tier_target": [
        (
            "沙河",
            lambda u, w: scope.can_set_tier_target(u, w.regions["shahe"]),
            row(1, 1, 0, 0, 0, 0, 0),
        ),
    ],
    "can_edit_class_policy": [
        ("亩均差别化政策", lambda u, w: scope.can_edit_class_policy(u), row(1, 0, 0, 0, 0, 0, 0)),
    ],
    "can_raise_request": [
        ("宁晋 firm", lambda u, w: scope.can_raise_request(u, w.firm), row(1, 1, 1, 1, 1, 1, 0)),
        (
            "沙河 firm",
            lambda u, w: scope.can_raise_request(u, w.firm_shahe),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_handle_request": [
        (
            "a 宁晋 request",
            lambda u, w: scope.can_handle_request(u, SimpleNamespace(region=w.regions["ningjin"])),
            row(1, 1, 1, 1, 0, 0, 0),
        ),
        (
            "a 沙河 request",
            lambda u, w: scope.can_handle_request(u, SimpleNamespace(region=w.regions["shahe"])),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_confirm_request": [
        (
            "the firm's own request",
            lambda u, w: scope.can_confirm_request(u, SimpleNamespace(enterprise_id=w.firm.pk)),
            row(0, 0, 0, 0, 0, 1, 0),
        ),
        (
            "a 沙河 firm's request",
            lambda u, w: scope.can_confirm_request(
                u, SimpleNamespace(enterprise_id=w.firm_shahe.pk)
            ),
            row(0, 0, 0, 0, 0, 0, 0),
        ),
    ],
    "can_open_report_task": [
        ("填报任务", lambda u, w: scope.can_open_report_task(u), row(1, 1, 1, 1, 1, 0, 0)),
    ],
    "can_review_report": [
        (
            "the 宁晋 firm's 填报",
            lambda u, w: scope.can_review_report(u, SimpleNamespace(enterprise=w.firm)),
            row(1, 1, 1, 1, 1, 0, 0),
        ),
        (
            "a 沙河 firm's 填报",
            lambda u, w: scope.can_review_report(u, SimpleNamespace(enterprise=w.firm_shahe)),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_fill_report": [
        (
            "the 宁晋 firm's 填报",
            lambda u, w: scope.can_fill_report(
                u, SimpleNamespace(enterprise=w.firm, enterprise_id=w.firm.pk)
            ),
            row(1, 1, 1, 1, 1, 1, 0),
        ),
        (
            "a 沙河 firm's 填报",
            lambda u, w: scope.can_fill_report(
                u, SimpleNamespace(enterprise=w.firm_shahe, enterprise_id=w.firm_shahe.pk)
            ),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_edit_routing_rules": [
        ("诉求分办规则", lambda u, w: scope.can_edit_routing_rules(u), row(1, 1, 0, 0, 0, 0, 0)),
    ],
    "can_run_supply_analysis": [
        ("any region", lambda u, w: scope.can_run_supply_analysis(u), row(1, 1, 1, 1, 0, 0, 0)),
        (
            "沙河",
            lambda u, w: scope.can_run_supply_analysis(u, w.regions["shahe"]),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
    ],
    "can_edit_chain_records": [
        (
            "宁晋 chain",
            lambda u, w: scope.can_edit_chain_records(
                u, SimpleNamespace(region=w.regions["ningjin"], pk=0)
            ),
            row(1, 1, 1, 1, 0, 0, 0),
        ),
        (
            "邢台市 chain",
            lambda u, w: scope.can_edit_chain_records(
                u, SimpleNamespace(region=w.regions["city"], pk=0)
            ),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
        (
            "邢台市 chain, the county user in its 链长办",
            lambda u, w: scope.can_edit_chain_records(u, office_chain(w)),
            row(1, 1, 1, 1, 0, 0, 0),
        ),
    ],
    "can_keep_leads": [
        ("招商线索", lambda u, w: scope.can_keep_leads(u), row(1, 1, 1, 1, 0, 0, 0)),
    ],
    "can_edit_lead": [
        (
            "a 宁晋 lead",
            lambda u, w: scope.can_edit_lead(
                u, SimpleNamespace(region=w.regions["ningjin"], chain_id=0)
            ),
            row(1, 1, 1, 1, 0, 0, 0),
        ),
        (
            "a 沙河 lead",
            lambda u, w: scope.can_edit_lead(
                u, SimpleNamespace(region=w.regions["shahe"], chain_id=0)
            ),
            row(1, 1, 1, 0, 0, 0, 0),
        ),
        (
            "a 沙河 lead of the chain whose 链长办 lists the county user",
            lambda u, w: scope.can_edit_lead(
                u, SimpleNamespace(region=w.regions["shahe"], chain_id=office_chain(w).pk)
            ),
            row(1, 1, 1, 1, 0, 0, 0),
        ),
    ],
    "can_apply_to_call": [
        (
            "宁晋 firm (the enterprise user's own)",
            lambda u, w: scope.can_apply_to_call(u, w.firm),
            row(0, 0, 0, 0, 0, 1, 0),
        ),
        (
            "沙河 firm",
            lambda u, w: scope.can_apply_to_call(u, w.firm_shahe),
            row(0, 0, 0, 0, 0, 0, 0),
        ),
    ],
}

CASES = [
    pytest.param(name, asked, call, answers, role, id=f"{name}[{asked}]-{role}")
    for name, lines in TABLE.items()
    for asked, call, answers in lines
    for role in ROLES
]


def test_table_lists_every_capability() -> None:
    module = {
        name
        for name, fn in inspect.getmembers(scope, inspect.isfunction)
        if name.startswith("can_") and fn.__module__ == scope.__name__
    }
    assert set(TABLE) == module
    for name, lines in TABLE.items():
        assert lines, name
        for asked, _, answers in lines:
            assert tuple(answers) == ROLES, (name, asked)


@pytest.mark.parametrize(("name", "asked", "call", "answers", "role"), CASES)
def test_role_capability(world: World, name: str, asked: str, call: Call, answers, role) -> None:  # type: ignore[no-untyped-def]
    assert call(world.users[role], world) is answers[role]


def test_inactive_users_have_no_capability(world: World) -> None:
    admin = world.users["admin"]
    admin.is_active = False
    for name, lines in TABLE.items():
        for asked, call, _ in lines:
            assert call(admin, world) is False, (name, asked)


def test_templates_see_user_capabilities(world: World) -> None:
    assert set(USER_CAPABILITIES) <= set(TABLE)
    request = RequestFactory().get("/")
    for role in ROLES:
        request.user = world.users[role]
        perms = capabilities(request)["perms_cb"]
        for name in USER_CAPABILITIES:
            assert perms[name] is getattr(scope, name)(world.users[role]), (role, name)
    request.user = world.users["enterprise"]
    text = Template(
        "{% if perms_cb.can_see_overviews %}亩均与梯度{% else %}我的评价{% endif %}"
        "{% if perms_cb.can_typo %}typo{% endif %}"
    ).render(Context(capabilities(request)))
    assert text == "我的评价"
    with pytest.raises(KeyError):
        Capabilities(world.users["admin"])["can_edit_project"]  # needs a project: a filter


def test_object_filters_in_templates(world: World) -> None:
    template = Template("{% load cb_perms %}{% if user|can_edit_project:p %}edit{% endif %}")
    for role, expected in (("county_staff", "edit"), ("enterprise", ""), ("park_staff", "edit")):
        context = Context({"user": world.users[role], "p": world.project})
        assert template.render(context) == expected, role

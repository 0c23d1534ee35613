"""招商 pipeline services: create/edit, stage rules, landing as a 引进 project, bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from chainboard.core.errors import DomainError, NotFound, OutOfScope
from chainboard.core.locking import EditConflict, VersionRequired
from chainboard.investment import services
from chainboard.investment.models import Lead, LeadStage
from chainboard.projects.models import Project

from .conftest import lead_data

pytestmark = pytest.mark.django_db


def make(w: Any, actor: str = "ningjin", **over: Any) -> Lead:
    return services.lead_create(actor=w.users[actor], data=lead_data(w, **over))


def move(w: Any, lead: Lead, stage: str, actor: str = "ningjin", **kw: Any) -> Lead:
    lead.refresh_from_db()
    return services.lead_move(
        actor=w.users[actor], lead_id=lead.pk, stage=stage, expected_version=lead.version, **kw
    )


def test_create_records_history_and_first_activity(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    assert lead.stage == LeadStage.LEAD
    assert lead.amount_wan_yuan == Decimal("25000.00")
    assert lead.history.count() == 1
    assert lead.history.first().history_user == world.users["ningjin"]
    assert [a.to_stage for a in lead.activities.all()] == ["lead"]


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"uscc": "BAD"}, "uscc"),
        ({"amount_wan_yuan": "-5"}, "amount_wan_yuan"),
        ({"amount_wan_yuan": "abc"}, "amount_wan_yuan"),
        ({"name": "  "}, "name"),
        ({"next_step_on": "2025-13-01"}, "next_step_on"),
        ({"source": "rumour"}, "source"),
    ],
)
def test_bad_input_is_refused_with_the_field(world, over, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as exc:
        make(world, **over)
    assert field in exc.value.fields
    assert not Lead.objects.exists()


def test_wrong_uscc_check_digit(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="校验位"):
        make(world, uscc=world.bad_uscc)
    assert make(world, uscc="").uscc == ""


def test_unknown_segment_of_another_chain(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="不属于"):
        make(world, node=world.other_node)


def test_county_must_be_a_county_inside_the_chain_region(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="县"):
        make(world, actor="analyst", region=world.city)


def test_scope_county_user_cannot_create_for_another_county(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OutOfScope):
        make(world, actor="shahe")
    with pytest.raises(OutOfScope):
        make(world, actor="enterprise")
    assert make(world, actor="analyst").region == world.ningjin


def test_chain_office_staff_keep_leads_of_their_chain_in_any_county(world) -> None:  # type: ignore[no-untyped-def]
    from chainboard.chiefs.models import OrgMember

    OrgMember.objects.create(
        chain=world.chain, kind="office_staff", name="联络员", user=world.users["shahe"]
    )
    lead = make(world, actor="shahe")  # a 宁晋 lead of the office's chain
    assert move(world, lead, "contact", actor="shahe").stage == "contact"
    with pytest.raises(OutOfScope):
        make(world, actor="shahe", chain=world.other_chain, node=world.other_node)


def test_forward_one_step_no_skipping(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    with pytest.raises(DomainError, match="不能从「线索」直接跳到「签约」"):
        move(world, lead, "signed")
    move(world, lead, "contact")
    move(world, lead, "negotiation")
    lead = move(world, lead, "signed", on=dt.date(2026, 3, 1))
    assert lead.signed_on == dt.date(2026, 3, 1)
    assert [a.to_stage for a in lead.activities.order_by("pk")] == [
        "lead",
        "contact",
        "negotiation",
        "signed",
    ]


def test_back_needs_a_reason(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    move(world, lead, "contact")
    move(world, lead, "negotiation")
    with pytest.raises(DomainError, match="须填写原因"):
        move(world, lead, "contact")
    lead = move(world, lead, "contact", reason="对方更换对接人")
    assert lead.stage == "contact"
    assert "对方更换对接人" in lead.activities.order_by("-pk").first().content


def test_hold_and_resume(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    move(world, lead, "contact")
    with pytest.raises(DomainError, match="原因"):
        move(world, lead, "lost")
    lead = move(world, lead, "paused", reason="企业资金紧张")
    assert (lead.stage, lead.held_from, lead.lost_reason) == ("paused", "contact", "企业资金紧张")
    with pytest.raises(DomainError, match="只能恢复到原阶段"):
        move(world, lead, "negotiation", reason="恢复")
    with pytest.raises(DomainError, match="恢复须填写原因"):
        move(world, lead, "contact")
    lead = move(world, lead, "contact", reason="资金到位")
    assert (lead.stage, lead.held_from, lead.lost_reason) == ("contact", "", "")


def test_unknown_stage(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    with pytest.raises(DomainError, match="未知的阶段"):
        move(world, lead, "won")


def _to_signed(w: Any, lead: Lead) -> Lead:
    for stage in ("contact", "negotiation", "signed"):
        lead = move(w, lead, stage, on=dt.date(2026, 3, 1))
    return lead


def test_landing_creates_an_introduced_project_on_the_segment(world) -> None:  # type: ignore[no-untyped-def]
    lead = _to_signed(world, make(world))
    lead = move(world, lead, "landed", on=dt.date(2026, 4, 1))
    project = lead.project
    assert project is not None and project.introduced
    assert (project.kind, project.source, project.stage) == ("new", "investment", "signed")
    assert project.total_investment_wan_yuan == Decimal("25000.00")
    assert project.signed_on == dt.date(2026, 3, 1)
    assert list(project.chain_nodes.all()) == [world.nodes["特种电缆"]]
    assert project.region == world.ningjin
    with pytest.raises(DomainError, match="已落地"):
        move(world, lead, "signed", reason="撤回")


def test_landing_links_an_existing_project_and_marks_it_introduced(world) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import ProjectFactory

    existing = ProjectFactory(code="NJ-9", region=world.ningjin, investor=None)
    assert not existing.introduced
    lead = _to_signed(world, make(world))
    lead = move(world, lead, "landed", project=existing)
    existing.refresh_from_db()
    assert lead.project == existing and existing.introduced
    other = _to_signed(world, make(world, name="另一家外地企业"))
    with pytest.raises(DomainError, match="已关联其他招商线索"):
        move(world, other, "landed", project=existing)


def test_landing_needs_an_amount_for_a_new_project(world) -> None:  # type: ignore[no-untyped-def]
    lead = _to_signed(world, make(world, amount_wan_yuan=""))
    with pytest.raises(DomainError, match="拟投资额"):
        move(world, lead, "landed")
    assert not Project.objects.exists()
    lead.refresh_from_db()
    assert lead.stage == "signed"


def test_edit_is_optimistic(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    v = lead.version
    services.lead_update(
        actor=world.users["ningjin"],
        lead_id=lead.pk,
        data={"next_step": "电话回访"},
        expected_version=v,
    )
    # another editor who read version v changes the same field differently: conflict
    with pytest.raises(EditConflict):
        services.lead_update(
            actor=world.users["analyst"],
            lead_id=lead.pk,
            data={"next_step": "发函邀请"},
            expected_version=v,
        )
    # a different field merges
    lead = services.lead_update(
        actor=world.users["analyst"], lead_id=lead.pk, data={"products": "海缆"}, expected_version=v
    )
    assert (lead.next_step, lead.products) == ("电话回访", "海缆")
    with pytest.raises(VersionRequired):
        services.lead_update(
            actor=world.users["analyst"], lead_id=lead.pk, data={"notes": "x"}, expected_version=-1
        )


def test_edit_refuses_moving_to_an_out_of_scope_county(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    with pytest.raises(OutOfScope):
        services.lead_update(
            actor=world.users["ningjin"],
            lead_id=lead.pk,
            data={"region": world.shahe},
            expected_version=lead.version,
        )
    lead.refresh_from_db()
    assert lead.region == world.ningjin


def test_activity_records(world) -> None:  # type: ignore[no-untyped-def]
    lead = make(world)
    a = services.activity_add(
        actor=world.users["ningjin"],
        lead=lead,
        kind="visit",
        on="2026-02-03",
        people="县招商局 张三、李四",
        content="赴苏州总部考察，对方有意在宁晋设厂",
    )
    assert a.on == dt.date(2026, 2, 3) and a.actor == world.users["ningjin"]
    for kind, on, content in (
        ("stage", "2026-02-03", "x"),
        ("visit", "", "x"),
        ("visit", "2026-02-03", ""),
    ):
        with pytest.raises(DomainError):
            services.activity_add(
                actor=world.users["ningjin"], lead=lead, kind=kind, on=on, content=content
            )
    with pytest.raises(OutOfScope):
        services.activity_add(
            actor=world.users["shahe"], lead=lead, kind="visit", on="2026-02-03", content="x"
        )


def test_target_counts_only_introduced_projects(world) -> None:  # type: ignore[no-untyped-def]
    from chainboard.projects.models import Target
    from chainboard.projects.selectors.targets import target_value
    from tests.factories import ProjectFactory

    ProjectFactory(
        code="LOCAL-1",
        region=world.ningjin,
        total_investment_wan_yuan=Decimal("50000"),
        source="investment",
        stage="signed",
        signed_on=dt.date(2026, 3, 1),
    )
    lead = _to_signed(world, make(world))
    move(world, lead, "landed")
    target = Target(
        name="引进过亿元项目",
        owner="商务局",
        region=world.city,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        formula="projects_over",
        params={"threshold_wan_yuan": 10000, "introduced": True},
        target_value=Decimal(35),
    )
    target.full_clean()
    target.save()
    assert target_value(target, dt.date(2026, 12, 31)) == 1
    assert "仅招商落地的引进项目" in target.params_text
    target.params = {"threshold_wan_yuan": 10000}
    assert target_value(target, dt.date(2026, 12, 31)) == 2


def test_not_found_chain(world) -> None:  # type: ignore[no-untyped-def]
    from tests.supply.factories import ChainFactory

    shahe_chain = ChainFactory(region=world.shahe, code="sh", name="沙河链")
    with pytest.raises((NotFound, OutOfScope)):
        services.lead_create(
            actor=world.users["ningjin"], data=lead_data(world, chain=shahe_chain, node=None)
        )


def test_deleting_the_landed_project_moves_the_lead_back_to_signed(world) -> None:  # type: ignore[no-untyped-def]
    lead = _to_signed(world, make(world))
    lead = move(world, lead, "landed")
    Project.objects.filter(pk=lead.project_id).delete()
    lead.refresh_from_db()
    assert (lead.stage, lead.project, lead.landed_on) == ("signed", None, None)
    assert "已删除" in lead.activities.order_by("-pk").first().content

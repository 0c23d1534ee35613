"""Automatic linking 企业挂链: proposals with reasons, review, and decisions that survive re-runs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chainboard.chains import services
from chainboard.chains.models import EnterpriseNode, LinkSource, LinkState
from chainboard.core.errors import DomainError, NotFound


def links_of(firm) -> dict[str, EnterpriseNode]:  # type: ignore[no-untyped-def]
    return {
        x.node.name: x
        for x in EnterpriseNode.objects.filter(enterprise=firm).select_related("node")
    }


def test_proposals_carry_source_confidence_and_reason(linked, firms):
    power = links_of(firms["nj_power"])
    assert set(power) == {"电力电缆", "控制与电气装备电缆"}
    link = power["电力电缆"]
    assert link.state == LinkState.PROPOSED
    assert link.source == LinkSource.CODE_TEXT
    assert link.confidence >= Decimal("0.8")
    assert "3831" in link.explanation and "电力电缆" in link.explanation
    assert links_of(firms["nj_copper"])["铜杆铜线"].source == LinkSource.CODE_TEXT
    assert set(links_of(firms["sh_cable"])) == {"电线电缆"}
    assert links_of(firms["sh_glass"]) == {}
    assert link.history.first().history_change_reason == "自动挂链"


def test_manual_decisions_survive_relinking(linked, firms, city_analyst):
    power = links_of(firms["nj_power"])
    services.link_review(links=[power["电力电缆"]], state=LinkState.CONFIRMED, actor=city_analyst)
    services.link_review(
        links=[power["控制与电气装备电缆"]],
        state=LinkState.REJECTED,
        actor=city_analyst,
        note="只做电力电缆",
    )
    glass_firm = firms["sh_glass"]
    special = linked.nodes.get(name="特种电缆")
    services.link_set(enterprise=glass_firm, node=special, actor=city_analyst, note="核实后确认")

    # the firms change their scopes: every automatic proposal would now go away
    for f in firms.values():
        f.business_scope = "货物进出口"
        f.save()
    stats = services.chain_link_run(chains=[linked], actor=city_analyst)
    assert stats.kept_reviewed == 3
    after = {
        (x.enterprise_id, x.node.name): x for x in EnterpriseNode.objects.select_related("node")
    }
    assert after[(firms["nj_power"].pk, "电力电缆")].state == LinkState.CONFIRMED
    rejected = after[(firms["nj_power"].pk, "控制与电气装备电缆")]
    assert rejected.state == LinkState.REJECTED and rejected.note == "只做电力电缆"
    assert after[(glass_firm.pk, "特种电缆")].source == LinkSource.MANUAL
    # the unreviewed proposal of the copper firm is still backed by its code alone (0.65)
    copper = after[(firms["nj_copper"].pk, "铜杆铜线")]
    assert "经营范围" not in copper.explanation and copper.confidence == Decimal("0.65")
    assert stats.updated >= 1
    assert copper.history.first().history_user == city_analyst
    # the unreviewed proposal of 沙河's cable firm lost its evidence and is gone
    assert (firms["sh_cable"].pk, "电线电缆") not in after
    assert stats.removed == 1


def test_relinking_is_idempotent(linked):
    before = list(EnterpriseNode.objects.values_list("pk", "confidence", "explanation"))
    stats = services.chain_link_run(chains=[linked], actor=None)
    assert (stats.created, stats.updated, stats.removed) == (0, 0, 0)
    assert list(EnterpriseNode.objects.values_list("pk", "confidence", "explanation")) == before


def test_county_staff_review_only_their_firms(linked, firms, ningjin_user):
    sh = EnterpriseNode.objects.get(enterprise=firms["sh_cable"])
    with pytest.raises(NotFound):
        services.link_review(links=[sh], state=LinkState.REJECTED, actor=ningjin_user)
    sh.refresh_from_db()
    assert sh.state == LinkState.PROPOSED
    nj = EnterpriseNode.objects.filter(enterprise=firms["nj_power"]).first()
    services.link_review(links=[nj], state=LinkState.CONFIRMED, actor=ningjin_user)
    nj.refresh_from_db()
    assert nj.reviewed_by == ningjin_user
    assert nj.history.first().history_user == ningjin_user


def test_review_refuses_an_unknown_state(linked, city_analyst):
    with pytest.raises(DomainError):
        services.link_review(
            links=list(EnterpriseNode.objects.all()), state="maybe", actor=city_analyst
        )

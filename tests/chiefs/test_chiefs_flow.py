"""揭榜挂帅 from list item to acceptance, each stage transition a service, and every refusal
(illegal transition, bad value, wrong user) a clear error with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from chainboard.chiefs import services
from chainboard.chiefs.models import (
    Application,
    Call,
    CallStage,
    Chokepoint,
    Milestone,
    OrgMember,
    Review,
)
from chainboard.core.errors import DomainError, OutOfScope
from tests.chiefs.conftest import CALL

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() + m.history.count()  # type: ignore[attr-defined]
        for m in (OrgMember, Chokepoint, Call, Application, Review, Milestone)
    )


def refused(exc: type[DomainError], fn: Any, match: str = "", **kwargs: Any) -> None:
    before = counts()
    with pytest.raises(exc, match=match):
        fn(**kwargs)
    assert counts() == before


def test_call_from_publication_to_acceptance(city) -> None:  # type: ignore[no-untyped-def]
    analyst, firm_user = city.users["analyst"], city.users["firm"]
    call = services.call_save(chokepoint=city.item, actor=analyst, data=CALL)
    assert call.stage == CallStage.DRAFT
    assert call.indicators == ["击穿场强≥40kV/mm", "杂质含量≤10个/kg"]
    call = services.call_publish(call=call, actor=analyst)
    city.item.refresh_from_db()
    assert (call.stage, city.item.status) == ("published", "called")
    mine = services.application_submit(
        call=call,
        actor=firm_user,
        applicant_kind="firm",
        enterprise=city.firm,
        team_lead="张工",
        team="张工、李工",
        plan="自主配方+中试线",
        budget_wan_yuan="700",
    )
    uni = services.application_submit(
        call=call,
        actor=analyst,
        applicant_kind="university",
        enterprise=None,
        applicant_name="河北工业大学",
        team_lead="王教授",
        team="王教授团队",
        plan="纳米改性",
        budget_wan_yuan="600",
    )
    call = services.call_close(call=call, actor=analyst)
    services.review_record(
        application=mine, actor=analyst, expert="专家甲", score="88", conflict=False
    )
    services.review_record(
        application=mine,
        actor=analyst,
        expert="专家乙",
        score=None,
        conflict=True,
        conflict_note="曾任该企业顾问",
    )
    services.review_record(
        application=uni, actor=analyst, expert="专家甲", score="80", conflict=False
    )
    assert services.average_score(mine) == Decimal("88.00")  # the abstaining expert not counted
    call = services.call_award(call=call, application=mine, actor=analyst)
    uni.refresh_from_db()
    assert (call.stage, call.team_lead, uni.status) == ("awarded", "张工", "not_selected")
    m1 = services.milestone_add(
        call=call,
        actor=analyst,
        title="配方定型",
        due_on=dt.date(2026, 6, 30),
        payment_wan_yuan="300",
    )
    services.milestone_done(milestone=m1, actor=analyst)
    services.midterm_check_record(
        call=call, actor=analyst, checked_on=dt.date(2026, 7, 1), conclusion="pass"
    )
    call = services.call_accept(
        call=call,
        actor=analyst,
        achieved={"击穿场强≥40kV/mm": True, "杂质含量≤10个/kg": True},
        note="两项指标均达成",
    )
    city.item.refresh_from_db()
    assert call.stage == "accepted"
    assert city.item.status == "solved"
    assert "验收通过" in city.item.result and "宁晋揭榜电缆有限公司" in city.item.result
    reasons = list(
        call.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[:2] == ["编制榜单", "发布榜单"] and reasons[-1] == "验收通过"
    assert call.history.last().history_user == analyst  # type: ignore[union-attr]


def test_failed_acceptance_reopens_the_item(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    call = services.call_publish(
        call=services.call_save(chokepoint=city.item, actor=a, data=CALL), actor=a
    )
    app = services.application_submit(
        call=call,
        actor=city.users["firm"],
        applicant_kind="firm",
        enterprise=city.firm,
        team_lead="张工",
        team="t",
        plan="p",
        budget_wan_yuan="100",
    )
    services.call_close(call=call, actor=a)
    services.review_record(application=app, actor=a, expert="甲", score="70", conflict=False)
    services.call_award(call=call, application=app, actor=a)
    refused(DomainError, services.call_accept, "中期检查", call=call, actor=a, achieved={})
    services.midterm_check_record(
        call=call, actor=a, checked_on=dt.date(2026, 1, 1), conclusion="rectify"
    )
    refused(
        DomainError,
        services.call_accept,
        "逐项",
        call=call,
        actor=a,
        achieved={"击穿场强≥40kV/mm": True},
    )
    call = services.call_accept(
        call=call, actor=a, achieved={"击穿场强≥40kV/mm": True, "杂质含量≤10个/kg": False}
    )
    city.item.refresh_from_db()
    assert (call.stage, city.item.status) == ("failed", "open")
    assert "1/2" in city.item.result


def test_illegal_transitions_are_refused_in_chinese(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    call = services.call_save(chokepoint=city.item, actor=a, data=CALL)
    refused(DomainError, services.call_close, "草稿.*不能截止揭榜", call=call, actor=a)
    refused(DomainError, services.call_accept, "不能验收", call=call, actor=a, achieved={})
    # applying to an unpublished call
    refused(
        DomainError,
        services.application_submit,
        "草稿.*不能揭榜",
        call=call,
        actor=city.users["firm"],
        applicant_kind="firm",
        enterprise=city.firm,
        team_lead="张工",
        team="t",
        plan="p",
        budget_wan_yuan="1",
    )
    services.call_publish(call=call, actor=a)
    refused(DomainError, services.call_publish, "已发布.*不能发布", call=call, actor=a)
    refused(DomainError, services.call_close, "还没有单位揭榜", call=call, actor=a)
    refused(
        DomainError,
        services.call_save,
        "不能修改",
        chokepoint=city.item,
        actor=a,
        data=CALL,
        call=call,
    )


def test_bad_input_writes_nothing(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    refused(
        DomainError,
        services.call_save,
        "榜单金额不能为负数",
        chokepoint=city.item,
        actor=a,
        data=CALL | {"budget_wan_yuan": "-5"},
    )
    refused(
        DomainError,
        services.call_save,
        "考核指标",
        chokepoint=city.item,
        actor=a,
        data=CALL | {"indicators": "  \n "},
    )
    # a node of another chain
    refused(
        DomainError,
        services.chokepoint_save,
        "不属于电线电缆产业链",
        chain=city.chain,
        actor=a,
        nodes=[city.other_node],
        data={"technology": "X", "reason": "import", "target": "t"},
    )
    refused(
        DomainError,
        services.chokepoint_save,
        "进口依赖度",
        chain=city.chain,
        actor=a,
        nodes=[city.node],
        data={"technology": "Y", "reason": "import", "target": "t", "import_share": Decimal("1.5")},
    )
    call = services.call_publish(
        call=services.call_save(chokepoint=city.item, actor=a, data=CALL), actor=a
    )
    base = dict(
        call=call,
        actor=city.users["firm"],
        applicant_kind="firm",
        enterprise=city.firm,
        team_lead="张工",
        team="t",
        plan="p",
    )
    refused(
        DomainError, services.application_submit, "申请经费不能为负数", **base, budget_wan_yuan="-1"
    )
    refused(DomainError, services.application_submit, "超过榜单金额", **base, budget_wan_yuan="900")
    app = services.application_submit(**base, budget_wan_yuan="100")
    refused(DomainError, services.application_submit, "已揭榜", **base, budget_wan_yuan="100")
    services.call_close(call=call, actor=a)
    refused(
        DomainError,
        services.review_record,
        "回避",
        application=app,
        actor=a,
        expert="甲",
        score="80",
        conflict=True,
        conflict_note="x",
    )
    refused(
        DomainError,
        services.review_record,
        "评分：确保该值小于或等于100",
        application=app,
        actor=a,
        expert="甲",
        score="120",
        conflict=False,
    )
    refused(DomainError, services.call_award, "有效的专家评分", call=call, application=app, actor=a)


def test_wrong_users_are_refused(city) -> None:  # type: ignore[no-untyped-def]
    a, county, firm_user = city.users["analyst"], city.users["county"], city.users["firm"]
    # a county user does not keep the city's chain; a firm user never does
    refused(OutOfScope, services.call_save, "链长办", chokepoint=city.item, actor=county, data=CALL)
    refused(
        OutOfScope, services.call_save, "企业用户", chokepoint=city.item, actor=firm_user, data=CALL
    )
    call = services.call_publish(
        call=services.call_save(chokepoint=city.item, actor=a, data=CALL), actor=a
    )
    # a firm user applying in another firm's name
    refused(
        OutOfScope,
        services.application_submit,
        "本企业",
        call=call,
        actor=firm_user,
        applicant_kind="firm",
        enterprise=city.firm2,
        team_lead="x",
        team="t",
        plan="p",
        budget_wan_yuan="1",
    )
    app = services.application_submit(
        call=call,
        actor=firm_user,
        applicant_kind="firm",
        enterprise=city.firm,
        team_lead="x",
        team="t",
        plan="p",
        budget_wan_yuan="1",
    )
    services.call_close(call=call, actor=a)
    # a firm user reviewing
    refused(
        OutOfScope,
        services.review_record,
        "不能评审",
        application=app,
        actor=firm_user,
        expert="我",
        score="100",
        conflict=False,
    )


def test_office_staff_keep_their_chain_across_counties(city) -> None:  # type: ignore[no-untyped-def]
    from chainboard.accounts.scope import can_edit_chain_records

    a, shahe = city.users["analyst"], city.users["shahe"]
    assert not can_edit_chain_records(shahe, city.chain)
    services.org_member_save(
        chain=city.chain,
        actor=a,
        data={"kind": "office_staff", "name": "沙河联络员", "user": shahe},
    )
    assert can_edit_chain_records(shahe, city.chain)
    assert not can_edit_chain_records(shahe, city.other_chain) or shahe.scope_region_id == "130582"
    call = services.call_save(chokepoint=city.item, actor=shahe, data=CALL)
    assert call.history.first().history_user == shahe  # type: ignore[union-attr]
    refused(
        DomainError,
        services.org_member_save,
        "必须关联平台用户",
        chain=city.chain,
        actor=a,
        data={"kind": "office_staff", "name": "无账号"},
    )
    refused(
        DomainError,
        services.org_member_save,
        "必须选择企业",
        chain=city.chain,
        actor=a,
        data={"kind": "leader_firm", "name": "某企业"},
    )


def test_consortium_on_a_segment(city) -> None:  # type: ignore[no-untyped-def]
    a = city.users["analyst"]
    c = services.consortium_save(
        chain=city.chain, actor=a, name="超高压电缆创新联合体", lead=city.firm, chokepoint=city.item
    )
    services.consortium_member_add(
        consortium=c, actor=a, kind="university", name="华北电力大学", role="绝缘机理"
    )
    assert [m.role for m in c.members.all()] == ["牵头单位", "绝缘机理"]
    refused(
        DomainError,
        services.consortium_save,
        "不属于",
        chain=city.chain,
        actor=a,
        name="X",
        lead=city.firm,
        node=city.other_node,
    )
    refused(
        OutOfScope,
        services.consortium_save,
        "企业用户",
        chain=city.chain,
        actor=city.users["firm"],
        name="Y",
        lead=city.firm,
        node=city.node,
    )

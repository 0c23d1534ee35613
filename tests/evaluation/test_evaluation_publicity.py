"""公示 / 异议 / 复核: every stage change and refusal, the inclusive end date, objections, the
office's answer and the re-scoring a correction causes (with history)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from tests.factories import UserFactory

from chainboard.core.errors import DomainError, NotFound, OutOfScope
from chainboard.core.locking import EditConflict
from chainboard.enterprises.models import EnterpriseYear
from chainboard.enterprises.services import figures_save
from chainboard.evaluation import publicity, selectors, services
from chainboard.evaluation.models import (
    ClassChange,
    EvaluationResult,
    EvaluationRun,
    Objection,
    Rescore,
    RunStage,
)
from chainboard_analytics.evaluation import load_method

pytestmark = pytest.mark.django_db

ZJ = load_method("zhejiang")
SH = ZoneInfo("Asia/Shanghai")
END = dt.date(2026, 3, 10)


def at(day: dt.date, hh: int, mm: int = 0, ss: int = 0) -> dt.datetime:
    """A moment in Asia/Shanghai (the site's TIME_ZONE)."""
    return dt.datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=SH)


@pytest.fixture
def draft(small_city, city_analyst) -> EvaluationRun:  # type: ignore[no-untyped-def]
    run, _ = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    return run


@pytest.fixture
def in_publicity(draft, city_analyst) -> EvaluationRun:  # type: ignore[no-untyped-def]
    return publicity.run_start_publicity(
        actor=city_analyst, run=draft, end=END, now=at(dt.date(2026, 3, 3), 9)
    )


def _object(run, user, firm, when=None, reason="税金数据少报，应为 600 万元"):  # type: ignore[no-untyped-def]
    return publicity.objection_file(
        actor=user, run=run, enterprise=firm, reason=reason, now=when or at(END, 12)
    )


def _review(run, analyst):  # type: ignore[no-untyped-def]
    return publicity.run_start_review(actor=analyst, run=run, now=at(END + dt.timedelta(1), 0))


def test_the_whole_way_draft_publicity_review_published(
    in_publicity, city_analyst, firm_user, small_city
):
    run = in_publicity
    assert (run.stage, run.publicity_start, run.publicity_end) == (
        "publicity",
        dt.date(2026, 3, 3),
        END,
    )
    objection = _object(run, firm_user, small_city[0])
    with pytest.raises(DomainError, match="尚有 1 份异议未答复"):
        services.evaluation_run_publish(actor=city_analyst, run=_review(run, city_analyst))
    publicity.objection_answer(
        actor=city_analyst, objection=objection, outcome="upheld", answer="经核实，数据无误，维持"
    )
    services.evaluation_run_publish(actor=city_analyst, run=run)
    run.refresh_from_db()
    assert run.stage == RunStage.PUBLISHED and run.published
    steps = selectors.run_transitions(run)
    assert [s["stage"] for s in steps] == ["draft", "publicity", "review", "published"]
    assert all(s["user"] == city_analyst for s in steps)
    assert steps[1]["reason"] == "开始公示（2026-03-03至2026-03-10，含当日）"
    assert steps[2]["reason"] == "公示期满，进入复核（异议 1 份）"
    assert steps[3]["reason"] == "发布"


def test_every_refused_stage_change(draft, city_analyst, small_city, ningjin, firm_user):
    today = at(dt.date(2026, 3, 3), 9)
    with pytest.raises(DomainError, match="只有公示中的批次可以进入复核"):
        publicity.run_start_review(actor=city_analyst, run=draft, now=today)
    with pytest.raises(DomainError, match="草稿须先公示、复核后发布"):
        services.evaluation_run_publish(actor=city_analyst, run=draft)
    with pytest.raises(DomainError, match="早于今天"):
        publicity.run_start_publicity(
            actor=city_analyst, run=draft, end=dt.date(2026, 3, 2), now=today
        )
    county = UserFactory(username="nj", role="region_staff", scope_region=ningjin)
    for user in (county, firm_user):
        with pytest.raises(OutOfScope):
            publicity.run_start_publicity(actor=user, run=draft, end=END, now=today)
    # a same-day period is allowed (start = end = today)
    run = publicity.run_start_publicity(
        actor=city_analyst, run=draft, end=dt.date(2026, 3, 3), now=today
    )
    with pytest.raises(DomainError, match="只有草稿可以开始公示"):
        publicity.run_start_publicity(actor=city_analyst, run=run, end=END, now=today)
    with pytest.raises(DomainError, match="公示期至2026-03-03（含当日）止"):
        services.evaluation_run_publish(actor=city_analyst, run=run, direct_reason="赶时间")
    with pytest.raises(DomainError, match="期满后（次日起）方可进入复核"):
        publicity.run_start_review(
            actor=city_analyst, run=run, now=at(dt.date(2026, 3, 3), 23, 59, 59)
        )
    for user in (county, firm_user):
        with pytest.raises(OutOfScope):
            publicity.run_start_review(actor=user, run=run, now=at(dt.date(2026, 3, 4), 0))
    # another run of the same method, year and scope cannot go into 公示 alongside
    EnterpriseYear.objects.filter(enterprise=small_city[5], year=2025).update(tax_paid_wan_yuan=7)
    second, created = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    assert created
    with pytest.raises(DomainError, match=f"批次#{run.pk}正在公示中"):
        publicity.run_start_publicity(actor=city_analyst, run=second, end=END, now=today)
    publicity.run_start_review(actor=city_analyst, run=run, now=at(dt.date(2026, 3, 4), 0))
    with pytest.raises(DomainError, match="只有公示中的批次可以进入复核"):
        publicity.run_start_review(actor=city_analyst, run=run, now=at(dt.date(2026, 3, 4), 0))
    services.evaluation_run_publish(actor=city_analyst, run=run)
    services.evaluation_run_publish(actor=city_analyst, run=second, direct_reason="测试：直接发布")
    run.refresh_from_db()
    assert run.superseded_by == second and run.stage_label == "已被替代"
    with pytest.raises(DomainError, match=f"已被批次#{second.pk}替代"):
        services.evaluation_run_publish(actor=city_analyst, run=run, direct_reason="再发一次")
    assert second.history.first().history_change_reason == "直接发布（未经公示）：测试：直接发布"


def test_end_date_is_inclusive_until_midnight_in_shanghai(in_publicity, firm_user, small_city):
    """民法典第二百零三条第二款: the last day ends at 24:00 — here 24:00 Asia/Shanghai."""
    run = in_publicity
    assert publicity.objections_open(run, at(END, 23, 59, 59))
    assert not publicity.objections_open(run, at(END + dt.timedelta(1), 0))
    # 16:00 UTC on the end date is already the next day in Shanghai
    utc_late = dt.datetime(2026, 3, 10, 16, 0, tzinfo=dt.UTC)
    assert not publicity.objections_open(run, utc_late)
    assert publicity.objections_open(run, utc_late - dt.timedelta(seconds=1))
    with pytest.raises(DomainError, match="公示期已于 2026-03-10 24时截止"):
        _object(run, firm_user, small_city[0], when=at(END + dt.timedelta(1), 0))
    objection = _object(run, firm_user, small_city[0], when=at(END, 23, 59, 59))
    assert objection.status == "pending" and objection.klass_filed


def test_objection_refusals(draft, in_publicity, firm_user, small_city, city_analyst, shahe):
    run = in_publicity
    with pytest.raises(OutOfScope):  # only the firm's own user
        _object(run, city_analyst, small_city[0])
    with pytest.raises(OutOfScope):  # not for another firm
        _object(run, firm_user, small_city[1])
    for reason, message in (
        ("  ", "请填写异议理由"),
        ("长" * 2001, "不能超过 2000 字"),
        ("a\x00b", "控制字符"),
    ):
        with pytest.raises(DomainError, match=message):
            _object(run, firm_user, small_city[0], reason=reason)
    _object(run, firm_user, small_city[0])
    with pytest.raises(DomainError, match="已对该评价批次提出过异议"):
        _object(run, firm_user, small_city[0])
    # a firm without a result in the run
    from tests.factories import EnterpriseFactory

    outsider = EnterpriseFactory(region=shahe, name="未参评企业")
    outsider_user = UserFactory(username="outsider", role="enterprise", scope_enterprise=outsider)
    with pytest.raises(NotFound):
        _object(run, outsider_user, outsider)


def test_objection_refused_outside_publicity(draft, firm_user, small_city, city_analyst):
    with pytest.raises(DomainError, match="不在公示期"):
        _object(draft, firm_user, small_city[0])


def test_answers_refused_outside_review_and_by_others(
    in_publicity, firm_user, small_city, city_analyst, ningjin
):
    objection = _object(in_publicity, firm_user, small_city[0])
    with pytest.raises(DomainError, match="只能在复核阶段答复异议"):
        publicity.objection_answer(
            actor=city_analyst, objection=objection, outcome="upheld", answer="维持"
        )
    _review(in_publicity, city_analyst)
    county = UserFactory(username="nj", role="region_staff", scope_region=ningjin)
    for user in (firm_user, county):
        with pytest.raises(OutOfScope):
            publicity.objection_answer(
                actor=user, objection=objection, outcome="upheld", answer="维持"
            )
    with pytest.raises(DomainError, match="请选择答复结果"):
        publicity.objection_answer(
            actor=city_analyst, objection=objection, outcome="maybe", answer="?"
        )
    with pytest.raises(DomainError, match="请填写答复意见"):
        publicity.objection_answer(
            actor=city_analyst, objection=objection, outcome="upheld", answer=""
        )
    with pytest.raises(DomainError, match="更正须填写更正后的数据"):
        publicity.objection_answer(
            actor=city_analyst, objection=objection, outcome="corrected", answer="更正"
        )
    row = EnterpriseYear.objects.get(enterprise=small_city[0], year=2025)
    with pytest.raises(DomainError, match="更正没有改变任何数据"):
        publicity.objection_answer(
            actor=city_analyst,
            objection=objection,
            outcome="corrected",
            answer="更正",
            figures={"tax_paid_wan_yuan": row.tax_paid_wan_yuan},
            expected_version=row.version,
        )
    with pytest.raises(EditConflict):  # the figures changed since the officer read them
        figures_save(
            enterprise=small_city[0],
            year=2025,
            actor=city_analyst,
            data={"tax_paid_wan_yuan": Decimal(77)},
            expected_version=row.version,
        )
        publicity.objection_answer(
            actor=city_analyst,
            objection=objection,
            outcome="corrected",
            answer="更正",
            figures={"tax_paid_wan_yuan": Decimal(900)},
            expected_version=row.version,
        )
    done = publicity.objection_answer(
        actor=city_analyst, objection=objection, outcome="upheld", answer="维持"
    )
    assert done.status == "upheld" and done.answered_by == city_analyst and done.answered_at
    with pytest.raises(DomainError, match="已答复"):
        publicity.objection_answer(
            actor=city_analyst, objection=objection, outcome="upheld", answer="再答"
        )
    assert [h.history_change_reason for h in done.history.order_by("history_date")] == [
        "提出异议",
        "答复：已答复-维持",
    ]


def test_correction_rescores_the_group_with_history(
    in_publicity, firm_user, small_city, city_analyst
):
    """Firm 0 has the lowest tax of the 20 规上 firms (D); corrected to 1,000万 it ranks first (A):
    every firm between moves down one rank, those crossing a class cut change class; the 规下
    group is untouched."""
    run = in_publicity
    before = {r.enterprise_id: r for r in run.results.all()}
    assert before[small_city[0].pk].klass == "D"
    objection = _object(run, firm_user, small_city[0])
    _review(run, city_analyst)
    row = EnterpriseYear.objects.get(enterprise=small_city[0], year=2025)
    # another firm changes its own figures during 复核: the re-scoring keeps its figures as of the run
    figures_save(
        enterprise=small_city[7],
        year=2025,
        actor=city_analyst,
        data={"tax_paid_wan_yuan": Decimal(5000)},
        expected_version=EnterpriseYear.objects.get(enterprise=small_city[7], year=2025).version,
    )
    answered = publicity.objection_answer(
        actor=city_analyst,
        objection=objection,
        outcome="corrected",
        answer="经税务部门核实，实缴税金应为 1000 万元，予以更正",
        figures={"tax_paid_wan_yuan": Decimal(1000)},
        expected_version=row.version,
    )
    assert (answered.status, answered.klass_filed, answered.klass_answered) == (
        "corrected",
        "D",
        "A",
    )
    after = {r.enterprise_id: r for r in run.results.all()}
    assert after[small_city[0].pk].rank == 1
    # firm 7 was scored on its figures at run time, not the 5,000 entered later
    tax7 = next(i for i in after[small_city[7].pk].indicators if i["id"] == "tax_per_mu")
    assert tax7["value"] == pytest.approx((20 + 70 + 5) / 10)
    assert after[small_city[7].pk].rank == before[small_city[7].pk].rank + 1
    rescore = Rescore.objects.get(run=run)
    assert rescore.groups == ["above"] and rescore.objection == objection
    moved = {
        c.enterprise_id: (c.klass_before, c.klass_after)
        for c in ClassChange.objects.filter(rescore=rescore)
    }
    expected = {
        firm_id: (before[firm_id].klass, after[firm_id].klass)
        for firm_id in before
        if before[firm_id].klass != after[firm_id].klass
    }
    assert moved == expected and moved[small_city[0].pk] == ("D", "A") and len(moved) >= 3
    # 规下 firms (20, 21): not written, no history
    for i in (20, 21):
        assert after[small_city[i].pk].total == before[small_city[i].pk].total
        assert not after[small_city[i].pk].history.exists()
    changed = [r for r in after.values() if r.history.exists()]
    assert len(changed) == rescore.n_results_changed
    assert {h.history_change_reason for r in changed for h in r.history.all()} == {
        f"异议#{objection.pk}复核更正"
    }
    assert all(h.history_user == city_analyst for r in changed for h in r.history.all())
    figures = EnterpriseYear.objects.get(enterprise=small_city[0], year=2025)
    assert figures.tax_paid_wan_yuan == 1000
    assert figures.history.first().history_change_reason.startswith(
        f"异议#{objection.pk}复核更正：经税务部门核实"
    )
    run.refresh_from_db()
    assert run.inputs_hash == rescore.inputs_hash_after != rescore.inputs_hash_before
    assert EvaluationResult.objects.filter(run=run).count() == 22
    # and it can be published now
    services.evaluation_run_publish(actor=city_analyst, run=run)
    assert EvaluationRun.objects.get(pk=run.pk).published


def test_visibility_during_publicity(
    draft, in_publicity, firm_user, small_city, ningjin, shahe, city_analyst
):
    run = in_publicity
    assert selectors.run_get(user=firm_user, pk=run.pk) == run
    assert [r.enterprise for r in selectors.result_list(user=firm_user, run=run)] == [small_city[0]]
    with pytest.raises(NotFound):
        selectors.result_get(user=firm_user, run=run, uscc=small_city[1].uscc)
    other_user = UserFactory(
        username="shahe-firm", role="enterprise", scope_enterprise=small_city[12]
    )
    mine = _object(run, firm_user, small_city[0])
    theirs = _object(run, other_user, small_city[12])
    assert list(selectors.objection_list(user=firm_user)) == [mine]
    with pytest.raises(NotFound):
        selectors.objection_get(user=firm_user, pk=theirs.pk)
    county = UserFactory(username="nj", role="region_staff", scope_region=ningjin)
    assert list(selectors.objection_list(user=county)) == [mine]
    assert set(selectors.objection_list(user=city_analyst)) == {mine, theirs}
    # a draft stays hidden from firms
    EnterpriseYear.objects.filter(enterprise=small_city[5], year=2025).update(tax_paid_wan_yuan=7)
    second, _ = services.evaluation_run_create(actor=city_analyst, year=2025, method=ZJ)
    with pytest.raises(NotFound):
        selectors.run_get(user=firm_user, pk=second.pk)
    assert Objection.objects.count() == 2

"""The monthly ranking 月评比 on a hand-worked example (docs/projects.md walks through it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from tests.factories import ProjectFactory

from chainboard.projects import services
from chainboard.projects.models import MonthlyRanking, ReviewKind
from chainboard.projects.selectors import ranking

pytestmark = pytest.mark.django_db


def _update(project, week, amount, *, problems="", submitted=None):  # type: ignore[no-untyped-def]
    when = submitted or week + dt.timedelta(days=2)
    return services.update_submit(
        project_id=project.pk,
        actor=None,
        week=week,
        data={
            "done_this_week": "施工",
            "investment_period_wan_yuan": Decimal(amount),
            "problems": problems,
        },
        submitted_at=timezone.make_aware(dt.datetime.combine(when, dt.time(10))),
    )


@pytest.fixture
def example(xingtai):  # type: ignore[no-untyped-def]
    d = dt.date
    a1 = ProjectFactory(
        code="A1",
        region=xingtai["130528"],
        total_investment_wan_yuan=20000,
        signed_on=d(2025, 1, 10),
        planned_start_on=d(2025, 2, 1),
        started_on=d(2025, 1, 25),
        stage="started",
    )
    a2 = ProjectFactory(
        code="A2",
        region=xingtai["130528"],
        total_investment_wan_yuan=5000,
        signed_on=d(2025, 3, 5),
        planned_start_on=d(2025, 3, 1),
        started_on=None,
        stage="signed",
    )
    b1 = ProjectFactory(
        code="B1",
        region=xingtai["130582"],
        total_investment_wan_yuan=150000,
        signed_on=d(2024, 11, 1),
        planned_start_on=d(2025, 1, 15),
        started_on=d(2025, 2, 10),
        stage="started",
    )
    for p, plan in ((a1, 12000), (a2, 4000), (b1, 24000)):
        services.year_plan_set(project=p, year=2025, planned_wan_yuan=Decimal(plan), actor=None)
    _update(a1, d(2025, 1, 6), 1000)
    _update(a1, d(2025, 2, 3), 1000)
    u = _update(a1, d(2025, 3, 3), 500, problems="施工用电未接通")
    services.problem_resolve(update=u, actor=None, on=d(2025, 3, 20))
    for day in (3, 10, 17, 24, 31):
        _update(b1, d(2025, 3, day), 2000)
    return a1, a2, b1


def test_hand_worked_ranking(example) -> None:  # type: ignore[no-untyped-def]
    rows = {r.key: r for r in ranking.ranking_compute(dt.date(2025, 3, 1))}
    a, b = rows["130528"], rows["130582"]
    # 宁晋: done 2500 of plan-to-date (12000+4000)×3/12 = 4000 → 0.625 × 35 = 21.875 → 21.88
    assert a.values["investment"] == pytest.approx(0.625)
    assert a.scores == {
        "investment": Decimal("21.88"),
        "on_time_start": Decimal("10.00"),  # A1 on time, A2 not started: 1/2 × 20
        "new_signed": Decimal("7.50"),  # 1 signed in March ÷ benchmark 2 × 15
        "over_100m": Decimal("1.00"),  # 1 ÷ 10 × 10
        "problems_resolved": Decimal("10.00"),  # 1 of 1 resolved
        "punctuality": Decimal("2.00"),  # 1 of 5 March weeks reported on time
    }
    assert a.score == Decimal("52.38")
    # 沙河: 10000 of 6000 → 1.67, capped at 1.2; started late → 0; no signing in March; B1
    # (≥1亿) was signed in 2024, not this year → 0 (the old rule counted it ever signed); no
    # problem raised → 缺 (the old rule gave full marks); 5 of 5 weeks on time. Computed weights
    # 35+20+15+10+10 = 90 of 100 → k = 100/90: 42 × 10/9 = 46.67, 10 × 10/9 = 11.11
    assert b.values["over_100m"] == 0
    assert b.values["problems_resolved"] is None
    assert b.scores == {
        "investment": Decimal("46.67"),
        "on_time_start": Decimal("0.00"),
        "new_signed": Decimal("0.00"),
        "over_100m": Decimal("0.00"),
        "punctuality": Decimal("11.11"),
    }
    assert [s is None for _k, s in b.cells] == [False, False, False, False, True, False]
    assert b.score == Decimal("57.78")
    assert (b.rank, a.rank) == (1, 2)


def test_ties_share_a_rank() -> None:
    rows = [
        ranking.RankRow("1", "x", score=Decimal(5)),
        ranking.RankRow("2", "y", score=Decimal(5)),
        ranking.RankRow("3", "z", score=Decimal(1)),
    ]
    assert [r.rank for r in ranking._rank(rows)] == [1, 1, 3]


def test_cli_writes_csv_and_stores_history(example, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "rank.csv"
    call_command("projects", "rank", "--month", "2025-03", "--out", str(out))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("行政区划代码,名称,得分,排名,投资完成率")
    assert lines[1].startswith("130582,沙河市,57.78,1,")
    assert "新签约项目数（个）" in lines[0] and "新签约得分（分）" in lines[0]
    assert ",缺," in lines[1]  # 沙河 问题解决率 and its score
    stored = MonthlyRanking.objects.get(month=dt.date(2025, 3, 1), key="130582")
    assert stored.components["problems_resolved"] == {"value": None, "score": None}
    again = {r.key: r for r in ranking.ranking_with_moves(dt.date(2025, 3, 1))}
    assert "problems_resolved" not in again["130582"].scores
    assert MonthlyRanking.objects.filter(month=dt.date(2025, 3, 1)).count() == 2
    call_command("projects", "rank", "--month", "2025-04", "--out", str(out))
    rows = ranking.ranking_with_moves(dt.date(2025, 4, 1))
    assert all(r.previous_rank is not None for r in rows)


def test_period_result_combines_reviews(example) -> None:  # type: ignore[no-untyped-def]
    services.ranking_store(dt.date(2025, 3, 1), actor=None)
    from chainboard.geo.models import Region

    services.review_score_save(
        actor=None,
        region=Region.objects.get(pk="130528"),
        kind=ReviewKind.QUARTER,
        year=2025,
        period=1,
        score=Decimal(90),
    )
    rows = {r.key: r for r in ranking.period_result(2025, ReviewKind.QUARTER, 1)}
    # 宁晋: 0.7 × 52.38 + 0.3 × 90 = 63.666 → 63.67; 沙河 has no review: 缺, its monthly mean
    # alone (the neutral rule: weights rescaled), and the review is listed as missing
    assert rows["130528"].score == Decimal("63.67")
    assert rows["130528"].missing == []
    assert rows["130582"].score == Decimal("57.78")
    assert rows["130582"].missing == ["第1季度观摩"]
    assert rows["130528"].rank == 1


def test_ranking_page_labels_are_chinese_and_say_count_or_score(example, city_analyst) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    services.ranking_store(dt.date(2025, 3, 1), actor=None)
    client = Client()
    client.force_login(city_analyst)
    response = client.get("/projects/ranking/?month=2025-03")
    page = response.content.decode()
    # the chart stacks sub-scores, so its legend names scores, not counts
    legend = [s["name"] for s in response.context["chart"]["series"]]
    assert legend[2] == "新签约得分" and "新签约项目数" not in legend
    # each component has two columns: what it counts or measures, and its sub-score
    assert '<th colspan="2" class="center">新签约项目数</th>' in page
    assert "项目数（个）" in page and "得分（分）" in page and "比率" in page
    # 宁晋: one signing → "1 个" beside its 7.50 points (not a bare "7.50" under 新签约)
    assert (
        '<td class="num value" data-component="new_signed">1 个</td>'
        '<td class="num" data-score="new_signed">7.50</td>'
    ) in page
    assert '<td class="num value" data-component="investment">62.5%</td>' in page
    assert "<td>按期开工率</td>" in page  # the formula table: labels, not keys
    assert "每月 1/12（均匀）" in page  # the plan profile in words
    for key in ("on_time_start", "investment", "over_100m", "problems_resolved"):
        assert f"<td>{key}</td>" not in page and f">{key}<" not in page
    assert ">缺</span>" in page  # 沙河 raised no problem


def test_plan_profile_and_per_100_projects_by_hand(example) -> None:  # type: ignore[no-untyped-def]
    from chainboard.projects.models import RankingMethod
    from chainboard_analytics.projects.ranking import (
        DEFAULT_COMPONENTS,
        DEFAULT_PERIOD,
        HEBEI_WINTER_PROFILE,
    )

    method = RankingMethod(
        name="冬季停工+规模折算",
        components={
            **DEFAULT_COMPONENTS,
            "new_signed": {"weight": 15, "benchmark": 50, "cap": 1.5, "per": "projects"},
        },
        period=DEFAULT_PERIOD,
        plan_profile=HEBEI_WINTER_PROFILE,
    )
    method.full_clean()
    rows = {r.key: r for r in ranking.ranking_compute(dt.date(2025, 3, 1), method=method)}
    a, b = rows["130528"], rows["130582"]
    # 宁晋: plan due by March = 16,000 × 1/9 = 1,777.78 (not 4,000): 2,500 done → 1.41, capped
    # 1.2 → 42; one March signing in a pool of 2 projects = 50 per 100 ÷ 50 × 15 = 15.
    assert a.values["investment"] == pytest.approx(2500 / (16000 / 9))
    assert a.scores["investment"] == Decimal("42.00")
    assert a.values["new_signed"] == pytest.approx(50.0)
    assert a.scores["new_signed"] == Decimal("15.00")
    assert a.score == Decimal("80.00")  # 42 + 10 + 15 + 1 + 10 + 2
    assert dict(a.counts) == {"new_signed": 1, "over_100m": 1}
    assert ("new_signed", "1 个（每百 50.00）", Decimal("15.00")) in a.pairs
    assert b.score == Decimal("57.78")  # 沙河 was capped already
    # January under the winter stop: nothing due → investment 缺 for both, not a huge rate
    january = ranking.ranking_compute(dt.date(2025, 1, 1), method=method)
    assert all(r.values["investment"] is None for r in january)
    assert all("investment" not in r.scores for r in january)


def test_per_100_firms_uses_the_countys_above_scale_firms(example) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import EnterpriseFactory

    from chainboard.projects.models import RankingMethod
    from chainboard_analytics.projects.ranking import DEFAULT_COMPONENTS, DEFAULT_PERIOD

    EnterpriseFactory(region_id="130528", above_scale=True)
    EnterpriseFactory(region_id="130528", above_scale=True)
    EnterpriseFactory(region_id="130528", above_scale=False)  # 规下: not counted
    method = RankingMethod(
        name="每百家规上企业",
        components={
            **DEFAULT_COMPONENTS,
            "over_100m": {"weight": 10, "benchmark": 50, "cap": 1.5, "per": "firms"},
        },
        period=DEFAULT_PERIOD,
    )
    rows = {r.key: r for r in ranking.ranking_compute(dt.date(2025, 3, 1), method=method)}
    assert rows["130528"].values["over_100m"] == pytest.approx(50.0)  # 1 × 100 ÷ 2 firms
    assert rows["130528"].scores["over_100m"] == Decimal("10.00")
    assert rows["130582"].values["over_100m"] is None  # 沙河 has no 规上 firm: 缺, neutral
    assert "over_100m" not in rows["130582"].scores


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("plan_profile", [1] * 10, "12个数"),
        ("plan_profile", [0] * 12, "之和应大于0"),
        ("components", {"investment": {"weight": 1, "benchmark": 0, "cap": 1}}, "正数"),
        (
            "components",
            {"punctuality": {"weight": 1, "benchmark": 1, "cap": 1, "per": "firms"}},
            "计数项",
        ),
    ],
)
def test_bad_method_is_refused(field, value, message) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    method = ranking.ranking_method_default()
    setattr(method, field, value)
    with pytest.raises(ValidationError) as exc:
        method.full_clean()
    assert message in " ".join(exc.value.message_dict[field])


def test_ranking_chart_legend_does_not_cover_the_axes() -> None:
    from chainboard.projects.charts import ranking_stack

    option = ranking_stack(
        ["宁晋县", "沙河市"], [{"investment": Decimal(1)}, {}], ranking.COMPONENTS
    )
    assert option["legend"]["top"] == 0 and "bottom" not in option["legend"]
    assert option["legend"]["type"] == "scroll"  # one line, never wrapping down over the plot
    assert option["grid"]["containLabel"] is True  # axis labels kept inside the grid
    assert option["grid"]["top"] >= 30  # the legend's band is above the plot


def test_stored_counts_reach_the_api_and_the_csv_under_a_per_100_method(  # type: ignore[no-untyped-def]
    example, city_analyst
) -> None:
    import csv
    import io

    from django.test import Client

    from chainboard.projects.models import RankingMethod
    from chainboard_analytics.projects.ranking import DEFAULT_COMPONENTS, DEFAULT_PERIOD

    RankingMethod.objects.create(
        name="每百个在库项目",
        components={
            **DEFAULT_COMPONENTS,
            "new_signed": {"weight": 15, "benchmark": 50, "cap": 1.5, "per": "projects"},
        },
        period=DEFAULT_PERIOD,
    )
    services.ranking_store(dt.date(2025, 3, 1), actor=None)
    client = Client()
    client.force_login(city_analyst)
    rows = {r["key"]: r for r in client.get("/api/projects/ranking/2025-03").json()}
    ningjin = rows["130528"]
    assert ningjin["counts"] == {"new_signed": 1, "over_100m": 1}
    assert ningjin["values"]["new_signed"] == pytest.approx(50.0)  # 1 of 2 projects, per 100
    assert ningjin["scores"]["new_signed"] == "15.00"
    assert rows["130582"]["values"]["problems_resolved"] is None  # 缺
    assert "problems_resolved" not in rows["130582"]["scores"]
    body = client.get("/projects/ranking.csv?month=2025-03")
    text = b"".join(body.streaming_content) if body.streaming else body.content
    table = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    header, line = table[0], next(r for r in table if r[0] == "130528")
    # the （个） column holds the count (1), not the per-100 value (50); its score is 15
    assert line[header.index("新签约项目数（个）")] == "1"
    assert line[header.index("新签约得分（分）")] == "15.00"
    page = client.get("/projects/ranking/?month=2025-03").content.decode()
    assert "1 个（每百 50.00）" in page and "每百个在库项目" in page  # the 折算 column

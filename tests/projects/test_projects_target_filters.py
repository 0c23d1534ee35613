"""Targets over filtered projects and over clusters, by hand (docs/projects.md "Targets"):
"引进过亿元项目35个" counts inbound projects only, "1-8月新谋划157项" counts by 谋划入库日期,
"县级重点技改项目100个" counts 县级重点 技改 projects carried out in the period, cluster revenue
sums the clusters' firms (not all firms), "新增超百亿集群" counts clusters crossing 100亿."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from tests.factories import EnterpriseFactory, EnterpriseYearFactory, ProjectFactory

from chainboard.chains.models import Chain, ChainNode, Cluster, EnterpriseNode
from chainboard.projects.models import Target
from chainboard.projects.selectors import targets as calc
from chainboard.projects.target_params import describe_params, validate_params

pytestmark = pytest.mark.django_db
d = dt.date


def _target(region, formula, params, **kw):  # type: ignore[no-untyped-def]
    target = Target(
        name=kw.pop("name", "测试目标"),
        owner="商务局",
        region=region,
        period_start=kw.pop("start", d(2025, 1, 1)),
        period_end=kw.pop("end", d(2025, 12, 31)),
        formula=formula,
        params=params,
        target_value=Decimal(kw.pop("goal", 35)),
        unit=kw.pop("unit", "个"),
    )
    target.full_clean()
    target.save()
    return target


YEAR_END = d(2025, 12, 31)


def _value(target, on=YEAR_END):  # type: ignore[no-untyped-def]
    return calc.target_value(target, on)


@pytest.fixture
def signed(xingtai):  # type: ignore[no-untyped-def]
    """Signed in 2025 in 宁晋 and 沙河: 3 inbound ≥1亿 (招商引资 ×2, 京津冀对接), one inbound just
    below 1亿, one 技改 and one 专项债券 ≥1亿, one inbound ≥1亿 signed in 2024."""
    ningjin, shahe = xingtai["130528"], xingtai["130582"]
    local = EnterpriseFactory(region=ningjin)
    specs = [
        ("I1", ningjin, "investment", "new", 10000, d(2025, 1, 1), None),  # exactly 1亿, 1 Jan
        ("I2", shahe, "investment", "new", 50000, d(2025, 12, 31), None),  # last day
        ("J1", ningjin, "jingjinji", "expansion", 20000, d(2025, 6, 1), local),  # existing firm
        ("I3", ningjin, "investment", "new", 9999, d(2025, 3, 1), None),  # below 1亿
        ("T1", ningjin, "tech_upgrade", "tech", 30000, d(2025, 4, 1), local),  # 技改
        ("B1", shahe, "special_bond", "new", 40000, d(2025, 5, 1), None),  # 专项债券
        ("I0", ningjin, "investment", "new", 80000, d(2024, 12, 31), None),  # last year
    ]
    out = {}
    for code, region, source, kind, total, on, investor in specs:
        out[code] = ProjectFactory(
            code=code,
            region=region,
            source=source,
            kind=kind,
            total_investment_wan_yuan=Decimal(total),
            signed_on=on,
            started_on=None,
            planned_start_on=None,
            stage="signed",
            investor=investor,
        )
    return out


def test_inbound_over_100m_excludes_tech_and_bond_projects(xingtai, signed) -> None:  # type: ignore[no-untyped-def]
    city = xingtai["130500"]
    # before: every signing ≥ 1亿 of 2025 — I1, I2, J1, T1, B1 = 5 (the 技改 and 专项债 count)
    everything = _target(city, "projects_over", {"threshold_wan_yuan": 10000})
    assert _value(everything) == 5
    inbound = _target(
        city,
        "projects_over",
        {"threshold_wan_yuan": 10000, "sources": ["investment", "jingjinji"]},
    )
    assert _value(inbound) == 3  # I1 (exactly 1亿, 1 January), I2 (31 December), J1
    assert _value(inbound, d(2025, 12, 30)) == 2  # I2 not signed yet
    new_firms = _target(
        city, "projects_over", {"threshold_wan_yuan": 10000, "investor": "new", "kinds": ["new"]}
    )
    assert _value(new_firms) == 3  # I1, I2, B1 (J1 and T1 are by an existing local firm)
    existing = _target(city, "projects_over", {"threshold_wan_yuan": 0, "investor": "existing"})
    assert _value(existing) == 2  # J1, T1
    # a target stored without a threshold keeps the old default of 1亿
    legacy = _target(city, "projects_over", {})
    assert _value(legacy) == 5
    assert "总投资≥1亿元（默认）" in calc.target_basis(legacy)[0]
    # the county target sees only its county
    assert _value(_target(xingtai["130582"], "projects_over", {"sources": ["investment"]})) == 1


def test_listed_in_january_to_august(xingtai) -> None:  # type: ignore[no-untyped-def]
    city = xingtai["130500"]
    for code, listed in (
        ("L0", d(2024, 12, 31)),  # last year
        ("L1", d(2025, 1, 1)),  # first day
        ("L2", d(2025, 8, 31)),  # last day of 1-8月
        ("L3", d(2025, 9, 1)),  # September: not in 1-8月
        ("L4", None),  # no 谋划入库日期: cannot be counted as newly listed
    ):
        ProjectFactory(
            code=code,
            listed_on=listed,
            stage="planned",
            signed_on=None,
            started_on=None,
        )
    target = _target(city, "projects_listed", {}, start=d(2025, 1, 1), end=d(2025, 8, 31), goal=157)
    assert _value(target) == 2
    ev = calc.target_evaluate(target, d(2025, 9, 30))
    assert ev.value == Decimal("2.00") and ev.projected == Decimal("2.00")  # after the end


def test_county_key_tech_projects_carried_out_in_the_year(xingtai) -> None:  # type: ignore[no-untyped-def]
    city = xingtai["130500"]
    base = {"kind": "tech", "source": "tech_upgrade", "county_key": True}
    ProjectFactory(code="K1", listed_on=d(2024, 10, 1), **base)  # building through 2025
    ProjectFactory(
        code="K2",
        listed_on=d(2025, 12, 31),
        stage="planned",
        signed_on=None,
        started_on=None,
        **base,
    )  # listed on the last day
    ProjectFactory(code="K3", listed_on=None, **base)  # listed date unknown: in the pool
    ProjectFactory(  # producing on 1 January 2025: still carried out in 2025
        code="K4",
        started_on=d(2024, 3, 1),
        signed_on=d(2024, 1, 1),
        producing_on=d(2025, 1, 1),
        stage="producing",
        **base,
    )
    ProjectFactory(  # producing before 2025: done, not counted
        code="K5",
        started_on=d(2024, 3, 1),
        signed_on=d(2024, 1, 1),
        producing_on=d(2024, 12, 31),
        stage="producing",
        **base,
    )
    ProjectFactory(
        code="K6", listed_on=d(2026, 1, 1), stage="planned", signed_on=None, started_on=None, **base
    )  # listed after the year
    ProjectFactory(code="K7", archived=True, **base)  # archived
    ProjectFactory(code="K8", **{**base, "county_key": False})  # not 县级重点
    ProjectFactory(code="K9", **{**base, "kind": "new", "source": "investment"})  # not 技改
    target = _target(city, "projects_active", {"kinds": ["tech"], "county_key": True}, goal=100)
    assert _value(target) == 4  # K1, K2, K3, K4
    ev = calc.target_evaluate(target, d(2025, 6, 30))
    assert ev.projected == ev.value  # a stock of projects: not extrapolated


def test_investment_done_takes_the_project_filters(ningjin) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from chainboard.projects import services

    tech = ProjectFactory(region=ningjin, kind="tech", source="tech_upgrade", county_key=True)
    other = ProjectFactory(region=ningjin)
    for project, amount in ((tech, 700), (other, 300)):
        services.update_submit(
            project_id=project.pk,
            actor=None,
            week=d(2025, 3, 3),
            data={"done_this_week": "施工", "investment_period_wan_yuan": Decimal(amount)},
            submitted_at=timezone.make_aware(dt.datetime(2025, 3, 3, 10)),
        )
    assert _value(_target(ningjin, "investment_done", {}, unit="万元")) == 1000
    assert _value(_target(ningjin, "investment_done", {"county_key": True}, unit="万元")) == 700
    assert _value(_target(ningjin, "investment_done", {"sources": ["investment"]})) == 300


@pytest.mark.parametrize(
    ("formula", "params", "message"),
    [
        ("projects_over", {"source": ["investment"]}, "不接受参数 source"),
        ("projects_over", {"sources": ["outer_space"]}, "未知取值"),
        ("projects_over", {"sources": []}, "非空列表"),
        ("projects_over", {"threshold_wan_yuan": -1}, "不小于 0"),
        ("projects_over", {"threshold_wan_yuan": "一亿"}, "应为数字"),
        ("projects_over", {"threshold_wan_yuan": True}, "应为数字"),
        ("projects_over", {"threshold_wan_yuan": "NaN"}, "不小于 0"),
        ("projects_over", {"investor": "foreign"}, "未知取值"),
        ("projects_over", {"county_key": "是"}, "true 或 false"),
        ("projects_listed", {"kinds": "tech_upgrade"}, "未知取值"),
        ("revenue", {"year": 1900}, "2000–2100"),
        ("revenue", {"year": "去年"}, "应为年份"),
        ("revenue", {"firms": "some"}, "未知取值"),
        ("revenue", {"firms": "all", "clusters": [1]}, "统计范围应为产业集群企业"),
        ("revenue", {"clusters": [0]}, "正整数"),
        ("clusters_new_big", {"threshold_wan_yuan": 0}, "不小于 1"),
        ("qualifications_new", {"kind": "unicorn"}, "未知取值"),
        ("manual", {"year": 2025}, "不接受参数 year（可用：无）"),
        ("projects_over", ["investment"], "JSON 对象"),
    ],
)
def test_bad_params_are_refused_with_a_chinese_message(ningjin, formula, params, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        validate_params(formula, params)
    assert message in " ".join(exc.value.message_dict["params"])
    target = Target(
        name="x",
        owner="y",
        region=ningjin,
        period_start=d(2025, 1, 1),
        period_end=d(2025, 12, 31),
        formula=formula,
        params=params,
        target_value=1,
    )
    with pytest.raises(ValidationError):
        target.full_clean()


def test_params_are_described_in_chinese() -> None:
    assert describe_params(
        "projects_over",
        {
            "threshold_wan_yuan": 10000,
            "sources": ["jingjinji", "investment"],
            "investor": "new",
            "county_key": True,
            "kinds": ["tech"],
        },
    ) == (
        "总投资≥1亿元；来源：京津冀对接、招商引资；投资主体：新引进企业（非本地已登记企业）；"
        "县级重点项目；建设性质：技改"
    )
    clean = validate_params("projects_over", {"sources": ["jingjinji", "investment", "investment"]})
    assert clean == {"sources": ["investment", "jingjinji"]}  # deduplicated, in choice order
    assert describe_params("projects_over", {"threshold_wan_yuan": 5000}) == "总投资≥5,000.00万元"
    assert describe_params("revenue", {"year": 2025, "firms": "clusters"}) == (
        "2025年数据；产业集群企业"
    )
    assert describe_params("revenue", {"legacy": 1}) == "legacy=1"  # unknown: shown as stored


@pytest.fixture
def clusters(xingtai):  # type: ignore[no-untyped-def]
    """Two clusters: 沙河玻璃 (沙河, 3 firms) and 宁晋电线电缆 (宁晋, 2 firms, one of which is
    also linked to 沙河's glass chain through an extra county); a firm in no cluster."""
    ningjin, shahe, city = xingtai["130528"], xingtai["130582"], xingtai["130500"]
    glass = Chain.objects.create(region=city, code="glass", name="玻璃", category="traditional")
    cable = Chain.objects.create(region=city, code="cable", name="电线电缆", category="traditional")
    g = ChainNode.objects.create(chain=glass, name="浮法玻璃", stage="midstream")
    c = ChainNode.objects.create(chain=cable, name="电缆制造", stage="midstream")
    sh = Cluster.objects.create(region=shahe, name="沙河玻璃")
    sh.chains.add(glass)
    nj = Cluster.objects.create(region=ningjin, name="宁晋电线电缆")
    nj.chains.add(cable)
    sh.extra_regions.add(ningjin)  # 沙河玻璃 also covers 宁晋's glass firms
    firms = {}
    for name, region, node, revenue in (
        # revenue in 万元 for 2024, 2025
        ("沙河玻璃一", shahe, g, (600_000, 700_000)),
        ("沙河玻璃二", shahe, g, (350_000, 320_000)),
        ("宁晋电缆一", ningjin, c, (400_000, 500_000)),
        ("宁晋电缆玻璃", ningjin, c, (10_000, 20_000)),  # in both clusters
        ("宁晋其他", ningjin, None, (1_000_000, 1_500_000)),  # in no cluster
    ):
        firm = EnterpriseFactory(region=region, name=name)
        firms[name] = firm
        if node is not None:
            EnterpriseNode.objects.create(
                enterprise=firm, node=node, source="manual", confidence=1, state="confirmed"
            )
        for year, value in zip((2024, 2025), revenue, strict=True):
            EnterpriseYearFactory(enterprise=firm, year=year, revenue_wan_yuan=Decimal(value))
    EnterpriseNode.objects.create(
        enterprise=firms["宁晋电缆玻璃"], node=g, source="manual", confidence=1, state="confirmed"
    )
    return {"shahe": sh, "ningjin": nj, "firms": firms}


def test_cluster_revenue_sums_the_clusters_firms_once(xingtai, clusters) -> None:  # type: ignore[no-untyped-def]
    city = xingtai["130500"]
    all_firms = _target(city, "revenue", {"year": 2025}, unit="万元", goal=48_000_000)
    # before: all firms of the city = 700 + 320 + 500 + 20 + 1,500 (thousand 万元)
    assert _value(all_firms) == Decimal(3_040_000)
    on_clusters = _target(
        city, "revenue", {"year": 2025, "firms": "clusters"}, unit="万元", goal=48_000_000
    )
    # after: the clusters' firms, 宁晋电缆玻璃 once: 700 + 320 + 500 + 20 = 1,540 thousand
    assert _value(on_clusters) == Decimal(1_540_000)
    growth = _target(city, "revenue_growth", {"year": 2025, "firms": "clusters"}, unit="%")
    # 2024: 600 + 350 + 400 + 10 = 1,360 → 1,540 ÷ 1,360 − 1 = 13.235…%
    assert _value(growth) == pytest.approx(Decimal("13.2352941"), abs=Decimal("0.0001"))
    one = _target(
        city, "revenue", {"year": 2025, "clusters": [clusters["ningjin"].pk]}, unit="万元"
    )
    assert _value(one) == Decimal(520_000)
    basis = calc.target_basis(on_clusters)[0]
    assert "2个产业集群" in basis and "沙河玻璃" in basis and "宁晋电线电缆" in basis
    assert "共4家" in basis and "只计一次" in basis
    assert "全部企业" in calc.target_basis(all_firms)[0]


def test_new_big_clusters_target(xingtai, clusters) -> None:  # type: ignore[no-untyped-def]
    city = xingtai["130500"]
    # 沙河玻璃: 2024 = 600 + 350 + 10 = 960 thousand 万元 (96亿), 2025 = 700 + 320 + 20 = 1,040
    # thousand (104亿) → crossed 100亿; 宁晋电线电缆: 41亿 → 52亿, below.
    target = _target(city, "clusters_new_big", {"year": 2025}, goal=1)
    assert _value(target) == 1
    assert calc.target_evaluate(target, d(2025, 12, 31)).status == "achieved"
    # at a threshold of 50亿 宁晋 crosses too (41 → 52); 沙河 was already above 50亿
    low = _target(city, "clusters_new_big", {"year": 2025, "threshold_wan_yuan": 500_000})
    assert _value(low) == 1
    assert "宁晋电线电缆" in calc.target_basis(low)[0]
    # a year without last year's figures: nobody can be shown to have crossed
    none = _target(city, "clusters_new_big", {"year": 2024})
    assert _value(none) == 0
    assert "缺2023年或2024年数据" in calc.target_basis(none)[1]


def test_target_pages_show_chinese_formula_and_basis(xingtai, clusters, city_analyst) -> None:  # type: ignore[no-untyped-def]
    city = xingtai["130500"]
    target = _target(
        city,
        "revenue",
        {"year": 2025, "firms": "clusters"},
        name="全市产业集群营业收入达到4800亿元",
        unit="万元",
        goal=48_000_000,
    )
    client = Client()
    client.force_login(city_analyst)
    page = client.get(f"/projects/targets/{target.pk}/").content.decode()
    assert "企业营业收入合计(万元)（2025年数据；产业集群企业）" in page
    assert "{&#x27;year&#x27;" not in page and "{'year'" not in page  # not the raw dict
    assert "沙河玻璃" in page and "共4家" in page
    listing = client.get("/projects/targets/").content.decode()
    assert "2025年数据；产业集群企业" in listing

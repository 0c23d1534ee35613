"""Demo step: the sample city's project pool (示例数据).

About 400 projects across the 18 counties of 邢台市: investors from the demo firms and from
outside firms (京津, 长三角), sources 招商引资 / 京津冀对接 / 技改 / 专项债券, three 集中开工 batches,
26 weeks of weekly updates up to the current week (some late, some stalled), milestones, annual
plans, two months of stored rankings, the seed-style targets and a task list. Bulk inserts with
history rows (reason 示例数据); idempotent: a second run finds the sample projects and returns.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from chainboard.demo.profiles import COUNTIES
from chainboard.enterprises.models import Enterprise, EnterpriseYear
from chainboard.geo.models import Park, Region
from chainboard.projects import services
from chainboard.projects.models import (
    Batch,
    Milestone,
    Project,
    ProjectUpdate,
    Stage,
    Target,
    TargetFormula,
    Task,
    YearPlan,
    week_start,
)
from chainboard.projects.target_params import validate_params

REASON = "示例数据"
N_PROJECTS = 400
WEEKS = 26
OUTSIDE = [
    "北京京东方能源科技有限公司",
    "天津中环新材料有限公司",
    "北京亿华通科技股份有限公司",
    "天津力神电池股份有限公司",
    "江苏长电科技有限公司",
    "浙江正泰新能源开发有限公司",
    "北京汽车集团越野车有限公司",
    "中国建材国际工程集团有限公司",
    "宁德时代新能源科技股份有限公司",
    "北京首钢股份有限公司",
    "天津荣程联合钢铁集团有限公司",
    "上海电气风电集团股份有限公司",
]
WORDS = {
    "new": ["年产{n}万吨{w}项目", "{w}产业园项目", "{w}生产基地建设项目", "{w}智能制造项目"],
    "tech": ["{w}智能化技术改造项目", "{w}生产线数字化改造项目", "{w}绿色化改造项目"],
    "expansion": ["{w}扩产项目", "年产{n}万套{w}扩建项目", "{w}二期项目"],
}
PROBLEMS = [
    ("施工用电线路尚未接通", "县供电公司"),
    ("用地指标待省里批复", "自然资源和规划局"),
    ("环评审批进度慢", "生态环境局"),
    ("设备进口清关延迟", "商务局"),
    ("融资贷款未到位", "金融办"),
    ("施工许可证待办", "行政审批局"),
]


def demo_step(*, stdout: Any) -> None:
    if Project.objects.filter(sample=True, investor__isnull=False).exists():
        return
    started = time.perf_counter()
    with transaction.atomic():
        _clear()
        counts = _load(np.random.default_rng(2025))
        counts["linked"] = _link_chain_nodes(np.random.default_rng(4754))
        counts["sheets"] = _site_reviews(np.random.default_rng(1604))
    stdout.write(
        f"projects: 重点项目 {counts['projects']} 个（{counts['linked']} 个挂到产业链环节），"
        f"周调度 {counts['updates']} 条，季观摩评分表 {counts['sheets']} 张，"
        f"目标 {counts['targets']} 个，任务 {counts['tasks']} 项（示例数据，"
        f"{time.perf_counter() - started:.1f} 秒）\n"
    )


# The cluster label of a demo project → words of the chain it belongs to (the 8 shipped
# templates); clusters without a chain template (钢铁矿业, 中药材, 眼镜 …) stay unlinked.
CHAIN_WORDS = {
    "自行车": "自行车",
    "童车": "自行车",
    "玻璃": "玻璃",
    "食品": "食品",
    "粮油": "食品",
    "核桃": "食品",
    "轴承": "轴承",
    "电线电缆": "电线电缆",
    "汽车": "新能源汽车",
    "羊绒": "羊绒",
    "纺织服装": "羊绒",
    "装备制造": "五金机械",
}


def _link_chain_nodes(rng: np.random.Generator) -> int:
    """Link each demo project to one or two production segments of its chain, preferring the
    county's own chain (宁晋's 电线电缆, 沙河's 玻璃) over the city-wide one."""
    from chainboard.chains.models import Chain, ChainNode

    chains = list(Chain.objects.all())
    nodes: dict[int, list[int]] = {}
    for chain_id, node_id in (
        ChainNode.objects.exclude(stage="service").order_by("pk").values_list("chain_id", "pk")
    ):
        nodes.setdefault(chain_id, []).append(node_id)
    through = Project.chain_nodes.through
    links = []
    for p in Project.objects.filter(sample=True).order_by("pk"):
        label = p.chain_node_codes[0] if p.chain_node_codes else ""
        word = next((w for k, w in CHAIN_WORDS.items() if k in label), None)
        if word is None:
            continue
        candidates = [
            c
            for c in chains
            if word in c.name and c.region_id in (p.region_id, p.region_id[:4] + "00")
        ]
        candidates.sort(key=lambda c: c.region_id != p.region_id)  # the county's own first
        if not candidates or not nodes.get(candidates[0].pk):
            continue
        pool = nodes[candidates[0].pk]
        k = 1 if rng.random() < 0.7 else 2
        for node_id in rng.choice(pool, size=min(k, len(pool)), replace=False):
            links.append(through(project_id=p.pk, chainnode_id=int(node_id)))
    through.objects.bulk_create(links, batch_size=1000)
    return len({link.project_id for link in links})


def _clear() -> None:
    """Remove sample rows left behind by a demo reset (their firms and users are gone)."""
    from chainboard.projects.models import ReviewScore, SiteReview

    events = SiteReview.objects.filter(sample=True)
    ReviewScore.objects.filter(source__in=events).delete()
    events.delete()  # with their routes and score sheets
    ids = list(Project.objects.filter(sample=True).values_list("pk", flat=True))
    ProjectUpdate.objects.filter(project_id__in=ids).delete()
    Project.objects.filter(pk__in=ids).delete()
    Batch.objects.filter(note=REASON).delete()
    Target.objects.filter(sample=True).delete()
    Task.objects.filter(sample=True).delete()


def _bulk(objs: list[Any], model: Any) -> list[Any]:
    return bulk_create_with_history(objs, model, batch_size=1000, default_change_reason=REASON)


def _load(rng: np.random.Generator) -> dict[str, int]:
    today = timezone.localdate()
    this_week = week_start(today)
    first_week = this_week - dt.timedelta(weeks=WEEKS - 1)
    year = today.year
    regions = Region.objects.in_bulk([c.code for c in COUNTIES])
    parks: dict[str, list[Park]] = {}
    for each in Park.objects.filter(region_id__in=regions):
        parks.setdefault(each.region_id, []).append(each)
    firms: dict[str, list[tuple[int, str]]] = {}
    for pk, region, name in Enterprise.objects.filter(
        region_id__in=regions, above_scale=True
    ).values_list("pk", "region_id", "name"):
        firms.setdefault(region, []).append((pk, name))

    batch_dates = [first_week + dt.timedelta(weeks=w, days=2) for w in (2, 11, 20)]
    batches = _bulk(
        [
            Batch(name=f"{d.year}年第{i + 1}批重点项目集中开工", held_on=d, note=REASON)
            for i, d in enumerate(batch_dates)
        ],
        Batch,
    )
    weights = np.array([c.weight for c in COUNTIES], float)
    county_of = rng.choice(len(COUNTIES), size=N_PROJECTS, p=weights / weights.sum())
    projects: list[Project] = []
    # 谋划入库日期 and 县级重点 come from their own generator so the rest of the sample (and the
    # figures documented from it) does not move when they change.
    listing = np.random.default_rng(157)
    plans: dict[str, Decimal] = {}
    stalled: set[str] = set()
    for i, ci in enumerate(county_of):
        county = COUNTIES[ci]
        code = county.code
        cluster = county.clusters[int(rng.integers(len(county.clusters)))]
        kind = str(rng.choice(["new", "tech", "expansion"], p=[0.5, 0.3, 0.2]))
        source = (
            "tech_upgrade"
            if kind == "tech"
            else str(
                rng.choice(
                    ["investment", "jingjinji", "special_bond", "other"], p=[0.5, 0.3, 0.12, 0.08]
                )
            )
        )
        local = firms.get(code) or []
        investor: tuple[int, str] | None = None
        if (kind != "new" or rng.random() < 0.4) and local:
            investor = local[int(rng.integers(len(local)))]
        investor_name = investor[1] if investor else str(rng.choice(OUTSIDE))
        total = Decimal(int(np.exp(rng.normal(9.6, 1.1)) // 10 * 10 + 500))  # 万元, median ≈1.5亿
        word = cluster.name.removeprefix(county.name[:2]).removeprefix("邢台")
        name = str(rng.choice(WORDS[kind])).format(n=int(rng.integers(2, 50)), w=word)
        stage_roll = rng.random()
        stage = (
            Stage.PLANNED
            if stage_roll < 0.18
            else Stage.SIGNED
            if stage_roll < 0.33
            else Stage.STARTED
            if stage_roll < 0.85
            else Stage.PRODUCING
            if stage_roll < 0.95
            else Stage.EFFECTIVE
        )
        signed = started = producing = effective = None
        planned_start = today + dt.timedelta(days=int(rng.integers(-200, 120)))
        batch = None
        if stage != Stage.PLANNED:
            signed = today - dt.timedelta(days=int(rng.integers(30, 420)))
            planned_start = signed + dt.timedelta(days=int(rng.integers(20, 150)))
        if stage in (Stage.STARTED, Stage.PRODUCING, Stage.EFFECTIVE):
            if rng.random() < 0.35:
                batch = batches[int(rng.integers(len(batches)))]
                started = batch.held_on
                planned_start = started - dt.timedelta(days=int(rng.integers(-10, 30)))
            else:
                started = planned_start + dt.timedelta(days=int(rng.integers(-15, 60)))
            started = min(max(started, (signed or started) + dt.timedelta(days=1)), today)
            if signed and started < signed:
                started = signed
        if stage in (Stage.PRODUCING, Stage.EFFECTIVE) and started:
            producing = min(started + dt.timedelta(days=int(rng.integers(60, 200))), today)
        if stage == Stage.EFFECTIVE and producing:
            effective = producing
        first_date = signed or planned_start
        listed = (
            dt.date(year, 1, 1)
            + dt.timedelta(days=int(listing.integers(0, (today.timetuple().tm_yday))))
            if stage == Stage.PLANNED
            else first_date - dt.timedelta(days=int(listing.integers(20, 300)))
        )
        county_key = bool(listing.random() < (0.6 if kind == "tech" else 0.25))
        park_list = parks.get(code) or []
        park: Park | None = (
            park_list[int(rng.integers(len(park_list)))]
            if park_list and rng.random() < 0.7
            else None
        )
        pcode = f"XT{year % 100:02d}-{code[-2:]}-{i + 1:04d}"
        if stage == Stage.STARTED and rng.random() < 0.08:
            stalled.add(pcode)
        projects.append(
            Project(
                code=pcode,
                name=f"{investor_name[:6]}{name}",
                investor_id=investor[0] if investor else None,
                investor_name=investor_name,
                region_id=code,
                park=park,
                chain_node_codes=[cluster.name],
                kind=kind,
                source=source,
                total_investment_wan_yuan=total,
                stage=stage,
                listed_on=min(listed, first_date),
                county_key=county_key,
                planned_start_on=planned_start,
                signed_on=signed,
                started_on=started,
                producing_on=producing,
                effective_on=effective,
                responsible_official=f"{'王李张刘陈杨赵黄'[i % 8]}副县长",
                responsible_department=str(
                    rng.choice(["发改局", "工信局", "商务局", "开发区管委会"])
                ),
                batch=batch,
                provincial_key=total >= 100000 and rng.random() < 0.5,
                city_key=total >= 20000,
                sample=True,
                investment_done_wan_yuan=Decimal(0),
            )
        )
        plans[pcode] = (total * Decimal(str(round(rng.uniform(0.25, 0.6), 2)))).quantize(Decimal(1))
    projects = _bulk(projects, Project)
    by_code = {p.code: p for p in projects}
    _bulk(
        [
            YearPlan(project=by_code[c], year=year, planned_wan_yuan=v)
            for c, v in plans.items()
            if by_code[c].stage != Stage.PLANNED
        ],
        YearPlan,
    )
    updates: list[ProjectUpdate] = []
    milestones: list[Milestone] = []
    tz = timezone.get_current_timezone()
    for p in projects:
        if p.stage == Stage.PLANNED:
            milestones.append(
                Milestone(
                    project=p,
                    name="完成立项备案",
                    due_on=(p.planned_start_on or today) - dt.timedelta(days=60),
                )
            )
            continue
        start = p.started_on or p.signed_on or today
        weekly = plans[p.code] / 52
        done = (
            p.total_investment_wan_yuan * Decimal(str(round(rng.uniform(0.05, 0.3), 2)))
        ).quantize(Decimal(1))
        stop_week = (
            this_week - dt.timedelta(weeks=int(rng.integers(3, 8)))
            if p.code in stalled
            else this_week
        )
        w = max(first_week, week_start(start))
        while w <= stop_week and p.stage in (Stage.SIGNED, Stage.STARTED):
            if rng.random() < 0.06:  # a missed week
                w += dt.timedelta(weeks=1)
                continue
            amount = (weekly * Decimal(str(round(rng.uniform(0.3, 1.6), 2)))).quantize(Decimal(1))
            if p.stage == Stage.SIGNED:
                amount = Decimal(0)
            done += amount
            late = rng.random() < 0.1
            day = w + dt.timedelta(
                days=int(rng.integers(8, 13)) if late else int(rng.integers(3, 6))
            )
            problem, dept = ("", "")
            resolved = None
            if rng.random() < 0.08:
                problem, dept = PROBLEMS[int(rng.integers(len(PROBLEMS)))]
                if rng.random() < 0.6:
                    resolved = min(w + dt.timedelta(days=int(rng.integers(5, 40))), today)
            updates.append(
                ProjectUpdate(
                    project=p,
                    week=w,
                    done_this_week=str(
                        rng.choice(
                            [
                                "土建施工有序推进",
                                "钢结构厂房吊装",
                                "设备基础浇筑",
                                "主要设备进场安装",
                                "办理施工许可手续",
                                "厂房封顶，开始内部装修",
                                "单机调试",
                            ]
                        )
                    ),
                    investment_period_wan_yuan=amount,
                    investment_cumulative_wan_yuan=done,
                    next_steps="继续推进主体工程建设",
                    problems=problem,
                    help_department=dept,
                    problem_resolved_on=resolved,
                    submitted_at=dt.datetime.combine(min(day, today), dt.time(16, 30), tzinfo=tz),
                )
            )
            w += dt.timedelta(weeks=1)
        p.investment_done_wan_yuan = min(done, p.total_investment_wan_yuan)
        if p.stage in (Stage.PRODUCING, Stage.EFFECTIVE):
            p.investment_done_wan_yuan = p.total_investment_wan_yuan
        if p.stage in (Stage.SIGNED, Stage.STARTED):
            due = today + dt.timedelta(days=int(rng.integers(-45, 120)))
            milestones.append(
                Milestone(
                    project=p,
                    name="主体工程完工" if p.started_on else "开工建设",
                    due_on=due,
                    done_on=due if due < today and rng.random() < 0.6 else None,
                )
            )
    _bulk(updates, ProjectUpdate)
    _bulk(milestones, Milestone)
    Project.objects.bulk_update(projects, ["investment_done_wan_yuan"], batch_size=1000)
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    for month in (last_month.replace(day=1) - dt.timedelta(days=1), last_month):
        for scope in ("region", "department"):
            services.ranking_store(month.replace(day=1), actor=None, scope=scope)
    targets = _targets(year, regions)
    tasks = _tasks(year, today, rng)
    return {"projects": len(projects), "updates": len(updates), "targets": targets, "tasks": tasks}


def _targets(year: int, regions: dict[str, Region]) -> int:
    """The seed-style targets. Those over registry figures (revenue, qualifications) use the
    registry's latest data year; the project targets run over this calendar year."""
    city = Region.objects.get(pk="130500")
    data_year = EnterpriseYear.objects.aggregate(y=Max("year"))["y"] or year - 1
    registry = {TargetFormula.REVENUE, TargetFormula.REVENUE_GROWTH}
    registry |= {TargetFormula.QUALIFICATIONS_NEW, TargetFormula.CLUSTERS_NEW_BIG}
    clusters = {"year": data_year, "firms": "clusters"}  # over the clusters' firms, not all firms
    inbound = ["investment", "jingjinji"]  # 引进: 招商引资 and 京津冀对接, not 技改 or 专项债券
    specs = [
        (
            "全市产业集群营业收入达到4800亿元",
            "工信局",
            city,
            TargetFormula.REVENUE,
            clusters,
            48_000_000,
            "万元",
            "12项赋能行动",
        ),
        (
            "产业集群营业收入增长15%",
            "工信局",
            city,
            TargetFormula.REVENUE_GROWTH,
            clusters,
            15,
            "%",
            "12项赋能行动",
        ),
        (
            "新增超百亿产业集群1个",
            "工信局",
            city,
            TargetFormula.CLUSTERS_NEW_BIG,
            {"year": data_year},
            1,
            "个",
            "12项赋能行动",
        ),
        (
            "新增高新技术企业30家",
            "科技局",
            city,
            TargetFormula.QUALIFICATIONS_NEW,
            {"kind": "high_tech"},
            30,
            "家",
            "八项行动",
        ),
        (
            "新增上云企业60家",
            "工信局",
            city,
            TargetFormula.QUALIFICATIONS_NEW,
            {"kind": "cloud"},
            60,
            "家",
            "八项行动",
        ),
        (
            "引进过亿元项目35个",
            "商务局",
            city,
            TargetFormula.PROJECTS_OVER,
            {"threshold_wan_yuan": 10000, "sources": inbound},
            35,
            "个",
            "12项赋能行动",
        ),
        (
            "引进过10亿元项目3个",
            "商务局",
            city,
            TargetFormula.PROJECTS_OVER,
            {"threshold_wan_yuan": 100000, "sources": inbound},
            3,
            "个",
            "12项赋能行动",
        ),
        (
            "1-8月新谋划重大项目157项",
            "发改委",
            city,
            TargetFormula.PROJECTS_LISTED,
            {},
            157,
            "个",
            "项目建设大会战",
        ),
        (
            "县级重点技改项目100个",
            "工信局",
            city,
            TargetFormula.PROJECTS_ACTIVE,
            {"kinds": ["tech"], "county_key": True},
            100,
            "个",
            "八项行动",
        ),
        (
            "技改投资增长12%",
            "工信局",
            city,
            TargetFormula.TECH_INVESTMENT_GROWTH,
            {},
            12,
            "%",
            "八项行动",
        ),
        (
            "宁晋县重点项目完成投资50亿元",
            "宁晋县发改局",
            regions["130528"],
            TargetFormula.INVESTMENT_DONE,
            {},
            500_000,
            "万元",
            "项目建设大会战",
        ),
    ]
    rows = [
        Target(
            name=n,
            owner=o,
            region=r,
            period_start=dt.date(data_year if f in registry else year, 1, 1),
            period_end=dt.date(data_year if f in registry else year, 8 if "1-8月" in n else 12, 31),
            formula=f,
            params=validate_params(f, p),
            target_value=Decimal(v),
            unit=u,
            programme=prog,
            sample=True,
        )
        for n, o, r, f, p, v, u, prog in specs
    ]
    rows = _bulk(rows, Target)
    today = timezone.localdate()
    for t in rows:  # the progress history: each month end of the period so far, then today
        last, day = min(today, t.period_end), t.period_start
        while day < last:
            day = min(day.replace(day=calendar.monthrange(day.year, day.month)[1]), last)
            services.target_record(actor=None, target=t, on=day)
            day += dt.timedelta(days=1)
    return len(rows)


TASKS = {
    "12项赋能行动": [
        "编制25条重点产业链全景图",
        "建立链长制工作台账",
        "开展亩均效益综合评价",
        "推进千企转型",
        "实施百项技改",
        "规上企业两化融合全覆盖",
        "规上企业上云全覆盖",
        "创建绿色工厂",
        "每个园区建设工业设计中心",
        "规上企业对接工业设计公司",
        "组织京津冀项目对接会",
        "组织三次重点项目集中开工",
        "开展质量提升专项行动",
        "实施产业基础再造工程",
        "培育专精特新中小企业",
        "建设公共服务科技平台",
        "推进标准领跑者制度",
        "完善要素保障机制",
        "建立项目周调度机制",
        "开展月评比通报",
    ],
    "八项行动": [
        "产业创新能力提升",
        "产业链现代化攻坚",
        "融合发展深化",
        "企业梯度培育",
        "绿色制造转型",
        "开放合作拓展",
        "质量品牌提升",
        "产业集群培育",
        "揭榜挂帅关键技术攻关",
        "智改数转示范",
        "县域特色产业集群提档升级",
        "产业链招商",
        "专项债券项目谋划",
        "亩均论英雄改革深化",
        "营商环境优化",
        "人才引育",
        "金融服务实体经济",
        "园区提质增效",
    ],
}


def _tasks(year: int, today: dt.date, rng: np.random.Generator) -> int:
    rows = []
    depts = ["工信局", "发改委", "科技局", "商务局", "市场监管局", "自然资源和规划局"]
    n = 0
    for programme, names in TASKS.items():
        for name in names:
            pct = 100 if n % 13 == 0 else int(rng.integers(75, 100))
            rows.append(
                Task(
                    programme=programme,
                    name=name,
                    owner_department=depts[n % len(depts)],
                    region_id="130500",
                    due_on=dt.date(year, 12, 31) if n % 4 else dt.date(year, 9, 30),
                    percent_complete=pct,
                    evidence="已形成工作台账" if pct >= 90 else "",
                    sample=True,
                )
            )
            n += 1
    _bulk(rows, Task)
    return len(rows)


def _site_reviews(rng: np.random.Generator) -> int:
    """Two 季观摩 events: last quarter's (closed: its county scores are written) and this
    quarter's (open, two stops not scored yet, so a demo reviewer can score on the phone). The
    reviewers are the demo's officials (admin, analyst, ningjin); with three reviewers the
    aggregation is the plain mean (the trimmed mean needs five)."""
    from chainboard.accounts.models import User
    from chainboard.projects.models import SiteReview

    reviewers = list(
        User.objects.filter(username__in=["admin", "analyst", "ningjin"]).order_by("username")
    )
    if not reviewers:
        return 0
    today = timezone.localdate()
    q_now = (today.month - 1) // 3 + 1
    prev_year, q_prev = (today.year, q_now - 1) if q_now > 1 else (today.year - 1, 4)
    last_month = 3 * q_prev
    earlier = dt.date(prev_year, last_month, min(20, calendar.monthrange(prev_year, last_month)[1]))
    recent = max(dt.date(today.year, 3 * q_now - 2, 1), today - dt.timedelta(days=3))
    building = list(
        Project.objects.filter(sample=True, stage__in=["started", "signed"], archived=False)
        .order_by("region_id", "-total_investment_wan_yuan")
        .values_list("pk", "region_id")
    )
    by_county: dict[str, list[int]] = {}
    for pk, region in building:
        by_county.setdefault(region, []).append(pk)
    counties = sorted(by_county, key=lambda c: -len(by_county[c]))[:6]
    sheets = 0
    for held_on, quarter, offset, close in ((earlier, q_prev, 0, True), (recent, q_now, 1, False)):
        picks = [by_county[c][offset] for c in counties if len(by_county[c]) > offset]
        route = list(Project.objects.filter(pk__in=picks).order_by("region_id"))
        if not route:
            continue
        event = services.site_review_create(
            actor=None,
            title=f"{held_on.year}年第{quarter}季度重点项目观摩",
            held_on=held_on,
            quarter=quarter,
            note="示例数据",
        )
        SiteReview.objects.filter(pk=event.pk).update(sample=True)
        event = services.site_review_set_route(actor=None, event=event, projects=route)
        event = services.site_review_set_reviewers(actor=None, event=event, reviewers=reviewers)
        scored = route if close else route[:-2]
        for project in scored:
            quality = float(rng.uniform(0.6, 0.95))
            for reviewer in reviewers:
                points = {
                    c["key"]: float(
                        min(
                            c["weight"],
                            round(c["weight"] * (quality + rng.normal(0, 0.05)) * 2) / 2,
                        )
                    )
                    for c in event.criteria
                }
                services.review_sheet_save(
                    actor=reviewer,
                    event=event,
                    project=project,
                    points=points,
                    comment="现场形象进度良好" if quality > 0.85 else "",
                )
                sheets += 1
        if close:
            services.site_review_close(actor=None, event=event)
    return sheets

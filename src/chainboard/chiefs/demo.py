"""Demo step: the 链长制 of every city chain, 攻关清单 of the main chains, 揭榜挂帅 calls in
different stages, one 创新联合体 per main chain, a 链长 work plan of this year per main chain
(some tasks overdue) and two meetings whose decisions became plan tasks (after the chains and
supply steps).

Idempotent: each part is skipped when its rows are already there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from chainboard.accounts.models import User
from chainboard.chains.models import Chain, ChainNode, EnterpriseNode, LinkState
from chainboard.chiefs import services
from chainboard.chiefs.models import Chokepoint, OrgMember, WorkPlan
from chainboard.enterprises.models import Enterprise

CITY = "130500"
#: chain code → the county whose officials form the chain's county part
COUNTY = {
    "wire_cable": ("130528", "宁晋县"),
    "glass": ("130582", "沙河市"),
    "nev": ("130533", "威县"),
    "cashmere": ("130534", "清河县"),
    "bearing": ("130535", "临西县"),
    "bicycle": ("130532", "平乡县"),
    "food": ("130525", "隆尧县"),
}
#: industry organisations per chain: (kind, name, role)
ORGANISATIONS: dict[str, list[tuple[str, str, str]]] = {
    "wire_cable": [
        ("association", "宁晋县电线电缆行业协会", "行业自律、标准宣贯、质量提升行动"),
        ("institute", "国家电线电缆质量检验检测中心（示例）", "型式试验、质量监督抽查"),
        ("university", "河北工业大学电气工程学院", "绝缘材料与电缆结构研究"),
    ],
    "glass": [
        ("association", "沙河市玻璃行业协会", "产能置换协调、品牌建设"),
        ("institute", "中国建材集团玻璃研究院（示例）", "超薄电子玻璃、光伏玻璃工艺"),
        ("university", "河北科技大学材料学院", "玻璃配方与深加工技术"),
    ],
    "nev": [
        ("association", "邢台市汽车及零部件行业协会", "配套对接、产需衔接"),
        ("institute", "河北省新能源汽车研究院（示例）", "电驱、电控测试验证"),
        ("university", "河北工业大学机械工程学院", "轻量化与热管理"),
    ],
}
DEPARTMENTS = [
    ("市工业和信息化局", "链长办所在单位：统筹协调、技改和数字化转型、专精特新培育"),
    ("市发展和改革委员会", "重点项目谋划、要素保障、集中开工"),
    ("市科学技术局", "攻关清单、揭榜挂帅、创新联合体、高新技术企业培育"),
    ("市商务局", "产业链招商、京津产业对接"),
    ("市自然资源和规划局", "项目用地保障"),
]
# chain → [(technology, node names, reason, import share, foreign supplier, domestic state,
#           target, target year)]
CHOKEPOINTS: dict[str, list[tuple[str, tuple[str, ...], str, str | None, str, str, str, int]]] = {
    "wire_cable": [
        (
            "500kV超高压交联聚乙烯绝缘料",
            ("绝缘与护套材料", "电力电缆"),
            "import",
            "0.85",
            "北欧化工、陶氏化学",
            "220kV 及以下绝缘料已国产化，500kV 绝缘料与超净屏蔽料依赖进口",
            "国产500kV绝缘料通过型式试验，在本地电缆企业小批量应用",
            2027,
        ),
        (
            "高导电率无氧铜杆连铸连轧",
            ("铜杆铜线",),
            "performance",
            None,
            "",
            "本地铜杆以低氧铜为主，高端电磁线、特种电缆用无氧铜杆外购",
            "无氧铜杆导电率≥101% IACS，形成年产5万吨能力",
            2026,
        ),
        (
            "光纤预制棒外包层技术",
            ("光纤预制棒", "光纤"),
            "import",
            "0.40",
            "信越化学、住友电工",
            "国内龙头已突破芯棒，大尺寸外包层工艺与装备仍部分进口",
            "建成大尺寸预制棒外包层中试线",
            2028,
        ),
    ],
    "glass": [
        (
            "0.1mm以下超薄电子玻璃成形",
            ("电子与显示玻璃",),
            "single_foreign",
            "0.70",
            "康宁",
            "国内可量产0.2mm级，0.1mm以下良率低",
            "0.07mm超薄电子玻璃良率≥80%",
            2028,
        ),
        (
            "光伏玻璃高透减反镀膜液",
            ("超白与光伏玻璃", "镀膜与节能玻璃"),
            "import",
            "0.55",
            "帝斯曼",
            "国产镀膜液增透率与耐候性不足",
            "国产镀膜液增透≥2.5%，双85老化1000小时合格",
            2026,
        ),
        (
            "浮法锡槽关键装备（拉边机、锡槽底砖）",
            ("玻璃机械装备", "耐火材料"),
            "performance",
            None,
            "",
            "关键装备寿命与精度低于进口产品",
            "国产拉边机寿命≥5年",
            2027,
        ),
    ],
    "nev": [
        (
            "车规级IGBT/SiC功率模块",
            ("车规芯片与功率半导体", "电控与车载电子"),
            "import",
            "0.70",
            "英飞凌、意法半导体",
            "国产IGBT已上车，SiC模块与车规认证能力不足",
            "本地电控企业采用国产SiC模块装车验证",
            2028,
        ),
        (
            "电池管理系统（BMS）模拟前端芯片",
            ("电池包与电池管理系统",),
            "single_foreign",
            "0.80",
            "德州仪器",
            "高精度AFE芯片主要依赖单一境外供应商",
            "国产AFE芯片电压采样精度±1mV，通过AEC-Q100",
            2027,
        ),
    ],
}


def _linked(chain: Chain, node_names: tuple[str, ...] = ()) -> list[Enterprise]:
    """Local firms linked to the chain (or to ``node_names``), largest revenue first."""
    links = EnterpriseNode.objects.filter(
        node__chain=chain,
        state__in=(LinkState.PROPOSED, LinkState.CONFIRMED),
        enterprise__region__path__startswith=chain.region.path,
    )
    if node_names:
        links = links.filter(node__name__in=node_names)
    ids = set(links.values_list("enterprise_id", flat=True))
    return list(
        Enterprise.objects.filter(pk__in=ids)
        .annotate(r=Sum("years__revenue_wan_yuan"))
        .order_by("-r", "pk")[:5]
    )


def _organisation(chain: Chain, staff: dict[str, User | None]) -> int:
    county = COUNTY.get(chain.code)
    rows: list[dict[str, Any]] = [
        {
            "kind": "general_chief",
            "name": "市长（示例）",
            "title": "总链长",
            "duties": "统筹全市25条重点产业链",
        },
        {
            "kind": "chief",
            "name": chain.chief_name or "分管副市长（示例）",
            "title": chain.chief_office or "邢台市人民政府",
            "duties": "研究链条发展规划，协调解决重大问题，每季度召开链长会议",
        },
        {
            "kind": "office",
            "name": f"{chain.name}链长办",
            "title": "设在市工业和信息化局",
            "contact": "链长办联络员",
            "phone": "0319-0000000",
            "duties": "产业办牵头抓总、链长办分线作战：梳理链条、建立清单、调度推进",
        },
    ]
    if staff["analyst"] is not None:
        rows.append(
            {
                "kind": "office_staff",
                "name": "市工信局分析员",
                "title": "链长办工作人员",
                "user": staff["analyst"],
            }
        )
    if chain.code == "wire_cable" and staff["ningjin"] is not None:
        rows.append(
            {
                "kind": "office_staff",
                "name": "宁晋县工信局联络员",
                "title": "链长办工作人员（跨县维护本链）",
                "user": staff["ningjin"],
            }
        )
    leaders = list(chain.leader_firms.all()) or _linked(chain)[:2]
    for firm in leaders[:2]:
        rows.append(
            {
                "kind": "leader_firm",
                "enterprise": firm,
                "name": firm.name,
                "region": firm.region,
                "title": "链主企业",
                "duties": "带动本地配套：本地采购比例三年提高10个百分点，开放应用场景，牵头组建创新联合体",
            }
        )
    for name, duties in DEPARTMENTS:
        rows.append({"kind": "department", "name": name, "duties": duties})
    if county is not None:
        code, county_name = county
        from chainboard.geo.models import Region

        region = Region.objects.filter(pk=code).first()
        rows.append(
            {
                "kind": "department",
                "name": f"{county_name}工业和信息化局",
                "region": region,
                "duties": f"{county_name}段链条的企业服务、项目推进和数据填报",
            }
        )
    for kind, name, role in ORGANISATIONS.get(chain.code, []):
        rows.append({"kind": kind, "name": name, "title": role})
    for order, data in enumerate(rows):
        member = services.org_member_save(chain=chain, actor=None, data=data)
        OrgMember.objects.filter(pk=member.pk).update(order=order)
    return len(rows)


def _chokepoints(chain: Chain) -> list[Chokepoint]:
    out = []
    for tech, node_names, reason, share, supplier, state, target, year in CHOKEPOINTS.get(
        chain.code, []
    ):
        nodes = list(ChainNode.objects.filter(chain=chain, name__in=node_names))
        if not nodes:
            continue
        out.append(
            services.chokepoint_save(
                chain=chain,
                actor=None,
                data={
                    "technology": tech,
                    "reason": reason,
                    "import_share": Decimal(share) if share else None,
                    "foreign_supplier": supplier,
                    "domestic_state": state,
                    "target": target,
                    "target_year": year,
                },
                nodes=nodes,
                needing_firms=_linked(chain, node_names)[:3],
            )
        )
    return out


def _call(item: Chokepoint, budget: str, months: int, apply_by: dt.date | None) -> Any:
    call = services.call_save(
        chokepoint=item,
        actor=None,
        data={
            "title": f"{item.technology}揭榜挂帅",
            "goal": item.target,
            "indicators": f"{item.target}\n申请发明专利≥3项\n形成企业标准1项",
            "budget_wan_yuan": budget,
            "period_months": months,
            "eligibility": "在中国境内注册的企业、高校、科研院所，可联合申报；牵头单位须具备相关研发基础",
            "apply_by": apply_by,
        },
    )
    return call


def _applicant(call: Any, firm: Enterprise | None, **extra: Any) -> Any:
    return services.application_submit(
        call=call,
        actor=None,
        applicant_kind="firm" if firm is not None else extra.pop("kind", "university"),
        enterprise=firm,
        applicant_name=extra.pop("name", ""),
        team_lead=extra.pop("lead"),
        team=extra.pop("team"),
        plan=extra.pop("plan"),
        budget_wan_yuan=extra.pop("budget"),
    )


def demo_step(*, stdout: Any) -> None:
    city_chains = list(Chain.objects.filter(region_id=CITY).order_by("name"))
    if not city_chains:
        return
    if not OrgMember.objects.filter(chain__region_id=CITY).exists():
        _chief_system(city_chains, stdout)
    if not WorkPlan.objects.filter(chain__region_id=CITY).exists():
        _work_plans_and_meetings(city_chains, stdout)


def _chief_system(city_chains: list[Chain], stdout: Any) -> None:
    staff = {name: User.objects.filter(username=name).first() for name in ("analyst", "ningjin")}
    members = sum(_organisation(chain, staff) for chain in city_chains)
    by_code = {c.code: c for c in city_chains}
    items = {code: _chokepoints(by_code[code]) for code in CHOKEPOINTS if code in by_code}
    today = timezone.localdate()
    calls = 0
    if (cable := items.get("wire_cable")) and len(cable) >= 2:
        # 1. 已挂帅（实施中）: review, award, two milestones (one paid), a mid-term check
        call = services.call_publish(
            call=_call(cable[0], "1200", 24, None), actor=None, on=today - dt.timedelta(days=200)
        )
        firms = _linked(by_code["wire_cable"], ("电力电缆", "绝缘与护套材料"))
        a = _applicant(
            call,
            firms[0] if firms else None,
            name="河北工业大学",
            lead="高级工程师 张（示例）",
            team="企业研究院 12 人，联合河北工业大学电气学院",
            plan="超净生产线改造 + 交联副产物控制 + 型式试验",
            budget="1100",
        )
        b = _applicant(
            call,
            None,
            kind="institute",
            name="国家电线电缆质量检验检测中心（示例）",
            lead="研究员 李（示例）",
            team="材料研究室 8 人",
            plan="纳米改性绝缘料配方",
            budget="900",
        )
        services.call_close(call=call, actor=None)
        for expert, sa, sb in (("专家 王（示例）", "88", "79"), ("专家 赵（示例）", "91", "82")):
            services.review_record(
                application=a, actor=None, expert=expert, score=sa, conflict=False
            )
            services.review_record(
                application=b, actor=None, expert=expert, score=sb, conflict=False
            )
        services.review_record(
            application=b,
            actor=None,
            expert="专家 孙（示例）",
            score=None,
            conflict=True,
            conflict_note="与申报单位有合作项目，回避",
        )
        services.call_award(call=call, application=a, actor=None)
        m1 = services.milestone_add(
            call=call,
            actor=None,
            title="中试线建成、配方定型",
            due_on=today - dt.timedelta(days=30),
            payment_wan_yuan="400",
        )
        services.milestone_done(milestone=m1, actor=None, on=today - dt.timedelta(days=20))
        services.milestone_add(
            call=call,
            actor=None,
            title="型式试验通过",
            due_on=today + dt.timedelta(days=240),
            payment_wan_yuan="500",
        )
        services.midterm_check_record(
            call=call,
            actor=None,
            checked_on=today - dt.timedelta(days=15),
            conclusion="pass",
            note="中试样品击穿场强达到预期，进度正常",
        )
        # 2. 已发布（揭榜中）: open until two months from now, one university has applied
        call2 = services.call_publish(
            call=_call(cable[1], "600", 18, today + dt.timedelta(days=60)), actor=None
        )
        _applicant(
            call2,
            None,
            name="河北科技大学材料学院",
            lead="教授 刘（示例）",
            team="金属材料课题组 6 人",
            plan="上引连铸工艺优化与在线除氧",
            budget="550",
        )
        calls += 2
    if nev := items.get("nev"):
        # 3. 已验收: the result goes back to the list item (已突破)
        call = services.call_publish(
            call=_call(nev[1], "800", 12, None), actor=None, on=today - dt.timedelta(days=420)
        )
        firms = _linked(by_code["nev"], ("电池包与电池管理系统",))
        a = _applicant(
            call,
            firms[0] if firms else None,
            name="河北省新能源汽车研究院（示例）",
            lead="总工程师 周（示例）",
            team="BMS 团队 10 人",
            plan="AFE 芯片联合设计 + 车规认证",
            budget="780",
        )
        services.call_close(call=call, actor=None)
        services.review_record(
            application=a, actor=None, expert="专家 吴（示例）", score="86", conflict=False
        )
        services.call_award(call=call, application=a, actor=None)
        m = services.milestone_add(
            call=call,
            actor=None,
            title="流片与装车验证",
            due_on=today - dt.timedelta(days=60),
            payment_wan_yuan="780",
        )
        services.milestone_done(milestone=m, actor=None, on=today - dt.timedelta(days=50))
        services.midterm_check_record(
            call=call, actor=None, checked_on=today - dt.timedelta(days=200), conclusion="pass"
        )
        services.call_accept(
            call=call,
            actor=None,
            achieved={i: True for i in call.indicators},
            note="专家组现场验收，各项指标均达到榜单要求",
        )
        calls += 1
    consortia = 0
    for code, chain_items in items.items():
        chain = by_code[code]
        leads = _linked(chain, tuple(n.name for n in chain_items[0].nodes.all())) or _linked(chain)
        if not leads:
            continue
        c = services.consortium_save(
            chain=chain,
            actor=None,
            name=f"{chain.name.removesuffix('产业链')}创新联合体",
            lead=leads[0],
            chokepoint=chain_items[0],
            founded_on=today - dt.timedelta(days=300),
            outputs="申请发明专利 5 项，制定团体标准 1 项，新产品 2 个（示例）",
        )
        for kind, name, role in ORGANISATIONS.get(code, [])[1:]:
            services.consortium_member_add(
                consortium=c, actor=None, kind=kind, name=name, role=role
            )
        consortia += 1
    stdout.write(
        f"chiefs: 链长制成员 {members} 个，攻关清单 {sum(len(v) for v in items.values())} 项，"
        f"揭榜挂帅榜单 {calls} 项，创新联合体 {consortia} 个\n"
    )


#: main chain → this year's plan tasks: (task, owner, days from today to the deadline, % done)
PLAN_TASKS: dict[str, list[tuple[str, str, int, int]]] = {
    "wire_cable": [
        ("梳理电线电缆产业链图谱，更新“四张清单”", "市工业和信息化局", -120, 100),
        ("引进绝缘与护套材料项目1个（补链）", "市商务局", -25, 60),
        ("推动3家电缆企业建设智能工厂或数字化车间", "市工业和信息化局", -10, 45),
        ("组织链主企业与本地配套企业产需对接会2场", "宁晋县工业和信息化局", 45, 50),
        ("新增高新技术企业5家", "市科学技术局", 150, 20),
    ],
    "glass": [
        ("沙河玻璃产能置换项目手续办结", "市发展和改革委员会", -40, 70),
        ("超白光伏玻璃深加工项目开工", "沙河市工业和信息化局", -5, 90),
        ("建设玻璃行业工业设计中心1家", "市工业和信息化局", 90, 30),
        ("玻璃企业绿色工厂创建4家", "市工业和信息化局", 200, 10),
    ],
    "nev": [
        ("新能源汽车零部件招商签约项目3个", "市商务局", -60, 67),
        ("电池包与电池管理系统本地配套率提高到30%", "威县工业和信息化局", 120, 40),
        ("车规级芯片验证平台建成", "市科学技术局", -15, 100),
        ("举办京津冀新能源汽车产业链对接活动", "市商务局", 30, 0),
    ],
}


def _work_plans_and_meetings(city_chains: list[Chain], stdout: Any) -> None:
    today = timezone.localdate()
    by_code = {c.code: c for c in city_chains}
    plans: dict[str, WorkPlan] = {}
    tasks = 0
    for code, rows in PLAN_TASKS.items():
        chain = by_code.get(code)
        if chain is None:
            continue
        plan = services.work_plan_save(
            chain=chain,
            actor=None,
            data={
                "year": today.year,
                "goals": "延链补链强链：补齐关键环节，提升本地配套率，培育链主企业和专精特新企业",
            },
        )
        plans[code] = plan
        for name, owner, days, done in rows:
            services.plan_task_save(
                plan=plan,
                actor=None,
                data={
                    "name": name,
                    "owner_department": owner,
                    "due_on": today + dt.timedelta(days=days),
                    "percent_complete": done,
                    "evidence": "已完成，见链长办台账" if done == 100 else "",
                },
            )
            tasks += 1
    analyst = User.objects.filter(username="analyst").first()
    meetings = 0
    for code, kind, days, title, agenda, decisions in (
        (
            "wire_cable",
            "chief",
            -45,
            "电线电缆产业链链长会议（第二季度）",
            "一、链条发展情况和工作计划进展\n二、500kV绝缘料揭榜挂帅进展\n三、需协调解决的问题",
            [
                (
                    "协调宁晋县新增工业用地200亩，保障绝缘材料项目落地",
                    "市自然资源和规划局",
                    30,
                    True,
                ),
                (
                    "链主企业牵头梳理本地可配套产品清单，年底前本地采购比例提高5个百分点",
                    "宁晋县工业和信息化局",
                    120,
                    True,
                ),
                ("研究设立电线电缆产业链专项基金", "市发展和改革委员会", None, False),
            ],
        ),
        (
            "glass",
            "topic",
            -12,
            "光伏玻璃镀膜液国产化专题会",
            "一、镀膜液国产化攻关方案\n二、揭榜挂帅榜单编制",
            [
                ("年内编制光伏玻璃镀膜液揭榜挂帅榜单", "市科学技术局", 60, True),
                ("组织沙河玻璃企业与高校开展联合试验", "沙河市工业和信息化局", 90, False),
            ],
        ),
    ):
        chain = by_code.get(code)
        if chain is None or code not in plans:
            continue
        officials = list(
            OrgMember.objects.filter(
                chain=chain, kind__in=("general_chief", "chief", "department")
            )[:4]
        )
        meeting = services.meeting_save(
            chain=chain,
            actor=None,
            data={
                "kind": kind,
                "held_on": today + dt.timedelta(days=days),
                "title": title,
                "place": "市政府第一会议室",
                "chaired_by": officials[1].name if len(officials) > 1 else "",
                "agenda": agenda,
                "other_attendees": "链主企业、行业协会代表",
            },
            attendees=[analyst] if analyst is not None else [],
            officials=officials,
        )
        for text, owner, due_days, to_task in decisions:
            d = services.decision_save(
                meeting=meeting,
                actor=None,
                data={
                    "text": text,
                    "owner_department": owner,
                    "due_on": today + dt.timedelta(days=due_days) if due_days is not None else None,
                },
            )
            if to_task:
                services.decision_to_task(decision=d, actor=None)
                tasks += 1
        meetings += 1
    stdout.write(
        f"chiefs: 链长工作计划 {len(plans)} 项（任务 {tasks} 项），链长会议 {meetings} 次\n"
    )

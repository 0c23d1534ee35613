"""Demo step: a 招商 pipeline for every chain of the sample city — leads of outside firms at
every stage (线索, 接洽, 考察/洽谈, 签约, 落地, 失败, 搁置), most aimed at a segment of the chain,
with visits and talks over the past year; the landed ones become 引进 projects on their
segment. The city's "引进过亿元项目35个" target then counts those projects only
(``introduced: true``). Deterministic (seeded); idempotent: does nothing when leads exist (after a demo reset removed the sample projects,
the sample leads are loaded afresh).

Written through the services (actor None = the system, history reason 示例数据), so every lead
has its history and timeline like one entered by hand.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import time
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from chainboard.accounts.models import User
from chainboard.chains.models import Chain, ChainNode
from chainboard.enterprises.uscc import CHARSET, uscc_check_char
from chainboard.geo.models import Region
from chainboard.investment import services
from chainboard.investment.models import PIPELINE, Lead, LeadSource, LeadStage
from chainboard.projects.models import Target

CITY = "130500"
SEED = 20261207
REASON = "示例数据"
#: per chain: how many leads end at each stage
PLAN = [
    (LeadStage.LEAD, 7),
    (LeadStage.CONTACT, 5),
    (LeadStage.NEGOTIATION, 4),
    (LeadStage.SIGNED, 3),
    (LeadStage.LANDED, 3),
    (LeadStage.LOST, 2),
    (LeadStage.PAUSED, 1),
]
#: outside regions the leads come from: (name, GB/T 2260 code, short name)
ORIGINS = [
    ("江苏省苏州市", "320500", "苏州"),
    ("浙江省宁波市", "330200", "宁波"),
    ("广东省深圳市", "440300", "深圳"),
    ("上海市", "310100", "上海"),
    ("北京市", "110100", "北京"),
    ("天津市", "120100", "天津"),
    ("山东省青岛市", "370200", "青岛"),
    ("江苏省无锡市", "320200", "无锡"),
    ("浙江省杭州市", "330100", "杭州"),
    ("河南省郑州市", "410100", "郑州"),
    ("安徽省合肥市", "340100", "合肥"),
    ("湖北省武汉市", "420100", "武汉"),
]
BRANDS = [
    "华",
    "中",
    "恒",
    "远",
    "泰",
    "鑫",
    "瑞",
    "通",
    "宏",
    "德",
    "嘉",
    "安",
    "盛",
    "博",
    "科",
    "联",
]


def _trade(segment: str) -> str:
    """The trade word of a firm name from a segment name: its first term, whole (电机与风电 → 电机,
    绒山羊养殖 → 绒山羊养殖), never a cut through a word such as 绒山羊养."""
    return re.split(r"[与及、和/（(]", segment, maxsplit=1)[0] or segment


KINDS = ["科技有限公司", "股份有限公司", "集团有限公司", "制造有限公司", "新材料有限公司"]
LOST = ["企业选址转向长三角", "投资方资金链紧张", "用地指标无法满足", "对方战略调整，项目取消"]
PAUSED = ["等待企业董事会决策", "环评前置条件待落实", "企业主要负责人变动"]
VISITS = [
    "赴企业总部对接，介绍本地产业基础和配套政策",
    "企业考察团来邢考察园区及链主企业",
    "召开项目洽谈会，就用地、厂房和配套条件深入沟通",
    "电话跟进，企业已提交投资意向书",
    "参加产业链招商推介会，企业表达合作意向",
]


def demo_step(*, stdout: Any) -> None:
    if (
        Lead.objects.filter(sample=False).exists()
        or Lead.objects.filter(sample=True, stage=LeadStage.LANDED).exists()
    ):
        return  # real leads, or the sample pipeline is complete
    # sample leads whose 引进 projects a demo reset removed (moved back to 签约): load afresh
    Lead.objects.filter(sample=True).delete()
    chains = list(Chain.objects.filter(region_id=CITY).order_by("code"))
    counties = list(
        Region.objects.filter(level="county", path__contains=f"/{CITY}/").order_by("code")
    )
    if not chains or not counties:
        return
    started = time.perf_counter()
    with transaction.atomic():
        counts = _load(chains, counties, np.random.default_rng(SEED))
    stdout.write(
        f"investment: 招商线索 {counts['leads']} 条（{len(chains)} 条产业链），落地引进项目 "
        f"{counts['landed']} 个，跟进记录 {counts['activities']} 条（示例数据，"
        f"{time.perf_counter() - started:.1f} 秒）\n"
    )


def _uscc(code6: str, rng: np.random.Generator) -> str:
    body = "91" + code6 + "".join(CHARSET[int(i)] for i in rng.integers(0, 31, 9))
    return body + uscc_check_char(body)


def _leaves(chain: Chain) -> list[ChainNode]:
    nodes = list(chain.nodes.exclude(stage="service").order_by("order", "pk"))
    parents = {n.parent_id for n in nodes}
    return [n for n in nodes if n.pk not in parents] or nodes


def _load(chains: list[Chain], counties: list[Region], rng: np.random.Generator) -> dict[str, int]:
    today = timezone.localdate()
    staff = {
        u.scope_region_id: u
        for u in User.objects.filter(role="region_staff", scope_region__in=counties, is_active=True)
    }
    counts = {"leads": 0, "landed": 0, "activities": 0}
    used: set[str] = set()
    for chain in chains:
        leaves = _leaves(chain)
        if not leaves:
            continue
        for final, n in PLAN:
            for _ in range(n):
                counts["activities"] += _one(
                    chain, leaves, counties, staff, final, today, rng, used
                )
                counts["leads"] += 1
                counts["landed"] += final == LeadStage.LANDED
    _retarget(today)
    return counts


def _one(
    chain: Chain,
    leaves: list[ChainNode],
    counties: list[Region],
    staff: dict[Any, User],
    final: LeadStage,
    today: dt.date,
    rng: np.random.Generator,
    used: set[str],
) -> int:
    node = leaves[int(rng.integers(len(leaves)))]
    origin, code6, short = ORIGINS[int(rng.integers(len(ORIGINS)))]
    while True:
        brand = "".join(BRANDS[int(i)] for i in rng.choice(len(BRANDS), 2, replace=False))
        name = f"{short}{brand}{_trade(node.name)}{KINDS[int(rng.integers(len(KINDS)))]}"
        if name not in used:
            used.add(name)
            break
    county = counties[int(rng.integers(len(counties)))]
    # 1,000万 – 15亿, log-uniform: most below 1亿, some far above
    amount = Decimal(int(10 ** rng.uniform(3, 5.2) / 100) * 100)
    day = today - dt.timedelta(days=int(rng.integers(120, 360)))
    lead = services.lead_create(
        actor=None,
        data={
            "name": name,
            "uscc": _uscc(code6, rng) if rng.random() < 0.6 else "",
            "origin": origin,
            "products": f"{node.name}相关产品",
            "amount_wan_yuan": amount,
            "contacts": f"{'王李张刘陈杨'[int(rng.integers(6))]}经理 1{int(rng.integers(3_000_000_000, 9_000_000_000))}",
            "source": LeadSource.GAP if rng.random() < 0.6 else LeadSource.MANUAL,
            "chain": chain,
            "node": node,
            "region": county,
            "owner": staff.get(county.pk),
            "next_step": "",
        },
        on=day,
        reason=REASON,
    )
    Lead.objects.filter(pk=lead.pk).update(sample=True)
    activities = 1
    top = PIPELINE.index(final) if final in PIPELINE else int(rng.integers(1, 3))
    for stage in PIPELINE[1 : top + 1]:
        day = min(today, day + dt.timedelta(days=int(rng.integers(10, 45))))
        if rng.random() < 0.8:
            services.activity_add(
                actor=None,
                lead=lead,
                kind=["visit", "talk", "call"][int(rng.integers(3))],
                on=day,
                people=f"{county.name}招商局",
                content=VISITS[int(rng.integers(len(VISITS)))],
            )
            activities += 1
        lead = services.lead_move(
            actor=None, lead_id=lead.pk, stage=stage, expected_version=None, on=day
        )
        activities += 1
    if final in (LeadStage.LOST, LeadStage.PAUSED):
        day = min(today, day + dt.timedelta(days=int(rng.integers(10, 45))))
        reasons = LOST if final == LeadStage.LOST else PAUSED
        lead = services.lead_move(
            actor=None,
            lead_id=lead.pk,
            stage=final,
            expected_version=None,
            on=day,
            reason=reasons[int(rng.integers(len(reasons)))],
        )
        activities += 1
    if lead.is_open:
        nxt = today + dt.timedelta(days=int(rng.integers(-10, 30)))
        services.lead_update(
            actor=None,
            lead_id=lead.pk,
            data={
                "next_step": ["电话回访", "邀请来邢考察", "报送投资协议草案", "对接用地"][
                    int(rng.integers(4))
                ],
                "next_step_on": nxt,
            },
            expected_version=None,
            reason=REASON,
        )
    return activities


def _retarget(today: dt.date) -> None:
    """The city's 引进过亿元 target counts pipeline-converted 引进 projects only (issue 17);
    its progress history is recomputed."""
    from chainboard.projects import services as projects

    for target in Target.objects.filter(name__startswith="引进过亿元项目"):
        params = {**(target.params or {}), "introduced": True}
        params.pop("sources", None)
        target = projects.target_save(
            actor=None, target=target, data={"params": params}, reason="只计招商落地的引进项目"
        )
        last, day = min(today, target.period_end), target.period_start
        while day < last:
            day = min(day.replace(day=calendar.monthrange(day.year, day.month)[1]), last)
            projects.target_record(actor=None, target=target, on=day)
            day += dt.timedelta(days=1)

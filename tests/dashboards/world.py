"""A small two-county world for the 驾驶舱 tests (page and browser): 宁晋 and 沙河 firms,
projects, overdue milestones and tasks, targets, chains and a 宁晋 firm user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory
from tests.supply.factories import ChainFactory, ChainNodeFactory, EnterpriseNodeFactory

from chainboard.projects.models import Milestone, Target, Task


def build_world(ningjin: Any, shahe: Any) -> dict[str, Any]:
    """Two counties' firms, projects, milestones, tasks, targets and chains; a firm user."""
    firm = EnterpriseFactory(region=ningjin, name="宁晋画像电缆有限公司")
    firm_shahe = EnterpriseFactory(region=shahe, name="沙河画像玻璃有限公司")
    # 宁晋: 3 projects (2 开工, 1 谋划), 沙河: 2 (开工)
    nj = [
        ProjectFactory(
            name="宁晋甲项目",
            region=ningjin,
            investor=firm,
            total_investment_wan_yuan=Decimal(30000),
        ),
        ProjectFactory(name="宁晋乙项目", region=ningjin, total_investment_wan_yuan=Decimal(5000)),
        ProjectFactory(
            name="宁晋丙项目",
            region=ningjin,
            stage="planned",
            signed_on=None,
            started_on=None,
            total_investment_wan_yuan=Decimal(8000),
        ),
    ]
    sh = [
        ProjectFactory(
            name="沙河甲项目",
            region=shahe,
            investor=firm_shahe,
            total_investment_wan_yuan=Decimal(100000),
        ),
        ProjectFactory(name="沙河乙项目", region=shahe, total_investment_wan_yuan=Decimal(7000)),
    ]
    # an overdue milestone in each county, due on Monday of TODAY's week (new this week)
    for p in (nj[0], sh[0]):
        Milestone.objects.create(project=p, name="主体封顶", due_on=dt.date(2025, 6, 16))
    for region, name, pct in (
        (ningjin, "宁晋数字化改造", 40),
        (ningjin, "宁晋绿色工厂创建", 100),
        (shahe, "沙河技改专项", 10),
    ):
        Task.objects.create(
            programme="12项赋能行动",
            name=name,
            owner_department="工信局",
            region=region,
            due_on=dt.date(2025, 5, 31),
            percent_complete=pct,
        )
    for region, value in ((ningjin, Decimal(95)), (shahe, Decimal(20))):
        Target.objects.create(
            name=f"{region.name}规上工业增加值",
            owner="工信局",
            region=region,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 12, 31),
            formula="manual",
            target_value=Decimal(100),
            manual_value=value,
            unit="亿元",
        )
    chain = ChainFactory(region=ningjin, code="nj-cable", name="宁晋电线电缆链")
    ChainFactory(region=shahe, code="sh-glass", name="沙河玻璃链")
    node = ChainNodeFactory(chain=chain, name="铜杆")
    EnterpriseNodeFactory(enterprise=firm, node=node)
    qiye = UserFactory(username="qiye", role="enterprise", scope_enterprise=firm)
    return {
        "firm": firm,
        "firm_shahe": firm_shahe,
        "nj": nj,
        "sh": sh,
        "qiye": qiye,
        "chain": chain,
    }

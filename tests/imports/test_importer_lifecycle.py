"""Every registered importer, the same life: create → re-import unchanged → re-import changed.

Each step checks the counts, the stored values and the history rows (how many, which change
reason). A new importer registered in ``IMPORTERS`` must add its :class:`Lifecycle` to
``LIFECYCLES`` below, or ``test_every_registered_importer_has_a_lifecycle`` fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.factories import EnterpriseFactory, make_uscc
from tests.imports.filemaker import ENTERPRISE_HEADERS, write_csv, write_xlsx

from chainboard.chains.models import EnterpriseNode
from chainboard.chiefs.models import Chokepoint
from chainboard.enterprises.models import Enterprise, EnterpriseYear, Qualification
from chainboard.evaluation.models import TierProfile
from chainboard.imports.registry import IMPORTERS
from chainboard.imports.runner import run_import
from chainboard.investment.models import Lead
from chainboard.projects.models import Project, YearPlan
from chainboard.strategy.models import PanelValue

pytestmark = pytest.mark.django_db

FIRM1 = make_uscc("130528", 501)
FIRM2 = make_uscc("130528", 502)


@dataclass(frozen=True)
class Lifecycle:
    """One importer's scenario: two records, the second file changes one value of the first."""

    kind: str
    rows: Callable[[bool], list[list[Any]]]  # rows(changed) → header + 2 data rows
    value: Callable[[], Any]  # the stored value the change touches
    before: Any
    after: Any
    history: Callable[[], Any]  # history queryset of every record the file writes
    setup: Callable[[], None] = lambda: None


def _firms(changed: bool) -> list[list[Any]]:
    return [
        ENTERPRISE_HEADERS,
        [FIRM1, "宁晋示例电缆有限公司", "130528", "", "3831", "是", "2015-06-01", "电缆"],
        [
            FIRM2,
            "宁晋示例电缆集团有限公司" if changed else "宁晋示例线缆有限公司",
            "130528",
            "",
            "3831",
            "否",
            "2019-03-01",
            "线缆",
        ],
    ]


def _two_firms() -> None:
    EnterpriseFactory(uscc=FIRM1)
    EnterpriseFactory(uscc=FIRM2)


def _figures(changed: bool) -> list[list[Any]]:
    return [
        ["统一社会信用代码", "年份", "营业收入(万元)", "实缴税金(万元)", "年平均职工人数(人)"],
        [FIRM1, 2024, 1200.5, 30, 88],
        [FIRM2, 2024, 3456.78 if not changed else 3500, 41.2, 120],
    ]


def _panel(changed: bool) -> list[list[Any]]:
    return [
        ["行政区划代码", "行业代码", "年份", "数值", "指标"],
        ["130528", "3831", 2023, 98000, "营业收入"],
        ["130528", "3831", 2023, 1500 if not changed else 1650, "从业人员"],
    ]


PROJECT_HEADERS = [
    "项目编号",
    "项目名称",
    "行政区划代码",
    "投资主体",
    "建设性质",
    "项目来源",
    "总投资(万元)",
    "阶段",
    "签约日期",
    "计划年份",
    "年度计划投资(万元)",
]


def _projects(changed: bool) -> list[list[Any]]:
    return [
        PROJECT_HEADERS,
        [
            "NJ-101",
            "宁晋电池片项目",
            "130528",
            "示例能源",
            "新建",
            "招商引资",
            35000,
            "签约",
            "2025-01-08",
            2025,
            12000,
        ],
        [
            "NJ-102",
            "宁晋电缆技改项目",
            "130528",
            "示例电缆",
            "技改",
            "技改",
            8000 if not changed else 9500,
            "签约",
            "2025-02-01",
            "",
            "",
        ],
    ]


def _qualifications(changed: bool) -> list[list[Any]]:
    return [
        ["统一社会信用代码", "资质类型", "级别", "批次", "认定日期", "证书编号", "有效期至"],
        [FIRM1, "高新技术企业", "国家级", 2024, "2024-12-01", "GR202413000501", "2027-11-30"],
        [
            FIRM2,
            "专精特新中小企业",
            "省级",
            "2025年第一批",
            "2025-11-28",
            "ZJTX-2025-0502" if not changed else "ZJTX-2025-0502A",
            "2028-11-27",
        ],
    ]


def _tier_inputs(changed: bool) -> list[list[Any]]:
    return [
        [
            "统一社会信用代码",
            "年份",
            "研发人员数(人)",
            "Ⅰ类知识产权(件)",
            "主导产品占主营业务收入比(%)",
            "建有研发机构",
        ],
        [FIRM1, 2025, 12, 3, 72.5, "是"],
        [FIRM2, 2025, 8, 1 if not changed else 2, 55, "否"],
    ]


def _chain_with_nodes() -> None:
    from tests.supply.factories import ChainFactory, ChainNodeFactory

    _two_firms()
    chain = ChainFactory(name="电线电缆产业链", code="wire_cable")
    ChainNodeFactory(chain=chain, name="铜杆", stage="upstream")
    ChainNodeFactory(chain=chain, name="电力电缆")


def _chain_firms(changed: bool) -> list[list[Any]]:
    return [
        ["统一社会信用代码", "产业链", "环节", "备注"],
        [FIRM1, "电线电缆产业链", "铜杆", "链主"],
        [FIRM2, "wire_cable", "电力电缆", "骨干企业" if not changed else "链主配套"],
    ]


def _lead_chain() -> None:
    from tests.supply.factories import ChainFactory, ChainNodeFactory

    chain = ChainFactory(name="轴承产业链", code="bearing")
    ChainNodeFactory(chain=chain, name="精密轴承")
    ChainNodeFactory(chain=chain, name="轴承钢")


def _leads(changed: bool) -> list[list[Any]]:
    return [
        [
            "企业名称",
            "统一社会信用代码",
            "来源地区",
            "主要产品",
            "拟投资额(万元)",
            "联系人及方式",
            "产业链",
            "环节",
            "负责区县",
        ],
        [
            "洛阳示例轴承有限公司",
            "",
            "河南省洛阳市",
            "精密轴承",
            30000,
            "张经理",
            "轴承产业链",
            "精密轴承",
            "临西县",
        ],
        [
            "瓦房店示例轴承钢有限公司",
            "",
            "辽宁省大连市",
            "轴承钢",
            12000 if not changed else 15000,
            "",
            "bearing",
            "轴承钢",
            "130535",
        ],
    ]


def _chokepoint_chain() -> None:
    _chain_with_nodes()


def _chokepoints(changed: bool) -> list[list[Any]]:
    return [
        [
            "产业链",
            "关键核心技术",
            "涉及环节",
            "卡脖子原因",
            "进口依赖度",
            "需求企业（统一社会信用代码）",
            "攻关目标",
            "目标年份",
        ],
        [
            "电线电缆产业链",
            "500kV绝缘料",
            "铜杆、电力电缆",
            "进口依赖",
            "85%",
            FIRM1,
            "国产化",
            2027,
        ],
        [
            "wire_cable",
            "无氧铜杆",
            "铜杆",
            "性能/可靠性差距",
            "",
            "",
            "导电率≥101%" if not changed else "导电率≥102%",
            "",
        ],
    ]


def _history_of(model: Any, **filters: Any) -> Callable[[], Any]:
    return lambda: model.history.filter(**filters)


LIFECYCLES = {
    "enterprises": Lifecycle(
        kind="enterprises",
        rows=_firms,
        value=lambda: Enterprise.objects.get(uscc=FIRM2).name,
        before="宁晋示例线缆有限公司",
        after="宁晋示例电缆集团有限公司",
        history=_history_of(Enterprise, uscc__in=[FIRM1, FIRM2]),
    ),
    "figures": Lifecycle(
        kind="figures",
        rows=_figures,
        value=lambda: (
            EnterpriseYear.objects.get(enterprise__uscc=FIRM2, year=2024).revenue_wan_yuan
        ),
        before=Decimal("3456.78"),
        after=Decimal("3500"),
        history=_history_of(EnterpriseYear, enterprise__uscc__in=[FIRM1, FIRM2]),
        setup=_two_firms,
    ),
    "strategy_panel": Lifecycle(
        kind="strategy_panel",
        rows=_panel,
        value=lambda: PanelValue.objects.get(region_id="130528", measure="employment").value,
        before=Decimal(1500),
        after=Decimal(1650),
        history=_history_of(PanelValue, region_id="130528", industry_id="3831"),
    ),
    "qualifications": Lifecycle(
        kind="qualifications",
        rows=_qualifications,
        value=lambda: Qualification.objects.get(enterprise__uscc=FIRM2).certificate_no,
        before="ZJTX-2025-0502",
        after="ZJTX-2025-0502A",
        history=_history_of(Qualification, enterprise__uscc__in=[FIRM1, FIRM2]),
        setup=_two_firms,
    ),
    "tier_inputs": Lifecycle(
        kind="tier_inputs",
        rows=_tier_inputs,
        value=lambda: TierProfile.objects.get(enterprise__uscc=FIRM2, year=2025).ip_class1,
        before=1,
        after=2,
        history=_history_of(TierProfile, enterprise__uscc__in=[FIRM1, FIRM2]),
        setup=_two_firms,
    ),
    "chain_firms": Lifecycle(
        kind="chain_firms",
        rows=_chain_firms,
        value=lambda: EnterpriseNode.objects.get(enterprise__uscc=FIRM2).note,
        before="骨干企业",
        after="链主配套",
        history=_history_of(EnterpriseNode, enterprise__uscc__in=[FIRM1, FIRM2]),
        setup=_chain_with_nodes,
    ),
    "leads": Lifecycle(
        kind="leads",
        rows=_leads,
        value=lambda: Lead.objects.get(name="瓦房店示例轴承钢有限公司").amount_wan_yuan,
        before=Decimal(12000),
        after=Decimal(15000),
        history=_history_of(Lead, chain__code="bearing"),
        setup=_lead_chain,
    ),
    "chokepoints": Lifecycle(
        kind="chokepoints",
        rows=_chokepoints,
        value=lambda: Chokepoint.objects.get(technology="无氧铜杆").target,
        before="导电率≥101%",
        after="导电率≥102%",
        history=_history_of(Chokepoint, technology__in=["500kV绝缘料", "无氧铜杆"]),
        setup=_chokepoint_chain,
    ),
    "projects": Lifecycle(
        kind="projects",
        rows=_projects,
        value=lambda: Project.objects.get(code="NJ-102").total_investment_wan_yuan,
        before=Decimal(8000),
        after=Decimal(9500),
        history=_history_of(Project, code__in=["NJ-101", "NJ-102"]),
    ),
}


def test_every_registered_importer_has_a_lifecycle() -> None:
    assert set(IMPORTERS) <= set(LIFECYCLES), set(IMPORTERS) - set(LIFECYCLES)


def _run(kind: str, path: Path) -> Any:
    outcome = run_import(IMPORTERS[kind](), path, actor=None)
    assert outcome.ok, [e.text() for e in outcome.errors]
    return outcome


@pytest.mark.parametrize("writer", [write_xlsx, write_csv], ids=["xlsx", "csv"])
@pytest.mark.parametrize("kind", sorted(LIFECYCLES))
def test_create_reimport_unchanged_reimport_changed(
    kind: str, writer: Callable[..., Path], tmp_path: Path
) -> None:
    life = LIFECYCLES[kind]
    life.setup()
    suffix = ".xlsx" if writer is write_xlsx else ".csv"
    original = writer(tmp_path / f"v1{suffix}", life.rows(False))
    changed = writer(tmp_path / f"v2{suffix}", life.rows(True))
    history_before = life.history().count()

    first = _run(kind, original)
    created = first.counts.created + first.counts.updated  # figures of a known firm: created
    assert created == 2 and first.batch.status == "committed"
    assert life.value() == life.before
    first_rows = life.history().count() - history_before
    assert first_rows >= 2
    reason = first.batch.change_reason
    assert set(life.history().values_list("history_change_reason", flat=True)) >= {reason}

    again = _run(kind, original)
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 2)
    assert life.value() == life.before
    assert life.history().count() - history_before == first_rows  # nothing changed, nothing kept

    third = _run(kind, changed)
    assert (third.counts.created, third.counts.updated, third.counts.unchanged) == (0, 1, 1)
    assert life.value() == life.after
    assert life.history().count() - history_before == first_rows + 1
    latest = life.history().order_by("-history_id").first()
    assert latest.history_change_reason == third.batch.change_reason
    assert latest.history_type == "~"


def test_figures_update_keeps_the_columns_the_file_does_not_carry(tmp_path: Path) -> None:
    """A file with only 营业收入 updates that column; the other figures stay, in the row and in
    its history snapshot."""
    _two_firms()
    _run("figures", write_xlsx(tmp_path / "full.xlsx", _figures(False)))
    only_revenue = [["统一社会信用代码", "年份", "营业收入(万元)"], [FIRM1, 2024, 999]]
    _run("figures", write_xlsx(tmp_path / "rev.xlsx", only_revenue))
    row = EnterpriseYear.objects.get(enterprise__uscc=FIRM1, year=2024)
    assert (row.revenue_wan_yuan, row.tax_paid_wan_yuan, row.employees) == (
        Decimal(999),
        Decimal(30),
        88,
    )
    snapshot = row.history.order_by("-history_id").first()
    assert (snapshot.revenue_wan_yuan, snapshot.tax_paid_wan_yuan, snapshot.employees) == (
        Decimal(999),
        Decimal(30),
        88,
    )
    assert snapshot.created_at == row.created_at


def test_project_year_plan_reimport_records_no_history(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", _projects(False))
    first = _run("projects", path)
    plan = YearPlan.objects.get(project__code="NJ-101", year=2025)
    assert plan.history.count() == 1
    assert plan.history.get().history_change_reason == first.batch.change_reason
    _run("projects", path)
    assert plan.history.count() == 1

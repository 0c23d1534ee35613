"""Import of real statistical tables into the strategy panel (区县行业面板), through the shared
batch runner (located errors, all-or-nothing, dry run, history with the batch).

Columns: 行政区划代码, 行业代码, 年份, 数值, optional 指标 (营业收入 / 增加值 / 从业人员, default
营业收入). Natural key (地区, 行业, 年份, 指标): a known key updates its value (and clears the
示例数据 flag), otherwise a row is created. Industry codes must be GB/T 4754-2017 codes of one
level per file (mixing 大类 and 小类 would double count in the totals the LQ divides by).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chainboard.accounts.models import User
from chainboard.accounts.scope import can_place
from chainboard.geo.models import Region
from chainboard.imports.cells import (
    CellError,
    canon,
    is_empty,
    parse_code,
    parse_decimal,
    parse_year,
)
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts
from chainboard.industries.models import IndustryCode, IndustryLevel
from chainboard.strategy.models import PanelMeasure, PanelValue
from chainboard.strategy.services import panel_bulk_write

VALUE_QUANTUM = Decimal("0.0001")
VALUE_LIMIT = Decimal(10) ** 14
MEASURE_WORDS = {
    canon(word): measure
    for measure, words in {
        PanelMeasure.REVENUE: ("营业收入", "营业收入(万元)", "revenue"),
        PanelMeasure.VALUE_ADDED: ("增加值", "增加值(万元)", "value_added"),
        PanelMeasure.EMPLOYMENT: ("从业人员", "从业人员(人)", "就业人数", "employment"),
    }.items()
    for word in words
}


def parse_measure(value: object) -> str:
    if is_empty(value):
        return PanelMeasure.REVENUE.value
    measure = MEASURE_WORDS.get(canon(value).lower()) or MEASURE_WORDS.get(canon(value))
    if measure is None:
        raise CellError("应为“营业收入”、“增加值”或“从业人员”")
    return str(measure)


def parse_value(value: object) -> Decimal | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number >= VALUE_LIMIT:
        raise CellError("数值过大（请检查单位）")
    return number.quantize(VALUE_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass
class PanelPlan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[PanelValue] = field(default_factory=list)
    unchanged: int = 0


REGION, INDUSTRY, YEAR, VALUE = "行政区划代码", "行业代码", "年份", "数值"


class PanelImporter:
    kind = "strategy_panel"
    label = "区县行业面板（战略分析）"
    columns = [
        Column(REGION, "region_code", parse_code, required=True, help="6位 GB/T 2260 代码"),
        Column(INDUSTRY, "industry_code", parse_code, required=True, help="GB/T 4754-2017 代码"),
        Column(YEAR, "year", parse_year, required=True),
        Column(
            VALUE, "value", parse_value, required=True, help="营业收入/增加值为万元，从业人员为人"
        ),
        Column("指标", "measure", parse_measure, help="营业收入（默认）/ 增加值 / 从业人员"),
    ]

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> PanelPlan:
        regions = Region.objects.in_bulk(
            list({r.values["region_code"] for r in rows if "region_code" in r.values})
        )
        levels = dict(IndustryCode.objects.values_list("code", "level"))
        seen: dict[tuple[str, str, int, str], int] = {}
        first_level: tuple[int, int] | None = None  # (level, row)
        keep: dict[tuple[str, str, int, str], Decimal] = {}
        for row in rows:
            v, n = row.values, row.number
            region = regions.get(v.get("region_code", ""))
            if "region_code" in v and region is None:
                errors.add(n, REGION, v["region_code"], "不是已知的 GB/T 2260 行政区划代码")
            elif region is not None and actor is not None and not can_place(actor, region, None):
                errors.add(n, REGION, v["region_code"], f"{region.name}不在您的管辖范围")
            if "industry_code" in v:
                level = levels.get(v["industry_code"])
                if level is None or level == IndustryLevel.SECTION:
                    errors.add(
                        n, INDUSTRY, v["industry_code"], "不是 GB/T 4754-2017 大类/中类/小类代码"
                    )
                elif first_level is None:
                    first_level = (level, n)
                elif level != first_level[0]:
                    errors.add(
                        n,
                        INDUSTRY,
                        v["industry_code"],
                        f"行业代码层级与第{first_level[1]}行不同（同一文件应统一用"
                        f"{IndustryLevel(first_level[0]).label}代码，否则合计会重复计算）",
                    )
            measure = v.get("measure", PanelMeasure.REVENUE.value)
            if all(k in v for k in ("region_code", "industry_code", "year")):
                key = (v["region_code"], v["industry_code"], v["year"], measure)
                if key in seen:
                    errors.add(
                        n,
                        INDUSTRY,
                        v["industry_code"],
                        f"与第{seen[key]}行重复（同一地区、行业、年份、指标）",
                    )
                else:
                    seen[key] = n
                    if v.get("value") is not None:
                        keep[key] = v["value"]
        plan = PanelPlan()
        if errors.errors:
            return plan
        existing = {
            (p.region_id, p.industry_id, p.year, p.measure): p
            for p in PanelValue.objects.filter(
                region_id__in=list(regions), year__in=list({k[2] for k in keep})
            )
        }
        for key, value in keep.items():
            old = existing.get(key)
            if old is None:
                plan.creates.append(
                    {
                        "region_id": key[0],
                        "industry_id": key[1],
                        "year": key[2],
                        "measure": key[3],
                        "value": value,
                        "sample": False,
                    }
                )
            elif old.value != value or old.sample:
                old.value, old.sample = value, False
                plan.updates.append(old)
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: PanelPlan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        panel_bulk_write(
            creates=plan.creates, updates=plan.updates, actor=actor, reason=batch.change_reason
        )
        return WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)

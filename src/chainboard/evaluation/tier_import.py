"""Import spec for the tier inputs 梯度培育指标: the yearly figures the cultivation-tier criteria
(创新型中小企业, 专精特新中小企业, 专精特新"小巨人", 单项冠军 …) read beyond the registry's figures.

A row names a firm by 统一社会信用代码 or by 企业名称 (+ 所在地; matched within the user's scope
by :mod:`chainboard.enterprises.name_match`, only confirmed matches are imported) and a 年份; the
other columns are the fields of :class:`~chainboard.evaluation.models.TierProfile`, titled as the
model's Chinese names (units in the title are understood: 资产总额（亿元） reads × 10000 into 万元).

Natural key: (firm, 年份). A known key updates the columns the file carries (an empty cell clears
the stored value, as in 企业年度指标); a column the file does not carry keeps its value;
re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Field

from chainboard.accounts.models import User
from chainboard.enterprises.importers import NAME_ALIASES, USCC, USCC_ALIASES, parse_amount
from chainboard.enterprises.name_match import firms_resolve
from chainboard.enterprises.qualification_import import parse_name, parse_optional_uscc
from chainboard.evaluation import services
from chainboard.evaluation.models import PROFILE_FIELDS, TierProfile
from chainboard.imports.cells import (
    CellError,
    canon,
    is_empty,
    parse_bool,
    parse_decimal,
    parse_int,
    parse_text,
    parse_year,
)
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts

NAME = "企业名称"
YEAR = "年份"
PCT_QUANTUM = Decimal("0.001")  # TierProfile keeps 3 decimals of a percentage
SCORE_QUANTUM = Decimal("0.1")


def parse_pct(value: object) -> Decimal | None:
    """A percentage 0–100: ``35``, ``35.5``, ``35%`` (the number is the percent, 35 = 35%)."""
    if isinstance(value, str) and canon(value).endswith("%"):
        value = canon(value).removesuffix("%")
    number = parse_decimal(value)
    if number is None:
        return None
    if number > 100:
        raise CellError("百分比应在0-100之间（35表示35%）")
    return number.quantize(PCT_QUANTUM, rounding=ROUND_HALF_UP)


def parse_score(value: object) -> Decimal | None:
    """An evaluation score 0–100, one decimal."""
    number = parse_decimal(value)
    if number is None:
        return None
    if number > 100:
        raise CellError("得分应在0-100之间")
    return number.quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP)


def parse_rank(value: object) -> int | None:
    return parse_int(value, minimum=1)


def parse_count(value: object) -> int | None:
    number = parse_int(value)
    if number is not None and number > 2_000_000_000:
        raise CellError("数值过大")
    return number


#: other titles people write for a field (a title without its unit reads in the template unit)
ALIASES: dict[str, tuple[str, ...]] = {
    "sci_tech_staff": ("科技人员(人)", "科技人员数量(人)", "科技人员"),
    "rd_staff": ("研发人员(人)", "研发人员数量(人)", "研发人员"),
    "total_assets_wan_yuan": ("总资产(万元)", "资产总计(万元)", "总资产"),
    "debt_ratio_pct": ("资产负债率",),
    "high_tech_revenue_wan_yuan": ("高新技术产品收入(万元)", "高新技术产品(服务)收入"),
    "main_business_revenue_wan_yuan": ("主营业务收入",),
    "ip_class1": ("Ⅰ类知识产权", "一类知识产权(件)", "一类知识产权", "Ⅰ类知识产权数量(件)"),
    "ip_class2": ("Ⅱ类知识产权", "二类知识产权(件)", "二类知识产权", "Ⅱ类知识产权数量(件)"),
    "niche_years": ("从事细分市场年限", "从事特定细分市场时间(年)", "细分市场年限"),
    "niche_market_share_pct": ("细分市场全国占有率", "细分市场占有率(%)", "市场占有率(%)"),
    "main_product_share_pct": (
        "主导产品占主营业务收入比",
        "主导产品收入占比(%)",
        "主导产品收入占营业收入比重(%)",
        "主导产品收入占比",
    ),
    "global_rank": ("全球市场排名", "主导产品全球排名"),
    "equity_raised_wan_yuan": ("近两年新增股权融资",),
    "has_rd_institution": ("是否建有研发机构",),
    "strategic_emerging": ("是否属战略性新兴产业", "战略性新兴产业"),
    "srdi_score": ("专精特新评价得分(分)",),
    "total_cost_wan_yuan": ("成本费用支出总额",),
    "total_income_wan_yuan": ("总收入",),
    "rd_domestic_3y_wan_yuan": ("近三年境内研发费用", "近三年研发费用(万元)"),
    "innovation_score": ("高企创新能力评价得分", "创新能力评价得分(分)"),
    "ip_class1_high_value": ("高价值Ⅰ类知识产权", "高价值发明专利(件)"),
    "ip_class1_own": ("自主研发Ⅰ类知识产权",),
    "equity_raised_3y_wan_yuan": ("近三年新增股权融资",),
    "rd_institution_provincial": ("是否建有省部级以上研发机构",),
    "standard_led_5y": ("是否主导制定标准", "主导制定标准", "是否参与标准制定"),
    "no_violation_3y": ("近三年无重大违法违规行为",),
}
BOOLEAN_FIELDS = {
    f.name for f in TierProfile._meta.concrete_fields if f.get_internal_type() == "BooleanField"
}
SCORE_FIELDS = {"srdi_score", "innovation_score"}


def _parser(name: str) -> Callable[[Any], Any]:
    if name in BOOLEAN_FIELDS:
        return parse_bool
    if name in SCORE_FIELDS:
        return parse_score
    if name == "global_rank":
        return parse_rank
    if name.endswith("_pct"):
        return parse_pct
    if name.endswith("_wan_yuan"):
        return parse_amount
    return parse_count


def _help(name: str) -> str:
    if name in BOOLEAN_FIELDS:
        return "是/否；空：未知"
    if name.endswith("_pct"):
        return "百分数，0-100（35表示35%）"
    if name in SCORE_FIELDS:
        return "0-100分"
    if name == "global_rank":
        return "名次，1为第一"
    if name.endswith("_wan_yuan"):
        return "万元；标题写明单位（元、亿元）时自动换算"
    return "非负整数"


def _title(name: str) -> str:
    model_field = TierProfile._meta.get_field(name)
    assert isinstance(model_field, Field)
    return str(model_field.verbose_name)


@dataclass
class Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)
    updates: list[TierProfile] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    unchanged: int = 0
    name_matches: list[dict[str, Any]] = field(default_factory=list)


def _optional_text(value: object) -> str:
    return "" if is_empty(value) else parse_text(value)


class TierInputsImporter:
    kind = "tier_inputs"
    label = "梯度培育指标"
    columns = [
        Column(
            USCC, "uscc", parse_optional_uscc, help="与企业名称至少填一项", aliases=USCC_ALIASES
        ),
        Column(
            NAME,
            "name",
            parse_name,
            help="无统一社会信用代码时按名称匹配本辖区企业",
            aliases=NAME_ALIASES,
        ),
        Column(
            "所在地",
            "place",
            _optional_text,
            help="县（市、区），用于区分同名企业",
            aliases=("所在地区", "所在县区", "县(市、区)", "县(市区)", "所属地区"),
        ),
        Column(YEAR, "year", parse_year, required=True, aliases=("年度", "统计年度", "数据年度")),
        *[
            Column(_title(n), n, _parser(n), help=_help(n), aliases=ALIASES.get(n, ()))
            for n in PROFILE_FIELDS
        ],
    ]

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> Plan:
        plan = Plan()
        refs = firms_resolve(rows, actor=actor, errors=errors, uscc_title=USCC, name_title=NAME)
        plan.name_matches = refs.name_matches
        firm_ids = sorted(set(refs.firms.values()))
        years = sorted({r.values["year"] for r in rows if r.values.get("year") is not None})
        existing: dict[tuple[int, int], TierProfile] = {}
        for start in range(0, len(firm_ids), 5000):
            for p in TierProfile.objects.filter(
                enterprise_id__in=firm_ids[start : start + 5000], year__in=years
            ):
                existing[(p.enterprise_id, p.year)] = p
        seen: dict[tuple[int, int], int] = {}
        for row in rows:
            v, n = row.values, row.number
            firm = refs.firms.get(n)
            year = v.get("year")
            if "year" in v and year is None:
                errors.add(n, YEAR, None, "必填项为空")
            if firm is None or year is None or n in errors.rows_with_errors:
                continue
            key = (firm, year)
            if key in seen:
                errors.add(n, YEAR, year, f"与第{seen[key]}行（同一企业同一年份）重复")
                continue
            seen[key] = n
            data = {k: val for k, val in v.items() if k in PROFILE_FIELDS}
            known = existing.get(key)
            if known is None:
                plan.creates.append({"enterprise_id": firm, "year": year, **data})
                continue
            changed = {k for k, val in data.items() if getattr(known, k) != val}
            if changed:
                for k in changed:
                    setattr(known, k, data[k])
                plan.updates.append(known)
                plan.update_fields |= changed
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: Plan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        services.tier_profiles_bulk_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=sorted(plan.update_fields),
            actor=actor,
            reason=batch.change_reason,
        )
        return WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)

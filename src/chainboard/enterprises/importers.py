"""Import specs for the enterprise registry: 企业名录 and 年度指标 (column titles are exact).

Natural keys: a firm is its 统一社会信用代码; a figure row is (统一社会信用代码, 年份). A known key
updates the columns the file carries; re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chainboard.accounts.models import DataSource, User
from chainboard.accounts.scope import (
    can_place,
    default_figure_source,
    enterprise_q,
    require_figure_source,
)
from chainboard.core.errors import OutOfScope
from chainboard.enterprises import services
from chainboard.enterprises.figure_sources import (
    DEFAULT_SOURCE,
    field_rules,
    resolve_year,
    source_fields,
)
from chainboard.enterprises.models import (
    FIGURE_TITLES,
    Enterprise,
    EnterpriseYear,
    FigureDecision,
    FigureValues,
)
from chainboard.enterprises.uscc import UsccError, uscc_region_code, validate_uscc
from chainboard.geo.models import Park, Region
from chainboard.imports.cells import (
    CellError,
    parse_bool,
    parse_code,
    parse_date,
    parse_decimal,
    parse_int,
    parse_text,
    parse_year,
)
from chainboard.imports.models import ImportBatch
from chainboard.imports.runner import Column, ErrorSink, ParsedRow, WriteCounts
from chainboard.industries.models import IndustryCode, IndustryLevel

LOOKUP_CHUNK = 5000


def parse_uscc(value: object) -> str:
    try:
        return validate_uscc(value)
    except UsccError as exc:
        raise CellError(str(exc)) from None


def _chunks(items: list[Any], size: int = LOOKUP_CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


WHOLE_TABLE_ABOVE = 20_000  # past this many keys one full scan beats chunked IN lists


def _lookup(queryset: Any, codes: list[str], *fields: str) -> list[tuple[Any, ...]]:
    """``values_list`` of the rows whose USCC is in ``codes``, chunked or by one scan."""
    if len(codes) > WHOLE_TABLE_ABOVE:
        wanted = set(codes)
        return [row for row in queryset.values_list("uscc", *fields) if row[0] in wanted]
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(codes):
        rows.extend(queryset.filter(uscc__in=chunk).values_list("uscc", *fields))
    return rows


def _existing_ids(usccs: Iterable[str], actor: User | None) -> tuple[dict[str, int], set[int]]:
    """Primary keys of the firms already registered under these codes, and those ``actor`` may
    change (all of them for the server operator, ``actor=None``): the firms they see — an
    enterprise user sees only its own (``accounts.scope.can_edit_figures``)."""
    codes = sorted(set(usccs))
    found = dict(_lookup(Enterprise.objects.all(), codes, "pk"))
    if actor is None:
        return found, set(found.values())
    allowed = {pk for _, pk in _lookup(Enterprise.objects.filter(enterprise_q(actor)), codes, "pk")}
    return found, allowed


USCC = "统一社会信用代码"
# the other titles county, tax and statistics sheets use for the same column (a unit in brackets
# is still understood and converted: 税收（亿元） reads as 实缴税金(万元) × 10000)
USCC_ALIASES = ("社会信用代码", "统一代码", "信用代码", "纳税人识别号", "统一社会信用代码证号")
NAME_ALIASES = ("单位名称", "企业（单位）名称", "纳税人名称", "企业全称")
FIGURE_ALIASES: dict[str, tuple[str, ...]] = {
    "revenue_wan_yuan": ("营业收入合计(万元)", "营收(万元)"),
    "value_added_wan_yuan": ("增加值(万元)",),
    "tax_paid_wan_yuan": ("税收(万元)", "实缴税收(万元)", "税收收入(万元)", "纳税总额(万元)"),
    "land_area_mu": ("占地面积(亩)", "土地面积(亩)", "用地(亩)"),
    "energy_tce": ("综合能源消费量(吨标准煤)", "能源消费量(吨标准煤)"),
    "rd_spend_wan_yuan": ("研发经费(万元)", "研发投入(万元)", "R&D经费(万元)"),
    "employees": ("从业人员(人)", "从业人员期末人数(人)", "职工人数(人)", "从业人员平均人数(人)"),
    "electricity_10k_kwh": ("用电(万千瓦时)", "全年用电量(万千瓦时)", "工业用电量(万千瓦时)"),
}


@dataclass
class Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)  # plain rows for the fast insert
    updates: list[Any] = field(default_factory=list)
    update_fields: set[str] = field(default_factory=set)
    unchanged: int = 0


class EnterpriseImporter:
    kind = "enterprises"
    label = "企业名录"
    columns = [
        Column(
            USCC,
            "uscc",
            parse_uscc,
            required=True,
            help="18位，GB 32100-2015 校验",
            aliases=USCC_ALIASES,
        ),
        Column("企业名称", "name", parse_text, required=True, aliases=NAME_ALIASES),
        Column(
            "行政区划代码",
            "region_code",
            parse_code,
            required=True,
            help="6位 GB/T 2260 代码",
            aliases=("区划代码", "所在地区划代码", "行政区划"),
        ),
        Column(
            "所属园区", "park_name", parse_text, help="园区名录中的名称，可空", aliases=("园区",)
        ),
        Column(
            "行业代码",
            "industry_code",
            parse_code,
            required=True,
            help="GB/T 4754-2017 4位小类",
            aliases=("国民经济行业代码", "行业小类代码"),
        ),
        Column("是否规上", "above_scale", parse_bool, help="是/否", aliases=("规上企业",)),
        Column("成立日期", "founded_on", parse_date, aliases=("注册日期", "成立时间")),
        Column("经营范围", "business_scope", parse_text),
    ]

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> Plan:
        regions = Region.objects.in_bulk()
        parks = {(p.region_id, p.name): p for p in Park.objects.all()}
        industries = dict(IndustryCode.objects.values_list("code", "level"))
        ids, allowed = _existing_ids((r.values["uscc"] for r in rows if "uscc" in r.values), actor)
        existing: dict[str, Enterprise] = {}
        for chunk in _chunks(sorted(set(ids.values()))):
            existing.update((f.uscc, f) for f in Enterprise.objects.filter(pk__in=chunk))
        seen: dict[str, int] = {}
        plan = Plan()
        for row in rows:
            v, n = row.values, row.number
            uscc = v.get("uscc")
            name = v.get("name")
            if name is not None and len(name) > 200:
                errors.add(n, "企业名称", name, "超过200个字符")
            if uscc is not None:
                if uscc in seen:
                    errors.add(n, USCC, uscc, f"与第{seen[uscc]}行重复")
                else:
                    seen[uscc] = n
                if uscc_region_code(uscc) not in regions:
                    errors.add(
                        n,
                        USCC,
                        uscc,
                        f"第3-8位行政区划码 {uscc_region_code(uscc)} 不是已知的行政区划",
                    )
            region = regions.get(v.get("region_code", ""))
            if "region_code" in v and region is None:
                errors.add(n, "行政区划代码", v["region_code"], "不是已知的 GB/T 2260 行政区划代码")
            park = None
            if v.get("park_name") and region is not None:
                park = parks.get((region.code, v["park_name"]))
                if park is None:
                    errors.add(
                        n,
                        "所属园区",
                        v["park_name"],
                        f"{region.name}没有该园区（请先在园区名录中登记）",
                    )
            if "industry_code" in v:
                level = industries.get(v["industry_code"])
                if level != IndustryLevel.CLASS:
                    reason = (
                        "不是 GB/T 4754-2017 行业代码"
                        if level is None
                        else "应为4位小类代码，这是" + IndustryLevel(level).label + "代码"
                    )
                    errors.add(n, "行业代码", v["industry_code"], reason)
            firm = existing.get(uscc) if uscc else None
            if actor is not None:
                if firm is not None and firm.pk not in allowed:
                    errors.add(n, USCC, uscc, "该企业不在您的管辖范围，无权修改")
                elif region is not None and not can_place(actor, region, park):
                    errors.add(
                        n,
                        "行政区划代码",
                        v["region_code"],
                        f"{region.name}不在您的管辖范围（{actor.scope_label}）",
                    )
            if n in errors.rows_with_errors or region is None or uscc is None:
                continue
            data: dict[str, Any] = {
                "name": name,
                "region_id": region.code,
                "industry_id": v["industry_code"],
            }
            if "park_name" in v:
                data["park_id"] = park.pk if park else None
            for key in ("above_scale", "founded_on", "business_scope"):
                if key in v and not (key == "above_scale" and v[key] is None):
                    data[key] = v[key]
            if firm is None:
                plan.creates.append({"uscc": uscc, **data})
                continue
            changed = {k for k, value in data.items() if getattr(firm, k) != value}
            if changed:
                for k in changed:
                    setattr(firm, k, data[k])
                plan.updates.append(firm)
                plan.update_fields |= {k.removesuffix("_id") for k in changed}
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: Plan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        services.enterprises_bulk_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=sorted(plan.update_fields),
            actor=actor,
            reason=batch.change_reason,
        )
        return WriteCounts(len(plan.creates), len(plan.updates), plan.unchanged)


AMOUNT_QUANTUM = Decimal("0.0001")  # the database keeps 4 decimal places
AMOUNT_LIMIT = Decimal(10) ** 12


def parse_amount(value: object) -> Decimal | None:
    """A non-negative figure rounded to the stored 4 decimals (so re-imports compare equal)."""
    number = parse_decimal(value)
    if number is None:
        return None
    if number >= AMOUNT_LIMIT:
        raise CellError("数值过大（请检查单位是否为万元/亩/吨）")
    return number.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def _figure_parser(name: str) -> Any:
    return parse_int if name == "employees" else parse_amount


@dataclass
class FiguresPlan(Plan):
    """The registry rows to write plus the source's own rows (一个指标多个来源)."""

    source_creates: list[dict[str, Any]] = field(default_factory=list)
    source_updates: list[FigureValues] = field(default_factory=list)
    source_update_fields: set[str] = field(default_factory=set)
    rows_updated: int = 0  # file rows that change the registry or the source's values

    def counts(self) -> WriteCounts:
        return WriteCounts(len(self.creates), self.rows_updated, self.unchanged)


class FiguresImporter:
    """企业年度指标. The file's 数据来源 (税务, 供电, 统计, 企业填报, 手工; none chosen = 手工, an
    enterprise user's = 企业填报, a department user's = its own) decides which figure columns it
    may carry (``check_source``); its values are kept as that source's (``FigureValues``) and the
    registry's figures are the values the precedence resolves (docs/imports.md)."""

    kind = "figures"
    label = "企业年度指标"
    columns = [
        Column(USCC, "uscc", parse_uscc, required=True, aliases=USCC_ALIASES),
        Column("年份", "year", parse_year, required=True, aliases=("年度", "统计年度")),
        *[
            Column(title, name, _figure_parser(name), aliases=FIGURE_ALIASES.get(name, ()))
            for name, title in FIGURE_TITLES.items()
        ],
    ]

    def __init__(self) -> None:
        self.source: str = DEFAULT_SOURCE

    def check_source(
        self, data_source: str, fields: set[str], actor: User | None
    ) -> tuple[list[tuple[str, str]], str]:
        """Called by the runner once the header is read: the source chosen (empty: the actor's
        default), whether ``actor`` may import it, and one error per figure column the source
        does not carry (strict: nothing of the file is imported)."""
        chosen = data_source or default_figure_source(actor)
        if chosen not in DataSource.values:
            known = "、".join(f"{c} {label}" for c, label in DataSource.choices)
            return [("", f"未知的数据来源（可选：{known}）")], ""
        try:
            if actor is not None:
                require_figure_source(actor, chosen)
        except OutOfScope as exc:
            return [("", exc.message)], ""
        self.source = chosen
        label = DataSource(chosen).label
        allowed = source_fields(chosen)
        carried = "、".join(t for n, t in FIGURE_TITLES.items() if n in allowed)
        problems = [
            (
                name,
                f"不是{label}数据的指标（{label}只能导入：{carried}）；请删去此列，或按其来源另行导入",
            )
            for name in FIGURE_TITLES
            if name in fields and name not in allowed
        ]
        note = f"数据来源：{label}" + ("" if data_source else "（未选择来源）")
        return problems, note

    def plan(self, rows: list[ParsedRow], *, actor: User | None, errors: ErrorSink) -> FiguresPlan:
        existing, allowed = _existing_ids(
            (r.values["uscc"] for r in rows if "uscc" in r.values), actor
        )
        years = sorted({r.values["year"] for r in rows if "year" in r.values})
        firm_ids = set(existing.values())
        # Every figure and the creation time: an update is saved (and its history snapshot
        # taken) from a whole row, not only from the columns this file carries.
        current = _stored(EnterpriseYear.objects.filter(year__in=years), firm_ids)
        mine = _stored(FigureValues.objects.filter(year__in=years, source=self.source), firm_ids)
        others: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
        for firm_id, year, source, *values in (
            FigureValues.objects.filter(year__in=years)
            .exclude(source=self.source)
            .values_list("enterprise_id", "year", "source", *FIGURE_TITLES)
        ):
            if firm_id in firm_ids:
                others.setdefault((firm_id, year), {})[source] = dict(
                    zip(FIGURE_TITLES, values, strict=True)
                )
        decisions: dict[tuple[int, int], dict[str, tuple[str, Decimal]]] = {}
        for d in FigureDecision.objects.filter(year__in=years, enterprise_id__in=firm_ids):
            decisions.setdefault((d.enterprise_id, d.year), {})[d.field] = (d.source, d.value)
        rules = field_rules() if others or decisions else {}
        recorder = actor.pk if actor is not None else None
        seen: dict[tuple[str, int], int] = {}
        plan = FiguresPlan()
        for row in rows:
            v, n = row.values, row.number
            if "uscc" not in v:
                continue
            firm_id = existing.get(v["uscc"])
            if firm_id is None:
                errors.add(n, USCC, v["uscc"], "企业不在企业名录中（请先导入企业名录）")
            elif actor is not None and firm_id not in allowed:
                errors.add(n, USCC, v["uscc"], "该企业不在您的管辖范围，无权填报")
            if "year" in v:
                key = (v["uscc"], v["year"])
                if key in seen:
                    errors.add(n, "年份", v["year"], f"与第{seen[key]}行（同一企业同一年份）重复")
                else:
                    seen[key] = n
            if firm_id is None or n in errors.rows_with_errors:
                continue
            year = v["year"]
            data = {k: val for k, val in v.items() if k in FIGURE_TITLES}
            pair = (firm_id, year)
            # the source's own row
            stored_source = mine.get(pair)
            if stored_source is None:
                plan.source_creates.append(
                    {
                        "enterprise_id": firm_id,
                        "year": year,
                        "source": self.source,
                        "recorded_by_id": recorder,
                        **data,
                    }
                )
                source_values = data
                source_changed = True
            else:
                spk, screated, sold = stored_source
                schanged = {k for k, val in data.items() if not _same(sold[k], val)}
                source_values = {**sold, **data}
                source_changed = bool(schanged)
                if schanged:
                    plan.source_updates.append(
                        FigureValues(
                            pk=spk,
                            enterprise_id=firm_id,
                            year=year,
                            source=self.source,
                            created_at=screated,
                            recorded_by_id=recorder,
                            **source_values,
                        )
                    )
                    plan.source_update_fields |= schanged
            # the registry's figures: the resolved values (the file's own when it is the
            # only source of this firm-year, the common case, without resolving)
            if pair in others or pair in decisions:
                by_source = {**others.get(pair, {}), self.source: source_values}
                found = resolve_year(by_source, rules, data, decisions.get(pair))
                data = {k: (found[k].value if k in found else None) for k in data}
            known = current.get(pair)
            if known is None:
                plan.creates.append({"enterprise_id": firm_id, "year": year, **data})
                continue
            pk, created_at, old = known
            changed = {k for k, val in data.items() if not _same(old[k], val)}
            if changed:
                plan.updates.append(
                    EnterpriseYear(
                        pk=pk,
                        enterprise_id=firm_id,
                        year=year,
                        created_at=created_at,
                        **{**old, **data},
                    )
                )
                plan.update_fields |= changed
            if changed or source_changed:
                plan.rows_updated += 1
            else:
                plan.unchanged += 1
        return plan

    def write(self, plan: FiguresPlan, *, actor: User | None, batch: ImportBatch) -> WriteCounts:
        services.figures_bulk_write(
            creates=plan.creates,
            updates=plan.updates,
            update_fields=sorted(plan.update_fields),
            actor=actor,
            reason=batch.change_reason,
        )
        for created in plan.source_creates:
            created["batch_id"] = batch.pk
        for updated in plan.source_updates:
            updated.batch_id = batch.pk
        services.figure_values_bulk_write(
            creates=plan.source_creates,
            updates=plan.source_updates,
            update_fields=sorted(plan.source_update_fields | {"batch", "recorded_by"}),
            actor=actor,
            reason=batch.change_reason,
        )
        return plan.counts()


def _stored(
    queryset: Any, firm_ids: set[int]
) -> dict[tuple[int, int], tuple[int, Any, dict[str, Any]]]:
    """(firm, year) → (pk, created_at, every figure) of the stored rows of these firms."""
    stored_fields = list(FIGURE_TITLES)
    rows = queryset.values_list("pk", "enterprise_id", "year", "created_at", *stored_fields)
    batches = (
        [rows]
        if len(firm_ids) > WHOLE_TABLE_ABOVE
        else [rows.filter(enterprise_id__in=c) for c in _chunks(sorted(firm_ids))]
    )
    out: dict[tuple[int, int], tuple[int, Any, dict[str, Any]]] = {}
    for part in batches:
        for pk, firm_id, year, created_at, *values in part:
            if firm_id in firm_ids:
                out[(firm_id, year)] = (
                    pk,
                    created_at,
                    dict(zip(stored_fields, values, strict=True)),
                )
    return out


def _same(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is new
    return old == new

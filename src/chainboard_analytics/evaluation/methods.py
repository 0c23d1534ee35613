"""亩均效益评价 method files: the versioned YAML that says how firms are scored and classed.

Shipped methods (``methods/*.yaml``):

``zhejiang``
    Pattern A, score = value ÷ benchmark × weight (浙政发〔2018〕5号 indicator set), with the
    weights and benchmarks of 台州市黄岩区《2022年度工业企业综合评价得分计算说明》(published
    2023-09). Class cut 20/40/35/5 as in 淮安 2024; policy table after 浙政办发〔2019〕62号.
``anhui``
    Pattern B, score = weight × [floor + (100 − floor) × (x − min) ÷ (max − min)] ÷ 100 with
    floor 20 (《旌德县亩均效益评价实施方案》, 皖经信运行〔2021〕108号 indicator set).

See ``docs/evaluation.md`` for the file format; :func:`load_method` validates every value and
raises :class:`~chainboard_analytics.evaluation.spec.SpecError` (file, line, reason).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainboard_analytics.evaluation.scoring import Bound
from chainboard_analytics.evaluation.spec import (
    FIGURE_FIELDS,
    Formula,
    Source,
    SpecError,
    check_type,
    need,
    number,
    parse_formula,
    read_source,
    reject_unknown,
)

METHODS_DIR = Path(__file__).with_name("methods")
SCORING_RULES = ("ratio", "minmax")
MISSING_RULES = ("zero", "group_mean")

#: The indicator catalogue: id → (中文名, formula, unit). A method may use these ids without a
#: formula; any other id must bring its own ``formula`` and ``name``.
INDICATORS: dict[str, tuple[str, str, str]] = {
    "tax_per_mu": ("亩均税收", "tax_paid_wan_yuan / land_area_mu", "万元/亩"),
    "value_added_per_mu": ("亩均增加值", "value_added_wan_yuan / land_area_mu", "万元/亩"),
    "revenue_per_mu": ("亩均营业收入", "revenue_wan_yuan / land_area_mu", "万元/亩"),
    "value_added_per_energy": (
        "单位能耗增加值",
        "value_added_wan_yuan / energy_tce",
        "万元/吨标准煤",
    ),
    "revenue_per_energy": ("单位能耗营业收入", "revenue_wan_yuan / energy_tce", "万元/吨标准煤"),
    "value_added_per_pollutant": (
        "单位排放增加值",
        "value_added_wan_yuan / pollutant_equivalent_t",
        "万元/吨",
    ),
    "revenue_per_pollutant": (
        "单位污染物排放营业收入",
        "revenue_wan_yuan / pollutant_equivalent_t",
        "万元/吨",
    ),
    "labour_productivity": ("全员劳动生产率", "value_added_wan_yuan / employees", "万元/人"),
    "rd_intensity": ("研发经费占营业收入比重", "rd_spend_wan_yuan / revenue_wan_yuan", "比值"),
    # 浙政发〔2018〕5号 and 黄岩 (2023-09-25): "R&D经费支出占主营业务收入比重"
    "rd_intensity_main": (
        "R&D经费支出占主营业务收入比重",
        "rd_spend_wan_yuan / main_business_revenue_wan_yuan",
        "比值",
    ),
    "tax_per_electricity": (
        "单位电耗税收",
        "tax_paid_wan_yuan / electricity_10k_kwh",
        "万元/万千瓦时",
    ),
}


@dataclass(frozen=True)
class Benchmark:
    """The divisor of the ratio rule: a fixed number, or a multiple of a mean.

    ``kind == "fixed"``: ``value``. ``kind == "mean_multiple"``: ``multiple`` × the mean of the
    indicator over ``of`` ("reference": the reference year's firms, e.g. last year; "current":
    this year's group) taken per ``by`` ("group": the whole group, "county": the firm's county).
    """

    kind: str
    value: float | None = None
    multiple: float = 1.0
    of: str = "reference"
    by: str = "group"

    def describe(self) -> str:
        """Chinese label of the mode, e.g. ``上年度本区县平均值×2``."""
        if self.kind == "fixed":
            return f"固定基准值 {self.value:g}"
        when = "上年度" if self.of == "reference" else "本年度"
        where = "本区县" if self.by == "county" else "本组"
        times = "" if self.multiple == 1 else f"×{self.multiple:g}"
        return f"{when}{where}平均值{times}"


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    formula: Formula
    unit: str
    weight: float
    benchmark: Benchmark | None
    cap: float | None
    missing: str
    floor: float | None = None
    cap_rule: Bound | None = None
    floor_rule: Bound | None = None


@dataclass(frozen=True)
class Group:
    """One evaluated list (规上, 规下 ≥ N 亩 …); firms are ranked only within their group."""

    id: str
    name: str
    above_scale: bool
    min_land_mu: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class ClassBand:
    """Class ``code`` holds ranks whose share of firms strictly ahead is in [start, end) %."""

    code: str
    name: str
    start: float
    end: float


@dataclass(frozen=True)
class Special:
    """Firms that are listed but not ranked (utilities, new firms): class ``code`` or left out."""

    code: str
    name: str
    action: str
    industry_prefixes: tuple[str, ...]
    min_years_in_production: int


@dataclass(frozen=True)
class MuMethod:
    id: str
    version: str
    title: str
    source: str
    source_year: int
    scoring: str
    floor: float
    total_weight: float
    groups: tuple[Group, ...]
    classes: tuple[ClassBand, ...]
    industry_divisions: tuple[tuple[str, str], ...]
    special: Special | None
    policies: dict[str, dict[str, Any]]
    file: str
    text: str = field(repr=False)
    max_total: float | None = None
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def needs_reference(self) -> bool:
        """True when a benchmark is a mean over the reference (last) year's firms."""
        return any(
            i.benchmark is not None
            and i.benchmark.kind != "fixed"
            and i.benchmark.of == "reference"
            for g in self.groups
            for i in g.indicators
        )

    @property
    def digest(self) -> str:
        """SHA-256 of the file text: identifies exactly what was run."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def indicator_ids(self) -> list[str]:
        return list(dict.fromkeys(i.id for g in self.groups for i in g.indicators))

    def indicator_names(self) -> dict[str, str]:
        return {i.id: i.name for g in self.groups for i in g.indicators}

    def class_name(self, code: str) -> str:
        for c in self.classes:
            if c.code == code:
                return c.name
        if self.special and code == self.special.code:
            return self.special.name
        return code

    def class_order(self) -> list[str]:
        return [c.code for c in self.classes]


def builtin_methods() -> list[str]:
    return sorted(p.stem for p in METHODS_DIR.glob("*.yaml"))


def load_method(name_or_path: str | Path, *, text: str | None = None) -> MuMethod:
    """Load a shipped method by name (``zhejiang``, ``anhui``) or a method file by path."""
    path = Path(name_or_path)
    if text is None and not path.suffix and (METHODS_DIR / f"{name_or_path}.yaml").exists():
        path = METHODS_DIR / f"{name_or_path}.yaml"
    return parse_method(read_source(path, text=text))


def parse_method(src: Source) -> MuMethod:
    d = src.data
    reject_unknown(
        src,
        d,
        (),
        {
            "id",
            "version",
            "title",
            "source",
            "source_year",
            "scoring",
            "floor",
            "total_weight",
            "groups",
            "classes",
            "industry_divisions",
            "special",
            "policies",
            "notes",
            "max_total",
            "provenance",
        },
    )
    scoring = need(src, d, (), "scoring", str)
    if scoring not in SCORING_RULES:
        raise src.error(("scoring",), f"unknown scoring rule '{scoring}' (known: ratio, minmax)")
    floor = number(src, d, (), "floor", 0.0 if scoring == "ratio" else 20.0)
    if not 0 <= floor < 100:
        raise src.error(("floor",), "floor must be in [0, 100)")
    total_weight = number(src, d, (), "total_weight")
    max_total = number(src, d, (), "max_total", None)
    if max_total is not None and max_total <= 0:
        raise src.error(
            ("max_total",), "max_total (the highest total a firm can get) must be positive"
        )
    provenance = d.get("provenance") or {}
    check_type(src, provenance, ("provenance",), dict)
    for key, value in provenance.items():
        check_type(src, value, ("provenance", key), str)
    groups_raw = need(src, d, (), "groups", list)
    if not groups_raw:
        raise src.error(("groups",), "at least one group is needed")
    groups = []
    seen_groups: set[str] = set()
    for gi, g in enumerate(groups_raw):
        gp: tuple[str | int, ...] = ("groups", gi)
        check_type(src, g, gp, dict)
        group = _group(src, g, gp, scoring, total_weight)
        if group.id in seen_groups:
            raise src.error((*gp, "id"), f"group id '{group.id}' is used twice")
        seen_groups.add(group.id)
        groups.append(group)
    classes = _classes(src, need(src, d, (), "classes", list))
    special = _special(src, d.get("special"))
    policies = d.get("policies") or {}
    check_type(src, policies, ("policies",), dict)
    codes = {c.code for c in classes} | ({special.code} if special else set())
    for code in policies:
        if code not in codes:
            raise src.error(("policies", code), f"policy for unknown class '{code}'")
    return MuMethod(
        id=str(need(src, d, (), "id", str)),
        version=str(need(src, d, (), "version", (str, int, float))),
        title=need(src, d, (), "title", str),
        source=need(src, d, (), "source", str),
        source_year=int(need(src, d, (), "source_year", int)),
        scoring=scoring,
        floor=floor,
        total_weight=total_weight,
        groups=tuple(groups),
        classes=classes,
        industry_divisions=_divisions(src, d.get("industry_divisions")),
        special=special,
        policies={str(k): dict(v or {}) for k, v in policies.items()},
        file=src.file,
        text=src.text,
        max_total=max_total,
        provenance={str(k): str(v) for k, v in provenance.items()},
    )


def _group(src: Source, g: dict, gp: tuple, scoring: str, total_weight: float) -> Group:
    reject_unknown(src, g, gp, {"id", "name", "above_scale", "min_land_mu", "indicators"})
    indicators_raw = need(src, g, gp, "indicators", list)
    if not indicators_raw:
        raise src.error((*gp, "indicators"), "a group needs at least one indicator")
    indicators = []
    for ii, item in enumerate(indicators_raw):
        ip = (*gp, "indicators", ii)
        check_type(src, item, ip, dict)
        indicators.append(_indicator(src, item, ip, scoring))
    ids = [i.id for i in indicators]
    if len(set(ids)) != len(ids):
        raise src.error((*gp, "indicators"), "an indicator is listed twice in the group")
    weights = sum(i.weight for i in indicators)
    if abs(weights - total_weight) > 1e-9:
        raise src.error(
            (*gp, "indicators"),
            f"weights of group '{g.get('id')}' sum to {weights:g}, declared total_weight "
            f"{total_weight:g}",
        )
    min_land = number(src, g, gp, "min_land_mu", 0.0)
    if min_land < 0:
        raise src.error((*gp, "min_land_mu"), "min_land_mu cannot be negative")
    return Group(
        id=need(src, g, gp, "id", str),
        name=need(src, g, gp, "name", str),
        above_scale=bool(need(src, g, gp, "above_scale", bool)),
        min_land_mu=min_land,
        indicators=tuple(indicators),
    )


def _indicator(src: Source, item: dict, ip: tuple, scoring: str) -> Indicator:
    reject_unknown(
        src,
        item,
        ip,
        {"id", "name", "formula", "unit", "weight", "benchmark", "cap", "floor", "missing"},
    )
    ind_id = need(src, item, ip, "id", str)
    known = INDICATORS.get(ind_id)
    if known is None and "formula" not in item:
        raise src.error(
            (*ip, "id"),
            f"unknown indicator '{ind_id}': give it a formula and a name, or use one of "
            f"{', '.join(INDICATORS)}",
        )
    formula_text = item.get("formula") or known[1]  # type: ignore[index]
    check_type(src, formula_text, (*ip, "formula"), str)
    formula = parse_formula(src, (*ip, "formula"), formula_text, FIGURE_FIELDS)
    weight = number(src, item, ip, "weight")
    if weight <= 0:
        raise src.error((*ip, "weight"), "weight must be positive")
    cap_rule = _bound(src, item, ip, "cap")
    floor_rule = _bound(src, item, ip, "floor")
    cap = cap_rule.resolve(weight) if cap_rule else None
    floor = floor_rule.resolve(weight) if floor_rule else None
    if cap is not None and cap <= 0:
        raise src.error((*ip, "cap"), "cap (maximum sub-score) must be positive")
    if floor is not None and floor < 0:
        raise src.error((*ip, "floor"), "floor (minimum sub-score) cannot be negative")
    if cap is not None and floor is not None and floor >= cap:
        raise src.error(
            (*ip, "floor"), f"floor ({floor:g} points) must be below the cap ({cap:g} points)"
        )
    missing = item.get("missing", "zero")
    if missing not in MISSING_RULES:
        raise src.error((*ip, "missing"), f"unknown missing-data rule '{missing}'")
    benchmark = None
    if scoring == "ratio":
        if "benchmark" not in item:
            raise src.error(ip, f"indicator '{ind_id}' needs a benchmark for the ratio rule")
        benchmark = _benchmark(src, item["benchmark"], (*ip, "benchmark"))
    elif "benchmark" in item:
        raise src.error((*ip, "benchmark"), "the minmax rule takes no benchmark")
    return Indicator(
        id=ind_id,
        name=item.get("name") or (known[0] if known else ind_id),
        formula=formula,
        unit=item.get("unit") or (known[2] if known else ""),
        weight=weight,
        benchmark=benchmark,
        cap=cap,
        missing=missing,
        floor=floor,
        cap_rule=cap_rule,
        floor_rule=floor_rule,
    )


def _bound(src: Source, item: dict, ip: tuple, key: str) -> Bound | None:
    """``cap: 60`` (points) or ``cap: {times_weight: 2}`` / ``cap: {points: 60}``."""
    if key not in item or item[key] is None:
        return None
    raw = item[key]
    bp = (*ip, key)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Bound(points=float(raw))
    check_type(src, raw, bp, (int, float, dict))
    reject_unknown(src, raw, bp, {"points", "times_weight"})
    if len(raw) != 1:
        raise src.error(bp, f"{key} takes exactly one of 'points' or 'times_weight'")
    if "times_weight" in raw:
        times = number(src, raw, bp, "times_weight")
        if times < 0:
            raise src.error((*bp, "times_weight"), f"{key} times_weight cannot be negative")
        return Bound(times_weight=times)
    return Bound(points=number(src, raw, bp, "points"))


def _benchmark(src: Source, raw: Any, bp: tuple) -> Benchmark:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if raw <= 0:
            raise src.error(bp, f"a fixed benchmark must be positive, got {raw:g}")
        return Benchmark("fixed", value=float(raw))
    check_type(src, raw, bp, (int, float, dict))
    reject_unknown(src, raw, bp, {"mean_multiple", "of", "by"})
    multiple = number(src, raw, bp, "mean_multiple")
    if multiple <= 0:
        raise src.error((*bp, "mean_multiple"), "mean_multiple must be positive")
    of = raw.get("of", "reference")
    if of not in ("reference", "current"):
        raise src.error((*bp, "of"), "of must be 'reference' (e.g. last year) or 'current'")
    by = raw.get("by", "group")
    if by not in ("group", "county"):
        raise src.error((*bp, "by"), "by must be 'group' or 'county'")
    return Benchmark("mean_multiple", multiple=multiple, of=of, by=by)


def _classes(src: Source, raw: list) -> tuple[ClassBand, ...]:
    bands = []
    for ci, c in enumerate(raw):
        cp = ("classes", ci)
        check_type(src, c, cp, dict)
        reject_unknown(src, c, cp, {"code", "name", "band"})
        band = need(src, c, cp, "band", list)
        if len(band) != 2 or not all(
            isinstance(x, int | float) and not isinstance(x, bool) for x in band
        ):
            raise src.error((*cp, "band"), "band must be [from, to] in percent, e.g. [0, 20]")
        start, end = float(band[0]), float(band[1])
        if not 0 <= start < end <= 100:
            raise src.error(
                (*cp, "band"), f"band [{start:g}, {end:g}] must satisfy 0 ≤ from < to ≤ 100"
            )
        bands.append(
            (
                cp,
                ClassBand(need(src, c, cp, "code", str), need(src, c, cp, "name", str), start, end),
            )
        )
    if not bands:
        raise src.error(("classes",), "at least one class is needed")
    expected = 0.0
    codes: set[str] = set()
    for cp, b in bands:
        if b.code in codes:
            raise src.error((*cp, "code"), f"class '{b.code}' is defined twice")
        codes.add(b.code)
        if b.start < expected:
            raise src.error(
                (*cp, "band"),
                f"class {b.code} band starts at {b.start:g}% and overlaps the previous class (ends at {expected:g}%)",
            )
        if b.start > expected:
            raise src.error(
                (*cp, "band"), f"gap between {expected:g}% and {b.start:g}% before class {b.code}"
            )
        expected = b.end
    if expected != 100:
        raise src.error(("classes",), f"class bands end at {expected:g}%, they must reach 100%")
    return tuple(b for _, b in bands)


def _divisions(src: Source, raw: Any) -> tuple[tuple[str, str], ...]:
    """``["06-46"]``: the GB/T 4754 divisions (2 digits, inclusive ranges) in scope; none = all."""
    if raw is None:
        return ()
    check_type(src, raw, ("industry_divisions",), list)
    out = []
    for i, item in enumerate(raw):
        text = str(item)
        lo, _, hi = text.partition("-")
        hi = hi or lo
        if not (len(lo) == len(hi) == 2 and lo.isdigit() and hi.isdigit() and lo <= hi):
            raise src.error(
                ("industry_divisions", i), f"'{text}' must be a division or range like \"06-46\""
            )
        out.append((lo, hi))
    return tuple(out)


def _special(src: Source, raw: Any) -> Special | None:
    if raw is None:
        return None
    sp = ("special",)
    check_type(src, raw, sp, dict)
    reject_unknown(
        src, raw, sp, {"code", "name", "action", "industry_prefixes", "min_years_in_production"}
    )
    action = raw.get("action", "special")
    if action not in ("special", "exclude"):
        raise src.error((*sp, "action"), "action must be 'special' or 'exclude'")
    prefixes = raw.get("industry_prefixes") or []
    check_type(src, prefixes, (*sp, "industry_prefixes"), list)
    for i, p in enumerate(prefixes):
        if not isinstance(p, str) or not p.isdigit():
            raise src.error(
                (*sp, "industry_prefixes", i), f"industry prefix {p!r} must be digits in quotes"
            )
    return Special(
        code=need(src, raw, sp, "code", str),
        name=need(src, raw, sp, "name", str),
        action=action,
        industry_prefixes=tuple(prefixes),
        min_years_in_production=int(number(src, raw, sp, "min_years_in_production", 0)),
    )


__all__ = [
    "INDICATORS",
    "Benchmark",
    "ClassBand",
    "Group",
    "Indicator",
    "MuMethod",
    "SpecError",
    "builtin_methods",
    "load_method",
]

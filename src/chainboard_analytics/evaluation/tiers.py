"""梯度培育: who qualifies for each cultivation tier, who is close, and what each firm lacks.

The criteria are data (``criteria/tiers.yaml``, with the source of every rule); this module reads
them (:func:`load_criteria`, located errors as for method files) and checks firms
(:func:`check_tiers`), vectorised over a pandas table with one row per firm.

Conditions
----------
``{value: FORMULA, min: X}`` (≥), ``above`` (>), ``max`` (≤), ``below`` (<)
    A figure against a threshold.
``{value: FORMULA, min_by: {by: FORMULA, bands: [{upto: A, min: X}, …, {min: Z}]}}``
    The threshold depends on a band of another figure (高企 R&D 5 % / 4 % / 3 % by sales). Each
    band but the last closes its top edge explicitly: ``upto: A`` includes A (≤ A, "A以下",
    "A（含）"), ``below: A`` leaves A to the next band (< A, the next band says "A以上").
``{points: {pass: P, items: [{value, group, bands: [{min: X, points: N}, …]}], floors: {…}}}``
    A points test: each item scores the points of the first band (from the top) whose lower
    edge the value reaches: ``min: X`` includes X (≥ X, "X以上"), ``above: X`` does not (> X).
    The total must reach ``pass`` and each group its floor. Items with the same ``choose: KEY``
    are alternatives: only the best-scoring one counts (科技型 R&D ÷ sales or ÷ total cost,
    "企业可任选其一"; 创新型 IP: 高价值Ⅰ类 20 / 自主Ⅰ类 15 / Ⅰ类 10 / Ⅱ类 5, at most 20).

Edges follow the wording of the official text (quoted in the criteria file): 以上/以下/不低于/
不超过 include the number (≥/≤), 超过/不满/低于 do not (>/<); see the criteria file's header.
``{any: [conditions]}``
    Alternatives (direct routes): one must hold.
``when: {value, min|max|below}``
    On any condition: it applies only to firms meeting the guard.

Status per firm and tier
------------------------
``qualifies``: every condition holds. ``close``: all figures known, at most
``close.max_failures`` conditions fail, each short of its threshold by at most
``close.within_pct`` percent of the threshold (a points test: of the pass mark). ``missing``:
it would qualify or be close, but some figure is missing (``missing`` names it); a firm without
the data is never called close. ``far``: otherwise (missing fields are still listed).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainboard_analytics.evaluation.sme import sme_flags
from chainboard_analytics.evaluation.spec import (
    Formula,
    Source,
    check_type,
    need,
    number,
    parse_formula,
    read_source,
    reject_unknown,
)

CRITERIA_DIR = Path(__file__).with_name("criteria")

#: Inputs a criteria formula may use (per firm, for the evaluated year).
TIER_FIELDS: dict[str, str] = {
    "revenue_wan_yuan": "营业收入(万元)",
    "revenue_prev_wan_yuan": "上年营业收入(万元)",
    "revenue_3y_wan_yuan": "近三年营业收入合计(万元)",
    "rd_spend_wan_yuan": "研发费用(万元)",
    "rd_spend_prev_wan_yuan": "上年研发费用(万元)",
    "rd_spend_3y_wan_yuan": "近三年研发费用合计(万元)",
    "employees": "职工人数(人)",
    "sci_tech_staff": "科技人员数(人)",
    "rd_staff": "研发人员数(人)",
    "total_assets_wan_yuan": "资产总额(万元)",
    "debt_ratio_pct": "资产负债率(%)",
    "high_tech_revenue_wan_yuan": "高新技术产品(服务)收入(万元)",
    "main_business_revenue_wan_yuan": "主营业务收入(万元)",
    "main_business_revenue_prev_wan_yuan": "上年主营业务收入(万元)",
    "ip_class1": "Ⅰ类知识产权(件)",
    "ip_class2": "Ⅱ类知识产权(件)",
    "years_registered": "注册年限(年)",
    "niche_years": "从事细分市场年限(年)",
    "niche_market_share_pct": "细分市场全国占有率(%)",
    "main_product_share_pct": "主导产品占主营业务收入比(%)",
    "global_rank": "主导产品全球市场排名",
    "equity_raised_wan_yuan": "近两年新增股权融资(万元)",
    "has_rd_institution": "建有研发机构(1/0)",
    "strategic_emerging": "主导产品属战略性新兴产业(1/0)",
    "high_tech_valid": "持有有效高企证书(1/0)",
    "srdi_score": "专精特新评价得分(分)",
    "total_cost_wan_yuan": "成本费用支出总额(万元)",
    "total_income_wan_yuan": "总收入(万元)",
    "rd_domestic_3y_wan_yuan": "近三年境内研发费用(万元)",
    "innovation_score": "高企创新能力评价得分(分)",
    "ip_class1_high_value": "高价值Ⅰ类知识产权(件)",
    "ip_class1_own": "自主研发Ⅰ类知识产权(件)",
    "equity_raised_3y_wan_yuan": "近三年新增股权融资(万元)",
    "rd_institution_provincial": "建有省部级以上研发机构(1/0)",
    "award_national_5y": "近五年国家级科技奖励(获奖单位前三)(1/0)",
    "standard_led_5y": "近五年主导制定国际/国家/行业标准(1/0)",
    "award_3y": "近三年获国家级或省级科技奖励(1/0)",
    "demo_title_valid": "有效期内国家级技术创新示范企业或知识产权优势/示范企业(1/0)",
    "award_srdi_3y": "近三年省级科技奖励前三或国家级科技奖励前五(1/0)",
    "maker_china_500_3y": "近三年创客中国全国500强(1/0)",
    "info_system": "至少1项核心业务采用信息系统支撑(1/0)",
    "quality_certification": "取得管理体系认证或发达国家和地区产品认证(1/0)",
    "own_brand": "拥有自主品牌(1/0)",
    "energy_advanced": "单位产品能耗达到能耗限额标准先进值(1/0)",
    "no_violation_3y": "近三年无重大违法违规(1/0)",
    "main_business_revenue_prev2_wan_yuan": "前年主营业务收入(万元)",
    "srdi_valid": "持有有效专精特新中小企业称号(1/0)",
    "sme_size_ok": "属于中小企业(《中小企业划型标准规定》)(1/0)",
}

STATUSES = ("qualifies", "close", "missing", "far")


@dataclass(frozen=True)
class Guard:
    value: Formula
    op: str
    threshold: float


@dataclass(frozen=True)
class Condition:
    """One rule of a tier. ``kind``: threshold, banded, points or any."""

    kind: str
    label: str
    unit: str = ""
    value: Formula | None = None
    op: str = "min"
    threshold: float = 0.0
    on: Formula | None = None
    #: banded threshold: (top edge or None for the open last band, edge included?, minimum)
    bands: tuple[tuple[float | None, bool, float], ...] = ()
    items: tuple[dict[str, Any], ...] = ()
    floors: dict[str, float] = field(default_factory=dict)
    options: tuple[Condition, ...] = ()
    when: Guard | None = None


@dataclass(frozen=True)
class Tier:
    """One tier of a rule set. ``pending``: the official thresholds are not held (the reason is
    shown as the firm's missing item; no firm qualifies on guessed rules)."""

    id: str
    name: str
    qualification: str
    source: str
    conditions: tuple[Condition, ...]
    pending: str = ""


@dataclass(frozen=True)
class Criteria:
    """A rule set: the tiers of one official text, in force from ``effective_from``."""

    id: str
    version: str
    within_pct: float
    max_failures: int
    tiers: tuple[Tier, ...]
    file: str
    text: str = field(repr=False)
    #: the governing text: Chinese title, 文号 ("" when not found), dates
    title: str = ""
    document_no: str = ""
    issued_on: dt.date | None = None
    effective_from: dt.date | None = None
    notes: str = ""

    @property
    def label(self) -> str:
        """《title》（文号）for pages: never a file name."""
        return f"{self.title}（{self.document_no or '文号未检索到'}）"

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def tier(self, tier_id: str) -> Tier:
        for t in self.tiers:
            if t.id == tier_id:
                return t
        raise KeyError(tier_id)


def load_criteria(path: str | Path | None = None, *, text: str | None = None) -> Criteria:
    """Load the 2022 rule set (``path=None``) or a criteria file.

    A file may say ``extends: OTHER.yaml`` (a file in the same folder): it then starts from the
    other file's tiers and replaces those with the same ``id`` (order kept; new ids appended).
    """
    src = read_source(path or CRITERIA_DIR / "tiers.yaml", text=text)
    d = src.data
    reject_unknown(
        src,
        d,
        (),
        {
            "id",
            "version",
            "close",
            "tiers",
            "notes",
            "title",
            "document_no",
            "issued_on",
            "effective_from",
            "extends",
        },
    )
    base: Criteria | None = None
    if "extends" in d:
        folder = Path(src.file).parent if path is not None else CRITERIA_DIR
        base = load_criteria(folder / need(src, d, (), "extends", str))
    close = d.get("close") or {}
    check_type(src, close, ("close",), dict)
    reject_unknown(src, close, ("close",), {"within_pct", "max_failures"})
    tiers: list[Tier] = []
    seen: set[str] = set()
    for ti, raw in enumerate(need(src, d, (), "tiers", list)):
        tp: tuple[str | int, ...] = ("tiers", ti)
        check_type(src, raw, tp, dict)
        reject_unknown(
            src, raw, tp, {"id", "name", "qualification", "source", "conditions", "pending"}
        )
        tid = need(src, raw, tp, "id", str)
        if tid in seen:
            raise src.error((*tp, "id"), f"tier '{tid}' is defined twice")
        seen.add(tid)
        pending = raw.get("pending", "")
        check_type(src, pending, (*tp, "pending"), str)
        conds = raw.get("conditions") or []
        check_type(src, conds, (*tp, "conditions"), list)
        if not conds and not pending:
            raise src.error(
                (*tp, "conditions"), "a tier needs at least one condition (or 'pending: reason')"
            )
        if conds and pending:
            raise src.error((*tp, "pending"), "a pending tier has no conditions")
        tiers.append(
            Tier(
                id=tid,
                name=need(src, raw, tp, "name", str),
                qualification=need(src, raw, tp, "qualification", str),
                source=need(src, raw, tp, "source", str),
                conditions=tuple(
                    _condition(src, c, (*tp, "conditions", i)) for i, c in enumerate(conds)
                ),
                pending=pending,
            )
        )
    if base is not None:
        mine = {t.id: t for t in tiers}
        tiers = [mine.pop(t.id, t) for t in base.tiers] + [t for t in tiers if t.id in mine]
    return Criteria(
        id=str(need(src, d, (), "id", str)),
        version=str(need(src, d, (), "version", (str, int, float))),
        within_pct=number(src, close, ("close",), "within_pct", base.within_pct if base else 20.0),
        max_failures=int(
            number(src, close, ("close",), "max_failures", base.max_failures if base else 2)
        ),
        tiers=tuple(tiers),
        file=src.file,
        text=src.text if base is None else base.text + "\n---\n" + src.text,
        title=str(d.get("title", "")),
        document_no=str(d.get("document_no", "")),
        issued_on=_date(src, d, "issued_on"),
        effective_from=_date(src, d, "effective_from"),
        notes=str(d.get("notes", "")),
    )


def _date(src: Source, d: dict, key: str) -> dt.date | None:
    value = d.get(key)
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise src.error((key,), f"'{key}' must be a date YYYY-MM-DD, got {value!r}") from None


@functools.cache
def criteria_sets() -> tuple[Criteria, ...]:
    """Every shipped rule set (``criteria/*.yaml``), oldest ``effective_from`` first."""
    sets = [load_criteria(p) for p in sorted(CRITERIA_DIR.glob("*.yaml"))]
    return tuple(sorted(sets, key=lambda c: c.effective_from or dt.date.min))


def criteria_in_force(on: dt.date, sets: tuple[Criteria, ...] | None = None) -> Criteria:
    """The rule set in force on ``on``: the latest ``effective_from`` not after it.

    Before the first set's date the first set is used (the page names the set it applied).
    """
    sets = sets or criteria_sets()
    chosen = sets[0]
    for c in sets:
        if c.effective_from is None or c.effective_from <= on:
            chosen = c
    return chosen


def _formula(src: Source, obj: dict, path: tuple, key: str) -> Formula:
    text = need(src, obj, path, key, str)
    return parse_formula(src, (*path, key), text, TIER_FIELDS)


def _condition(src: Source, raw: Any, cp: tuple) -> Condition:
    check_type(src, raw, cp, dict)
    reject_unknown(
        src,
        raw,
        cp,
        {"label", "unit", "value", *_OPS, "min_by", "points", "any", "when"},
    )
    when = None
    if "when" in raw:
        w = check_type(src, raw["when"], (*cp, "when"), dict)
        reject_unknown(src, w, (*cp, "when"), {"value", *_OPS})
        op, thr = _op(src, w, (*cp, "when"))
        when = Guard(_formula(src, w, (*cp, "when"), "value"), op, thr)
    label = need(src, raw, cp, "label", str)
    unit = raw.get("unit", "")
    if "any" in raw:
        options = need(src, raw, cp, "any", list)
        if len(options) < 2:
            raise src.error((*cp, "any"), "'any' needs at least two alternatives")
        return Condition(
            "any",
            label,
            unit,
            options=tuple(_condition(src, o, (*cp, "any", i)) for i, o in enumerate(options)),
            when=when,
        )
    if "points" in raw:
        return _points(src, raw["points"], (*cp, "points"), label, when)
    value = _formula(src, raw, cp, "value")
    if "min_by" in raw:
        mb = check_type(src, raw["min_by"], (*cp, "min_by"), dict)
        reject_unknown(src, mb, (*cp, "min_by"), {"by", "bands"})
        on = _formula(src, mb, (*cp, "min_by"), "by")
        bands: list[tuple[float | None, bool, float]] = []
        last = -math.inf
        raw_bands = need(src, mb, (*cp, "min_by"), "bands", list)
        for bi, b in enumerate(raw_bands):
            bp = (*cp, "min_by", "bands", bi)
            check_type(src, b, bp, dict)
            reject_unknown(src, b, bp, {"upto", "below", "min"})
            if "upto" in b and "below" in b:
                raise src.error(bp, "give 'upto' (≤, edge included) or 'below' (<), not both")
            edge_key = "below" if "below" in b else "upto"
            edge = number(src, b, bp, edge_key, None)
            if edge is None and bi != len(raw_bands) - 1:
                raise src.error(bp, "only the last band may leave out its top edge (upto/below)")
            if edge is not None and edge <= last:
                raise src.error(
                    (*bp, edge_key), f"bands overlap: {edge_key} {edge:g} is not above {last:g}"
                )
            last = edge if edge is not None else last
            bands.append((edge, edge_key == "upto", number(src, b, bp, "min")))
        if bands[-1][0] is not None:
            raise src.error((*cp, "min_by"), "the last band must have no 'upto'/'below' (open top)")
        return Condition("banded", label, unit, value=value, on=on, bands=tuple(bands), when=when)
    op, thr = _op(src, raw, cp)
    return Condition("threshold", label, unit, value=value, op=op, threshold=thr, when=when)


#: threshold operators: min ≥ (以上/不低于), above > (超过), max ≤ (以下/不超过), below < (不满/低于)
_OPS = ("min", "above", "max", "below")


def _op(src: Source, raw: dict, cp: tuple) -> tuple[str, float]:
    ops = [k for k in _OPS if k in raw]
    if len(ops) != 1:
        raise src.error(cp, "give exactly one of min (≥), above (>), max (≤) or below (<)")
    return ops[0], number(src, raw, cp, ops[0])


def _points(src: Source, raw: Any, pp: tuple, label: str, when: Guard | None) -> Condition:
    check_type(src, raw, pp, dict)
    reject_unknown(src, raw, pp, {"pass", "items", "floors"})
    items = []
    groups: set[str] = set()
    for ii, it in enumerate(need(src, raw, pp, "items", list)):
        ip = (*pp, "items", ii)
        check_type(src, it, ip, dict)
        reject_unknown(src, it, ip, {"label", "value", "group", "bands", "unit", "choose"})
        bands = []
        last = math.inf
        for bi, b in enumerate(need(src, it, ip, "bands", list)):
            bp = (*ip, "bands", bi)
            check_type(src, b, bp, dict)
            reject_unknown(src, b, bp, {"min", "above", "points"})
            lo_key = "above" if "above" in b else "min"
            lo = number(src, b, bp, lo_key)
            if lo >= last:
                raise src.error(bp, f"bands overlap: {lo:g} is not below the previous {last:g}")
            last = lo
            bands.append((lo, lo_key == "above", number(src, b, bp, "points")))
        items.append(
            {
                "label": need(src, it, ip, "label", str),
                "value": _formula(src, it, ip, "value"),
                "group": it.get("group", ""),
                "unit": it.get("unit", ""),
                "bands": tuple(bands),
                "choose": str(it.get("choose", "")),
            }
        )
        groups.add(it.get("group", ""))
    floors = raw.get("floors") or {}
    check_type(src, floors, (*pp, "floors"), dict)
    for g in floors:
        if g not in groups:
            raise src.error((*pp, "floors", g), f"floor for unknown item group '{g}'")
    return Condition(
        "points",
        label,
        "分",
        threshold=number(src, raw, pp, "pass"),
        items=tuple(items),
        floors={str(k): float(v) for k, v in floors.items()},
        when=when,
    )


# --- checking ---------------------------------------------------------------------------------


def _eval(formula: Formula, frame: pd.DataFrame) -> pd.Series:
    def col(name: str) -> pd.Series:
        if name not in frame.columns:
            return pd.Series(np.nan, index=frame.index, dtype="float64")
        return pd.to_numeric(frame[name], errors="coerce").astype("float64")

    def div(a: Any, b: Any) -> Any:
        if isinstance(b, pd.Series):
            return a / b.where(b != 0)
        return a / b if b else np.nan

    out = formula.evaluate(col, div)
    if not isinstance(out, pd.Series):
        out = pd.Series(out, index=frame.index, dtype="float64")
    return out.replace([np.inf, -np.inf], np.nan)


def _compare(v: pd.Series, op: str, thr: float | pd.Series) -> pd.Series:
    eps = 1e-9
    if op == "min":
        return v >= thr - eps
    if op == "max":
        return v <= thr + eps
    if op == "above":
        return v > thr + eps
    return v < thr - eps


@dataclass
class _Checked:
    ok: pd.Series  # True / False / NaN (missing) as object
    short: pd.Series  # relative shortfall (0 when ok)
    text: pd.Series  # gap text where not ok
    missing: pd.Series  # names of missing fields


def _fmt(x: float, unit: str) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if abs(x) >= 100:
        s = f"{x:,.0f}"
    else:
        s = f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"
        s = s.rstrip("0").rstrip(".") if "." in s else s
    return f"{s}{unit}"


def _missing_names(formula: Formula, frame: pd.DataFrame) -> pd.Series:
    names = pd.Series("", index=frame.index, dtype=object)
    for f in formula.fields:
        miss = frame[f].isna() if f in frame.columns else pd.Series(True, index=frame.index)
        names = names.where(~miss, names + "、" + TIER_FIELDS[f])
    return names.str.lstrip("、")


_SIGN = {"min": "≥", "above": ">", "max": "≤", "below": "<"}


def _tristate(ok: pd.Series, unknown: pd.Series) -> pd.Series:
    """True where ``ok``, else None (missing data) where ``unknown``, else False."""
    out = pd.Series(False, index=ok.index, dtype=object)
    out[(unknown & ~ok).to_numpy()] = None
    out[ok.to_numpy()] = True
    return out


def item_points(item: dict[str, Any], frame: pd.DataFrame) -> pd.Series:
    """Points one item of a points test gives each firm (0 below the lowest band or missing)."""
    v = _eval(item["value"], frame)
    pts = pd.Series(0.0, index=frame.index)
    done = pd.Series(False, index=frame.index)
    for lo, strict, p in item["bands"]:
        hit = _compare(v, "above" if strict else "min", lo)
        pts = pts.where(~(hit & ~done), p)
        done |= hit
    return pts


def _check(c: Condition, frame: pd.DataFrame) -> _Checked:
    idx = frame.index
    if c.kind == "any":
        parts = [_check(o, frame) for o in c.options]
        ok_any = pd.Series(False, index=idx)
        miss_any = pd.Series(False, index=idx)
        for p in parts:
            ok_any |= p.ok.eq(True)
            miss_any |= p.ok.isna()
        ok = _tristate(ok_any, miss_any)
        # an alternative whose figures are missing might hold: then no shortfall is known
        short = (
            pd.concat([p.short for p in parts], axis=1)
            .min(axis=1, skipna=False)
            .where(~ok_any, 0.0)
        )
        texts = pd.Series(
            [
                " 或 ".join(t for t in row if t)
                for row in zip(*[p.text.tolist() for p in parts], strict=True)
            ],
            index=idx,
            dtype=object,
        )
        missing = parts[0].missing
        for p in parts[1:]:
            missing = missing.where(
                p.missing == "", missing.where(missing == "", missing + "、") + p.missing
            )
        text = (c.label + "：" + texts).where(~ok_any, "")
        out = _Checked(ok, short, text, missing.where(~ok_any, ""))
    elif c.kind == "points":
        total = pd.Series(0.0, index=idx)
        by_group: dict[str, pd.Series] = {}
        missing = pd.Series("", index=idx, dtype=object)
        any_missing = pd.Series(False, index=idx)
        chosen: dict[str, tuple[str, pd.Series, pd.Series]] = {}
        # the optimistic score: a missing item at its top band (what the firm might reach)
        opt_total = pd.Series(0.0, index=idx)
        opt_group: dict[str, pd.Series] = {}
        for it in c.items:
            v = _eval(it["value"], frame)
            m = v.isna()
            pts = item_points(it, frame)
            top = max((p for _, _, p in it["bands"]), default=0.0)
            opt = pts.where(~m, top)
            if it["choose"]:  # alternatives: only the best-scoring item of the choice counts
                group, best, best_opt = chosen.get(
                    it["choose"], (it["group"], pts * 0.0, pts * 0.0)
                )
                chosen[it["choose"]] = (group, np.maximum(best, pts), np.maximum(best_opt, opt))
            else:
                total += pts
                by_group[it["group"]] = by_group.get(it["group"], 0.0) + pts
                opt_total += opt
                opt_group[it["group"]] = opt_group.get(it["group"], 0.0) + opt
            any_missing |= m
            names = _missing_names(it["value"], frame)  # the figures, as elsewhere
            missing = missing.where(~m, missing.where(missing == "", missing + "、") + names)
        for group, best, best_opt in chosen.values():
            total += best
            by_group[group] = by_group.get(group, 0.0) + best
            opt_total += best_opt
            opt_group[group] = opt_group.get(group, 0.0) + best_opt
        ok_b = total >= c.threshold - 1e-9
        ok_opt = opt_total >= c.threshold - 1e-9
        floor_fail = pd.Series("", index=idx, dtype=object)
        for g, fl in c.floors.items():
            bad = by_group[g] < fl - 1e-9
            ok_b &= ~bad
            ok_opt &= ~(opt_group[g] < fl - 1e-9)
            floor_fail = floor_fail.where(
                ~bad,
                floor_fail
                + "，"
                + g
                + " "
                + by_group[g].map(lambda x: f"{x:g}")
                + f" 分需 ≥ {fl:g}",
            )
        ok = _tristate(ok_b, any_missing)
        short = ((c.threshold - total) / c.threshold).clip(lower=0.0)
        short = short.where(~ok_b, 0.0)
        short = short.where(floor_fail == "", np.maximum(short, 1.0))
        # missing figures that could make it pass: no shortfall is known (status "missing")
        short = short.where(~(any_missing & ok_opt & ~ok_b), np.nan)
        text = (
            c.label
            + " "
            + total.map(lambda x: f"{x:g}")
            + f" 分，需 ≥ {c.threshold:g}"
            + floor_fail
        ).where(~ok_b, "")
        out = _Checked(ok, short, text, missing.where(~ok_b, ""))
    else:
        assert c.value is not None
        v = _eval(c.value, frame)
        if c.kind == "banded":
            assert c.on is not None
            on = _eval(c.on, frame)
            thr = pd.Series(np.nan, index=idx)
            done = pd.Series(False, index=idx)
            for edge, inclusive, need_min in c.bands:
                if edge is None:
                    hit = on.notna()
                else:
                    hit = on.notna() & _compare(on, "max" if inclusive else "below", edge)
                thr = thr.where(~(hit & ~done), need_min)
                done |= hit
            op = "min"
            missing = _missing_names(c.value, frame)
            on_missing = _missing_names(c.on, frame)
            missing = missing.where(
                on_missing == "", missing.where(missing == "", missing + "、") + on_missing
            )
        else:
            thr = pd.Series(c.threshold, index=idx)
            op = c.op
            missing = _missing_names(c.value, frame)
        known = v.notna() & thr.notna()
        ok_b = known & _compare(v, op, thr)
        ok = _tristate(ok_b, ~known)
        denom = thr.abs().where(thr != 0, 1.0)
        gap = (thr - v) if op in ("min", "above") else (v - thr)
        short = (gap / denom).clip(lower=0.0)
        short = short.where(known, np.nan).where(~ok_b, 0.0)
        u = c.unit
        text = pd.Series("", index=idx, dtype=object)
        failing = (known & ~ok_b).to_numpy()
        if failing.any():
            text[failing] = [
                f"{c.label} {_fmt(a, u)}，需 {_SIGN[op]} {_fmt(b, u)}"
                for a, b in zip(v[failing].tolist(), thr[failing].tolist(), strict=True)
            ]
        out = _Checked(ok, short, text, missing.where(~ok_b, ""))
    if c.when is not None:
        g = _eval(c.when.value, frame)
        applies = _compare(g, c.when.op, c.when.threshold) & g.notna()
        gm = g.isna()
        out.ok = out.ok.where(applies, True).where(~gm, None)
        out.short = out.short.where(applies, 0.0).where(~gm, np.nan)
        out.text = out.text.where(applies, "")
        gmiss = _missing_names(c.when.value, frame)
        out.missing = out.missing.where(applies, "").where(~gm, gmiss)
    return out


def check_tiers(firms: pd.DataFrame, criteria: Criteria) -> pd.DataFrame:
    """Check every firm against every tier.

    Parameters
    ----------
    firms
        One row per firm: ``uscc`` plus any of :data:`TIER_FIELDS` (missing column = missing
        data for every firm). Without ``sme_size_ok``, an ``industry_code`` column (GB/T 4754)
        makes it: :func:`chainboard_analytics.evaluation.sme.sme_flags`.
    criteria
        :func:`load_criteria`.

    Returns
    -------
    pandas.DataFrame
        One row per firm and tier: ``uscc``, ``tier``, ``status`` (:data:`STATUSES`),
        ``failures`` (count), ``shortfall`` (largest relative shortfall, 0 = qualifies; used to
        sort "closest first"), ``gaps`` (list of texts such as "研发费用占比 2.1%，需 ≥ 3%")
        and ``missing`` (list of the figures that are missing).
    """
    if "sme_size_ok" not in firms.columns and "industry_code" in firms.columns:
        firms = firms.assign(sme_size_ok=sme_flags(firms))
    frames = []
    for tier in criteria.tiers:
        if tier.pending:
            n = len(firms)
            frames.append(
                pd.DataFrame(
                    {
                        "uscc": firms["uscc"].to_numpy(),
                        "tier": tier.id,
                        "status": ["missing"] * n,
                        "failures": np.zeros(n, dtype="int64"),
                        "shortfall": np.zeros(n),
                        "gaps": [[] for _ in range(n)],
                        "missing": [[tier.pending] for _ in range(n)],
                    }
                )
            )
            continue
        checked = [_check(c, firms) for c in tier.conditions]
        fails = sum(c.ok.eq(False).astype(int) for c in checked)
        misses = sum(c.ok.isna().astype(int) for c in checked)
        short = pd.concat([c.short.fillna(0.0) for c in checked], axis=1).max(axis=1)
        close = (fails <= criteria.max_failures) & (short <= criteria.within_pct / 100 + 1e-12)
        status = np.select(
            [(fails == 0) & (misses == 0), close & (misses > 0), close],
            ["qualifies", "missing", "close"],
            default="far",
        )
        gaps = [
            [t for t in row if t] for row in zip(*[c.text.tolist() for c in checked], strict=True)
        ]
        missing = [
            list(dict.fromkeys(x for m in row if m for x in str(m).split("、")))
            for row in zip(*[c.missing.tolist() for c in checked], strict=True)
        ]
        frames.append(
            pd.DataFrame(
                {
                    "uscc": firms["uscc"].to_numpy(),
                    "tier": tier.id,
                    "status": status,
                    "failures": np.asarray(fails, dtype="int64"),
                    "shortfall": short.to_numpy(),
                    "gaps": gaps,
                    "missing": missing,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


__all__ = [
    "STATUSES",
    "TIER_FIELDS",
    "Condition",
    "Criteria",
    "Tier",
    "check_tiers",
    "criteria_in_force",
    "criteria_sets",
    "item_points",
    "load_criteria",
]

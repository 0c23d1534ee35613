"""亩均效益评价: indicator values, sub-scores, totals, ranks and A/B/C/D classes.

The scoring is one Ibis expression per group (same code on DuckDB, PostgreSQL and Spark);
the explanation step (what each firm would need to move up) runs on the collected result.

Rules (see ``docs/evaluation.md`` for the sources)
-------------------------------------------------
Scope
    Only firms in the method's ``industry_divisions`` (GB/T 4754 two-digit ranges, e.g. industry
    ``06-46``) are evaluated. A firm-year belongs to the first group whose ``above_scale`` matches and whose land is at
    least ``min_land_mu`` (a group with ``min_land_mu > 0`` needs the land figure). Firms in the
    ``special.industry_prefixes`` (utilities) or in production for fewer than
    ``special.min_years_in_production`` years (``year − founded_year``) are not ranked: with
    ``action: special`` they are listed with the special class (e.g. 淮安's "T"), with
    ``action: exclude`` they are left out.
Indicator value
    ``x = formula(fields)``; a division by zero or by a missing figure gives a missing value
    (flagged), never an error or inf. Zero or missing land therefore flags the per-mu
    indicators instead of failing.
Ratio rule (Zhejiang, 黄岩 2022)
    ``s = x ÷ benchmark × weight``, then bounded: ``min(max(s, floor), cap)`` where the method
    gives a floor or cap (points or a multiple of the weight; :mod:`.scoring`). The benchmark is
    fixed or ``mean_multiple × mean(x)`` over the reference year (or the current group), per
    group or per county (淮安: about 2× the county's prior-year average); a mean benchmark that
    is not positive where a firm has a value raises :class:`~.scoring.BenchmarkError`.
Min-max rule (Anhui, 旌德)
    ``s = weight × [floor + (100 − floor) × (x − min) ÷ (max − min)] ÷ 100`` over the group's
    firms with a value; if every firm has the same value each gets the full weight.
Missing data
    ``missing: zero`` gives 0 points; ``missing: group_mean`` gives the group's mean sub-score of
    the firms that have the figure (黄岩: no emission data → the 规上 average score). Either way
    the indicator is flagged ``m_<id> = True``.
Total and rank
    ``total = min(Σ s, max_total)`` (``max_total`` when the method states one) rounded to 6 decimals (so equal inputs tie exactly). ``rank`` is the
    competition rank within the group (1 + number of firms with a strictly higher total): tied
    firms share the best rank.
Classes
    A firm is in the class whose band ``[from, to)`` (percent) contains
    ``100 × (rank − 1) ÷ n``: the share of the group ranked strictly ahead of it. Default bands
    A [0, 20), B [20, 60), C [60, 95), D [95, 100]: A = the top 20 %, D = the bottom 5 %.
    Ties therefore go up (tied firms all get the better class); in tiny groups the lower classes
    may be empty (with n < 20 nobody is in D).
"""

from __future__ import annotations

import math
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from chainboard_analytics.evaluation.methods import Group, Indicator, MuMethod
from chainboard_analytics.evaluation.scoring import BenchmarkError
from chainboard_analytics.evaluation.spec import FIGURE_FIELDS

#: Columns of the input table (one row per firm for the evaluated year).
FIRM_SCHEMA: dict[str, str] = {
    "uscc": "string",
    "name": "string",
    "region_code": "string",
    "industry_code": "string",
    "above_scale": "boolean",
    "founded_year": "int64",
    **{f: "float64" for f in FIGURE_FIELDS},
}


def _div(a: Any, b: Any) -> Any:
    if isinstance(b, float):
        return a / b if b else ibis.null("float64")
    return a / b.nullif(0)


def _value(table: ir.Table, ind: Indicator) -> ir.FloatingValue:
    return ind.formula.evaluate(lambda f: table[f].cast("float64"), _div).cast("float64")


def _special_pred(t: ir.Table, method: MuMethod, year: int) -> ir.BooleanValue:
    sp = method.special
    pred: ir.BooleanValue = ibis.literal(False)
    if sp is None:
        return pred
    for prefix in sp.industry_prefixes:
        pred = pred | t.industry_code.startswith(prefix).fill_null(False)
    if sp.min_years_in_production:
        young = t.founded_year.notnull() & ((year - t.founded_year) < sp.min_years_in_production)
        pred = pred | young.fill_null(False)
    return pred


def _in_scope(t: ir.Table, method: MuMethod) -> ir.BooleanValue:
    if not method.industry_divisions:
        return ibis.literal(True)
    div = t.industry_code.substr(0, 2)
    pred: ir.BooleanValue = ibis.literal(False)
    for lo, hi in method.industry_divisions:
        pred = pred | div.between(lo, hi).fill_null(False)
    return pred


def _in_group(t: ir.Table, g: Group) -> ir.BooleanValue:
    pred = t.above_scale.fill_null(False) == g.above_scale
    if g.min_land_mu > 0:
        pred = pred & (t.land_area_mu.fill_null(-1.0) >= g.min_land_mu)
    return pred


def _by_group(t: ir.Table, values: dict[str, Any], kind: str = "float64") -> Any:
    """``values[group id]`` for the row's group (null for groups not listed)."""
    if not values:
        return ibis.null(kind)
    return ibis.cases(
        *[(t.group == gid, v) for gid, v in values.items()], else_=ibis.null(kind)
    ).cast(kind)


def _reference_means(
    reference: ir.Table, method: MuMethod, year: int, ind_id: str, by_county: bool
) -> ir.Table:
    """Mean of indicator ``ind_id`` per group (and county) over the reference year's firms."""
    ref = reference.filter(
        _in_scope(reference, method) & ~_special_pred(reference, method, year - 1)
    )
    ref = ref.mutate(group=_group_id(ref, method))
    ref = ref.filter(ref.group.notnull())
    owners = {g.id: i for g in method.groups for i in g.indicators if i.id == ind_id}
    multiples = {
        gid: ind.benchmark.multiple if ind.benchmark else 1.0 for gid, ind in owners.items()
    }
    ref = ref.mutate(
        _v=_by_group(ref, {gid: _value(ref, ind) * multiples[gid] for gid, ind in owners.items()})
    )
    keys = ["group", "region_code"] if by_county else ["group"]
    return ref.group_by(keys).aggregate(**{f"_ref_{ind_id}": ref._v.mean()})


def _join_group_stats(t: ir.Table, keys: list[str], aggs: dict[str, Any]) -> ir.Table:
    """Add per-group statistics (min, max, mean, count over ``keys``) to every row.

    An aggregate joined back on the few group keys, not a window over the whole table: DuckDB
    hashes a handful of groups in one pass, where a window partitions and buffers every row.
    """
    if not aggs:
        return t
    stats = t.group_by(keys).aggregate(**aggs)
    return t.inner_join(stats, keys)  # equal-named keys come out once


def _group_id(t: ir.Table, method: MuMethod) -> ir.StringValue:
    return ibis.cases(
        *[(_in_group(t, g), ibis.literal(g.id)) for g in method.groups],
        else_=ibis.null("string"),
    )


def result_columns(method: MuMethod) -> list[str]:
    cols = ["uscc", "name", "region_code", "industry_code", "above_scale", "group"]
    for ind in method.indicator_ids:
        cols += [f"v_{ind}", f"b_{ind}", f"s_{ind}", f"m_{ind}"]
    return [*cols, "total", "rank", "n_group", "klass"]


def calc_mu_scores(
    firms: ir.Table, method: MuMethod, *, year: int, reference: ir.Table | None = None
) -> ir.Table:
    """Score, rank and class every firm in scope; one row per evaluated (or special) firm.

    One pass over the table: each firm gets its group, every indicator is a ``CASE`` on the
    group, and the group statistics (min, max, means, rank, count) are window functions
    partitioned by group (special-class firms in a partition of their own, then blanked).

    Parameters
    ----------
    firms
        One row per firm for ``year`` with the columns of :data:`FIRM_SCHEMA` (figures in the
        registry's units: 万元, 亩, tce, t, persons, 万 kWh; missing = null).
    method
        A loaded method (:func:`~chainboard_analytics.evaluation.methods.load_method`).
    year
        The evaluated year (for the years-in-production rule).
    reference
        The reference year's firms (same columns), needed by ``mean_multiple`` benchmarks of
        ``of: reference``.

    Returns
    -------
    ibis.Table
        :func:`result_columns`: per indicator ``v_`` value, ``b_`` benchmark, ``s_`` sub-score,
        ``m_`` missing flag; ``total``, ``rank`` (1 = best), ``n_group`` and ``klass``.
    """
    t = firms.filter(_in_scope(firms, method))
    t = t.mutate(group=_group_id(t, method), special=_special_pred(t, method, year))
    t = t.filter(t.group.notnull())
    sp = method.special
    if sp is None or sp.action == "exclude":
        t = t.filter(~t.special)
    part = ["group", "special"]
    owners: dict[str, dict[str, Indicator]] = {}
    for g in method.groups:
        for ind in g.indicators:
            owners.setdefault(ind.id, {})[g.id] = ind
    # values
    t = t.mutate(
        **{
            f"v_{iid}": _by_group(t, {gid: _value(t, ind) for gid, ind in by.items()})
            for iid, by in owners.items()
        }
    )
    # benchmarks
    bench: dict[str, Any] = {}
    for iid, by in owners.items():
        per_group: dict[str, Any] = {}
        for gid, ind in by.items():
            b = ind.benchmark
            if b is None:
                continue
            if b.kind == "fixed":
                per_group[gid] = ibis.literal(b.value, "float64")
            elif b.of == "current":
                keys = [*part, "region_code"] if b.by == "county" else part
                per_group[gid] = t[f"v_{iid}"].mean().over(group_by=keys) * b.multiple
            else:
                if reference is None:
                    raise ValueError(
                        f"indicator {iid}: the benchmark is {b.multiple:g}× the reference-year "
                        "mean, pass the reference year's firms (reference=...)"
                    )
                by_county = b.by == "county"
                means = _reference_means(reference, method, year, iid, by_county)
                keys = ["group", "region_code"] if by_county else ["group"]
                t = t.left_join(means, keys).drop(*[f"{k}_right" for k in keys])
                per_group[gid] = t[f"_ref_{iid}"]
        bench[f"b_{iid}"] = _by_group(t, per_group)
    t = t.mutate(**bench)
    if method.scoring != "ratio":
        t = _join_group_stats(
            t,
            part,
            {
                name: agg
                for iid in owners
                for name, agg in (
                    (f"_min_{iid}", t[f"v_{iid}"].min()),
                    (f"_max_{iid}", t[f"v_{iid}"].max()),
                )
            },
        )
    # raw sub-scores
    raw: dict[str, Any] = {}
    for iid, by in owners.items():
        v = t[f"v_{iid}"]
        per_group = {}
        for gid, ind in by.items():
            if method.scoring == "ratio":
                sc = _div(v, t[f"b_{iid}"]) * ind.weight
            else:
                lo, hi = t[f"_min_{iid}"], t[f"_max_{iid}"]
                sc = ibis.cases(
                    (v.isnull(), ibis.null("float64")),
                    (hi == lo, ibis.literal(ind.weight, "float64")),
                    else_=ind.weight
                    * (method.floor + (100 - method.floor) * _div(v - lo, hi - lo))
                    / 100,
                )
            # bounds (scoring.bounded): a null score stays null, the missing rule fills it
            if ind.floor is not None:
                sc = ibis.ifelse(sc < ind.floor, ind.floor, sc)
            if ind.cap is not None:
                sc = ibis.ifelse(sc > ind.cap, ind.cap, sc)
            per_group[gid] = sc
        raw[f"r_{iid}"] = _by_group(t, per_group)
    t = t.mutate(**raw)
    # missing-data rule, flags
    group_mean = [
        iid for iid, by in owners.items() if any(i.missing == "group_mean" for i in by.values())
    ]
    t = _join_group_stats(
        t,
        part,
        {"n_group": t.uscc.count(), **{f"_mean_{iid}": t[f"r_{iid}"].mean() for iid in group_mean}},
    )
    filled: dict[str, Any] = {}
    for iid, by in owners.items():
        r = t[f"r_{iid}"]
        fill = _by_group(
            t,
            {
                gid: (t[f"_mean_{iid}"] if ind.missing == "group_mean" else ibis.literal(0.0))
                for gid, ind in by.items()
            },
        )
        has = _by_group(t, {gid: ibis.literal(True) for gid in by}, "boolean")
        filled[f"s_{iid}"] = ibis.ifelse(
            has.fill_null(False), ibis.coalesce(r, fill, 0.0), ibis.null("float64")
        )
        filled[f"m_{iid}"] = ibis.ifelse(has.fill_null(False), r.isnull(), ibis.null("boolean"))
    t = t.mutate(**filled)
    total = sum((t[f"s_{iid}"].fill_null(0.0) for iid in owners), ibis.literal(0.0))
    total = total.round(6)
    if method.max_total is not None:  # scoring.total_score: no firm exceeds the stated maximum
        total = ibis.ifelse(total > method.max_total, method.max_total, total)
    t = t.mutate(total=total)
    # the rank is the one window left; give it only the columns the result keeps (a window
    # sorts its whole payload: the working columns would double its cost)
    keep = [c for c in result_columns(method) if c not in ("rank", "klass")]
    t = t.select(*keep, "special")
    t = t.mutate(rank0=ibis.rank().over(group_by=part, order_by=ibis.desc(t.total)))
    klass = ibis.cases(
        *[
            (
                (t.rank0 * 100 >= t.n_group * c.start) & (t.rank0 * 100 < t.n_group * c.end),
                ibis.literal(c.code),
            )
            for c in method.classes
        ],
        else_=ibis.literal(method.classes[-1].code),
    )
    special_code = ibis.literal(sp.code if sp is not None else "")
    blank = {
        **{
            f"{p}_{iid}": ibis.ifelse(t.special, ibis.null(t[f"{p}_{iid}"].type()), t[f"{p}_{iid}"])
            for iid in owners
            for p in ("v", "b", "s", "m")
        },
        "total": ibis.ifelse(t.special, ibis.null("float64"), t.total),
        "rank": ibis.ifelse(t.special, ibis.null("int64"), (t.rank0 + 1).cast("int64")),
        "n_group": ibis.ifelse(t.special, ibis.null("int64"), t.n_group.cast("int64")),
        "klass": ibis.ifelse(t.special, special_code, klass),
    }
    t = t.mutate(**blank)
    return t.select(*result_columns(method))


_SQL_CACHE: dict[tuple[str, int, bool], str] = {}


def compile_mu_sql(method: MuMethod, *, year: int, with_reference: bool = False) -> str:
    """The DuckDB SQL of :func:`calc_mu_scores` over tables named ``firms`` (and ``reference``).

    Compiling the Ibis expression costs about a second; the SQL is cached per method file
    digest and year, so repeated runs (the web app, tests) pay it once.
    """
    key = (method.digest, year, with_reference)
    if key not in _SQL_CACHE:
        firms_t = ibis.table(FIRM_SCHEMA, name="firms")
        ref_t = ibis.table(FIRM_SCHEMA, name="reference") if with_reference else None
        expr = calc_mu_scores(firms_t, method, year=year, reference=ref_t)
        _SQL_CACHE[key] = str(ibis.to_sql(expr, dialect="duckdb"))
    return _SQL_CACHE[key]


def evaluate_mu(
    firms: pd.DataFrame,
    method: MuMethod,
    *,
    year: int,
    reference: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    con: Any = None,
) -> pd.DataFrame:
    """Score ``firms`` (a DataFrame with :data:`FIRM_SCHEMA`) and explain every result.

    Runs the compiled :func:`calc_mu_scores` on DuckDB (``con``: a ``duckdb`` connection, a new
    in-memory one by default). ``previous`` (columns ``uscc``, ``klass``) is last year's
    published classes: it fills ``prev_klass`` and ``move`` (``up``/``down``/``same``/``new``).
    Sorted by group, rank, USCC.
    """
    sql = compile_mu_sql(method, year=year, with_reference=reference is not None)
    db = duckdb.connect() if con is None else con
    db.register("firms", _typed(firms))
    if reference is not None:
        db.register("reference", _typed(reference))
    try:
        out = db.execute(sql).df()
    finally:
        db.unregister("firms")
        if reference is not None:
            db.unregister("reference")
        if con is None:
            db.close()
    out["rank"] = out["rank"].astype("Int64")
    out["n_group"] = out["n_group"].astype("Int64")
    for col in out.columns:
        if col.startswith("m_"):
            out[col] = out[col].astype("boolean")
    out = out.sort_values(["group", "rank", "uscc"], na_position="last", kind="stable")
    out = out.reset_index(drop=True)
    check_benchmarks(out, method)
    out = explain_mu(out, method)
    return class_moves(out, previous, method)


def check_benchmarks(result: pd.DataFrame, method: MuMethod) -> None:
    """Raise :class:`BenchmarkError` where a firm with a value has no positive benchmark.

    A mean benchmark (group, county, last year) can come out zero, negative or missing (no
    firm of that county last year): dividing by it would silently give no score, an infinite
    one or a reversed ranking. The error names the indicator, group, county and benchmark.
    """
    if method.scoring != "ratio" or result.empty:
        return
    for g in method.groups:
        rows = result[result["group"] == g.id]
        for ind in g.indicators:
            if ind.benchmark is None or ind.benchmark.kind == "fixed":
                continue
            v, b = rows[f"v_{ind.id}"], rows[f"b_{ind.id}"]
            bad = rows[v.notna() & ~(b > 0).fillna(False)]
            if bad.empty:
                continue
            first = bad.iloc[0]
            where = f"（区县 {first['region_code']}）" if ind.benchmark.by == "county" else ""
            value = _num(first[f"b_{ind.id}"])
            got = "无法计算（参照企业全部缺数据或没有参照企业）" if value is None else f"{value:g}"
            raise BenchmarkError(
                f"{g.name}「{ind.name}」的基准值（{ind.benchmark.describe()}）{where}为{got}，"
                f"必须为正数：涉及 {len(bad)} 家企业，请检查参照年度数据或改用固定基准值"
            )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in FIRM_SCHEMA if c not in frame.columns]
    if missing:
        raise ValueError(f"the firm table lacks columns: {', '.join(missing)}")
    df = frame[list(FIRM_SCHEMA)].copy()
    for col, kind in FIRM_SCHEMA.items():
        if kind == "float64":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        elif kind == "int64":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        elif kind == "boolean":
            df[col] = df[col].astype("boolean")
        else:
            df[col] = df[col].astype("string")
    return df


def fmt_value(x: float | None, unit: str = "") -> str:
    """A figure for the explanation text: ratios as percent, others to 3-4 significant digits."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "缺数据"
    if unit == "比值":
        return f"{x * 100:.2f}%"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:.1f}"
    if a >= 1:
        return f"{x:.2f}"
    return f"{x:.4f}"


def _num(x: Any) -> float | None:
    if x is None or x is pd.NA:
        return None
    f = float(x)
    return None if math.isnan(f) else f


def explain_mu(result: pd.DataFrame, method: MuMethod) -> pd.DataFrame:
    """Add ``next_klass``, ``next_total``, ``targets`` and ``explanation`` to a scored table.

    The target for an indicator is the value that alone (every other figure and firm unchanged)
    lifts the total to the lowest total of the next better class, i.e. the sub-score must grow
    by ``next_total − total``. Ratio rule: ``x' = s' × benchmark ÷ weight`` (unreachable above a
    cap). Min-max rule: ``x' = min + (100 s'/w − floor) ÷ (100 − floor) × (max − min)``,
    reachable only up to the group's maximum (beyond it the range itself would change).
    """
    out = result.copy()
    order = method.class_order()
    groups = {g.id: g for g in method.groups}
    next_k: list[str | None] = []
    next_total: list[float | None] = []
    targets: list[dict[str, float | None]] = []
    texts: list[str] = []
    mins: dict[tuple[str, str], float] = {}
    ranges: dict[tuple[str, str], tuple[float, float]] = {}
    ranked = out[out["klass"].isin(order)]
    for (gid, k), sub in ranked.groupby(["group", "klass"]):
        mins[(str(gid), str(k))] = float(sub["total"].min())
    for gid, sub in ranked.groupby("group"):
        for ind in groups[str(gid)].indicators:
            col = sub[f"v_{ind.id}"].dropna()
            if len(col):
                ranges[(str(gid), ind.id)] = (float(col.min()), float(col.max()))
    for row in out.itertuples(index=False):
        r = row._asdict()
        g = groups[r["group"]]
        k = r["klass"]
        if k not in order:
            next_k.append(None)
            next_total.append(None)
            targets.append({})
            texts.append(f"{k}类（{method.class_name(k)}）：按评价办法不参与排序定级。")
            continue
        better = [c for c in order[: order.index(k)] if (g.id, c) in mins]
        nk = better[-1] if better else None
        nt = mins[(g.id, nk)] if nk else None
        tgt: dict[str, float | None] = {}
        if nk is not None and nt is not None:
            gap = nt - float(r["total"])
            for ind in g.indicators:
                tgt[ind.id] = _target(method, ind, r, gap, ranges.get((g.id, ind.id)))
        next_k.append(nk)
        next_total.append(nt)
        targets.append(tgt)
        texts.append(_text(method, g, r, nk, tgt))
    out["next_klass"] = next_k
    out["next_total"] = next_total
    out["targets"] = targets
    out["explanation"] = texts
    return out


def _target(
    method: MuMethod,
    ind: Indicator,
    r: dict[str, Any],
    gap: float,
    span: tuple[float, float] | None,
) -> float | None:
    s_new = float(r[f"s_{ind.id}"]) + max(gap, 0.0)
    if ind.cap is not None and s_new > ind.cap + 1e-9:
        return None
    if method.scoring == "ratio":
        b = _num(r[f"b_{ind.id}"])
        return None if not b else s_new * b / ind.weight
    if span is None or s_new > ind.weight + 1e-9:
        return None
    lo, hi = span
    if hi == lo:
        return None
    share = (100 * s_new / ind.weight - method.floor) / (100 - method.floor)
    return lo + max(share, 0.0) * (hi - lo)


def _text(
    method: MuMethod, g: Group, r: dict[str, Any], nk: str | None, tgt: dict[str, float | None]
) -> str:
    k = r["klass"]
    head = (
        f"{k}类（{method.class_name(k)}）：总得分 {float(r['total']):.1f}，"
        f"{g.name}第 {int(r['rank'])}/{int(r['n_group'])} 名"
    )
    parts = []
    for ind in g.indicators:
        v = _num(r[f"v_{ind.id}"])
        s = float(r[f"s_{ind.id}"])
        base = f"{ind.name} {fmt_value(v, ind.unit)}"
        if v is not None and ind.unit != "比值":
            base += ind.unit
        if method.scoring == "ratio":
            base += f"，基准 {fmt_value(_num(r[f'b_{ind.id}']), ind.unit)}"
        base += f"，得分 {s:.1f}/{ind.weight:g}"
        if bool(r[f"m_{ind.id}"]):
            why = "缺数据或分母为0"
            if "land_area_mu" in ind.formula.fields and _num(r.get("land_area_mu")) in (None, 0.0):
                why = "用地面积缺失或为0"
            rule = "按组内平均得分计" if ind.missing == "group_mean" else "计0分"
            base += f"（{why}，{rule}）"
        parts.append(base)
    text = head + "。" + "；".join(parts) + "。"
    if nk is None:
        return text + ("已为最高等级。" if k == method.class_order()[0] else "")
    for ind in g.indicators:
        value = tgt.get(ind.id)
        if value is not None:
            unit = "" if ind.unit == "比值" else ind.unit
            return text + (
                f"若{ind.name}达到 {fmt_value(value, ind.unit)}{unit}（其他不变），可升至 {nk}类。"
            )
    return text + f"单项指标提升不足以升至 {nk}类，需综合提升。"


def class_moves(
    result: pd.DataFrame, previous: pd.DataFrame | None, method: MuMethod
) -> pd.DataFrame:
    """Add ``prev_klass`` and ``move`` (up / down / same / new / special) from last year."""
    out = result.copy()
    if previous is None or previous.empty:
        out["prev_klass"] = None
    else:
        prev = previous.drop_duplicates("uscc").set_index("uscc")["klass"]
        out["prev_klass"] = out["uscc"].map(prev).astype(object)
        out["prev_klass"] = out["prev_klass"].where(out["prev_klass"].notna(), None)
    order = {c: i for i, c in enumerate(method.class_order())}
    moves = []
    for cur, prev in zip(out["klass"], out["prev_klass"], strict=True):
        if prev is None:
            moves.append("new")
        elif cur not in order or prev not in order:
            moves.append("special" if cur != prev else "same")
        else:
            d = order[prev] - order[cur]
            moves.append("up" if d > 0 else "down" if d < 0 else "same")
    out["move"] = moves
    return out


__all__ = [
    "FIRM_SCHEMA",
    "BenchmarkError",
    "calc_mu_scores",
    "check_benchmarks",
    "class_moves",
    "compile_mu_sql",
    "evaluate_mu",
    "explain_mu",
    "fmt_value",
    "result_columns",
]

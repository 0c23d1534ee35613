"""Reads and the cached analyses behind the strategy page.

The panel (all regions of one measure) is read once into pandas with a single ``values_list``;
the province-wide computations (location quotients, shift-share, economic complexity, the
product-space layout) are cached per (measure, year, panel data version), and each region's page
data per (region, measure, year, version). Any panel write bumps the version, so nothing cached is
ever stale. The formulas live in :mod:`chainboard_analytics.strategy`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from django.db.models import QuerySet

from chainboard.accounts.scope import regions_visible
from chainboard.core.versioning import cached_for_version
from chainboard.geo.models import Region
from chainboard.industries.models import IndustryCode
from chainboard.strategy.io_sample import SAMPLE_IO_LABEL, sample_key_sectors, sector_of
from chainboard.strategy.models import PanelMeasure, PanelValue
from chainboard.strategy.services import VERSION_KEY
from chainboard_analytics.strategy.complexity import ComplexityResult, calc_complexity
from chainboard_analytics.strategy.opportunities import rank_opportunities
from chainboard_analytics.strategy.shift_share import calc_shift_share
from chainboard_analytics.strategy.specialisation import calc_location_quotient

T = TypeVar("T")
CACHE_SECONDS = 24 * 3600
GRAPH_EDGE_MIN_PROXIMITY = 0.5  # besides the maximum spanning tree (Hidalgo et al. 2007: 0.55)


def _cached(key: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per panel data version."""
    return cached_for_version(key, compute, version_key=VERSION_KEY, timeout=CACHE_SECONDS)


def panel_regions_visible(user: Any) -> QuerySet[Region]:
    """Regions the user may see that have panel data, in code order."""
    with_data = PanelValue.objects.values("region_id").distinct()
    return regions_visible(user).filter(code__in=with_data).order_by("code")


def panel_choices() -> dict[str, list[int]]:
    """``{measure: [years…]}`` present in the panel."""
    out: dict[str, list[int]] = {}
    for measure, year in (
        PanelValue.objects.values_list("measure", "year").distinct().order_by("measure", "year")
    ):
        out.setdefault(measure, []).append(year)
    return out


def panel_frame(measure: str) -> pd.DataFrame:
    """The whole panel of one measure: ``region, industry, year, value, sample``."""
    rows = PanelValue.objects.filter(measure=measure).values_list(
        "region_id", "industry_id", "year", "value", "sample"
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["region", "industry", "year", "value", "sample"]
    )
    frame["value"] = frame["value"].astype(float)
    return frame


@dataclass
class PanelAnalysis:
    """Province-wide results for one measure and year (the reference = all panel regions)."""

    measure: str
    year: int
    base_year: int
    years: list[int]
    wide: pd.DataFrame  # region × industry values of ``year``
    lq: pd.DataFrame
    shift_share: pd.DataFrame | None  # classic, base_year → year
    complexity: ComplexityResult
    positions: dict[str, tuple[float, float]]  # product-space layout
    edges: list[tuple[str, str, float]]
    names: dict[str, str]
    region_names: dict[str, str]
    sample_regions: set[str]


def _wide(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    wide = frame[frame["year"] == year].pivot_table(
        index="region", columns="industry", values="value", aggfunc="sum", fill_value=0.0
    )
    wide.columns.name = "industry"
    return wide.astype(float)


def _product_space(proximity: pd.DataFrame) -> tuple[dict, list[tuple[str, str, float]]]:
    """Maximum spanning tree of the proximity network plus strong links, laid out once."""
    import networkx as nx  # 1-2 s to import: only when a panel is first analysed

    graph = nx.Graph()
    codes = [str(c) for c in proximity.index]
    graph.add_nodes_from(codes)
    phi = proximity.to_numpy()
    for i, a in enumerate(codes):
        for j in range(i + 1, len(codes)):
            if phi[i, j] > 0:
                graph.add_edge(a, codes[j], weight=float(phi[i, j]))
    tree = nx.maximum_spanning_tree(graph, weight="weight")
    keep = nx.Graph()
    keep.add_nodes_from(codes)
    keep.add_edges_from(tree.edges(data=True))
    for a, b, data in graph.edges(data=True):
        if data["weight"] >= GRAPH_EDGE_MIN_PROXIMITY:
            keep.add_edge(a, b, **data)
    # Kamada-Kawai on 1 - φ distances spreads the tree evenly (spring layouts clump leaves)
    for *_, data in keep.edges(data=True):
        data["distance"] = 1.0 - 0.5 * data["weight"]
    try:
        pos = nx.kamada_kawai_layout(keep, weight="distance")
    except (nx.NetworkXException, ValueError):  # pragma: no cover - degenerate graphs
        pos = nx.spring_layout(keep, weight="weight", seed=7)
    positions = {
        k: (round(float(v[0]) * 1000, 1), round(float(v[1]) * 380, 1)) for k, v in pos.items()
    }
    edges = [(a, b, round(float(d["weight"]), 3)) for a, b, d in keep.edges(data=True)]
    return positions, edges


def _compute_panel(measure: str, year: int | None) -> PanelAnalysis | None:
    frame = panel_frame(measure)
    if frame.empty:
        return None
    years = sorted(int(y) for y in frame["year"].unique())
    year = year if year in years else years[-1]
    base_year = years[0]
    wide = _wide(frame, year)
    lq = calc_location_quotient(wide)
    shift = None
    if base_year < year:
        shift = calc_shift_share(_wide(frame, base_year), wide)
    result = calc_complexity(wide)
    positions, edges = _product_space(result.proximity)
    codes = sorted(set(frame["industry"]))
    names = dict(IndustryCode.objects.filter(code__in=codes).values_list("code", "name"))
    region_names = dict(Region.objects.filter(code__in=wide.index).values_list("code", "name"))
    sample = set(frame.loc[frame["sample"] & (frame["year"] == year), "region"])
    return PanelAnalysis(
        measure,
        year,
        base_year,
        years,
        wide,
        lq,
        shift,
        result,
        positions,
        edges,
        names,
        region_names,
        sample,
    )


def panel_analysis(measure: str, year: int | None = None) -> PanelAnalysis | None:
    """Cached :class:`PanelAnalysis` (``year`` None or unknown = the latest year)."""
    return _cached(f"strategy:panel:{measure}:{year}", lambda: _compute_panel(measure, year))


def _num(x: Any, digits: int = 3) -> float | None:
    value = float(x)
    return None if not math.isfinite(value) else round(value, digits)


def _percentile_rank(series: pd.Series, key: str) -> tuple[int, int]:
    """(rank, n): 1 = the highest value."""
    order = series.rank(ascending=False, method="min")
    return int(order[key]), int(series.notna().sum())


def _specialisation(pa: PanelAnalysis, region: str) -> list[dict[str, Any]]:
    values = pa.wide.loc[region]
    total = float(values.sum())
    ref = pa.wide.sum(axis=0)
    ref_total = float(ref.sum())
    rows = []
    for code in values.index[values > 0]:
        lq = float(pa.lq.loc[region, code])
        rank, n = _percentile_rank(pa.lq[code].where(pa.wide[code] > 0), region)
        rows.append(
            {
                "industry": str(code),
                "name": pa.names.get(str(code), ""),
                "value": float(values[code]),
                "share": float(values[code]) / total,
                "ref_share": float(ref[code]) / ref_total,
                "lq": _num(lq),
                "rank": rank,
                "n": n,
            }
        )
    rows.sort(key=lambda r: -float(r["lq"] or 0))  # type: ignore[arg-type]
    return rows


def _shift_share(pa: PanelAnalysis, region: str) -> dict[str, Any] | None:
    if pa.shift_share is None:
        return None
    d = pa.shift_share[pa.shift_share["region"] == region]
    d = d[(d["base"] > 0) | (d["end"] > 0)].copy()
    ref = pa.shift_share.groupby("industry")[["base", "end"]].sum()
    big_g = ref["end"].sum() / ref["base"].sum() - 1.0
    rows = []
    for r in d.itertuples(index=False):
        rb, re_ = ref.loc[r.industry]
        rows.append(
            {
                "industry": str(r.industry),
                "name": pa.names.get(str(r.industry), ""),
                "base": float(r.base),
                "end": float(r.end),
                "change": float(r.change),
                "ns": float(r.national_share),
                "im": float(r.industry_mix),
                "rs": float(r.regional_shift),
                "g_i": float(re_ / rb - 1.0) if rb > 0 else 0.0,
                "r_ri": float(r.end / r.base - 1.0) if r.base > 0 else None,
            }
        )
    rows.sort(key=lambda r: -abs(float(r["change"])))  # type: ignore[arg-type]
    totals = {
        k: float(sum(float(r[k]) for r in rows))  # type: ignore[arg-type,misc]
        for k in ("base", "end", "change", "ns", "im", "rs")
    }
    return {"rows": rows, "totals": totals, "G": float(big_g)}


def _opportunities(pa: PanelAnalysis, region: str, top: int = 15) -> list[dict[str, Any]]:
    ranked = rank_opportunities(pa.complexity, region, industry_names=pa.names, top=top)
    eci = float(pa.complexity.regions.set_index("region").loc[region, "eci"])
    n = int((pa.complexity.cells.loc[pa.complexity.cells["region"] == region, "m"] == 0).sum())
    prox = pa.complexity.proximity
    cells = pa.complexity.cells[pa.complexity.cells["region"] == region]
    present = [str(c) for c in cells.loc[cells["m"] == 1, "industry"]]
    out = []
    for r in ranked.itertuples(index=False):
        near = (
            prox.loc[present, r.industry].sort_values(ascending=False).head(3) if present else None
        )
        related = (
            [
                {"industry": str(k), "name": pa.names.get(str(k), ""), "phi": round(float(v), 2)}
                for k, v in near.items()
                if v > 0
            ]
            if near is not None
            else []
        )
        top_share = max(100.0 * (1.0 - float(r.feasibility)), 100.0 / max(n, 1))
        out.append(
            {
                "rank": int(r.rank),
                "industry": str(r.industry),
                "name": pa.names.get(str(r.industry), ""),
                "density": _num(r.density),
                "pci": _num(r.pci, 2),
                "cog": _num(r.cog),
                "score": _num(r.score, 2),
                "feasibility": _num(r.feasibility, 2),
                "value": _num(r.value, 2),
                "related": related,
                "top_share": round(top_share),
                "n_candidates": n,
                "above_eci": float(r.pci) > eci,
            }
        )
    return out


def _graph_nodes(pa: PanelAnalysis, region: str) -> list[dict[str, Any]]:
    cells = pa.complexity.cells[pa.complexity.cells["region"] == region].set_index("industry")
    pci = pa.complexity.industries.set_index("industry")["pci"]
    nodes = []
    for code, (x, y) in pa.positions.items():
        cell = cells.loc[code]
        nodes.append(
            {
                "id": code,
                "name": pa.names.get(code, ""),
                "x": x,
                "y": y,
                "m": int(cell["m"]),
                "rca": _num(cell["rca"], 2),
                "density": _num(cell["density"]),
                "pci": _num(pci[code], 2),
            }
        )
    return nodes


def _key_sectors(
    pa: PanelAnalysis, region: str, spec: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    table = sample_key_sectors()
    mine: dict[str, list[dict[str, Any]]] = {}
    for row in spec:
        mine.setdefault(sector_of(row["industry"]), []).append(row)
    out = []
    for r in table.itertuples(index=False):
        local = mine.get(r.sector, [])
        out.append(
            {
                "sector": r.sector,
                "name": r.name,
                "output": float(r.output),
                "multiplier": _num(r.multiplier),
                "backward": _num(r.backward),
                "forward": _num(r.forward),
                "sector_class": r.sector_class,
                "local_share": float(sum(x["share"] for x in local)),
                "local_specialised": [x for x in local if (x["lq"] or 0) >= 1][:4],
            }
        )
    return out


def _compute_report(region: Region, measure: str, year: int | None) -> dict[str, Any] | None:
    pa = panel_analysis(measure, year)
    if pa is None or region.code not in pa.wide.index or pa.wide.loc[region.code].sum() <= 0:
        return None
    code = region.code
    spec = _specialisation(pa, code)
    eci_table = pa.complexity.regions.set_index("region")
    eci_rank, n_regions = _percentile_rank(eci_table["eci"], code)
    coi_rank, _ = _percentile_rank(eci_table["coi"], code)
    return {
        "region": code,
        "measure": measure,
        "year": pa.year,
        "base_year": pa.base_year,
        "years": pa.years,
        "n_regions": len(pa.wide.index),
        "n_industries": len(pa.wide.columns),
        "sample": code in pa.sample_regions,
        "total": float(pa.wide.loc[code].sum()),
        "eci": _num(eci_table.loc[code, "eci"], 2),
        "eci_rank": eci_rank,
        "coi": _num(eci_table.loc[code, "coi"], 2),
        "coi_rank": coi_rank,
        "diversity": int(eci_table.loc[code, "diversity"]),
        "n_complexity": n_regions,
        "specialisation": spec,
        "shift_share": _shift_share(pa, code),
        "opportunities": _opportunities(pa, code),
        "graph_nodes": _graph_nodes(pa, code),
        "graph_edges": pa.edges,
        "key_sectors": _key_sectors(pa, code, spec),
        "io_label": SAMPLE_IO_LABEL,
    }


def strategy_report(
    *, region: Region, measure: str | None = None, year: int | None = None
) -> dict[str, Any] | None:
    """Everything the region's strategy page shows (plain Python), or None without data.

    Cached per (region, measure, year, panel data version).
    """
    choices = panel_choices()
    if not choices:
        return None
    if measure not in choices:
        measure = (
            PanelMeasure.REVENUE.value
            if PanelMeasure.REVENUE.value in choices
            else next(iter(choices))
        )
    if year not in choices[measure]:
        year = choices[measure][-1]
    report = _cached(
        f"strategy:report:{region.code}:{measure}:{year}",
        lambda: _compute_report(region, measure, year) or {},
    )
    if not report:
        return None
    return report | {"choices": choices}


__all__ = [
    "PanelAnalysis",
    "panel_analysis",
    "panel_choices",
    "panel_frame",
    "panel_regions_visible",
    "strategy_report",
]

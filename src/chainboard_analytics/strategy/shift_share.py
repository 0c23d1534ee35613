"""Shift-share decomposition 偏离-份额分析 of regional growth, classic and dynamic.

Classic: Dunn, E. S. (1960), "A statistical and analytical technique for regional analysis",
*Papers of the Regional Science Association* 6(1), 97-112. For region r, industry i, base
year 0 and end year t, with ``e`` the region's and ``E`` the reference's (nation's or
province's) values:

- national share (份额分量)    ``NS_ri = e_ri0 * G``,           ``G = E_t / E_0 - 1``
- industry mix (结构偏离分量)   ``IM_ri = e_ri0 * (g_i - G)``,   ``g_i = E_it / E_i0 - 1``
- regional shift (竞争力偏离分量) ``RS_ri = e_ri0 * (r_ri - g_i)``, ``r_ri = e_rit / e_ri0 - 1``

and ``NS + IM + RS = e_rit - e_ri0`` exactly. RS is computed as the residual
``Δe - NS - IM``, which equals the formula whenever ``e_ri0 > 0`` and keeps the identity for
industries new to the region (``e_ri0 = 0``: all change is regional shift). An industry absent
from the reference in the base year gets ``g_i = 0``.

Dynamic: Barff, R. A. & Knight, P. L. (1988), "Dynamic shift-share analysis", *Growth and
Change* 19(2), 1-10: the classic decomposition for every consecutive pair of years, with that
year's reference growth rates, summed over the period. It avoids attributing all of a long
period's structural change to the base-year mix.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

__all__ = ["calc_shift_share", "calc_shift_share_dynamic", "summarise_shift_share"]

_COMPONENTS = ["national_share", "industry_mix", "regional_shift"]


def calc_shift_share(
    base: pd.DataFrame,
    end: pd.DataFrame,
    *,
    reference_base: pd.Series | None = None,
    reference_end: pd.Series | None = None,
) -> pd.DataFrame:
    """Classic (Dunn 1960) shift-share per region × industry between two years.

    Parameters
    ----------
    base, end : DataFrame
        Regions × industries, same unit (employment or constant-price output); labels are
        aligned (union, missing = 0).
    reference_base, reference_end : Series, optional
        Reference totals by industry (nation or province). Default: the sum over the regions
        given (the regions then form the reference economy, and NS + IM + RS over all regions
        equals the reference's change with RS summing to 0 per industry).

    Returns
    -------
    DataFrame
        ``region, industry, base, end, change, national_share, industry_mix, regional_shift``.
    """
    regions = base.index.union(end.index)
    industries = base.columns.union(end.columns)
    b = base.reindex(index=regions, columns=industries).astype(float).fillna(0.0)
    e = end.reindex(index=regions, columns=industries).astype(float).fillna(0.0)
    if (b.to_numpy() < 0).any() or (e.to_numpy() < 0).any():
        raise ValueError("values must be non-negative")
    if (reference_base is None) != (reference_end is None):
        raise ValueError("give both reference_base and reference_end, or neither")
    if reference_base is None or reference_end is None:
        rb, re_ = b.sum(axis=0), e.sum(axis=0)
        tb, te = rb.sum(), re_.sum()
    else:
        tb, te = float(reference_base.sum()), float(reference_end.sum())
        rb = reference_base.astype(float).reindex(industries).fillna(0.0)
        re_ = reference_end.astype(float).reindex(industries).fillna(0.0)
    if tb <= 0:
        raise ValueError("the reference economy has no base-year value")
    big_g = te / tb - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(rb.to_numpy() > 0, re_.to_numpy() / rb.to_numpy() - 1.0, 0.0)
    bv, ev = b.to_numpy(), e.to_numpy()
    change = ev - bv
    ns = bv * big_g
    im = bv * (g[None, :] - big_g)
    rs = change - ns - im
    n_r, n_i = bv.shape
    return pd.DataFrame(
        {
            "region": np.repeat(regions.to_numpy(), n_i),
            "industry": np.tile(industries.to_numpy(), n_r),
            "base": bv.ravel(),
            "end": ev.ravel(),
            "change": change.ravel(),
            "national_share": ns.ravel(),
            "industry_mix": im.ravel(),
            "regional_shift": rs.ravel(),
        }
    )


def calc_shift_share_dynamic(
    panel: pd.DataFrame,
    *,
    reference: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Dynamic (Barff & Knight 1988) shift-share: classic decomposition per consecutive year pair,
    summed.

    Parameters
    ----------
    panel : DataFrame
        Validated long table ``region, industry, year, value`` with at least two years.
    reference : DataFrame, optional
        Long ``industry, year, value`` reference totals; default the sum of ``panel``'s regions.

    Returns
    -------
    DataFrame
        Same columns as :func:`calc_shift_share` (``base`` = first year, ``end`` = last year),
        components summed over the years; their sum is ``end - base``.
    """
    years = sorted(panel["year"].unique().tolist())
    if len(years) < 2:
        raise ValueError("dynamic shift-share needs at least two years")
    wides = {
        y: panel[panel.year == y].pivot_table(
            index="region", columns="industry", values="value", aggfunc="sum", fill_value=0.0
        )
        for y in years
    }
    refs = None
    if reference is not None:
        refs = {y: reference[reference.year == y].groupby("industry")["value"].sum() for y in years}
    parts = []
    for y0, y1 in itertools.pairwise(years):
        part = calc_shift_share(
            wides[y0],
            wides[y1],
            reference_base=None if refs is None else refs[y0],
            reference_end=None if refs is None else refs[y1],
        )
        parts.append(part.set_index(["region", "industry"]))
    total = parts[0][_COMPONENTS].copy()
    for part in parts[1:]:
        total = total.add(part[_COMPONENTS], fill_value=0.0)
    first = parts[0]["base"]
    last = parts[-1]["end"]
    out = pd.DataFrame(
        {
            "base": first.reindex(total.index).fillna(0.0),
            "end": last.reindex(total.index).fillna(0.0),
        }
    )
    out["change"] = out["end"] - out["base"]
    out = out.join(total)
    return out.reset_index()


def summarise_shift_share(detail: pd.DataFrame) -> pd.DataFrame:
    """Sum a shift-share detail table per region (``region, base, end, change`` + components)."""
    cols = ["base", "end", "change", *_COMPONENTS]
    return detail.groupby("region", sort=True)[cols].sum().reset_index()

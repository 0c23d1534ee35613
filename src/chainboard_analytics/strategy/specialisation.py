"""Specialisation (专业化): location quotients 区位熵 and cluster strength 集群实力.

Location quotient: Florence, P. S. (1939), *Report on the Location of Industry*, PEP London;
as used in regional analysis, e.g. Isard, W. (1960), *Methods of Regional Analysis*, MIT Press.
Cluster strength: the U.S. Cluster Mapping Project (Harvard Business School Institute for
Strategy and Competitiveness with the U.S. EDA, clustermapping.us, 2014-), definitions in
Delgado, M., Porter, M. E. & Stern, S. (2016), "Defining clusters of related industries",
*Journal of Economic Geography* 16(1), 1-38, and the project's "strong cluster" rule:
LQ at or above the 75th percentile of regions of the same type and at least 1, with employment
and establishments above their 25th percentiles. Thresholds are fields of
:class:`ClusterThresholds`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "ClusterThresholds",
    "calc_cluster_strength",
    "calc_location_quotient",
]


def calc_location_quotient(
    values: pd.DataFrame, reference: pd.Series | None = None
) -> pd.DataFrame:
    """Location quotient 区位熵 of each region × industry.

    ``LQ_ri = (e_ri / e_r) / (E_i / E)``  [dimensionless; 1 = the reference's share]

    with ``e`` the region's value (employment, revenue 万元 or value added) and ``E`` the
    reference economy's. Without ``reference`` the reference is the sum of all regions in
    ``values`` (e.g. all counties of the province); pass national totals by industry to compare
    with the nation. A region whose structure equals the reference has LQ 1 everywhere.

    Edge cases: a region with total 0 gets NaN; an industry with reference total 0 gets NaN
    (0/0) or inf (region has it, reference does not: inconsistent reference).

    Parameters
    ----------
    values : DataFrame
        Regions as index, industries as columns, non-negative values (missing = 0).
    reference : Series, optional
        Reference totals by industry, same unit; industries missing from it count as 0.
    """
    wide = values.astype(float).fillna(0.0)
    if (wide.to_numpy() < 0).any():
        raise ValueError("values must be non-negative")
    if reference is None:
        ref = wide.sum(axis=0)
    else:
        ref = reference.astype(float).reindex(wide.columns).fillna(0.0)
        if (ref < 0).any():
            raise ValueError("reference must be non-negative")
    ref_total = float(reference.astype(float).sum()) if reference is not None else ref.sum()
    region_total = wide.sum(axis=1).to_numpy()[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = (wide.to_numpy() / region_total) / (ref.to_numpy()[None, :] / ref_total)
    return pd.DataFrame(lq, index=wide.index, columns=wide.columns)


@dataclass(frozen=True)
class ClusterThresholds:
    """Strong-cluster thresholds (U.S. Cluster Mapping Project defaults).

    Attributes
    ----------
    lq_percentile : float
        LQ must be >= this percentile of the cluster's LQ across regions of the same type (75).
    lq_minimum : float
        ...and >= this absolute LQ (1.0).
    employment_percentile : float
        Employment must be > this percentile across regions of the same type (25).
    establishments_percentile : float
        Establishments must be > this percentile (25); skipped when no counts are given.
    include_absent : bool
        Whether regions with zero employment in the cluster enter the percentile
        distributions (False: only regions that have the cluster, as the project's maps do).
    """

    lq_percentile: float = 75.0
    lq_minimum: float = 1.0
    employment_percentile: float = 25.0
    establishments_percentile: float = 25.0
    include_absent: bool = False


def _aggregate(wide: pd.DataFrame, mapping: Mapping[str, str] | None) -> pd.DataFrame:
    if mapping is None:
        return wide
    keep = [c for c in wide.columns if c in mapping]
    return wide[keep].T.groupby(lambda c: mapping[c]).sum().T


def calc_cluster_strength(
    employment: pd.DataFrame,
    *,
    establishments: pd.DataFrame | None = None,
    region_type: pd.Series | None = None,
    clusters: Mapping[str, str] | None = None,
    traded: Iterable[str] | None = None,
    thresholds: ClusterThresholds = ClusterThresholds(),
) -> pd.DataFrame:
    """Cluster strength per region × cluster in the style of the U.S. Cluster Mapping Project.

    Steps: keep traded industries (``traded``; all if None) and aggregate them to clusters
    (``clusters`` maps industry code -> cluster; identity if None); then

    - specialisation ``lq`` = LQ on traded employment (reference = all regions given),
    - size ``national_share`` = e_rc / E_c (share of the cluster's employment in all regions),
    - dominance ``regional_share`` = e_rc / e_r,traded (share of the region's traded jobs),
    - ``strong`` = lq >= max(P75 of lq, 1) and employment > P25 and establishments > P25, the
      percentiles taken per cluster across regions of the same ``region_type`` (all one type
      if None), over regions that have the cluster unless ``include_absent``.

    Returns
    -------
    DataFrame
        One row per region × cluster with employment > 0: ``region, cluster, employment,
        establishments, lq, national_share, regional_share, lq_threshold,
        employment_threshold, establishments_threshold, strong, reasons`` (text with numbers).
    """
    emp = employment.astype(float).fillna(0.0)
    est = None if establishments is None else establishments.astype(float).fillna(0.0)
    if traded is not None:
        traded_set = {str(t) for t in traded}
        cols = [c for c in emp.columns if str(c) in traded_set]
        emp = emp[cols]
        est = None if est is None else est[[c for c in est.columns if str(c) in traded_set]]
    emp = _aggregate(emp, clusters)
    if est is not None:
        est = _aggregate(est, clusters).reindex(index=emp.index, columns=emp.columns).fillna(0.0)
    lq = calc_location_quotient(emp)
    national = emp.sum(axis=0)
    regional = emp.sum(axis=1)
    rtype = (
        pd.Series("all", index=emp.index)
        if region_type is None
        else region_type.reindex(emp.index).fillna("unknown")
    )
    rows = []
    th = thresholds
    for cluster in emp.columns:
        for _, members in rtype.groupby(rtype):
            e = emp.loc[members.index, cluster]
            mask = pd.Series(True, index=e.index) if th.include_absent else e > 0
            if not mask.any():
                continue
            lqs = lq.loc[members.index, cluster]
            lq_thr = max(float(np.nanpercentile(lqs[mask], th.lq_percentile)), th.lq_minimum)
            emp_thr = float(np.percentile(e[mask], th.employment_percentile))
            est_thr = (
                float(
                    np.percentile(
                        est.loc[members.index, cluster][mask], th.establishments_percentile
                    )
                )
                if est is not None
                else np.nan
            )
            for region in e.index[e > 0]:
                ev = float(e[region])
                nv = float(est.loc[region, cluster]) if est is not None else np.nan
                lv = float(lqs[region])
                ok_lq = lv >= lq_thr
                ok_emp = ev > emp_thr
                ok_est = True if est is None else nv > est_thr
                reasons = [
                    f"LQ {lv:.2f} {'≥' if ok_lq else '<'} threshold {lq_thr:.2f} "
                    f"(P{th.lq_percentile:g} of same-type regions, at least {th.lq_minimum:g})",
                    f"employment {ev:,.0f} {'>' if ok_emp else '≤'} P{th.employment_percentile:g} "
                    f"{emp_thr:,.0f}",
                ]
                if est is not None:
                    reasons.append(
                        f"establishments {nv:,.0f} {'>' if ok_est else '≤'} "
                        f"P{th.establishments_percentile:g} {est_thr:,.0f}"
                    )
                rows.append(
                    {
                        "region": region,
                        "cluster": cluster,
                        "employment": ev,
                        "establishments": nv,
                        "lq": lv,
                        "national_share": ev / float(national[cluster]),
                        "regional_share": ev / float(regional[region]),
                        "lq_threshold": lq_thr,
                        "employment_threshold": emp_thr,
                        "establishments_threshold": est_thr,
                        "strong": bool(ok_lq and ok_emp and ok_est),
                        "reasons": "; ".join(reasons),
                    }
                )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.sort_values(["region", "lq"], ascending=[True, False]).reset_index(drop=True)

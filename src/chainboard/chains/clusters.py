"""Cluster figures 集群监测: revenue, firms, growth against target with a projection, league table."""

from __future__ import annotations

from typing import Any

from chainboard.chains.models import Cluster
from chainboard.chains.selectors import AnyUser, cluster_series, clusters_visible
from chainboard_analytics.chains.clusters import (
    BIG_CLUSTER_WAN_YUAN,
    calc_cagr,
    calc_target_progress,
)


def cluster_figures(*, user: AnyUser, cluster: Cluster) -> dict[str, Any]:
    """Series, latest figures, growth and the progress towards every yearly target."""
    s = cluster_series(user, cluster)
    series = {y: float(v["revenue"]) for y, v in s["years"].items()}
    latest = max(series) if series else None
    prev = series.get(latest - 1) if latest else None
    growth = (series[latest] / prev - 1) if latest and prev else None
    targets = list(cluster.targets.order_by("year"))
    progress = []
    for t in targets:
        result = calc_target_progress(
            series,
            t.year,
            revenue_target=float(t.revenue_target_wan_yuan) if t.revenue_target_wan_yuan else None,
            growth_target=float(t.growth_target) if t.growth_target is not None else None,
        )
        if result is not None:
            progress.append({"target": t, "progress": result})
    return {
        "series": series,
        "years": s["years"],
        "firms": s["firms"],
        "above_scale": s["above_scale"],
        "latest_year": latest,
        "revenue": series.get(latest, 0.0) if latest else 0.0,
        "growth": growth,
        "cagr": calc_cagr(series),
        "targets": targets,
        "progress": progress,
        "big": bool(latest) and series[latest] >= BIG_CLUSTER_WAN_YUAN,
    }


def league(*, user: AnyUser) -> list[dict[str, Any]]:
    """Every visible cluster, largest revenue first, with its latest target verdict."""
    rows = []
    for cluster in clusters_visible(user).prefetch_related("targets", "extra_regions", "chains"):
        f = cluster_figures(user=user, cluster=cluster)
        upcoming = [x for x in f["progress"] if x["progress"].actual is None]
        last = upcoming[0] if upcoming else (f["progress"][-1] if f["progress"] else None)
        rows.append(
            {
                "cluster": cluster,
                "revenue": f["revenue"],
                "firms": f["firms"],
                "above_scale": f["above_scale"],
                "growth": f["growth"],
                "year": f["latest_year"],
                "big": f["big"],
                "progress": last["progress"] if last else None,
            }
        )
    rows.sort(key=lambda r: -r["revenue"])
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows

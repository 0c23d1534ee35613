"""Reads for the 季观摩 / 半年考核 score page: the counties a user scores and their scores."""

from __future__ import annotations

from typing import Any

from chainboard.accounts.scope import regions_visible
from chainboard.geo.models import Region
from chainboard.projects.models import Project, ReviewScore


def review_counties(user: Any) -> list[Region]:
    """The counties in the ranking: those in the user's scope with projects (not every county in
    the country for a user without a region)."""
    return list(
        regions_visible(user)
        .filter(level="county", pk__in=Project.objects.values("region_id"))
        .order_by("code")
    )


def review_rows(
    counties: list[Region], *, kind: str, year: int, period: int
) -> list[dict[str, Any]]:
    """One row per county: its score, note and version for the period (``None`` / "" / 0 if not
    entered), and the 观摩 event it was aggregated from (``source``; such a score is read-only)."""
    scores = {
        r.region_id: r
        for r in ReviewScore.objects.filter(
            region__in=counties, kind=kind, year=year, period=period
        ).select_related("source")
    }
    return [
        {
            "region": c,
            "score": scores[c.code].score if c.code in scores else None,
            "note": scores[c.code].note if c.code in scores else "",
            "version": scores[c.code].version if c.code in scores else 0,
            "source": scores[c.code].source if c.code in scores else None,
        }
        for c in counties
    ]

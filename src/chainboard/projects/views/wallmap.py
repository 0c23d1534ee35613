"""挂图: the wall map of the city's projects with filters, a side panel of totals and the card of
the clicked project; framed on the user's county (a park officer: the park's projects)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chainboard.accounts.scope import home_park, home_region
from chainboard.core.filters import filtered
from chainboard.geo.boundaries import centres
from chainboard.geo.models import RegionLevel
from chainboard.projects import selectors, wallmap
from chainboard.projects.filters import MapFilter
from chainboard.projects.models import ProjectSource, Stage

FILTER_KEYS = ("stage", "source", "batch", "chain")


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    """The wall map 挂图 with filters (chain, source, stage, batch) and a side panel of totals."""
    qs = filtered(MapFilter(request.GET, queryset=selectors.map_projects(user=request.user)))
    data = selectors.map_data(qs)
    panel = selectors.map_panel(user=request.user, data=data)
    city, outlines = panel["city"], panel["outlines"]
    option = None
    if city and outlines is not None:
        home = home_region(request.user)
        county = home.code if home is not None and home.level == RegionLevel.COUNTY else None
        park = home_park(request.user)
        focus = wallmap.focus_box(
            outlines, county=county, points=data["points"] if park is not None else None
        )
        option = wallmap.map_option(
            data,
            panel["names"],
            map_name=city,
            centres=centres(outlines),
            focus=focus,
            county_names={
                f["properties"]["code"]: f["properties"]["name"] for f in outlines["features"]
            },
        )
    context = {
        **panel,
        "option": option,
        "filters": {k: request.GET.get(k, "") for k in FILTER_KEYS},
        "stages": Stage.choices,
        "sources": ProjectSource.choices,
    }
    return render(request, "projects/map.html", context)

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from chainboard.accounts.scope import regions_visible, require_overview_reader
from chainboard.strategy import charts
from chainboard.strategy.models import PanelMeasure
from chainboard.strategy.selectors import panel_regions_visible, strategy_report


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The regions with panel data the user may see; a single one opens directly."""
    require_overview_reader(request.user)  # not a firm user's page
    regions = list(panel_regions_visible(request.user).select_related("parent"))
    if len(regions) == 1:
        return redirect("strategy:region", code=regions[0].code)
    cities: dict[str, list] = {}
    for region in regions:
        cities.setdefault(region.parent.name if region.parent else "", []).append(region)
    return render(request, "strategy/index.html", {"cities": cities, "n": len(regions)})


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def region(request: HttpRequest, code: str) -> HttpResponse:
    require_overview_reader(request.user)  # not a firm user's page
    place = regions_visible(request.user).filter(code=code).first()
    if place is None:
        raise Http404("无此地区或不在您的管辖范围")
    report = strategy_report(
        region=place, measure=request.GET.get("measure"), year=_int(request.GET.get("year"))
    )
    context: dict = {"place": place, "report": report}
    if report:
        context |= {
            "measure_label": PanelMeasure(report["measure"]).label,
            "measures": [(m, PanelMeasure(m).label) for m in report["choices"]],
            "chart_lq": charts.lq_bars(report["specialisation"]),
            "chart_shift": charts.shift_share_bars(report["shift_share"])
            if report["shift_share"]
            else None,
            "chart_space": charts.product_space(
                report["graph_nodes"], report["graph_edges"], report["opportunities"]
            ),
        }
    return render(request, "strategy/region.html", context)

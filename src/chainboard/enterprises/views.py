"""Enterprise pages: list with filters and export, detail with figures and history."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from chainboard.accounts.services import security_event_record
from chainboard.core.downloads import download
from chainboard.core.errors import NotFound
from chainboard.core.filters import filtered
from chainboard.enterprises import charts, selectors
from chainboard.enterprises.exports import write_enterprises_xlsx
from chainboard.enterprises.filters import EnterpriseFilter
from chainboard.enterprises.models import FIGURE_TITLES

PAGE_SIZE = 50


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    filterset = EnterpriseFilter(
        request.GET, queryset=selectors.enterprise_list(user=request.user), user=request.user
    )
    page = Paginator(filterset.ordered(filtered(filterset)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    template = (
        "enterprises/list.html#rows" if getattr(request, "htmx", False) else "enterprises/list.html"
    )
    return render(request, template, {"filter": filterset, "page": page})


@login_required
def enterprise_export(request: HttpRequest) -> HttpResponseBase:
    filterset = EnterpriseFilter(
        request.GET, queryset=selectors.enterprise_list(user=request.user), user=request.user
    )
    firms = filterset.ordered(filtered(filterset))
    path = write_enterprises_xlsx(firms.iterator(chunk_size=2000))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"企业名录-{stamp}.xlsx"
    security_event_record("export", request=request, target="企业名录", detail=name)
    return download(path, name)


@login_required
def enterprise_detail(request: HttpRequest, uscc: str) -> HttpResponse:
    try:
        firm = selectors.enterprise_get(user=request.user, uscc=uscc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    years = list(selectors.enterprise_years(user=request.user, enterprise=firm))
    entries = [(h, "企业信息") for h in firm.history.select_related("history_user")[:50]]
    for y in years:
        entries += [(h, f"{y.year}年指标") for h in y.history.select_related("history_user")[:10]]
    history = sorted(entries, key=lambda pair: pair[0].history_date, reverse=True)[:60]
    context: dict[str, Any] = {
        "firm": firm,
        "years": years,
        "figure_titles": FIGURE_TITLES,
        "rows": [
            (title, [getattr(y, name) for y in years]) for name, title in FIGURE_TITLES.items()
        ],
        "qualifications": firm.qualifications.all(),
        "history": history,
        "chart": charts.firm_figures(years),
    }
    return render(request, "enterprises/detail.html", context)

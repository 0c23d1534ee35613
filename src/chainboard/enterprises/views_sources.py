"""Pages of 一个指标多个来源: the conflicts to review (核定) and the precedence per figure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chainboard.accounts import scope
from chainboard.accounts.models import DataSource
from chainboard.core.errors import DomainError, NotFound
from chainboard.enterprises import selectors, services
from chainboard.enterprises.models import FIGURE_TITLES

PAGE_SIZE = 50


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 1949 <= int(raw) <= 2100:
        raise DomainError(f"年份「{raw[:10]}」无效（1949-2100）", fields={"year": raw[:10]})
    return int(raw)


def _field(raw: str | None) -> str | None:
    if not raw:
        return None
    if raw not in FIGURE_TITLES:
        raise DomainError(f"指标「{raw[:40]}」不存在", fields={"field": raw[:40]})
    return raw


@login_required
def figure_conflicts(request: HttpRequest) -> HttpResponse:
    """指标来源冲突: firm, year, figure, each source's value, the used one, the difference."""
    if not scope.can_see_figure_conflicts(request.user):
        raise Http404("无权查看指标来源冲突")
    year, field = _year(request.GET.get("year")), _field(request.GET.get("field"))
    decided = request.GET.get("decided") == "1"
    rows = selectors.figure_conflicts(request.user, year=year, field=field, decided=decided)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page": page,
        "total": len(rows),
        "year": year or "",
        "field": field or "",
        "decided": decided,
        "fields": FIGURE_TITLES.items(),
        "sources": DataSource.choices,
        "can_decide": scope.can_decide_figure(request.user),
    }
    return render(request, "enterprises/figure_conflicts.html", context)


@login_required
@require_POST
def figure_decide(request: HttpRequest) -> HttpResponse:
    """核定: use one source's value for a conflicting figure, with a reason."""
    firm = _firm(request)
    try:
        year = _year(request.POST.get("year"))
        if year is None:
            raise DomainError("请指定年份", fields={"year": "必填"})
        services.figure_decide(
            actor=request.user,  # type: ignore[arg-type]
            enterprise=firm,
            year=year,
            field=request.POST.get("field", ""),
            source=request.POST.get("source", ""),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        messages.error(request, exc.message)
        return redirect(_back(request))
    messages.success(request, f"已核定：{firm.name} {year}年{FIGURE_TITLES[request.POST['field']]}")
    return redirect(_back(request))


def _firm(request: HttpRequest) -> Any:
    try:
        return selectors.enterprise_get(user=request.user, uscc=request.POST.get("uscc", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back(request: HttpRequest) -> str:
    url = request.POST.get("next", "")
    return url if url.startswith("/enterprises/sources/") else "/enterprises/sources/conflicts/"


@login_required
def figure_precedence(request: HttpRequest) -> HttpResponse:
    """指标来源优先级: per figure the sources most trusted first and the conflict tolerance; city
    analysts and administrators change them (each change re-resolves the figures, history)."""
    if not scope.can_see_figure_conflicts(request.user):
        raise Http404("无权查看指标来源优先级")
    error, status = "", 200
    if request.method == "POST":
        scope.require_figure_precedence_editor(request.user)
        field = request.POST.get("field", "")
        order = [request.POST.get(f"rank{i}", "") for i in range(1, len(DataSource.values) + 1)]
        raw = (request.POST.get("tolerance_pct") or "").strip()
        try:
            try:
                tolerance = Decimal(raw) / 100
            except (InvalidOperation, ValueError):
                raise DomainError(
                    f"冲突容差「{raw[:20]}」不是数字", fields={"tolerance": "不是数字"}
                ) from None
            services.figure_precedence_set(
                actor=request.user,  # type: ignore[arg-type]
                field=field,
                order=order,
                tolerance=tolerance,
            )
        except DomainError as exc:
            if exc.status_code != 400:
                raise
            error, status = exc.message, 400
        else:
            messages.success(request, f"已保存{FIGURE_TITLES[field]}的来源优先级")
            return redirect("enterprises:figure_precedence")
    context = {
        "rules": selectors.figure_rules_list(),
        "sources": DataSource.choices,
        "positions": range(1, len(DataSource.values) + 1),
        "can_edit": scope.can_edit_figure_precedence(request.user),
        "error": error,
    }
    return render(request, "enterprises/figure_precedence.html", context, status=status)

"""月评比: the monthly ranking page and CSV; 季观摩 / 半年考核 scores and the period result."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from chainboard.accounts.scope import (
    can_manage_rankings_and_targets,
    require_city_officer,
    require_overview_reader,
)
from chainboard.core.filters import InvalidQuery
from chainboard.core.locking import EditConflict, VersionRequired, posted_version
from chainboard.geo.models import Region
from chainboard.projects import charts, exports, services
from chainboard.projects.models import RankingScope, ReviewKind
from chainboard.projects.params import year_param
from chainboard.projects.selectors import ranking, reviews
from chainboard.projects.views._common import attachment, ranking_month

REVIEW_PERIODS = [
    ("q1", "第一季度观摩"),
    ("q2", "第二季度观摩"),
    ("q3", "第三季度观摩"),
    ("q4", "第四季度观摩"),
    ("h1", "上半年考核"),
    ("h2", "下半年考核"),
]


def _scope(request: HttpRequest) -> str:
    scope = request.GET.get("scope") or RankingScope.REGION
    if scope not in RankingScope.values:
        raise InvalidQuery(f"评比对象应为 region 或 department：{scope}", fields={"scope": scope})
    return scope


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    require_overview_reader(request.user)  # not a firm user's page
    month = ranking_month(request)
    scope = _scope(request)
    if request.method == "POST":
        require_city_officer(request.user)
        for s in RankingScope.values:
            services.ranking_store(month, scope=s, actor=request.user)
        messages.success(request, f"已计算 {month:%Y年%m月} 月评比")
        return redirect(f"{request.path}?month={month:%Y-%m}&scope={scope}")
    rows = ranking.ranking_with_moves(month, scope=scope)
    method = ranking.ranking_method_get()
    context = {
        "month": month,
        "scope": scope,
        "rows": rows,
        "months": ranking.ranking_months(),
        "score_labels": ranking.SCORE_LABELS,
        "components": ranking.COMPONENTS,
        "count_components": ranking.COUNT_COMPONENTS,
        "profile_text": ranking.profile_text(method),
        "missing": ranking.MISSING,
        "method": method,
        "method_rows": ranking.method_rows(method),
        "chart": charts.ranking_stack(  # the bars are sub-scores: the legend says 得分
            [r.label for r in rows],
            [r.scores for r in rows],
            {k: v.removesuffix("（分）") for k, v in ranking.SCORE_LABELS.items()},
        ),
        "can_compute": can_manage_rankings_and_targets(request.user),
    }
    return render(request, "projects/ranking.html", context)


@login_required
def ranking_csv(request: HttpRequest) -> HttpResponseBase:
    require_overview_reader(request.user)  # not a firm user's page
    month = ranking_month(request)
    data = exports.ranking_csv_bytes(ranking.ranking_with_moves(month))
    return attachment(data, f"月评比-{month.year}年{month.month}月.csv")


@login_required
def reviews_page(request: HttpRequest) -> HttpResponse:
    """Enter 季观摩 / 半年考核 scores per county and see the combined period result."""
    require_overview_reader(request.user)  # not a firm user's page
    data = request.POST if request.method == "POST" else request.GET
    year = year_param(data, timezone.localdate().year)
    selected = data.get("p") or "q1"
    if selected not in dict(REVIEW_PERIODS):
        raise InvalidQuery(f"未知期次：{selected}", fields={"p": selected})
    kind = ReviewKind.QUARTER if selected[0] == "q" else ReviewKind.HALF_YEAR
    period = int(selected[1])
    counties = reviews.review_counties(request.user)
    if request.method == "POST":
        saved, errors = _reviews_save(request, counties, kind=kind, year=year, period=period)
        if errors:
            messages.error(request, "；".join(errors))
        if saved:
            messages.success(request, f"已保存 {saved} 个区县的得分")
        return redirect(f"{request.path}?year={year}&p={selected}")
    visible = {c.code for c in counties}
    context = {
        "year": year,
        "selected": selected,
        "periods": REVIEW_PERIODS,
        "period_label": dict(REVIEW_PERIODS)[selected],
        "kind": kind,
        "rows": reviews.review_rows(counties, kind=kind, year=year, period=period),
        "result": [r for r in ranking.period_result(year, kind, period) if r.key in visible],
        "can_edit": can_manage_rankings_and_targets(request.user),
    }
    return render(request, "projects/reviews.html", context)


def _reviews_save(
    request: HttpRequest, counties: list[Region], *, kind: str, year: int, period: int
) -> tuple[int, list[str]]:
    """Save each county's typed score (blank ones are left alone); the errors name the county."""
    saved, errors = 0, []
    for county in counties:
        text = (request.POST.get(f"score-{county.code}") or "").strip()
        if not text:
            continue
        try:
            services.review_score_save(
                actor=request.user,
                region=county,
                kind=kind,
                year=year,
                period=period,
                score=Decimal(text),
                note=request.POST.get(f"note-{county.code}", "").strip(),
                expected_version=posted_version(request.POST, f"version-{county.code}"),
            )
        except EditConflict as exc:
            errors.append(exc.summary())
        except VersionRequired as exc:
            errors.append(f"{county.name}：{exc.message}")
        except InvalidOperation:
            errors.append(f"{county.name}：得分应为数字")
        except ValidationError as exc:
            errors.append(f"{county.name}：{'；'.join(exc.messages)}")
        else:
            saved += 1
    return saved, errors

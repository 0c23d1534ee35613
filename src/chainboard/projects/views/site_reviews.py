"""季观摩 pages: events (officers organise, everyone official reads), the reviewer's phone scoring
page, photos; 半年考核 page and its PDF 通报 (a job)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from chainboard.accounts.scope import (
    can_manage_review_event,
    can_score_review,
    home_region,
    require_overview_reader,
    require_review_manager,
    require_review_scorer,
)
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.filters import InvalidQuery
from chainboard.core.locking import NEW, EditConflict, posted_version
from chainboard.geo.boundaries import centres
from chainboard.geo.models import RegionLevel
from chainboard.jobs.services import job_start
from chainboard.projects import selectors, services, tasks, wallmap
from chainboard.projects.models import SiteReview
from chainboard.projects.params import year_param
from chainboard.projects.selectors import site_reviews

QUARTERS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


def _event(request: HttpRequest, pk: int) -> SiteReview:
    require_overview_reader(request.user)  # firm users: 403
    return site_reviews.event_get(request.user, pk)


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The 观摩 events; officers create one here (title, date, quarter)."""
    require_overview_reader(request.user)
    if request.method == "POST":
        require_review_manager(request.user)
        title = (request.POST.get("title") or "").strip()
        try:
            held_on = dt.date.fromisoformat(request.POST.get("held_on") or "")
        except ValueError:
            raise DomainError("观摩日期应为 YYYY-MM-DD", fields={"held_on": "格式"}) from None
        quarter = request.POST.get("quarter") or ""
        if quarter not in {"1", "2", "3", "4"}:
            raise DomainError("季度应为1–4", fields={"quarter": quarter})
        if not title:
            raise DomainError("请填写观摩活动名称", fields={"title": "必填"})
        event = services.site_review_create(
            actor=request.user, title=title, held_on=held_on, quarter=int(quarter)
        )
        messages.success(request, f"已新建观摩活动「{event.title}」，请确定路线和评委")
        return redirect("projects:site_review", pk=event.pk)
    user: Any = request.user
    today = timezone.localdate()
    context = {
        "events": site_reviews.event_list(user),
        "can_manage": can_manage_review_event(user),
        "mine": set(user.site_reviews.values_list("pk", flat=True)),
        "quarters": QUARTERS,
        "today": today,
        "this_quarter": (today.month - 1) // 3 + 1,
    }
    return render(request, "projects/site_reviews.html", context)


def _route_option(user: Any, stops: list[Any]) -> tuple[Any, Any]:
    """The wall-map option of the route (bubbles + the visiting order as a line), outlines."""
    data = selectors.map_data(
        selectors.projects_visible(user).filter(pk__in=[s.project_id for s in stops])
    )
    panel = selectors.map_panel(user=user, data=data)
    city, outlines = panel["city"], panel["outlines"]
    if not (city and outlines is not None and stops):
        return None, None
    home = home_region(user)
    county = home.code if home is not None and home.level == RegionLevel.COUNTY else None
    option = wallmap.map_option(
        data,
        panel["names"],
        map_name=city,
        centres=centres(outlines),
        focus=wallmap.focus_box(outlines, county=county),
        county_names={
            f["properties"]["code"]: f["properties"]["name"] for f in outlines["features"]
        },
    )
    return wallmap.with_route(option, [s.project.code for s in stops]), outlines


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An event: route on the map, reviewers, the score matrix and the county results; officers
    set the route and reviewers and close it (POST ``action`` = route / reviewers / close)."""
    event = _event(request, pk)
    user: Any = request.user
    if request.method == "POST":
        require_review_manager(user)
        _event_action(request, event)
        return redirect("projects:site_review", pk=event.pk)
    stops, hidden = site_reviews.route_visible(event, user)
    reviewers, rows = site_reviews.matrix(event, user)
    option, outlines = _route_option(user, stops)
    manage = can_manage_review_event(user)
    on_route = {s.project_id: s.position for s in site_reviews.route(event)} if manage else {}
    context = {
        "event": event,
        "stops": stops,
        "hidden": hidden,
        "reviewers": reviewers,
        "rows": rows,
        "results": site_reviews.event_county_results(event, user),
        "rule_text": site_reviews.rule_text(event),
        "option": option,
        "outlines": outlines,
        "can_manage": manage and event.is_open,
        "can_score": can_score_review(user, event),
        "candidates": (
            site_reviews.route_candidates(user, on_route) if manage and event.is_open else []
        ),
        "people": site_reviews.reviewer_candidates(event) if manage and event.is_open else [],
    }
    return render(request, "projects/site_review.html", context)


def _event_action(request: HttpRequest, event: SiteReview) -> None:
    action = request.POST.get("action")
    version = posted_version(request.POST)
    try:
        if action == "route":
            order: list[tuple[int, str]] = []
            for name in request.POST:
                value = request.POST.get(name) or ""
                if name.startswith("order-") and value.strip():
                    if not value.strip().isdigit():
                        raise DomainError(f"观摩顺序应为正整数：{value}", fields={name: value})
                    order.append((int(value), name.removeprefix("order-")))
            order.sort()
            projects = site_reviews.projects_by_code(request.user, [c for _n, c in order])
            missing = [c for _n, c in order if c not in projects]
            if missing:
                raise NotFound(f"项目不存在：{missing[0]}")
            services.site_review_set_route(
                actor=request.user,
                event=event,
                projects=[projects[c] for _n, c in order],
                expected_version=version,
            )
            messages.success(request, f"已保存观摩路线（{len(order)}个项目）")
        elif action == "reviewers":
            ids = [v for v in request.POST.getlist("reviewer") if v.isdigit()]
            people = site_reviews.users_by_id(ids)
            if len(people) != len(set(ids)):
                raise DomainError("评委不存在", fields={"reviewer": "未知"})
            services.site_review_set_reviewers(
                actor=request.user, event=event, reviewers=people, expected_version=version
            )
            messages.success(request, f"已指定 {len(people)} 位评委")
        elif action == "close":
            scores = services.site_review_close(
                actor=request.user, event=event, expected_version=version
            )
            messages.success(request, f"观摩活动已结束，已写入 {len(scores)} 个区县的季观摩得分")
        else:
            raise DomainError(f"未知操作：{action}", fields={"action": str(action)})
    except EditConflict as exc:
        messages.error(request, exc.summary())
    except DomainError as exc:
        if exc.status_code != 400:  # 403 / 404: the error page
            raise
        messages.error(request, exc.message)


@login_required
def score_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The reviewer's phone page: one route project at a time (``?stop=N``), big inputs, saved
    per project, then on to the next stop."""
    event = _event(request, pk)
    user = require_review_scorer(request.user, event)
    stops = site_reviews.route(event)
    if not stops:
        raise DomainError("观摩路线还没有确定")
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("stop") or "1"
    if not text.isdigit() or not 1 <= int(text) <= len(stops):
        raise InvalidQuery(f"观摩点应为 1–{len(stops)}：{text}", fields={"stop": text})
    index = int(text) - 1
    stop = stops[index]
    sheets = site_reviews.own_sheets(event, user)
    sheet = sheets.get(stop.project_id)
    values = {c["key"]: (sheet.points.get(c["key"]) if sheet else "") for c in event.criteria}
    comment = sheet.comment if sheet else ""
    error, status = "", 200
    if request.method == "POST":
        values = {c["key"]: request.POST.get(f"c-{c['key']}", "").strip() for c in event.criteria}
        comment = request.POST.get("comment", "")
        try:
            services.review_sheet_save(
                actor=user,
                event=event,
                project=stop.project,
                points=values,
                comment=comment,
                photos=request.FILES.getlist("photos"),
                expected_version=posted_version(request.POST),
            )
        except DomainError as exc:
            error = exc.summary() if isinstance(exc, EditConflict) else exc.message
            status = exc.status_code
            sheet = site_reviews.own_sheets(event, user).get(stop.project_id)
        else:
            nxt = index + 2 if index + 1 < len(stops) else index + 1
            messages.success(request, f"已保存「{stop.project.name}」的评分")
            return redirect(f"{reverse('projects:site_review_score', args=[event.pk])}?stop={nxt}")
    context = {
        "event": event,
        "stop": stop,
        "index": index + 1,
        "count": len(stops),
        "prev": index if index > 0 else None,
        "next": index + 2 if index + 1 < len(stops) else None,
        "criteria": [(c, values.get(c["key"], "")) for c in event.criteria],
        "comment": comment,
        "sheet": sheet,
        "version": sheet.version if sheet else NEW,
        "done": sum(1 for s in stops if s.project_id in sheets),
        "stops": [(s, s.project_id in sheets) for s in stops],
        "error": error,
        "open": event.is_open,
    }
    return render(request, "projects/site_review_score.html", context, status=status)


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A 观摩 photo: for its reviewer and for those who see the project."""
    require_overview_reader(request.user)
    p = site_reviews.photo_get(request.user, pk)
    return download(p.file.open("rb"), p.name, inline=True)


# --- 半年考核 ----------------------------------------------------------------------------------


def _half(data: Any) -> tuple[int, int]:
    """``?year=&h=``; without them the newest half-year with scores, else the current one."""
    today = timezone.localdate()
    default = site_reviews.latest_half() or (today.year, 1 if today.month <= 6 else 2)
    if not data.get("year") and not data.get("h"):
        return default
    year = year_param(data, default[0])
    half = data.get("h") or str(default[1])
    if half not in {"1", "2"}:
        raise InvalidQuery(f"半年应为 1 或 2：{half}", fields={"h": half})
    return year, int(half)


@login_required
def assessment_page(request: HttpRequest) -> HttpResponse:
    """半年考核: monthly ranks and 观摩 scores combined, each figure linked to its evidence."""
    require_overview_reader(request.user)
    year, half = _half(request.GET)
    method, rows = site_reviews.half_year(request.user, year, half)
    months = [dt.date(year, m, 1) for m in range(6 * half - 5, 6 * half + 1)]
    context = {
        "year": year,
        "half": half,
        "half_label": site_reviews.HALVES[half],
        "rows": rows,
        "months": months,
        "quarters": [2 * half - 1, 2 * half],
        "method": method,
        "weights": {
            site_reviews.ASSESSMENT_LABELS[k]: Decimal(str(v)) for k, v in method.weights.items()
        },
        "rule_text": method.rule_text(),
    }
    return render(request, "projects/assessment.html", context)


@login_required
def assessment_pdf(request: HttpRequest) -> HttpResponseBase:
    """POST: start the 半年考核通报 PDF job (a bad year or half: 400, no job)."""
    require_overview_reader(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    year, half = _half(request.POST)
    user: Any = request.user
    job = job_start(
        actor=user,
        task=tasks.assessment_pdf,
        kind="projects_assessment_pdf",
        title=f"半年考核通报 PDF · {year}年{site_reviews.HALVES[half]}",
        scope_label=user.scope_label,
        params={"year": str(year), "half": str(half)},
    )
    return redirect("jobs:detail", pk=job.pk)

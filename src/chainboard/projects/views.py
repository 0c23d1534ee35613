"""Project pages: command centre, pools, detail, weekly update, edit, ranking, alerts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import (
    can_edit_project,
    can_manage_rankings_and_targets,
    project_q,
    require_city_officer,
)
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound, OutOfScope
from chainboard.core.locking import (
    EditConflict,
    VersionRequired,
    form_error,
    posted_version,
    stated_version,
)
from chainboard.projects import exports, ranking, selectors, services
from chainboard.projects.forms import ProjectFilterForm, ProjectForm, UpdateForm
from chainboard.projects.models import POOLS, ProjectUpdate, RankingScope, TargetStatus, week_start

PAGE_SIZE = 50


def _project(request: HttpRequest, code: str) -> Any:
    try:
        return selectors.project_get(user=request.user, code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def home(request: HttpRequest) -> HttpResponse:
    from chainboard.projects import targets as target_calc

    items = selectors.alerts(user=request.user)
    month = timezone.localdate().replace(day=1)
    latest = (
        ranking.MonthlyRanking.objects.order_by("-month").values_list("month", flat=True).first()
    )
    context = {
        "pools": selectors.pools_summary(user=request.user),
        "alerts_by_region": selectors.alerts_by_region(items),
        "alert_count": len(items),
        "ranking": ranking.ranking_with_moves(latest)[:5] if latest else [],
        "ranking_month": latest or month,
        "task_summary": target_calc.task_summary(target_calc.tasks_visible(request.user)),
    }
    return render(request, "projects/home.html", context)


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    pool = request.GET.get("pool") or ""
    if pool and pool not in POOLS:
        raise Http404("未知项目库")
    form = ProjectFilterForm(request.GET, user=request.user)
    qs = form.apply(selectors.project_list(user=request.user, pool=pool or None))
    page = Paginator(qs.order_by("-total_investment_wan_yuan", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "pool": pool,
        "pool_label": POOLS[pool][0] if pool else "全部项目",
        "pools": POOLS,
        "totals": selectors.pool_totals(qs),
    }
    return render(request, "projects/list.html", context)


@login_required
def project_export(request: HttpRequest) -> HttpResponseBase:
    pool = request.GET.get("pool") or None
    if pool and pool not in POOLS:
        raise Http404("未知项目库")
    form = ProjectFilterForm(request.GET, user=request.user)
    qs = form.apply(selectors.project_list(user=request.user, pool=pool))
    data = exports.projects_xlsx(qs.order_by("code").prefetch_related("chain_nodes__chain"))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(data, f"重点项目-{stamp}.xlsx")


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    from chainboard.chains.selectors import chains_visible

    project = _project(request, code)
    context = {
        "p": project,
        "chain_nodes": project.chain_nodes.filter(chain__in=chains_visible(request.user))
        .select_related("chain")
        .order_by("chain__name", "order"),
        "updates": project.updates.select_related("author")[:30],
        "milestones": project.milestones.all(),
        "plans": project.year_plans.all(),
        "history": selectors.project_history(project),
        "today": timezone.localdate(),
        "can_plan": not project.archived and can_edit_project(request.user, project),
    }
    return render(request, "projects/detail.html", context)


@login_required
def project_update(request: HttpRequest, code: str) -> HttpResponse:
    """The weekly update form: one short form, prefilled with last week's next steps."""
    project = _project(request, code)
    last = project.updates.first()
    if request.method == "POST":
        form = UpdateForm(request.POST, request.FILES, project=project)
        if form.is_valid():
            d = form.cleaned_data
            data = {
                k: d[k]
                for k in (
                    "done_this_week",
                    "investment_period_wan_yuan",
                    "next_steps",
                    "problems",
                    "help_department",
                )
            }
            if d.get("photo"):
                data["photo"] = d["photo"]
            try:
                services.update_submit(
                    project_id=project.pk,
                    actor=request.user,
                    week=d["week"],
                    data=data,
                    expected_version=form.expected_version(),
                    stage=d.get("stage") or None,
                    cumulative_wan_yuan=d.get("cumulative_wan_yuan"),
                )
            except OutOfScope:
                raise  # the 403 page (core.middleware.DomainErrorMiddleware)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, f"已保存 {project.name} 的周调度")
                return redirect("projects:detail", code=project.code)
    else:
        form = UpdateForm(initial=UpdateForm.initial_for(project), project=project)
    return render(request, "projects/update.html", {"p": project, "form": form, "last": last})


@login_required
def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    project = _project(request, code)
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            data = {f: d[f] for f in form.Meta.fields if f in d}
            data["chain_node_codes"] = d["chain_node_codes"]
            try:
                with transaction.atomic():  # the fields and the chain links, or neither
                    services.project_update(
                        project_id=project.pk,
                        actor=request.user,
                        data=data,
                        expected_version=stated_version(d.get("version")),
                    )
                    services.project_set_chain_nodes(
                        project_id=project.pk,
                        actor=request.user,
                        node_ids=[n.pk for n in d["chain_nodes"]],
                    )
            except OutOfScope:
                raise  # the 403 page (core.middleware.DomainErrorMiddleware)
            except DomainError as exc:
                form_error(form, exc)
            except ValidationError as exc:
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                messages.success(request, "项目信息已保存")
                return redirect("projects:detail", code=project.code)
    else:
        form = ProjectForm(instance=project, user=request.user)
    return render(request, "projects/edit.html", {"p": project, "form": form})


@login_required
@require_POST
def project_archive(request: HttpRequest, code: str) -> HttpResponse:
    project = _project(request, code)
    services.project_archive(project=project, actor=request.user)
    messages.success(request, "项目已归档")
    return redirect("projects:detail", code=project.code)


@login_required
@require_POST
def project_delete(request: HttpRequest, code: str) -> HttpResponse:
    project = _project(request, code)
    try:
        services.project_delete(project=project, actor=request.user)
    except OutOfScope:
        raise  # the 403 page (core.middleware.DomainErrorMiddleware)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("projects:detail", code=project.code)
    messages.success(request, "项目已删除")
    return redirect("projects:list")


@login_required
@require_POST
def problem_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    row = ProjectUpdate.objects.filter(project_q(request.user, "project__"), pk=pk).first()
    if row is None:
        raise Http404("周调度不存在")
    services.problem_resolve(update=row, actor=request.user)
    return redirect("projects:detail", code=row.project.code)


def _month(request: HttpRequest) -> Any:
    text = request.GET.get("month") or request.POST.get("month")
    if text:
        try:
            return ranking.parse_month(text)
        except ValueError as exc:
            raise Http404(str(exc)) from exc
    latest = (
        ranking.MonthlyRanking.objects.order_by("-month").values_list("month", flat=True).first()
    )
    return latest or timezone.localdate().replace(day=1)


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    scope = request.GET.get("scope") or RankingScope.REGION
    if request.method == "POST":
        require_city_officer(request.user)
        for s in RankingScope.values:
            services.ranking_store(month, scope=s, actor=request.user)
        messages.success(request, f"已计算 {month:%Y年%m月} 月评比")
        return redirect(f"{request.path}?month={month:%Y-%m}&scope={scope}")
    rows = ranking.ranking_with_moves(month, scope=scope)
    months = list(
        ranking.MonthlyRanking.objects.values_list("month", flat=True).distinct().order_by("-month")
    )
    chart = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 80, "right": 20, "top": 20, "bottom": 30},
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "inverse": True, "data": [r.label for r in rows]},
        "series": [
            {
                "type": "bar",
                "stack": "s",
                "name": label,
                "data": [float(r.scores.get(key, 0)) for r in rows],
            }
            for key, label in ranking.COMPONENTS.items()
        ],
        "legend": {"bottom": 0},
    }
    context = {
        "month": month,
        "scope": scope,
        "rows": rows,
        "months": months,
        "components": ranking.COMPONENTS,
        "method": ranking.ranking_method_get(),
        "chart": chart,
        "can_compute": can_manage_rankings_and_targets(request.user),
    }
    return render(request, "projects/ranking.html", context)


@login_required
def ranking_csv(request: HttpRequest) -> HttpResponseBase:
    month = _month(request)
    rows = ranking.ranking_with_moves(month)
    data = exports.ranking_csv_bytes(rows)
    return download(data, f"月评比-{month.year}年{month.month}月.csv")


@login_required
def alerts_page(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or None
    kind = request.GET.get("kind") or None
    items = selectors.alerts(user=request.user, region=region)
    by_region = selectors.alerts_by_region(items)
    if kind:
        items = [a for a in items if a.kind == kind]
    context = {
        "items": items[:500],
        "count": len(items),
        "by_region": by_region,
        "kinds": selectors.ALERT_KINDS,
        "region": region,
        "kind": kind,
    }
    return render(request, "projects/alerts.html", context)


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    """The wall map 挂图 with filters (chain, source, stage, batch) and a side panel of totals."""
    from chainboard.accounts.scope import regions_visible
    from chainboard.chains.selectors import chains_visible
    from chainboard.geo.boundaries import centres, load_boundaries
    from chainboard.geo.models import Region
    from chainboard.projects import wallmap
    from chainboard.projects.models import Batch, ProjectSource, Stage

    filters = {k: request.GET.get(k, "") for k in ("stage", "source", "batch", "chain")}
    data = selectors.map_data(user=request.user, filters=filters)
    names = dict(regions_visible(request.user).filter(level="county").values_list("code", "name"))
    by_region = sorted(
        ({"name": names.get(k, k), **v} for k, v in data["by_region"].items()),
        key=lambda r: -r["total"],
    )
    by_stage = [
        {
            "label": s.label,
            "colour": wallmap.COLOURS[s],
            **data["by_stage"].get(s.value, {"n": 0, "total": 0}),
        }
        for s in Stage
    ]
    city = wallmap.map_city(data, getattr(request.user, "scope_region_id", None))
    outlines = load_boundaries(city) if city else None
    option = None
    if city and outlines is not None:
        option = wallmap.map_option(data, names, map_name=city, centres=centres(outlines))
    context = {
        "option": option,
        "city": city,
        "city_name": Region.objects.filter(code=city).values_list("name", flat=True).first(),
        "outlines": outlines,
        "filters": filters,
        "stages": Stage.choices,
        "sources": ProjectSource.choices,
        "batches": Batch.objects.all(),
        "chains": chains_visible(request.user).order_by("region_id", "name"),
        "by_region": by_region,
        "by_stage": by_stage,
        "count": len(data["points"]),
        "total": sum(p["total"] for p in data["points"]),
    }
    return render(request, "projects/map.html", context)


@login_required
def targets_page(request: HttpRequest) -> HttpResponse:
    """KPI targets 目标: value over the data, progress, projection to the period end, status."""
    from chainboard.projects import targets as calc

    if request.method == "POST":
        n = services.targets_record(actor=request.user)
        messages.success(request, f"已记录 {n} 项目标的今日进度")
        return redirect("projects:targets")
    programme = request.GET.get("programme") or None
    rows = calc.target_rows(user=request.user, programme=programme)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 230, "right": 30, "top": 10, "bottom": 40},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": [r.target.name for r in rows]},
        "series": [
            {
                "type": "bar",
                "name": "当前完成",
                "data": [round(100 * (r.evaluation.progress or 0), 1) for r in rows],
            },
            {
                "type": "bar",
                "name": "期末预计",
                "data": [round(100 * (r.projected_share or 0), 1) for r in rows],
                "markLine": {"symbol": "none", "label": {"show": False}, "data": [{"xAxis": 100}]},
            },
        ],
    }
    counts: dict[str, int] = {}
    for r in rows:
        if r.evaluation.value is not None:
            counts[r.evaluation.status] = counts.get(r.evaluation.status, 0) + 1
    context = {
        "rows": rows,
        "programme": programme or "",
        "programmes": sorted(
            set(calc.targets_visible(request.user).values_list("programme", flat=True))
        ),
        "statuses": [(s, s.label, counts.get(s.value, 0)) for s in TargetStatus],
        "chart": chart,
        "chart_height": 60 + 34 * len(rows),
        "can_record": can_manage_rankings_and_targets(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "projects/targets.html", context)


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One target: today's evaluation and the history of its readings as a chart."""
    from chainboard.projects import targets as calc

    try:
        target = calc.target_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    evaluation = calc.target_evaluate(target)
    readings = list(target.readings.order_by("on"))
    goal = float(target.target_value)
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 30, "top": 20, "bottom": 50},
        "xAxis": {"type": "category", "data": [f"{r.on:%Y-%m-%d}" for r in readings]},
        "yAxis": {"type": "value"},
        "series": [
            {"type": "line", "name": "当前值", "data": [float(r.value) for r in readings]},
            {
                "type": "line",
                "name": "期末预计",
                "lineStyle": {"type": "dashed"},
                "data": [float(r.projected) for r in readings],
            },
            {
                "type": "line",
                "name": "目标值",
                "symbol": "none",
                "data": [goal for _ in readings],
            },
        ],
    }
    context = {
        "t": target,
        "ev": evaluation,
        "readings": readings[::-1],
        "chart": chart,
        "today": timezone.localdate(),
    }
    return render(request, "projects/target_detail.html", context)


TASK_BANDS = {"done": "已完成", "above75": "75%及以上", "below75": "不足75%", "overdue": "逾期"}


@login_required
def tasks_page(request: HttpRequest) -> HttpResponse:
    """Work tasks 任务 with owner department, due date, % complete, evidence and programme."""
    from chainboard.projects import targets as calc

    visible = calc.tasks_visible(request.user)
    programme = request.GET.get("programme") or ""
    department = request.GET.get("department") or ""
    band = request.GET.get("band") or ""
    qs = visible
    if programme:
        qs = qs.filter(programme=programme)
    if department:
        qs = qs.filter(owner_department=department)
    today = timezone.localdate()
    if band == "done":
        qs = qs.filter(percent_complete__gte=100)
    elif band == "above75":
        qs = qs.filter(percent_complete__gte=75, percent_complete__lt=100)
    elif band == "below75":
        qs = qs.filter(percent_complete__lt=75)
    elif band == "overdue":
        qs = qs.filter(percent_complete__lt=100, due_on__lt=today)
    context = {
        "tasks": qs.select_related("region").order_by("programme", "due_on", "pk"),
        "summary": calc.task_summary(qs),
        "by_programme": calc.task_groups(visible, "programme"),
        "by_department": calc.task_groups(visible, "owner_department"),
        "programmes": sorted(set(visible.values_list("programme", flat=True))),
        "departments": sorted(set(visible.values_list("owner_department", flat=True))),
        "bands": TASK_BANDS,
        "programme": programme,
        "department": department,
        "band": band,
        "today": today,
        "can_edit": can_manage_rankings_and_targets(request.user),
    }
    return render(request, "projects/tasks.html", context)


@login_required
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a task's % complete and evidence (city analysts and admins)."""
    from chainboard.projects import targets as calc

    task = calc.tasks_visible(request.user).filter(pk=pk).first()
    if task is None:
        raise Http404("任务不存在")
    try:
        percent = int(request.POST.get("percent_complete", ""))
    except ValueError:
        messages.error(request, "完成进度应为0–100的整数")
        return redirect(_safe_next(request) or "projects:tasks")
    try:
        services.task_update(
            task=task,
            actor=request.user,
            percent_complete=percent,
            evidence=request.POST.get("evidence", task.evidence),
            expected_version=posted_version(request.POST),
        )
    except (EditConflict, VersionRequired) as exc:
        messages.error(request, exc.summary() if isinstance(exc, EditConflict) else exc.message)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已更新任务「{task.name}」")
    return redirect(_safe_next(request) or "projects:tasks")


def _safe_next(request: HttpRequest) -> str | None:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if target and ok else None


@login_required
def reports_page(request: HttpRequest) -> HttpResponse:
    """The three reports: 产业链发展项目情况表, 周调度表, 月评比通报."""
    today = timezone.localdate()
    last_week = week_start(today) - dt.timedelta(days=7)
    context = {"year": today.year, "week": last_week, "month": _month(request)}
    return render(request, "projects/reports.html", context)


def _attachment(data: Any, filename: str) -> HttpResponseBase:
    return download(data, filename)


@login_required
def report_chains(request: HttpRequest) -> HttpResponseBase:
    from chainboard.projects import reports

    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError as exc:
        raise Http404("年份格式应为 YYYY") from exc
    data = reports.chain_workbook(user=request.user, year=year)
    return _attachment(data, f"产业链发展项目情况表-{year}.xlsx")


def _week(request: HttpRequest) -> dt.date:
    text = request.GET.get("week")
    if not text:
        return week_start(timezone.localdate()) - dt.timedelta(days=7)
    try:
        return week_start(dt.date.fromisoformat(text))
    except ValueError as exc:
        raise Http404("周格式应为 YYYY-MM-DD") from exc


@login_required
def report_weekly(request: HttpRequest, fmt: str) -> HttpResponseBase:
    from chainboard.projects import reports

    if fmt not in ("xlsx", "pdf"):
        raise Http404("格式应为 xlsx 或 pdf")
    report = reports.weekly_report(user=request.user, week=_week(request))
    name = f"周调度表-{report.week:%Y-%m-%d}"
    if fmt == "pdf":
        return _attachment(io.BytesIO(reports.weekly_pdf(report)), f"{name}.pdf")
    return _attachment(reports.weekly_workbook(report), f"{name}.xlsx")


@login_required
def report_monthly(request: HttpRequest, fmt: str) -> HttpResponseBase:
    from chainboard.projects import reports

    if fmt not in ("xlsx", "pdf"):
        raise Http404("格式应为 xlsx 或 pdf")
    report = reports.monthly_report(user=request.user, month=_month(request))
    name = f"月评比通报-{report.month.year}年{report.month.month}月"
    if fmt == "pdf":
        return _attachment(io.BytesIO(reports.monthly_pdf(report)), f"{name}.pdf")
    return _attachment(reports.monthly_workbook(report), f"{name}.xlsx")


REVIEW_PERIODS = [
    ("q1", "第一季度观摩"),
    ("q2", "第二季度观摩"),
    ("q3", "第三季度观摩"),
    ("q4", "第四季度观摩"),
    ("h1", "上半年考核"),
    ("h2", "下半年考核"),
]


@login_required
def reviews_page(request: HttpRequest) -> HttpResponse:
    """Enter 季观摩 / 半年考核 scores per county and see the combined period result."""
    from chainboard.accounts.scope import regions_visible
    from chainboard.projects.models import Project, ReviewKind, ReviewScore

    data = request.POST if request.method == "POST" else request.GET
    try:
        year = int(data.get("year") or timezone.localdate().year)
    except ValueError as exc:
        raise Http404("年份格式应为 YYYY") from exc
    selected = data.get("p") or "q1"
    if selected not in dict(REVIEW_PERIODS):
        raise Http404("未知期次")
    kind = ReviewKind.QUARTER if selected[0] == "q" else ReviewKind.HALF_YEAR
    period = int(selected[1])
    # The counties in the ranking: those in the user's scope with projects (not every county
    # in the country for a user without a region).
    counties = list(
        regions_visible(request.user)
        .filter(level="county", pk__in=Project.objects.values("region_id"))
        .order_by("code")
    )
    if request.method == "POST":
        saved, errors = _reviews_save(request, counties, kind=kind, year=year, period=period)
        if errors:
            messages.error(request, "；".join(errors))
        if saved:
            messages.success(request, f"已保存 {saved} 个区县的得分")
        return redirect(f"{request.path}?year={year}&p={selected}")
    scores = {
        r.region_id: r
        for r in ReviewScore.objects.filter(
            region__in=counties, kind=kind, year=year, period=period
        )
    }
    rows = [
        {
            "region": c,
            "score": scores[c.code].score if c.code in scores else None,
            "note": scores[c.code].note if c.code in scores else "",
            "version": scores[c.code].version if c.code in scores else 0,
        }
        for c in counties
    ]
    visible = {c.code for c in counties}
    result = [r for r in ranking.period_result(year, kind, period) if r.key in visible]
    context = {
        "year": year,
        "selected": selected,
        "periods": REVIEW_PERIODS,
        "period_label": dict(REVIEW_PERIODS)[selected],
        "kind": kind,
        "rows": rows,
        "result": result,
        "can_edit": can_manage_rankings_and_targets(request.user),
    }
    return render(request, "projects/reviews.html", context)


def _reviews_save(
    request: HttpRequest, counties: list[Any], *, kind: str, year: int, period: int
) -> tuple[int, list[str]]:
    from decimal import Decimal, InvalidOperation

    saved, errors = 0, []
    for county in counties:
        text = (request.POST.get(f"score-{county.code}") or "").strip()
        if not text:
            continue
        try:
            score = Decimal(text)
            services.review_score_save(
                actor=request.user,
                region=county,
                kind=kind,
                year=year,
                period=period,
                score=score,
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


@login_required
@require_POST
def milestone_post(request: HttpRequest, code: str) -> HttpResponse:
    """Add a milestone (name, due date) or mark one done, from the project detail page."""
    from chainboard.projects.forms import MilestoneForm

    project = _project(request, code)
    form = MilestoneForm(request.POST, project=project)
    if not form.is_valid():
        for errs in form.errors.values():
            messages.error(request, "；".join(str(e) for e in errs))
        return redirect("projects:detail", code=project.code)
    d = form.cleaned_data
    try:
        services.milestone_save(
            project=project,
            actor=request.user,
            name=d["name"],
            due_on=d["due_on"],
            done_on=d.get("done_on"),
            milestone=d.get("milestone"),
            expected_version=d.get("version"),
        )
    except EditConflict as exc:
        messages.error(request, exc.summary())
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已保存节点「{d['name']}」")
    return redirect("projects:detail", code=project.code)

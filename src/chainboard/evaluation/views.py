"""Evaluation pages: runs, class distribution, league tables, firm cards, tiers, coverage."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import (
    can_edit_class_policy,
    can_file_objection,
    can_publish_evaluation,
    can_run_evaluation,
    can_see_overviews,
    require_evaluator,
)
from chainboard.accounts.services import security_event_record
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound
from chainboard.enterprises.models import QualificationKind
from chainboard.evaluation import charts, exports, publicity, selectors, services, tasks
from chainboard.evaluation.bulletin import require_bulletin
from chainboard.evaluation.models import EvaluationRun
from chainboard.industries.models import IndustryCode
from chainboard.jobs.services import job_start
from chainboard_analytics.evaluation import MuMethod, builtin_methods, load_method

PAGE_SIZE = 50
PUBLICITY_DAYS = 7  # the end date the 开始公示 form proposes: a week from today
STATUS_LABELS = {"qualifies": "符合条件", "close": "接近", "missing": "数据不足", "far": "差距较大"}
MOVE_LABELS = {"up": "↑ 升级", "down": "↓ 降级", "same": "持平", "new": "新参评", "special": "—"}


def _run_or_404(request: HttpRequest, pk: int) -> EvaluationRun:
    try:
        return selectors.run_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _method(run: EvaluationRun) -> MuMethod:
    return load_method(f"run-{run.pk}.yaml", text=run.method_text)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can_see_overviews(user):
        firm = user.scope_enterprise
        if firm is None:
            raise Http404
        return redirect("evaluation:firm", uscc=firm.uscc)
    runs = selectors.run_list(user=user)
    context = {
        "runs": runs[:100],
        "can_run": can_run_evaluation(user),
        "methods": [(m, load_method(m).title) for m in builtin_methods()],
        "years": selectors.data_years(user=user) or [selectors.default_year(user=user)],
    }
    return render(request, "evaluation/index.html", context)


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Start a 亩均 run as a background job and show its progress page (chainboard.jobs)."""
    name = request.POST.get("method", "")
    if name not in builtin_methods():
        messages.error(request, _("未知的评价办法"))
        return redirect("evaluation:index")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, _("年度无效"))
        return redirect("evaluation:index")
    if not 2000 <= year <= 2100:
        messages.error(request, _("年度无效"))
        return redirect("evaluation:index")
    user = require_evaluator(request.user)  # 403 now, not a failed job later
    job = job_start(
        actor=user,
        task=tasks.evaluation_run,
        kind="evaluation_run",
        title=f"亩均评价 {year}年 · {load_method(name).title}",
        scope_label=user.scope_label,
        params={"year": year, "method": name},
    )
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """发布 a run in 复核 (all 异议 answered); a refused rule is shown on the run page."""
    run = _run_or_404(request, pk)
    try:
        services.evaluation_run_publish(
            actor=request.user, run=run, direct_reason=request.POST.get("direct_reason", "")
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已发布"))
    return redirect("evaluation:run", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    method = _method(run)
    results = selectors.result_list(user=request.user, run=run)
    classes = method.class_order()
    shown = classes + (
        [method.special.code] if method.special and method.special.action == "special" else []
    )
    counts = selectors.class_counts(results)
    names = {c: method.class_name(c) for c in shown}
    by_region = selectors.distribution(results, "region")
    by_park = sorted(
        selectors.distribution(results, "park"), key=lambda r: -sum(r["counts"].values())
    )[:15]
    by_industry = sorted(
        selectors.distribution(results, "industry"), key=lambda r: -sum(r["counts"].values())
    )[:15]
    names_4754 = IndustryCode.objects.in_bulk([r["key"] for r in by_industry])
    for r in by_industry:
        code = names_4754.get(r["key"])
        r["label"] = f"{r['key']} {_short_industry(code.name)}" if code else r["key"]
    matrix = selectors.migration_matrix(results)
    tops = [
        (
            g,
            list(
                results.filter(group=g.id)
                .exclude(rank=None)
                .order_by("rank", "enterprise__uscc")[:10]
            ),
        )
        for g in method.groups
    ]
    policies = selectors.class_policies_for_run(run)
    context = {
        "run": run,
        "method": method,
        "total": sum(counts.values()),
        "class_rows": [(c, names[c], counts.get(c, 0), policies.get(c)) for c in shown],
        "policy_sources": sorted({p.source for p in policies.values()}),
        "chart_pie": charts.class_pie(counts, shown, names),
        "chart_region": charts.class_stack(by_region, shown),
        "chart_park": charts.class_stack(by_park, shown, rotate=35),
        "chart_industry": charts.class_stack(by_industry, shown, rotate=35),
        "chart_migration": charts.migration_heatmap(matrix, classes),
        "has_previous": any(p for p, _ in matrix),
        "tops": tops,
        "can_publish": can_publish_evaluation(request.user, run) and not run.published,
        **_publicity_context(request, run),
    }
    return render(request, "evaluation/run.html", context)


def _publicity_context(request: HttpRequest, run: EvaluationRun) -> dict[str, Any]:
    """公示/复核 state of the run page: stage history, objection counts, what may be done now."""
    objections = selectors.objection_list(user=request.user, run=run)
    counts = selectors.objection_counts(objections)
    return {
        "transitions": selectors.run_transitions(run),
        "objection_counts": counts,
        "n_objections": sum(counts.values()),
        "objections_open": publicity.objections_open(run),
        "default_end": timezone.localdate() + timedelta(days=PUBLICITY_DAYS),
    }


def _short_industry(name: str) -> str:
    """电气机械和器材制造业 → 电气机械和器材; long names end in … rather than mid-word."""
    short = name.removesuffix("制造业").removesuffix("业")
    return short if len(short) <= 8 else short[:7] + "…"


@login_required
def run_league(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run_or_404(request, pk)
    method = _method(run)
    qs = selectors.result_list(user=request.user, run=run).order_by(*selectors.RESULT_ORDER)
    group, klass, region = (request.GET.get(k, "") for k in ("group", "klass", "region"))
    if group:
        qs = qs.filter(group=group)
    if klass:
        qs = qs.filter(klass=klass)
    if region:
        qs = qs.filter(enterprise__region_id=region)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "run": run,
        "method": method,
        "page": page,
        "regions": selectors.region_choices(user=request.user),
        "classes": sorted(
            {*method.class_order(), *([method.special.code] if method.special else [])}
        ),
        "f": {"group": group, "klass": klass, "region": region},
        "move_labels": MOVE_LABELS,
    }
    return render(request, "evaluation/league.html", context)


@login_required
def firm_card(request: HttpRequest, pk: int, uscc: str) -> HttpResponse:
    run = _run_or_404(request, pk)
    try:
        result = selectors.result_get(user=request.user, run=run, uscc=uscc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    method = _method(run)
    policy = selectors.class_policies_for_run(run).get(result.klass)
    figures = selectors.run_figures(run, [result.enterprise_id]).get(result.enterprise_id, {})
    effects, net = selectors.firm_policy_effects(policy=policy, figures=figures)
    return render(
        request,
        "evaluation/card.html",
        {
            "run": run,
            "method": method,
            "r": result,
            "firm": result.enterprise,
            "class_name": method.class_name(result.klass),
            "next_name": method.class_name(result.next_klass) if result.next_klass else "",
            "policy": policy,
            "policy_in_force": policy is not None and policy.in_force_on(timezone.localdate()),
            "effects": effects,
            "net": net,
            "move_label": MOVE_LABELS.get(result.move, ""),
            "ratio": method.scoring == "ratio",
            "objection": selectors.firm_objection(
                user=request.user, run=run, enterprise=result.enterprise
            ),
            "objections_open": publicity.objections_open(run),
            "can_object": can_file_objection(request.user, result.enterprise),
        },
    )


@login_required
def firm(request: HttpRequest, uscc: str) -> HttpResponse:
    """A firm's evaluations in every visible run (the enterprise user's own page)."""
    try:
        enterprise = selectors.enterprise_for_card(user=request.user, uscc=uscc)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    results = selectors.firm_results(user=request.user, uscc=uscc)
    objections = {
        o.run_id: o
        for o in selectors.objection_list(user=request.user).filter(enterprise=enterprise)
    }
    rows = [
        {
            "r": r,
            "objection": objections.get(r.run_id),
            "open": publicity.objections_open(r.run),
        }
        for r in results
    ]
    context = {
        "firm": enterprise,
        "rows": rows,
        "can_object": can_file_objection(request.user, enterprise),
    }
    return render(request, "evaluation/firm.html", context)


def _short(method: MuMethod) -> str:
    """The method's title without its parenthesised source (file names)."""
    return method.title.split("（")[0].split("(")[0].strip() or method.title


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    run = _run_or_404(request, pk)
    method = _method(run)
    results = list(
        selectors.result_list(user=request.user, run=run).order_by(*selectors.RESULT_ORDER)
    )
    effects = selectors.run_policy_effects(run, results)
    path = exports.write_table(
        exports.result_frame_from_rows(results, method, effects=effects),
        exports.temp_path(".xlsx"),
    )
    state = "发布" if run.published else ("公示稿" if run.is_draft_for_comment else run.stage_label)
    name = f"亩均评价-{run.year}年-{_short(method)}-{state}.xlsx"
    security_event_record("export", request=request, target=f"评价批次#{run.pk}", detail=name)
    return download(path, name)


@login_required
@require_POST
def run_bulletin(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Start the 评价公告 PDF as a background job; the job page offers the download."""
    run = _run_or_404(request, pk)
    user: Any = request.user
    try:
        require_bulletin(run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:run", pk=run.pk)
    job = job_start(
        actor=user,
        task=tasks.evaluation_bulletin,
        kind="evaluation_bulletin",
        title=f"评价公告 PDF · {run.year}年 {_short(_method(run))}",
        scope_label=user.scope_label,
        params={"run": run.pk},
    )
    return redirect("jobs:detail", pk=job.pk)


# --- tiers and coverage -----------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    """``?year=`` between 2000 and 2100 (a number outside: 400, never a date overflow like
    ``?year=0``); absent or not a number: the latest year with figures in the user's scope."""
    text = request.GET.get("year", "").strip()
    if not text.isascii() or not text.lstrip("-").isdigit():
        return selectors.default_year(user=request.user)
    if not 2000 <= int(text) <= 2100:
        raise DomainError(f"年份应为 2000–2100 之间的四位数字：{text}", fields={"year": text})
    return int(text)


def _on(request: HttpRequest, year: int) -> dt.date:
    """``?on=YYYY-MM-DD``: the evaluation date that picks the rule set (default: the usual
    evaluation date of ``year``'s figures, see ``selectors.evaluation_date``)."""
    text = request.GET.get("on", "").strip()
    if not text:
        return selectors.evaluation_date(year)
    try:
        on = dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"评价日期应为 YYYY-MM-DD：{text}", fields={"on": text}) from None
    if not 2000 <= on.year <= 2100:
        raise DomainError(f"评价日期应在 2000–2100 年之间：{text}", fields={"on": text})
    return on


@login_required
def tiers(request: HttpRequest) -> HttpResponseBase:
    year = _year(request)
    on = _on(request, year)
    crit = selectors.criteria(on)
    names = {t.id: t.name for t in crit.tiers}
    tier = request.GET.get("tier") or "high_tech"
    if tier not in names:
        raise Http404
    region = request.GET.get("region", "")
    cands = selectors.tier_candidates(user=request.user, year=year, on=on)
    summary = selectors.tier_summary(cands)
    sub = cands[(cands["tier"] == tier) & ~cands["held"].astype(bool)]
    if region:
        sub = sub[sub["region_id"] == region]
    status = request.GET.get("status") or ""
    sub = sub[sub["status"].isin([status] if status else ["qualifies", "close", "missing"])]
    order = {"qualifies": 0, "close": 1, "missing": 2, "far": 3}
    sub = sub.assign(o=sub["status"].map(order)).sort_values(["o", "shortfall", "failures", "uscc"])
    if request.GET.get("export"):
        path = exports.write_table(
            exports.tier_frame(sub, names, STATUS_LABELS),
            exports.temp_path(".xlsx"),
            sheet="梯度培育",
        )
        return download(path, f"梯度培育候选-{names[tier]}-{year}年.xlsx")
    page = Paginator(sub.to_dict("records"), PAGE_SIZE).get_page(request.GET.get("page"))
    pivot: dict[str, dict[str, Any]] = {}
    for row in summary:
        line = pivot.setdefault(row["region_id"], {"name": row["region_name"], "tiers": {}})
        line["tiers"][row["tier"]] = row
    context = {
        "year": year,
        "on": on,
        "rule_set": crit,
        "rule_sets": selectors.rule_sets(),
        "tier": tier,
        "tier_obj": crit.tier(tier),
        "tiers": [(t, names[t]) for t in selectors.TIER_ORDER],
        "summary": pivot,
        "page": page,
        "regions": selectors.region_choices(user=request.user),
        "region": region,
        "status": status,
        "status_labels": STATUS_LABELS,
        "targets": selectors.target_progress(user=request.user, year=year),
        "grants": selectors.grants_in_year(user=request.user, year=year),
        "kind_names": dict(QualificationKind.choices),
    }
    return render(request, "evaluation/tiers.html", context)


COVERAGE_LABELS = [
    (QualificationKind.CLOUD, "上云"),
    (QualificationKind.SMART_FACTORY, "智能工厂/数字化车间"),
    (QualificationKind.GREEN_FACTORY, "绿色工厂"),
    (QualificationKind.DESIGN_DOCKED, "工业设计对接"),
    (QualificationKind.TECH_CENTER, "企业技术中心"),
]


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    by = "park" if request.GET.get("by") == "park" else "region"
    data = selectors.coverage(user=request.user, year=year, by=by)
    kinds = [(str(k), label) for k, label in COVERAGE_LABELS]
    docked = data["overall"][QualificationKind.DESIGN_DOCKED]
    summary = _("%(n)s个园区中%(m)s个已建工业设计中心；规上企业对接比例 %(p).0f%%") % {
        "n": data["n_parks"],
        "m": data["parks_with_centre"],
        "p": docked[1],
    }
    context = {
        "year": year,
        "by": by,
        "data": data,
        "kinds": kinds,
        "summary": summary,
        "chart": charts.coverage_bars(data["rows"], kinds),
    }
    return render(request, "evaluation/coverage.html", context)


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    """The 差别化政策 table per method and year (read-only; administrators edit it in the admin)."""
    user: Any = request.user
    if not can_see_overviews(user):
        raise PermissionDenied("企业用户请在本企业评价卡片中查看适用政策")
    method_id = request.GET.get("method", "")
    if method_id and method_id not in builtin_methods():
        method_id = ""
    rows = selectors.class_policy_list(method_id=method_id)
    years: dict[tuple[str, int], list[Any]] = {}
    for p in rows:
        years.setdefault((p.method_id, p.year), []).append(p)
    today = timezone.localdate()
    return render(
        request,
        "evaluation/policies.html",
        {
            "tables": [
                (m, y, ps, any(p.in_force_on(today) for p in ps)) for (m, y), ps in years.items()
            ],
            "methods": builtin_methods(),
            "method_id": method_id,
            "can_edit": can_edit_class_policy(user),
        },
    )

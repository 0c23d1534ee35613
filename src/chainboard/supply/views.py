"""The supply-risk page of a chain 供应链风险 (reads stored runs) and its shock simulation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import can_run_supply_analysis, require_supply_runner
from chainboard.chains import selectors as chain_selectors
from chainboard.chains.models import Chain
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.formatting import format_pct
from chainboard.jobs.services import input_name, job_start
from chainboard.supply import charts, selectors, services, tasks
from chainboard.supply.models import SupplyRun
from chainboard.supply.risk import DEFAULT_RULES

PAGE_SIZE = 20
VERDICT_LABELS = {
    "high": gettext_lazy("高风险"),
    "watch": gettext_lazy("需关注"),
    "ok": gettext_lazy("正常"),
}
CONCENTRATION_LABELS = {
    "high": gettext_lazy("高度集中"),
    "moderate": gettext_lazy("中度集中"),
    "low": gettext_lazy("不集中"),
}
REASON_TEMPLATES = {
    "top_supplier": gettext_lazy("第一大供应商占环节采购 %(value)s > %(threshold)s"),
    "outside_province_high": gettext_lazy("省外采购占 %(value)s ≥ %(threshold)s"),
    "outside_province_watch": gettext_lazy("省外采购占 %(value)s ≥ %(threshold)s"),
    "hhi": gettext_lazy("供应集中度 HHI %(value)s > %(threshold)s（高度集中）"),
    "single_source_share": gettext_lazy("单一来源企业的采购占环节 %(value)s ≥ %(threshold)s"),
    "ok": gettext_lazy("第一大供应商 %(top)s，HHI %(hhi)s，省外采购 %(outside)s，均低于阈值"),
}


def reason_lines(reasons: list[dict[str, Any]]) -> list[str]:
    """A node's stored reasons in the current language, with their numbers."""
    out = []
    for r in reasons:
        tpl = str(REASON_TEMPLATES[r["code"]])
        if r["code"] == "ok":
            out.append(
                tpl
                % {
                    "top": format_pct(r["top"]),
                    "hhi": f"{r['hhi']:.3f}",
                    "outside": format_pct(r["outside"]),
                }
            )
        elif r["code"] == "hhi":
            out.append(tpl % {"value": f"{r['value']:.3f}", "threshold": f"{r['threshold']:.2f}"})
        else:
            out.append(
                tpl % {"value": format_pct(r["value"]), "threshold": format_pct(r["threshold"])}
            )
    return out


def _chain(request: HttpRequest, pk: int) -> Chain:
    try:
        return chain_selectors.chain_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _run(request: HttpRequest, chain: Chain) -> SupplyRun | None:
    raw = request.GET.get("run") or request.POST.get("run") or ""
    try:
        return selectors.run_for_chain(
            user=request.user, chain=chain, pk=int(raw) if raw.isdigit() else None
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _dependence_rows(request: HttpRequest, run: SupplyRun, chain: Chain) -> dict[str, Any]:
    page, rows = selectors.dependence_tree(
        user=request.user, run=run, chain=chain, page=request.GET.get("page"), per_page=PAGE_SIZE
    )
    return {"page": page, "dep_rows": rows, "n_deps": page.paginator.count}


def _context(request: HttpRequest, chain: Chain, run: SupplyRun | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "chain": chain,
        "run": run,
        "runs": list(selectors.chain_runs(user=request.user, chain=chain)[:20]),
        "verdict_labels": VERDICT_LABELS,
        "can_run": can_run_supply_analysis(request.user, chain.region),
    }
    if run is None:
        return context
    nodes = selectors.node_results(run=run, chain=chain)
    rules = DEFAULT_RULES | run.parameters.get("rules", {})
    labels = selectors.firm_labels(request.user, [n.top_supplier for n in nodes])
    node_rows: list[dict[str, Any]] = [
        {
            "n": n,
            "reasons": reason_lines(n.reasons),
            "top": labels[n.top_supplier_id],
            "verdict_label": VERDICT_LABELS[n.verdict],
            "concentration_label": CONCENTRATION_LABELS.get(n.concentration, n.concentration),
        }
        for n in nodes
    ]
    order = {"high": 0, "watch": 1, "ok": 2}
    risky_nodes = sorted(
        (r for r in node_rows if r["n"].verdict != "ok"),
        key=lambda r: (order[r["n"].verdict], -r["n"].top_supplier_share, r["n"].node.order),
    )
    result = selectors.chain_result(run=run, chain=chain)
    context |= {
        "result": result,
        "node_rows": node_rows,
        "risky_nodes": risky_nodes,
        "summary": selectors.summary(run=run, chain=chain, nodes=nodes),
        "chart": charts.node_option(
            nodes, threshold=run.threshold, hhi_high=float(rules["hhi_high"])
        )
        if nodes
        else None,
        "chart_height": 420,
        "rules": rules,
        "threshold": run.threshold,
        "outside_threshold": float(run.parameters.get("outside_province_threshold", 0.2)),
        "top_k": run.parameters.get("top_k", 5),
    }
    context |= _dependence_rows(request, run, chain)
    return context


@login_required
def chain_supply(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    run = _run(request, chain)
    if run is not None and request.GET.get("partial") == "deps":
        context = {"chain": chain, "run": run} | _dependence_rows(request, run, chain)
        return render(request, "supply/chain.html#deps", context)
    return render(request, "supply/chain.html", _context(request, chain, run))


@login_required
@require_POST
def chain_shock(request: HttpRequest, pk: int) -> HttpResponse:
    from chainboard.supply import shock  # the engine (ibis, scipy) loads on first use only

    chain = _chain(request, pk)
    run = _run(request, chain)
    if run is None:
        raise Http404(_("该产业链还没有供应链风险分析"))
    form = {
        "suppliers": request.POST.get("suppliers", ""),
        "region": request.POST.get("region", "").strip(),
    }
    context: dict[str, Any] = {"chain": chain, "run": run, "form": form}
    status = 200
    try:
        context["shock"] = shock.shock_simulate(
            user=request.user,
            run=run,
            chain=chain,
            suppliers=shock.parse_suppliers(form["suppliers"]),
            region_code=form["region"],
        )
    except DomainError as exc:
        context["shock_error"] = exc.message
        status = 400 if not request.htmx else 200  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "supply/chain.html#shock-result", context, status=status)
    full = _context(request, chain, run) | context
    return render(request, "supply/chain.html", full, status=status)


TRANSACTION_SUFFIXES = (".csv", ".parquet")


def _threshold(text: str) -> float:
    text = (text or "").strip() or "0.5"
    try:
        value = float(text)
    except ValueError:
        raise DomainError(
            f"单一来源阈值应为 0 到 1 之间的小数：{text}",
            fields={"single_source_threshold": text},
        ) from None
    services.parameters_check(value, 0.2, 5)
    return value


@login_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a supply-risk analysis of the chain's region as a background job.

    Everything the page can check is checked before any job (400/403/404): the chain is visible,
    the user may run analyses for its region, a CSV/Parquet file was sent, θ is in (0, 1]. The
    file's content is checked by the job (a located error: file, column, reason)."""
    chain = _chain(request, pk)
    user: Any = require_supply_runner(request.user, chain.region)
    upload = request.FILES.get("transactions")
    if upload is None or not upload.name:
        raise DomainError(_("请选择交易记录文件（CSV 或 Parquet）"), fields={"transactions": ""})
    name = input_name(upload.name)
    if not name.endswith(TRANSACTION_SUFFIXES):
        raise DomainError(
            _("%(name)s：不支持的文件类型，请上传 .csv 或 .parquet") % {"name": upload.name},
            fields={"transactions": upload.name},
        )
    threshold = _threshold(request.POST.get("single_source_threshold", ""))
    source = (request.POST.get("source") or "").strip()[:300] or upload.name
    region = chain.region
    job = job_start(
        actor=user,
        task=tasks.supply_analysis,
        kind="supply_analysis",
        title=f"供应链风险分析 · {region.name} · {upload.name}"[:200],
        scope_label=user.scope_label,
        params={
            "region": region.code,
            "chain": chain.pk,
            "filename": name,
            "single_source_threshold": threshold,
            "publish": request.POST.get("publish") == "on",
            "source": source,
        },
        inputs={name: upload},
    )
    return redirect("jobs:detail", pk=job.pk)

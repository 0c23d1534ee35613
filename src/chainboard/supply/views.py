"""The supply-risk page of a chain 供应链风险 (reads stored runs) and its shock simulation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chainboard.chains import selectors as chain_selectors
from chainboard.chains.models import Chain
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.formatting import format_pct
from chainboard.supply import charts, selectors
from chainboard.supply.models import SupplyFirm, SupplyRun
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
TIER_LABELS = {
    1: gettext_lazy("本地（区域内）"),
    2: gettext_lazy("省内"),
    3: gettext_lazy("国内其他省"),
}
CAPACITY_LABELS = {
    "capacity": gettext_lazy("按产能排序"),
    "revenue": gettext_lazy("按营业收入排序"),
    "observed_sales": gettext_lazy("按已观测销售额排序"),
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


def _backup_reason(b: Any) -> str:
    if b.match == "same_node":
        match = _("同环节 %(node)s") % {
            "node": b.match_node.name if b.match_node else b.match_detail
        }
    else:
        match = _("同品类 %(category)s") % {"category": b.match_detail}
    parts = [match, str(TIER_LABELS.get(b.tier, "")), str(CAPACITY_LABELS[b.capacity_source])]
    if b.already_supplies_buyer:
        parts.append(_("已在向该企业供货"))
    return _("；").join(p for p in parts if p)  # the list separator: "；" or "; "


def _dependence_rows(request: HttpRequest, run: SupplyRun, chain: Chain) -> dict[str, Any]:
    qs = selectors.dependences(user=request.user, run=run, chain=chain)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    deps = list(page.object_list)
    buyer_ids = [d.firm_id for d in deps]
    risky = selectors.risky_for(run=run, buyer_ids=buyer_ids)
    nodes = selectors.buyer_nodes(run=run, chain=chain, firm_ids=buyer_ids)
    firms: list[SupplyFirm] = []
    for d in deps:
        firms += [d.firm, d.top_supplier]
        for r in risky.get(d.firm_id, []):
            firms.append(r.supplier)
            firms += [b.backup for b in r.backups.all()]
    labels = selectors.firm_labels(request.user, firms)
    rows = []
    for d in deps:
        rows.append(
            {
                "dep": d,
                "buyer": labels[d.firm_id],
                "top": labels[d.top_supplier_id],
                "nodes": nodes.get(d.firm_id, []),
                "risky": [
                    {
                        "r": r,
                        "supplier": labels[r.supplier_id],
                        "backups": [
                            {"b": b, "firm": labels[b.backup_id], "reason": _backup_reason(b)}
                            for b in r.backups.all()
                        ],
                    }
                    for r in risky.get(d.firm_id, [])
                ],
            }
        )
    return {"page": page, "dep_rows": rows, "n_deps": page.paginator.count}


def _context(request: HttpRequest, chain: Chain, run: SupplyRun | None) -> dict[str, Any]:
    context: dict[str, Any] = {
        "chain": chain,
        "run": run,
        "runs": list(selectors.chain_runs(user=request.user, chain=chain)[:20]),
        "verdict_labels": VERDICT_LABELS,
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

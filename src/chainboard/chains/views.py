"""Chain pages: list, panorama 全景图, service structure 配套服务体系结构图, review queue, clusters."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import authenticated, require_link_reviewer
from chainboard.accounts.services import security_event_record
from chainboard.chains import charts, clusters, exports, selectors, services, tasks
from chainboard.chains.gap_panels import gap_items
from chainboard.chains.models import Chain, LinkState
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound, OutOfScope
from chainboard.core.locking import posted_version
from chainboard.jobs.services import job_start


def _year(request: HttpRequest) -> int | None:
    try:
        return int(request.GET["year"]) if request.GET.get("year") else None
    except ValueError:
        return None


def _chain(request: HttpRequest, pk: int) -> Chain:
    try:
        return selectors.chain_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rows: list[dict[str, Any]] = []
    for chain in selectors.chains_visible(request.user).order_by("region_id", "name"):
        p = selectors.chain_panorama(user=request.user, chain=chain)
        rows.append({"chain": chain, "p": p, "gaps": len(p.report.gaps)})
    by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_region[r["chain"].region.name].append(r)
    return render(request, "chains/index.html", {"by_region": dict(by_region), "n": len(rows)})


@login_required
def panorama(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    p = selectors.chain_panorama(user=request.user, chain=chain, year=_year(request))
    gap_nodes = [g["node"].pk for g in p.gaps]
    targets = selectors.investment_targets(
        user=request.user, chain=chain, node_ids=gap_nodes, year=p.year
    )
    pipeline = gap_items(request.user, chain, gap_nodes)
    gaps = [
        g | {"targets": targets.get(g["node"].pk, []), "pipeline": pipeline.get(g["node"].pk, [])}
        for g in p.gaps
    ]
    context = {
        "chain": chain,
        "p": p,
        "gaps": gaps,
        "chart": charts.panorama_option(p),
        "chart_height": charts.panorama_height(p),
        "leaders": chain.leader_firms.filter(
            pk__in=selectors.local_links(request.user, chain).values("enterprise_id")
        ),
        "stages": [(s, charts.STAGE_TITLES[s], p.by_stage(s)) for s in charts.STAGE_TITLES],
        "pending": selectors.review_queue(user=request.user, chain=chain).count(),
    }
    return render(request, "chains/panorama.html", context)


@login_required
def node_firms(request: HttpRequest, pk: int, node: int) -> HttpResponse:
    chain = _chain(request, pk)
    try:
        n = selectors.node_get(user=request.user, chain=chain, pk=node)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    year = _year(request) or selectors.latest_year([])
    rows = selectors.node_firms(user=request.user, chain=chain, node=n, year=year)
    return render(
        request,
        "chains/panorama.html#node-firms",
        {"chain": chain, "node": n, "rows": rows, "year": year},
    )


@login_required
def service_structure(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    p = selectors.chain_panorama(user=request.user, chain=chain, year=_year(request))
    service_ids = [v.node.pk for v in p.by_stage("service")]
    providers: dict[int, list[str]] = defaultdict(list)
    for node_id, name in (
        selectors.local_links(request.user, chain)
        .filter(node_id__in=service_ids)
        .order_by("node_id", "enterprise__name")
        .values_list("node_id", "enterprise__name")
    ):
        providers[node_id].append(name)
    context = {
        "chain": chain,
        "p": p,
        "services": p.by_stage("service"),
        "providers": providers,
        "chart": charts.services_option(p, providers),
        "chart_height": max(
            420, 28 * (len(service_ids) + sum(min(len(v), 9) for v in providers.values()))
        ),
    }
    return render(request, "chains/services.html", context)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    user = authenticated(request.user)
    if request.method == "POST":
        require_link_reviewer(user)  # a role that may not review is refused before the form
        ids = [int(x) for x in request.POST.getlist("link") if x.isdigit()]
        state = request.POST.get("decision", "")
        links = list(selectors.review_queue(user=user, chain=chain, state="").filter(pk__in=ids))
        try:
            if not links:
                raise DomainError("请先勾选要审核的挂链记录")
            n = services.link_review(
                links=links,
                state=state,
                actor=user,
                note=request.POST.get("note", ""),
                versions={link.pk: posted_version(request.POST, f"v{link.pk}") for link in links},
            )
        except OutOfScope:
            raise  # the 403 page (core.middleware.DomainErrorMiddleware)
        except DomainError as exc:  # a conflict lists the links others decided meanwhile
            messages.error(request, exc.message)
        else:
            label = LinkState(state).label
            messages.success(request, f"已将 {n} 条挂链标记为“{label}”")
        return redirect(request.get_full_path())
    state = request.GET.get("state", LinkState.PROPOSED)
    node = request.GET.get("node")
    try:
        max_conf = (
            Decimal(request.GET["max_confidence"]) if request.GET.get("max_confidence") else None
        )
    except InvalidOperation:
        max_conf = None
    qs = selectors.review_queue(
        user=user,
        chain=chain,
        state=state,
        node=int(node) if node and node.isdigit() else None,
        max_confidence=max_conf,
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    context = {
        "chain": chain,
        "page": page,
        "state": state,
        "states": LinkState.choices,
        "nodes": chain.nodes.order_by("order"),
        "node": node,
        "max_confidence": request.GET.get("max_confidence", ""),
    }
    return render(request, "chains/review.html", context)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@login_required
def export_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    chain = _chain(request, pk)
    path = exports.chain_workbook(user=request.user, chain=chain, year=_year(request))
    name = f"{chain.region.name}{chain.name}-{_stamp()}.xlsx"
    security_event_record("export", request=request, target=f"产业链#{chain.pk}", detail=name)
    return download(path, name)


@login_required
def export_svg(request: HttpRequest, pk: int) -> HttpResponseBase:
    chain = _chain(request, pk)
    p = selectors.chain_panorama(user=request.user, chain=chain, year=_year(request))
    svg = charts.panorama_svg(
        p, title=f"{chain.region.name}{chain.name}全景图（{p.year or '—'}年）"
    )
    return download(svg, f"{chain.region.name}{chain.name}全景图.svg")


@login_required
@require_POST
def brief_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Start the PDF brief as a background job (``chains.tasks``); the job page offers it."""
    text = (request.POST.get("year") or "").strip()
    if text and not (text.isdigit() and 2000 <= int(text) <= 2100):
        raise DomainError(f"年份应为 2000–2100 之间的四位数字：{text}", fields={"year": text})
    chain = _chain(request, pk)
    user: Any = request.user
    job = job_start(
        actor=user,
        task=tasks.chain_brief,
        kind="chain_brief",
        title=f"产业链简报 PDF · {chain.region.name}{chain.name}" + (f" {text}年" if text else ""),
        scope_label=user.scope_label,
        params={"chain": chain.pk, "year": int(text) if text else None},
    )
    return redirect("jobs:detail", pk=job.pk)


# --- clusters ---------------------------------------------------------------------------------


@login_required
def cluster_list(request: HttpRequest) -> HttpResponse:
    rows = clusters.league(user=request.user)
    context = {
        "rows": rows,
        "big": sum(1 for r in rows if r["big"]),
        "chart": charts.league_option(rows) if rows else None,
        "chart_height": max(240, 30 * len(rows) + 40),
    }
    return render(request, "chains/clusters.html", context)


@login_required
def cluster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        cluster = selectors.cluster_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    figures = clusters.cluster_figures(user=request.user, cluster=cluster)
    progress = [x["progress"] for x in figures["progress"]]
    years = sorted(set(figures["series"]) | {x.year for x in progress})
    chart = charts.cluster_trend_option(
        years,
        [figures["series"].get(y) for y in years],
        {x.year: x.target for x in progress},
        {x.year: x.projected for x in progress if x.projected is not None},
    )
    return render(
        request, "chains/cluster.html", {"cluster": cluster, "f": figures, "chart": chart}
    )


@login_required
def node_edit(request: HttpRequest, pk: int, node: int) -> HttpResponse:
    """A segment's page for the chain's keepers: rename, codes, keywords, exclusions — with a
    preview of the automatic links before saving — and its change history."""
    from chainboard.accounts.scope import can_edit_chain_records, require_chain_records_editor
    from chainboard.chains import editing

    chain = _chain(request, pk)
    user = authenticated(request.user)
    try:
        n = selectors.node_get(user=user, chain=chain, pk=node)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    fields = ("name", *editing.LIST_FIELDS, "description")
    data = {f: request.POST[f] for f in fields if f in request.POST}
    preview = None
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        if request.POST.get("preview"):
            preview = editing.node_edit_preview(node=n, user=user, data=data)
        else:
            editing.node_edit(
                node=n, actor=user, data=data, expected_version=posted_version(request.POST)
            )
            messages.success(request, "已保存环节；重新运行自动挂链后生效")
            return redirect("chains:node_edit", pk=chain.pk, node=n.pk)
    else:
        data = {"name": n.name, "description": n.description} | {
            f: "、".join(getattr(n, f)) for f in editing.LIST_FIELDS
        }
    context = {
        "chain": chain,
        "node": n,
        "data": data,
        "preview": preview,
        "can_edit": can_edit_chain_records(user, chain),
        "history": n.history.select_related("history_user").all()[:30],
    }
    return render(request, "chains/node_edit.html", context)


@login_required
def export_yaml(request: HttpRequest, pk: int) -> HttpResponseBase:
    from chainboard.chains import editing

    chain = _chain(request, pk)
    text = editing.chain_template_yaml(chain)
    # a Chinese file name, like every download (the code is an id officials do not read)
    return download(text.encode(), f"{chain.name}-产业链模板.yaml", content_type="application/yaml")

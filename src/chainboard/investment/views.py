"""Pages of the 招商 pipeline: the list with filters and paging, a lead's detail with its
timeline and stage actions, the create/edit forms, the funnel per chain and county, the xlsx
export. Reads through ``selectors``, writes through ``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from chainboard.accounts import scope
from chainboard.accounts.services import security_event_record
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.filters import filtered
from chainboard.core.locking import EditConflict, posted_version
from chainboard.investment import charts, exports, selectors, services
from chainboard.investment.filters import LeadFilter
from chainboard.investment.models import (
    HOLD_STAGES,
    PIPELINE,
    ActivityKind,
    Lead,
    LeadSource,
    LeadStage,
)

PAGE_SIZE = 50


def _get(request: HttpRequest, pk: int) -> Lead:
    try:
        return selectors.lead_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _message(exc: DomainError) -> str:
    """A conflict's message with the other user's values; else the message."""
    return exc.summary() if isinstance(exc, EditConflict) else exc.message


def _filtered(request: HttpRequest) -> tuple[LeadFilter, Any]:
    filters = LeadFilter(request.GET, queryset=selectors.lead_list(user=request.user))
    return filters, filtered(filters)


@login_required
def lead_index(request: HttpRequest) -> HttpResponse:
    """The pipeline: every lead the user sees, filtered by chain, county, stage, owner."""
    scope.require_overview_reader(request.user)
    filters, rows = _filtered(request)
    page = Paginator(rows.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    visible = selectors.lead_list(user=request.user).order_by()
    context = {
        "page": page,
        "filters": filters,
        "stages": LeadStage.choices,
        "sources": LeadSource.choices,
        "chains": selectors.chains_for_leads(user=request.user).filter(
            pk__in=visible.values("chain_id")
        ),
        "regions": selectors.counties_for_leads(user=request.user).filter(
            pk__in=visible.values("region_id")
        ),
        "owners": selectors.owners_for(user=request.user).filter(pk__in=visible.values("owner_id")),
        "funnel": selectors.funnel(rows),
        "can_keep": scope.can_keep_leads(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "investment/list.html", context)


def _choices(request: HttpRequest) -> dict[str, Any]:
    chains = list(selectors.chains_for_leads(user=request.user))
    nodes = selectors.nodes_by_chain([c.pk for c in chains])
    return {
        "chains": chains,
        "chain_nodes": [(c, nodes.get(c.pk, [])) for c in chains],
        "counties": selectors.counties_for_leads(user=request.user),
        "owners": selectors.owners_for(user=request.user),
        "sources": LeadSource.choices,
    }


def _posted(request: HttpRequest) -> dict[str, Any]:
    """The form's fields, related rows resolved among those the user may choose."""
    p = request.POST
    data: dict[str, Any] = {
        f: p.get(f, "")
        for f in (
            "name",
            "uscc",
            "origin",
            "products",
            "amount_wan_yuan",
            "contacts",
            "source",
            "next_step",
            "next_step_on",
            "notes",
        )
    }
    chain = selectors.chains_for_leads(user=request.user).filter(pk=_int(p.get("chain"))).first()
    if chain is None:
        raise DomainError("请选择产业链", fields={"chain": "必选"})
    data["chain"] = chain
    node_id = _int(p.get("node"))
    data["node"] = None
    if node_id:
        node = selectors.nodes_for(chain).filter(pk=node_id).first()
        if node is None:
            raise DomainError(f"所选环节不属于「{chain.name}」", fields={"node": str(node_id)})
        data["node"] = node
    county = selectors.counties_for_leads(user=request.user).filter(code=p.get("region")).first()
    if county is None:
        raise DomainError("请选择负责区县", fields={"region": "必选"})
    data["region"] = county
    owner_id = _int(p.get("owner"))
    data["owner"] = (
        selectors.owners_for(user=request.user).filter(pk=owner_id).first() if owner_id else None
    )
    if owner_id and data["owner"] is None:
        raise DomainError("负责人不在可选范围内", fields={"owner": str(owner_id)})
    return data


@login_required
def lead_new(request: HttpRequest) -> HttpResponse:
    """A new lead (manual entry, or from a gap of the panorama: ``?chain=&node=``)."""
    scope.require_lead_keeper(request.user)
    error, status = "", 200
    if request.method == "POST":
        try:
            lead = services.lead_create(actor=request.user, data=_posted(request))
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error, status = exc.message, 400
        else:
            messages.success(request, f"已录入招商线索：{lead.name}")
            return redirect("investment:detail", pk=lead.pk)
    home = scope.home_region(request.user)
    initial = {
        "chain": _int(request.GET.get("chain")),
        "node": _int(request.GET.get("node")),
        "source": LeadSource.GAP if request.GET.get("node") else LeadSource.MANUAL,
        "region": home.code if home is not None and home.level == "county" else "",
        "owner": request.user.pk,
    }
    context = {
        **_choices(request),
        "data": request.POST if request.method == "POST" else initial,
        "error": error,
        "lead": None,
    }
    return render(request, "investment/form.html", context, status=status)


@login_required
def lead_edit(request: HttpRequest, pk: int) -> HttpResponse:
    lead = _get(request, pk)
    scope.require_lead_editor(request.user, lead)
    error, status = "", 200
    if request.method == "POST":
        try:
            services.lead_update(
                actor=request.user,
                lead_id=lead.pk,
                data=_posted(request),
                expected_version=posted_version(request.POST),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error, status = _message(exc), 400
            if exc.code == "conflict":
                lead = _get(request, pk)
        else:
            messages.success(request, "已保存")
            return redirect("investment:detail", pk=lead.pk)
    data = (
        request.POST
        if request.method == "POST" and status == 400 and "conflict" not in error
        else {
            "name": lead.name,
            "uscc": lead.uscc,
            "origin": lead.origin,
            "products": lead.products,
            "amount_wan_yuan": lead.amount_wan_yuan if lead.amount_wan_yuan is not None else "",
            "contacts": lead.contacts,
            "source": lead.source,
            "chain": lead.chain_id,
            "node": lead.node_id or 0,
            "region": lead.region.code,
            "owner": lead.owner_id or 0,
            "next_step": lead.next_step,
            "next_step_on": lead.next_step_on.isoformat() if lead.next_step_on else "",
            "notes": lead.notes,
        }
    )
    context = {**_choices(request), "data": data, "error": error, "lead": lead}
    return render(request, "investment/form.html", context, status=status)


def _act(request: HttpRequest, lead: Lead) -> str:
    """Run the posted action of the detail page; the success message."""
    p = request.POST
    action = p.get("action", "")
    if action == "move":
        stage = p.get("stage", "")
        project = None
        code = (p.get("project") or "").strip()
        if stage == LeadStage.LANDED and code:
            project = (
                selectors.projects_to_link(user=request.user, lead=lead).filter(code=code).first()
            )
            if project is None:
                raise DomainError(
                    "所选项目不存在、不在该区县或已关联其他线索", fields={"project": code}
                )
        on = p.get("on") or None
        moved = services.lead_move(
            actor=request.user,
            lead_id=lead.pk,
            stage=stage,
            expected_version=posted_version(p),
            reason=p.get("reason", ""),
            on=services._date(on, "on", "日期") if on else None,
            project=project,
        )
        if moved.stage == LeadStage.LANDED and moved.project is not None:
            return f"已落地，关联项目：{moved.project.name}"
        return f"已转入「{moved.get_stage_display()}」"
    if action == "activity":
        services.activity_add(
            actor=request.user,
            lead=lead,
            kind=p.get("kind", ""),
            on=p.get("on", ""),
            people=p.get("people", ""),
            content=p.get("content", ""),
        )
        return "已添加记录"
    raise DomainError(f"未知的操作“{action}”", fields={"action": action})


def _moves(lead: Lead) -> list[tuple[str, str, bool]]:
    """(stage, label, needs a reason) of the moves the detail page offers."""
    out: list[tuple[str, str, bool]] = []
    for stage in LeadStage:
        try:
            kind = services.check_move(lead, stage, "原因")
        except DomainError:
            continue
        out.append((stage.value, stage.label, kind != "forward"))
    return out


@login_required
def lead_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One lead: its fields, the project it landed as, the timeline and the actions."""
    lead = _get(request, pk)
    error, status = "", 200
    if request.method == "POST":
        scope.require_lead_editor(request.user, lead)
        try:
            done = _act(request, lead)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error, status = _message(exc), 400
        else:
            messages.success(request, done)
            return redirect("investment:detail", pk=lead.pk)
        lead = _get(request, pk)
    can_edit = scope.can_edit_lead(request.user, lead)
    context = {
        "lead": lead,
        "timeline": selectors.lead_timeline(lead),
        "can_edit": can_edit,
        "moves": _moves(lead) if can_edit else [],
        "pipeline": [(s.value, s.label, i) for i, s in enumerate(PIPELINE)],
        "reached": PIPELINE.index(
            LeadStage(lead.held_from or LeadStage.LEAD)
            if lead.stage in HOLD_STAGES
            else LeadStage(lead.stage)
        ),
        "projects": selectors.projects_to_link(user=request.user, lead=lead)[:200]
        if can_edit and lead.stage == LeadStage.SIGNED
        else [],
        "kinds": [(v, label) for v, label in ActivityKind.choices if v != ActivityKind.STAGE],
        "today": timezone.localdate(),
        "error": error,
        "posted": request.POST,
    }
    return render(request, "investment/detail.html", context, status=status)


@login_required
def funnel(request: HttpRequest) -> HttpResponse:
    """The funnel of the leads the user sees, and the leads per chain and per county by stage."""
    scope.require_overview_reader(request.user)
    _, rows = _filtered(request)
    total = selectors.funnel(rows)
    by_chain = selectors.funnels_by(rows, "chain")
    by_county = selectors.funnels_by(rows, "region")
    labels = [str(label) for label in LeadStage.labels]
    context = {
        "f": total,
        "labels": labels,
        "by_chain": by_chain,
        "by_county": by_county,
        "chart": charts.funnel_option(total["stages"]),
        "chart_chain": charts.stacked_by(by_chain, labels),
        "chart_county": charts.stacked_by(by_county, labels),
        "chain_height": max(240, 40 + 28 * len(by_chain)),
        "county_height": max(240, 40 + 28 * len(by_county)),
    }
    return render(request, "investment/funnel.html", context)


@login_required
def lead_export(request: HttpRequest) -> HttpResponseBase:
    """The (filtered) pipeline as xlsx with a Chinese name."""
    scope.require_overview_reader(request.user)
    _, rows = _filtered(request)
    rows = rows.select_related("owner", "project").order_by("region__code", "chain_id", "name")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"招商线索-{stamp}.xlsx"
    security_event_record("export", request=request, target="招商线索", detail=name)
    return download(exports.leads_xlsx(rows.iterator(chunk_size=2000)), name)

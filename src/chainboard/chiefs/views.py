"""Pages of the 链长制, 攻关清单, 揭榜挂帅 and 创新联合体: parse, call a service, render.

A refused write (``OutOfScope``) is the 403 page, an invisible object 404, a bad value or an
illegal stage transition the 400 page with the Chinese message (``core.middleware``); nothing is
written in any of these cases.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import (
    authenticated,
    can_apply_to_call,
    can_edit_chain_records,
    require_chain_records_editor,
)
from chainboard.chains.models import Chain, ChainNode
from chainboard.chiefs import forms, selectors, services
from chainboard.chiefs.models import ApplicantKind, Call, CallStage, OrgKind
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.locking import EditConflict, form_conflict, posted_version


def _get(fn: Any, **kwargs: Any) -> Any:
    try:
        return fn(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _chain(request: HttpRequest, pk: int) -> Chain:
    return _get(selectors.chain_get, user=request.user, pk=pk)


def _history(*objects: Any, limit: int = 30) -> list[Any]:
    rows: list[Any] = []
    for obj in objects:
        rows.extend(obj.history.select_related("history_user").all()[:limit])
    return sorted(rows, key=lambda h: h.history_date, reverse=True)[:limit]


# --- 链长制 ----------------------------------------------------------------------------------


@login_required
def org(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    user = authenticated(request.user)
    if request.method == "POST":
        require_chain_records_editor(user, chain)  # before the form: 403, not 400
        form = forms.OrgMemberForm(request.POST, chain=chain)
        services.org_member_save(chain=chain, actor=user, data=form.resolved(user))
        messages.success(request, "已添加链长制成员")
        return redirect("chiefs:org", pk=chain.pk)
    members = list(selectors.org_members(user=user, chain=chain))
    context = {
        "chain": chain,
        "tab": "org",
        "groups": selectors.org_grouped(members),
        "form": forms.OrgMemberForm(chain=chain),
        "can_edit": can_edit_chain_records(user, chain),
    }
    return render(request, "chiefs/org.html", context)


@login_required
def org_member(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    chain = _chain(request, pk)
    user = authenticated(request.user)
    m = _get(selectors.org_member_get, user=user, chain=chain, pk=member)
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        if request.POST.get("delete"):
            services.org_member_delete(member=m, actor=user)
            messages.success(request, f"已删除 {m.name}")
        else:
            form = forms.OrgMemberForm(request.POST, chain=chain)
            services.org_member_save(chain=chain, actor=user, data=form.resolved(user), member=m)
            messages.success(request, f"已保存 {m.name}")
        return redirect("chiefs:org", pk=chain.pk)
    initial = {
        "kind": m.kind,
        "name": m.name,
        "title": m.title,
        "username": m.user.username if m.user else "",
        "uscc": m.enterprise.uscc if m.enterprise else "",
        "region": m.region_id,
        "duties": m.duties,
        "contact": m.contact,
        "phone": m.phone,
    }
    context = {
        "chain": chain,
        "tab": "org",
        "member": m,
        "form": forms.OrgMemberForm(initial=initial, chain=chain),
        "can_edit": can_edit_chain_records(user, chain),
        "history": _history(m),
    }
    return render(request, "chiefs/org_member.html", context)


# --- 攻关清单 ---------------------------------------------------------------------------------


def _chokepoint_write(request: HttpRequest, chain: Chain, item: Any = None) -> Any:
    user = authenticated(request.user)
    data = forms.form_data(forms.ChokepointForm(request.POST))
    firms = forms.firms_by_uscc(user, data.pop("firms", ""))
    nodes = forms.nodes_by_id(request.POST.getlist("nodes"))
    return services.chokepoint_save(
        chain=chain,
        actor=user,
        data=data,
        nodes=nodes,
        needing_firms=firms,
        chokepoint=item,
        expected_version=posted_version(request.POST) if item is not None else None,
    )


@login_required
def chokepoints(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    user = authenticated(request.user)
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        item = _chokepoint_write(request, chain)
        messages.success(request, f"已列入攻关清单：{item.technology}")
        return redirect("chiefs:chokepoint", pk=chain.pk, item=item.pk)
    context = {
        "chain": chain,
        "tab": "chokepoints",
        "items": list(selectors.chokepoints(user=user, chain=chain)),
        "risks": selectors.node_risks(user=user, chain=chain),
        "nodes": ChainNode.objects.filter(chain=chain).order_by("order"),
        "form": forms.ChokepointForm(),
        "can_edit": can_edit_chain_records(user, chain),
    }
    return render(request, "chiefs/chokepoints.html", context)


@login_required
def chokepoint(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    chain = _chain(request, pk)
    user = authenticated(request.user)
    obj = _get(selectors.chokepoint_get, user=user, chain=chain, pk=item)
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        if request.POST.get("form") == "call":
            data = forms.form_data(forms.CallForm(request.POST))
            call = services.call_save(chokepoint=obj, actor=user, data=data)
            messages.success(request, f"已编制榜单（草稿）：{call.title}")
            return redirect("chiefs:call", call=call.pk)
        try:
            _chokepoint_write(request, chain, obj)
        except EditConflict as exc:  # the form again, with the user's input and the others' values
            form = forms.ChokepointForm(request.POST)
            form.is_valid()
            form_conflict(form, exc)
            selected = {int(x) for x in request.POST.getlist("nodes") if x.isdigit()}
            return _chokepoint_page(request, chain, obj, form, selected, status=409)
        messages.success(request, "已保存")
        return redirect("chiefs:chokepoint", pk=chain.pk, item=obj.pk)
    initial = {
        "technology": obj.technology,
        "reason": obj.reason,
        "reason_detail": obj.reason_detail,
        "import_share": obj.import_share,
        "foreign_supplier": obj.foreign_supplier,
        "domestic_state": obj.domestic_state,
        "firms": " ".join(f.uscc for f in obj.needing_firms.all()),
        "target": obj.target,
        "target_year": obj.target_year,
        "version": obj.version,
    }
    selected = {n.pk for n in obj.nodes.all()}
    return _chokepoint_page(request, chain, obj, forms.ChokepointForm(initial=initial), selected)


def _chokepoint_page(
    request: HttpRequest,
    chain: Chain,
    obj: Any,
    form: forms.ChokepointForm,
    selected: set[int],
    status: int = 200,
) -> HttpResponse:
    user = authenticated(request.user)
    risks = selectors.node_risks(user=user, chain=chain)
    context = {
        "chain": chain,
        "tab": "chokepoints",
        "item": obj,
        "node_risks": [(n, risks.get(n.pk)) for n in obj.nodes.all()],
        "nodes": ChainNode.objects.filter(chain=chain).order_by("order"),
        "selected": selected,
        "form": form,
        "call_form": forms.CallForm(
            initial={"title": f"{obj.technology}揭榜挂帅", "goal": obj.target}
        ),
        "can_edit": can_edit_chain_records(user, chain),
        "history": _history(obj),
    }
    return render(request, "chiefs/chokepoint.html", context, status=status)


# --- 揭榜挂帅 ---------------------------------------------------------------------------------


@login_required
def calls(request: HttpRequest) -> HttpResponse:
    user = authenticated(request.user)
    rows = selectors.calls_visible(user).order_by("-pk")
    context = {
        "calls": rows,
        "own": selectors.own_applications(user)[:50],
        "report": selectors.report(user=user),
    }
    return render(request, "chiefs/calls.html", context)


@login_required
def call_detail(request: HttpRequest, call: int) -> HttpResponse:
    user = authenticated(request.user)
    c: Call = _get(selectors.call_get, user=user, pk=call)
    return _call_page(request, c)


def _call_page(
    request: HttpRequest,
    c: Call,
    edit: dict[str, Any] | None = None,
    conflict: EditConflict | None = None,
) -> HttpResponse:
    """The call's page; after a conflicting edit of the draft (``conflict``) the edit form shows
    the user's input (``edit``), the others' values and the current version (status 409)."""
    user = authenticated(request.user)
    apps = list(selectors.applications(user=user, call=c))
    for a in apps:
        a.average = services.average_score(a)  # type: ignore[attr-defined]
    firm = user.scope_enterprise
    can_edit = can_edit_chain_records(user, c.chain)
    context = {
        "call": c,
        "chain": c.chain,
        "applications": apps,
        "milestones": list(c.milestones.all()),
        "checks": list(c.midterm_checks.all()),
        "can_edit": can_edit,
        "can_apply": c.stage == CallStage.PUBLISHED and (can_edit or can_apply_to_call(user, firm)),
        "firm": firm if can_apply_to_call(user, firm) else None,
        "apply_form": forms.ApplicationForm(
            initial={"uscc": firm.uscc if firm else "", "applicant_kind": ApplicantKind.FIRM}
        ),
        "review_form": forms.ReviewForm(),
        "milestone_form": forms.MilestoneForm(),
        "midterm_form": forms.MidtermForm(),
        "history": _history(c, *apps),
        "stages": CallStage,
        "edit": edit
        or {
            "title": c.title,
            "goal": c.goal,
            "indicators": "\n".join(c.indicators),
            "budget_wan_yuan": c.budget_wan_yuan,
            "period_months": c.period_months,
            "eligibility": c.eligibility,
            "apply_by": c.apply_by.isoformat() if c.apply_by else "",
            "version": c.version,
        },
        "conflict": conflict,
    }
    return render(request, "chiefs/call.html", context, status=409 if conflict else 200)


ACTIONS = (
    "edit",
    "publish",
    "apply",
    "close",
    "review",
    "award",
    "milestone",
    "paid",
    "midterm",
    "accept",
)


@login_required
@require_POST
def call_action(request: HttpRequest, call: int, action: str) -> HttpResponse:
    """One stage step of a call (``action``), each a service function."""
    user = authenticated(request.user)
    c: Call = _get(selectors.call_get, user=user, pk=call)
    post = request.POST
    if action not in ACTIONS:
        raise Http404("没有这个操作")
    if action != "apply":  # every other step is the chain keepers' (403 before reading the form)
        require_chain_records_editor(user, c.chain)
    if action == "edit":
        try:
            services.call_save(
                chokepoint=c.chokepoint,
                actor=user,
                data=forms.form_data(forms.CallForm(post)),
                call=c,
                expected_version=posted_version(post),
            )
        except EditConflict as exc:
            edit: dict[str, Any] = {k: post.get(k, "") for k in services.CALL_FIELDS}
            edit["version"] = exc.version
            return _call_page(request, c, edit=edit, conflict=exc)
        done = "已保存榜单"
    elif action == "publish":
        services.call_publish(call=c, actor=user)
        done = "榜单已发布，开始揭榜"
    elif action == "apply":
        data = forms.form_data(forms.ApplicationForm(post))
        enterprise = (
            forms.firm_by_uscc(user, data["uscc"])
            if data["applicant_kind"] == ApplicantKind.FIRM
            else None
        )
        services.application_submit(
            call=c,
            actor=user,
            applicant_kind=data["applicant_kind"],
            enterprise=enterprise,
            applicant_name=data["applicant_name"],
            team_lead=data["team_lead"],
            team=data["team"],
            plan=data["plan"],
            budget_wan_yuan=data["budget_wan_yuan"],
        )
        done = "已揭榜"
    elif action == "close":
        services.call_close(call=c, actor=user)
        done = "已截止揭榜，进入专家评审"
    elif action == "review":
        data = forms.form_data(forms.ReviewForm(post))
        a = _get(selectors.application_get, user=user, call=c, pk=data["application"])
        services.review_record(
            application=a,
            actor=user,
            expert=data["expert"],
            score=data["score"],
            conflict=data["conflict"],
            conflict_note=data["conflict_note"],
            comment=data["comment"],
        )
        done = f"已录入 {data['expert']} 的评审"
    elif action == "award":
        data = forms.form_data(forms.AwardForm(post))
        a = _get(selectors.application_get, user=user, call=c, pk=data["application"])
        services.call_award(call=c, application=a, actor=user, team_lead=data["team_lead"])
        done = f"{a.applicant_name} 揭榜挂帅"
    elif action == "milestone":
        data = forms.form_data(forms.MilestoneForm(post))
        services.milestone_add(call=c, actor=user, **data)
        done = "已添加合同节点"
    elif action == "paid":
        m = c.milestones.filter(
            pk=int(post.get("milestone", "0") or 0)
            if str(post.get("milestone", "")).isdigit()
            else 0
        ).first()
        if m is None:
            raise DomainError("合同节点不存在")
        services.milestone_done(milestone=m, actor=user)
        done = f"节点「{m.title}」已完成并拨付"
    elif action == "midterm":
        data = forms.form_data(forms.MidtermForm(post))
        services.midterm_check_record(call=c, actor=user, **data)
        done = "已记录中期检查"
    elif action == "accept":
        achieved = {
            ind: post.get(f"ind{i}") == "1"
            for i, ind in enumerate(c.indicators)
            if post.get(f"ind{i}") in ("0", "1")
        }
        services.call_accept(call=c, actor=user, achieved=achieved, note=post.get("note", ""))
        done = "验收结果已记录，并回填攻关清单"
    else:
        raise Http404("没有这个操作")
    messages.success(request, done)
    return redirect("chiefs:call", call=c.pk)


# --- 创新联合体 --------------------------------------------------------------------------------


@login_required
def consortia(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    user = authenticated(request.user)
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        if request.POST.get("form") == "member":
            data = forms.form_data(forms.ConsortiumMemberForm(request.POST))
            c = _get(selectors.consortium_get, user=user, chain=chain, pk=data["consortium"])
            services.consortium_member_add(
                consortium=c,
                actor=user,
                kind=data["kind"],
                name=data["name"],
                role=data["role"],
                enterprise=forms.firm_by_uscc(user, data["uscc"]),
            )
            messages.success(request, "已添加成员")
        else:
            data = forms.form_data(forms.ConsortiumForm(request.POST, chain=chain))
            lead = forms.firm_by_uscc(user, data["lead"], "牵头企业")
            node = ChainNode.objects.filter(pk=data["node"]).first() if data["node"] else None
            item = (
                chain.chokepoints.filter(pk=data["chokepoint"]).first()
                if data["chokepoint"]
                else None
            )
            assert lead is not None
            services.consortium_save(
                chain=chain,
                actor=user,
                name=data["name"],
                lead=lead,
                node=node,
                chokepoint=item,
                founded_on=data["founded_on"],
                outputs=data["outputs"],
            )
            messages.success(request, f"已组建创新联合体：{data['name']}")
        return redirect("chiefs:consortia", pk=chain.pk)
    rows = list(selectors.consortia(user=user, chain=chain))
    for c in rows:
        c.lead_label = selectors.firm_label(user, c.lead, c.lead.name)  # type: ignore[attr-defined]
        for m in c.members.all():
            m.label = selectors.firm_label(user, m.enterprise, m.name)  # type: ignore[attr-defined]
    context = {
        "chain": chain,
        "tab": "consortia",
        "consortia": rows,
        "form": forms.ConsortiumForm(chain=chain),
        "member_form": forms.ConsortiumMemberForm(),
        "can_edit": can_edit_chain_records(user, chain),
        "kinds": OrgKind,
    }
    return render(request, "chiefs/consortia.html", context)


@login_required
def report(request: HttpRequest) -> HttpResponse:
    user = authenticated(request.user)
    return render(request, "chiefs/report.html", {"report": selectors.report(user=user)})


# --- xlsx exports ----------------------------------------------------------------------------


@login_required
def chokepoints_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The chain's 攻关清单 as xlsx, in the import template's columns (re-importable)."""
    from chainboard.chiefs import exports

    chain = _chain(request, pk)
    path = exports.chokepoints_workbook(user=request.user, chain=chain)
    return download(path, f"{chain.name}攻关清单.xlsx")


@login_required
def calls_export(request: HttpRequest) -> HttpResponseBase:
    """The 揭榜挂帅 calls the user sees as xlsx."""
    from chainboard.chiefs import exports

    return download(exports.calls_workbook(user=request.user), "揭榜挂帅榜单.xlsx")

"""Pages of 政企直通车: the list (a firm's own requests / the officer's queue), the form, the
detail with its step timeline and the actions of the flow, the dashboard, the routing rules."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from chainboard.accounts import scope
from chainboard.core.downloads import download
from chainboard.core.errors import DomainError, NotFound
from chainboard.core.filters import filtered
from chainboard.enterprises.models import Enterprise
from chainboard.firmrequests import selectors, services
from chainboard.firmrequests.filters import RequestFilter
from chainboard.firmrequests.models import Category, Department, FirmRequest, Status, Urgency
from chainboard.geo.models import Region
from chainboard.imports.attachments import Upload

PAGE_SIZE = 50
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}


def _get(request: HttpRequest, pk: int) -> FirmRequest:
    try:
        return selectors.request_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _own_firm(request: HttpRequest) -> Enterprise | None:
    """The enterprise user's firm (the list and form are about it), else None."""
    firm = getattr(request.user, "scope_enterprise", None)
    if firm is not None and scope.can_confirm_request(request.user, FirmRequest(enterprise=firm)):
        return firm
    return None


@login_required
def request_index(request: HttpRequest) -> HttpResponse:
    """A firm user's own requests, or the officer's queue with filters and paging."""
    qs = selectors.request_list(user=request.user)
    filters = RequestFilter(request.GET, queryset=qs)
    rows = filtered(filters).order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "firm": _own_firm(request),
        "today": services.local_today(),
        "statuses": Status.choices,
        "categories": Category.choices,
        "urgencies": Urgency.choices,
        "regions": Region.objects.filter(
            pk__in=selectors.request_list(user=request.user)
            .order_by()
            .values("region_id")
            .distinct()
        ).order_by("code"),
        "can_raise": scope.can_edit_registry(request.user) or _own_firm(request) is not None,
    }
    return render(request, "firmrequests/list.html", context)


def _uploads(request: HttpRequest) -> list[Upload]:
    return [
        Upload(name=f.name or "", size=f.size or 0, file=f) for f in request.FILES.getlist("files")
    ]


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    """The request form: a firm user for its own firm, an officer for a firm it sees (USCC)."""
    firm = _own_firm(request)
    if firm is None and not scope.can_edit_registry(request.user):
        raise Http404("当前角色不能提交诉求")
    error, status = "", 200
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        target = firm
        if target is None:
            uscc = (request.POST.get("uscc") or "").strip().upper()
            target = scope.enterprises_visible(request.user).filter(uscc=uscc).first()
        try:
            if target is None:
                raise DomainError(
                    "请填写管辖范围内企业的统一社会信用代码", fields={"uscc": "未找到"}
                )
            req = services.request_raise(
                actor=request.user,
                enterprise=target,
                category=request.POST.get("category", ""),
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                urgency=request.POST.get("urgency", Urgency.NORMAL),
                files=_uploads(request),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error, status = exc.message, 400
        else:
            messages.success(
                request,
                f"诉求已提交（{req.code}），承办部门：{req.department or '待指定'}，"
                f"办理期限 {req.due_on:%Y-%m-%d}",
            )
            return redirect("firmrequests:detail", pk=req.pk)
    context = {
        "firm": firm,
        "data": data,
        "error": error,
        "categories": Category.choices,
        "urgencies": Urgency.choices,
        "max_files": settings.CHAINBOARD_ATTACHMENT_MAX_FILES,
        "max_mb": settings.CHAINBOARD_ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "firmrequests/new.html", context, status=status)


ACTIONS = ("accept", "transfer", "answer", "confirm", "reopen", "rate")


def _act(request: HttpRequest, req: FirmRequest) -> str:
    """Run the posted action; the success message."""
    action = request.POST.get("action", "")
    user = request.user
    if action == "accept":
        services.request_accept(actor=user, request=req)
        return "已受理"
    if action == "transfer":
        scope.require_request_handler(user, req)
        dept = (
            selectors.departments_for(req).filter(pk=_int(request.POST.get("department"))).first()
        )
        if dept is None:
            raise DomainError("请选择转办部门", fields={"department": "必选"})
        services.request_transfer(
            actor=user, request=req, department=dept, note=request.POST.get("note", "")
        )
        return f"已转办至{dept}"
    if action == "answer":
        services.request_answer(actor=user, request=req, answer=request.POST.get("answer", ""))
        return "已答复，等待企业确认"
    if action == "confirm":
        services.request_confirm(actor=user, request=req)
        return "已确认办结，请为本次办理评分"
    if action == "reopen":
        services.request_reopen(actor=user, request=req, note=request.POST.get("note", ""))
        return "已退回重办"
    if action == "rate":
        services.request_rate(
            actor=user,
            request=req,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        )
        return "感谢评价"
    raise DomainError(f"未知的操作“{action}”", fields={"action": action})


def _int(value: Any) -> int:
    """A posted id, 0 when missing or not a number (matches no row)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request: content, attachments, the step timeline and the actions the user may take."""
    req = _get(request, pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            done = _act(request, req)
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error, status = exc.message, 400
        else:
            messages.success(request, done)
            return redirect("firmrequests:detail", pk=req.pk)
        req = _get(request, pk)
    can_handle = scope.can_handle_request(request.user, req)
    context = {
        "r": req,
        "firm": _own_firm(request),
        "steps": selectors.request_steps(req),
        "today": services.local_today(),
        "can_handle": can_handle,
        "can_confirm": scope.can_confirm_request(request.user, req),
        "departments": selectors.departments_for(req).exclude(pk=req.department_id or 0)
        if can_handle
        else Department.objects.none(),
        "error": error,
        "posted": request.POST,
    }
    return render(request, "firmrequests/detail.html", context, status=status)


@login_required
def attachment_download(request: HttpRequest, pk: int, att: int) -> HttpResponseBase:
    """An attachment of a visible request, always as a download."""
    req = _get(request, pk)
    attachment = req.attachments.filter(pk=att).first()
    if attachment is None:
        raise Http404("附件不存在")
    response = download(
        attachment.file.open("rb"),
        attachment.name,
        content_type=ATTACHMENT_TYPES.get(attachment.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
def request_dashboard(request: HttpRequest) -> HttpResponse:
    """Open/overdue by department and county, handling time, satisfaction, recurring problems."""
    if not scope.can_see_overviews(request.user):
        return redirect("firmrequests:list")
    return render(
        request, "firmrequests/dashboard.html", {"d": selectors.dashboard(user=request.user)}
    )


@login_required
def routing_rules(request: HttpRequest) -> HttpResponse:
    """The routing rules (category × county → department, days); administrators and analysts
    change them here (each change a history row)."""
    if not scope.can_see_overviews(request.user):
        raise Http404("企业用户无需查看分办规则")
    error, status = "", 200
    if request.method == "POST":
        scope.require_routing_editor(request.user)
        code = (request.POST.get("region") or "").strip()
        region = scope.regions_visible(request.user).filter(code=code).first() if code else None
        dept = (
            selectors.departments_visible(user=request.user)
            .filter(pk=_int(request.POST.get("department")))
            .first()
        )
        try:
            if code and region is None:
                raise DomainError(f"区县“{code}”不在您的管辖范围", fields={"region": code})
            if dept is None:
                raise DomainError("请选择承办部门", fields={"department": "必选"})
            rule = services.routing_rule_save(
                actor=request.user,
                category=request.POST.get("category", ""),
                region=region,
                department=dept,
                deadline_days=request.POST.get("deadline_days", ""),
            )
        except DomainError as exc:
            if exc.status_code in (403, 404):
                raise
            error, status = exc.message, 400
        else:
            messages.success(request, f"已保存分办规则：{rule}，时限 {rule.deadline_days} 天")
            return redirect("firmrequests:rules")
    context = {
        "rules": selectors.rule_list(user=request.user),
        "departments": selectors.departments_visible(user=request.user),
        "regions": scope.regions_visible(request.user).filter(level="county").order_by("code"),
        "categories": Category.choices,
        "can_edit": scope.can_edit_routing_rules(request.user),
        "error": error,
        "posted": request.POST,
    }
    return render(request, "firmrequests/rules.html", context, status=status)

"""项目库: the pool lists and export, a project's page, its edit form, archive, delete and
milestones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import can_edit_project
from chainboard.core.errors import DomainError, NotFound, OutOfScope
from chainboard.core.filters import filtered
from chainboard.core.locking import EditConflict, form_error, stated_version
from chainboard.projects import exports, selectors, services
from chainboard.projects.filters import ProjectFilter
from chainboard.projects.forms import MilestoneForm, ProjectForm
from chainboard.projects.models import POOLS
from chainboard.projects.views._common import attachment

PAGE_SIZE = 50


def _pool(request: HttpRequest) -> str:
    pool = request.GET.get("pool") or ""
    if pool and pool not in POOLS:
        raise NotFound("未知项目库")
    return pool


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    pool = _pool(request)
    filterset = ProjectFilter(
        request.GET,
        queryset=selectors.project_list(user=request.user, pool=pool or None),
        user=request.user,
    )
    qs = filtered(filterset)
    page = Paginator(qs.order_by("-total_investment_wan_yuan", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": filterset.form,
        "page": page,
        "pool": pool,
        "pool_label": POOLS[pool][0] if pool else "全部项目",
        "pools": POOLS,
        "totals": selectors.pool_totals(qs),
    }
    return render(request, "projects/list.html", context)


@login_required
def project_export(request: HttpRequest) -> HttpResponseBase:
    pool = _pool(request)
    filterset = ProjectFilter(
        request.GET,
        queryset=selectors.project_list(user=request.user, pool=pool or None),
        user=request.user,
    )
    qs = filtered(filterset).order_by("code").prefetch_related("chain_nodes__chain")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return attachment(exports.projects_xlsx(qs), f"重点项目-{stamp}.xlsx")


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(user=request.user, code=code)
    context = {
        "p": project,
        **selectors.project_detail_parts(user=request.user, project=project),
        "today": timezone.localdate(),
        "can_plan": not project.archived and can_edit_project(request.user, project),
    }
    return render(request, "projects/detail.html", context)


@login_required
def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(user=request.user, code=code)
    if request.method != "POST":
        form = ProjectForm(instance=project, user=request.user)
        return render(request, "projects/edit.html", {"p": project, "form": form})
    form = ProjectForm(request.POST, instance=project, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        data = {f: d[f] for f in form.Meta.fields if f in d}
        data["chain_node_codes"] = d["chain_node_codes"]
        try:
            services.project_edit(
                project_id=project.pk,
                actor=request.user,
                data=data,
                node_ids=[n.pk for n in d["chain_nodes"]],
                expected_version=stated_version(d.get("version")),
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
    return render(request, "projects/edit.html", {"p": project, "form": form})


@login_required
@require_POST
def project_archive(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(user=request.user, code=code)
    services.project_archive(project=project, actor=request.user)
    messages.success(request, "项目已归档")
    return redirect("projects:detail", code=project.code)


@login_required
@require_POST
def project_delete(request: HttpRequest, code: str) -> HttpResponse:
    project = selectors.project_get(user=request.user, code=code)
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
def milestone_post(request: HttpRequest, code: str) -> HttpResponse:
    """Add a milestone (name, due date) or mark one done, from the project detail page."""
    project = selectors.project_get(user=request.user, code=code)
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

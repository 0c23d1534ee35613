"""周调度: the weekly update form of a project and marking a reported problem solved."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.locking import form_error
from chainboard.projects import selectors, services
from chainboard.projects.forms import UpdateForm

UPDATE_TEXT_FIELDS = (
    "done_this_week",
    "investment_period_wan_yuan",
    "next_steps",
    "problems",
    "help_department",
)


@login_required
def project_update(request: HttpRequest, code: str) -> HttpResponse:
    """The weekly update form: one short form, prefilled with last week's next steps."""
    project = selectors.project_get(user=request.user, code=code)
    last = selectors.update_latest(project)
    if request.method != "POST":
        form = UpdateForm(initial=UpdateForm.initial_for(project), project=project)
        return render(request, "projects/update.html", {"p": project, "form": form, "last": last})
    form = UpdateForm(request.POST, request.FILES, project=project)
    if form.is_valid():
        d = form.cleaned_data
        data = {k: d[k] for k in UPDATE_TEXT_FIELDS}
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
    return render(request, "projects/update.html", {"p": project, "form": form, "last": last})


@login_required
@require_POST
def problem_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.update_get(user=request.user, pk=pk)
    services.problem_resolve(update=row, actor=request.user)
    return redirect("projects:detail", code=row.project.code)

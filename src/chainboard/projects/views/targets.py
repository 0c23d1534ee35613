"""目标 and 任务: targets with their progress and projection, one target's history, tasks."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from chainboard.accounts.scope import can_manage_rankings_and_targets, require_overview_reader
from chainboard.core.filters import filtered
from chainboard.core.locking import EditConflict, VersionRequired, posted_version
from chainboard.projects import charts, services
from chainboard.projects.filters import TASK_BANDS, TaskFilter
from chainboard.projects.models import TargetStatus
from chainboard.projects.selectors import targets
from chainboard.projects.views._common import safe_next


@login_required
def targets_page(request: HttpRequest) -> HttpResponse:
    """KPI targets 目标: value over the data, progress, projection to the period end, status."""
    require_overview_reader(request.user)  # not a firm user's page
    if request.method == "POST":
        n = services.targets_record(actor=request.user)
        messages.success(request, f"已记录 {n} 项目标的今日进度")
        return redirect("projects:targets")
    programme = request.GET.get("programme") or None
    rows = targets.target_rows(user=request.user, programme=programme)
    counts = Counter(r.evaluation.status for r in rows if r.evaluation.value is not None)
    context = {
        "rows": rows,
        "programme": programme or "",
        "programmes": targets.target_programmes(request.user),
        "statuses": [(s, s.label, counts.get(s.value, 0)) for s in TargetStatus],
        "chart": charts.target_progress(
            [r.target.name for r in rows],
            [r.evaluation.progress for r in rows],
            [r.projected_share for r in rows],
        ),
        "chart_height": 60 + 34 * len(rows),
        "can_record": can_manage_rankings_and_targets(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "projects/targets.html", context)


@login_required
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One target: today's evaluation and the history of its readings as a chart."""
    require_overview_reader(request.user)  # not a firm user's page
    target = targets.target_get(user=request.user, pk=pk)
    readings = targets.target_readings(target)
    context = {
        "t": target,
        "ev": targets.target_evaluate(target),
        "basis": targets.target_basis(target),
        "readings": readings[::-1],
        "chart": charts.target_history(
            [f"{r.on:%Y-%m-%d}" for r in readings],
            [float(r.value) for r in readings],
            [float(r.projected) for r in readings],
            float(target.target_value),
        ),
        "today": timezone.localdate(),
    }
    return render(request, "projects/target_detail.html", context)


@login_required
def tasks_page(request: HttpRequest) -> HttpResponse:
    """Work tasks 任务 with owner department, due date, % complete, evidence and programme."""
    require_overview_reader(request.user)  # not a firm user's page
    visible = targets.tasks_visible(request.user)
    today = timezone.localdate()
    filterset = TaskFilter(request.GET, queryset=visible, today=today)
    qs = filtered(filterset)
    query = filterset.form.cleaned_data
    context = {
        "tasks": qs.select_related("region").order_by("programme", "due_on", "pk"),
        "summary": targets.task_summary(qs),
        "by_programme": targets.task_groups(visible, "programme"),
        "by_department": targets.task_groups(visible, "owner_department"),
        **targets.task_choices(visible),
        "bands": TASK_BANDS,
        "programme": query.get("programme") or "",
        "department": query.get("department") or "",
        "band": query.get("band") or "",
        "today": today,
        "can_edit": can_manage_rankings_and_targets(request.user),
    }
    return render(request, "projects/tasks.html", context)


@login_required
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a task's % complete and evidence (city analysts and admins)."""
    task = targets.task_get(user=request.user, pk=pk)
    try:
        percent = int(request.POST.get("percent_complete", ""))
    except ValueError:
        messages.error(request, "完成进度应为0–100的整数")
        return redirect(safe_next(request) or "projects:tasks")
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
    return redirect(safe_next(request) or "projects:tasks")

"""Pages of the 链长 annual work plans 工作计划 (tasks with owners, deadlines, progress; overdue
ones highlighted) and of the 链长会议 / 专题会 (attendees, agenda, decisions → plan tasks).

Everyone who sees the chain reads them; its keepers (chain editors of its region, its 链长办
staff, ``accounts.scope.can_edit_chain_records``) write. An edit names the version it was
opened at: a clash with another user's save shows the form again with the user's input and the
other values (409), nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from chainboard.accounts.scope import (
    authenticated,
    can_edit_chain_records,
    require_chain_records_editor,
)
from chainboard.chiefs import forms, selectors, services
from chainboard.chiefs.views import _chain, _get, _history
from chainboard.core.locking import EditConflict, form_conflict, posted_version

# --- 工作计划 ----------------------------------------------------------------------------------


@login_required
def plans(request: HttpRequest, pk: int) -> HttpResponse:
    """The chain's work plans by year, with their progress; keepers add a year's plan."""
    chain = _chain(request, pk)
    user = authenticated(request.user)
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        data = forms.form_data(forms.WorkPlanForm(request.POST))
        plan = services.work_plan_save(chain=chain, actor=user, data=data)
        messages.success(request, f"已制定{plan.title}")
        return redirect("chiefs:plan", pk=chain.pk, plan=plan.pk)
    rows = []
    for plan in selectors.work_plans(user=user, chain=chain):
        tasks = list(selectors.plan_tasks(plan))
        rows.append((plan, selectors.plan_progress(tasks)))
    year = timezone.localdate().year
    context = {
        "chain": chain,
        "tab": "plans",
        "rows": rows,
        "form": forms.WorkPlanForm(initial={"year": year}),
        "can_edit": can_edit_chain_records(user, chain),
    }
    return render(request, "chiefs/plans.html", context)


@login_required
def plan(request: HttpRequest, pk: int, plan: int) -> HttpResponse:
    """One year's plan: goals, tasks (overdue ones highlighted), add a task, edit the plan."""
    chain = _chain(request, pk)
    user = authenticated(request.user)
    p = _get(selectors.work_plan_get, user=user, chain=chain, pk=plan)
    plan_form = forms.WorkPlanForm(
        initial={"year": p.year, "title": p.title, "goals": p.goals, "version": p.version}
    )
    task_form = forms.PlanTaskForm(initial={"percent_complete": 0})
    status = 200
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        if request.POST.get("form") == "plan":
            plan_form = forms.WorkPlanForm(request.POST)
            data = forms.form_data(plan_form)
            try:
                services.work_plan_save(
                    chain=chain,
                    actor=user,
                    data=data,
                    plan=p,
                    expected_version=posted_version(request.POST),
                )
            except EditConflict as exc:
                form_conflict(plan_form, exc)
                status = 409
            else:
                messages.success(request, "已保存工作计划")
                return redirect("chiefs:plan", pk=chain.pk, plan=p.pk)
        else:
            data = forms.form_data(forms.PlanTaskForm(request.POST))
            data.pop("version", None)
            task = services.plan_task_save(plan=p, actor=user, data=data)
            messages.success(request, f"已列入工作计划：{task.name}")
            return redirect("chiefs:plan", pk=chain.pk, plan=p.pk)
    tasks = list(selectors.plan_tasks(p))
    context = {
        "chain": chain,
        "tab": "plans",
        "plan": p,
        "tasks": tasks,
        "progress": selectors.plan_progress(tasks),
        "today": timezone.localdate(),
        "plan_form": plan_form,
        "task_form": task_form,
        "can_edit": can_edit_chain_records(user, chain),
        "history": _history(p),
    }
    return render(request, "chiefs/plan.html", context, status=status)


@login_required
def plan_task(request: HttpRequest, pk: int, plan: int, task: int) -> HttpResponse:
    """A plan task's page: its progress form (keepers) and its change history."""
    chain = _chain(request, pk)
    user = authenticated(request.user)
    p = _get(selectors.work_plan_get, user=user, chain=chain, pk=plan)
    t = _get(selectors.plan_task_get, plan=p, pk=task)
    status = 200
    form = forms.PlanTaskForm(
        initial={
            "name": t.name,
            "owner_department": t.owner_department,
            "due_on": t.due_on,
            "percent_complete": t.percent_complete,
            "evidence": t.evidence,
            "version": t.version,
        }
    )
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        form = forms.PlanTaskForm(request.POST)
        data = forms.form_data(form)
        data.pop("version", None)
        try:
            services.plan_task_save(
                plan=p,
                actor=user,
                data=data,
                task=t,
                expected_version=posted_version(request.POST),
            )
        except EditConflict as exc:
            form_conflict(form, exc)
            status = 409
        else:
            messages.success(request, f"已保存任务：{data['name']}")
            return redirect("chiefs:plan", pk=chain.pk, plan=p.pk)
    decision = getattr(t, "decision", None)
    context = {
        "chain": chain,
        "tab": "plans",
        "plan": p,
        "task": t,
        "decision": decision,
        "today": timezone.localdate(),
        "form": form,
        "can_edit": can_edit_chain_records(user, chain),
        "history": _history(t),
    }
    return render(request, "chiefs/plan_task.html", context, status=status)


# --- 链长会议 ----------------------------------------------------------------------------------


@login_required
def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    chain = _chain(request, pk)
    user = authenticated(request.user)
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        data, users, officials = forms.MeetingForm(request.POST, chain=chain).resolved()
        m = services.meeting_save(
            chain=chain, actor=user, data=data, attendees=users, officials=officials
        )
        messages.success(request, f"已记录会议：{m.title}")
        return redirect("chiefs:meeting", pk=chain.pk, meeting=m.pk)
    rows = []
    for m in selectors.meetings(user=user, chain=chain):
        ds = selectors.decisions(m)
        rows.append((m, len(ds), len(selectors.open_decisions(m))))
    context = {
        "chain": chain,
        "tab": "meetings",
        "rows": rows,
        "form": forms.MeetingForm(
            chain=chain, initial={"kind": "chief", "held_on": timezone.localdate()}
        ),
        "can_edit": can_edit_chain_records(user, chain),
    }
    return render(request, "chiefs/meetings.html", context)


def _meeting_initial(m: Any) -> dict[str, Any]:
    return {
        "kind": m.kind,
        "held_on": m.held_on,
        "title": m.title,
        "place": m.place,
        "chaired_by": m.chaired_by,
        "agenda": m.agenda,
        "officials": [o.pk for o in m.officials.all()],
        "usernames": " ".join(u.username for u in m.attendees.all()),
        "other_attendees": m.other_attendees,
        "version": m.version,
    }


@login_required
def meeting(request: HttpRequest, pk: int, meeting: int) -> HttpResponse:
    """A meeting: attendees, agenda, decisions with their tasks' progress; keepers add a
    decision, turn one into a plan task (owner, deadline) in one step, edit the record."""
    chain = _chain(request, pk)
    user = authenticated(request.user)
    m = _get(selectors.meeting_get, user=user, chain=chain, pk=meeting)
    form = forms.MeetingForm(chain=chain, initial=_meeting_initial(m))
    status = 200
    if request.method == "POST":
        require_chain_records_editor(user, chain)
        which = request.POST.get("form")
        if which == "decision":
            data = forms.form_data(forms.DecisionForm(request.POST))
            services.decision_save(meeting=m, actor=user, data=data)
            messages.success(request, "已记录会议决定")
            return redirect("chiefs:meeting", pk=chain.pk, meeting=m.pk)
        if which == "task":
            data = forms.form_data(forms.DecisionTaskForm(request.POST))
            d = _get(selectors.decision_get, meeting=m, pk=data["decision"])
            task = services.decision_to_task(
                decision=d,
                actor=user,
                owner_department=data["owner_department"],
                due_on=data["due_on"],
            )
            messages.success(request, f"已列入{task.programme}：{task.name}")
            return redirect("chiefs:meeting", pk=chain.pk, meeting=m.pk)
        form = forms.MeetingForm(request.POST, chain=chain)
        data, users, officials = form.resolved()
        try:
            services.meeting_save(
                chain=chain,
                actor=user,
                data=data,
                attendees=users,
                officials=officials,
                meeting=m,
                expected_version=posted_version(request.POST),
            )
        except EditConflict as exc:
            form_conflict(form, exc)
            status = 409
        else:
            messages.success(request, "已保存会议记录")
            return redirect("chiefs:meeting", pk=chain.pk, meeting=m.pk)
    ds = selectors.decisions(m)
    plans = {
        p.pk: p for p in selectors.work_plans(user=user, chain=chain) if any(d.task for d in ds)
    }
    context = {
        "chain": chain,
        "tab": "meetings",
        "meeting": m,
        "decisions": [(d, plans.get(d.task.source_id or 0) if d.task else None) for d in ds],
        "today": timezone.localdate(),
        "form": form,
        "decision_form": forms.DecisionForm(),
        "can_edit": can_edit_chain_records(user, chain),
        "history": _history(m, *ds),
    }
    return render(request, "chiefs/meeting.html", context, status=status)

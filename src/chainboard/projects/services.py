"""Writes to projects, weekly updates, milestones, plans, review scores, the stored monthly
ranking, targets, their readings and tasks.

Every write checks the actor's scope, validates (``full_clean``) and is recorded by
django-simple-history with the actor and a reason. ``actor=None`` is the server operator (CLI,
demo): it bypasses scope but is still recorded.

Concurrency: every edited row carries a ``version`` (:mod:`chainboard.core.locking`). An edit
names the version it started from (``expected_version``; ``NEW`` = 0 when the editor saw no row,
None only for server paths such as the importer). If the row moved on meanwhile, the edit is
merged field by field against the state at that version (read from the history): fields only one
side changed are kept from that side; a field both sides changed to different values raises
:class:`EditConflict` (with the other user's values) and nothing is written. Only changed columns
are saved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from chainboard.accounts import scope
from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.history import set_history as _history  # the shared setter, short here
from chainboard.core.locking import EditConflict as EditConflict  # re-exported for callers
from chainboard.core.locking import lock, merge_edit, save_edit
from chainboard.projects.models import (
    STAGE_DATE_FIELD,
    STAGE_ORDER,
    Batch,
    Milestone,
    MonthlyRanking,
    Project,
    ProjectUpdate,
    RankingMethod,
    RankingScope,
    ReviewScore,
    Stage,
    Target,
    TargetReading,
    Task,
    YearPlan,
    week_start,
)
from chainboard.projects.selectors import ranking, targets

PROJECT_FIELDS = (
    "name",
    "investor",
    "investor_name",
    "region",
    "park",
    "chain_node_codes",
    "kind",
    "source",
    "introduced",
    "total_investment_wan_yuan",
    "stage",
    "listed_on",
    "planned_start_on",
    "signed_on",
    "started_on",
    "producing_on",
    "effective_on",
    "responsible_official",
    "responsible_department",
    "batch",
    "provincial_key",
    "city_key",
    "county_key",
    "longitude",
    "latitude",
)
UPDATE_FIELDS = (
    "done_this_week",
    "investment_period_wan_yuan",
    "next_steps",
    "problems",
    "help_department",
    "photo",
)


@transaction.atomic
def project_create(*, actor: Any, data: dict[str, Any], reason: str = "新增") -> Project:
    unknown = set(data) - set(PROJECT_FIELDS) - {"code", "sample"}
    if unknown:
        raise ValueError(f"unknown project fields {sorted(unknown)}")
    project = Project(**data)
    if actor is not None:
        scope.require_project_placement(actor, project.region, project.park)
    project.full_clean()
    _history(project, actor, reason)
    project.save()
    return project


@transaction.atomic
def project_update(
    *,
    project_id: int,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None,
    reason: str = "修改",
) -> Project:
    """Edit a project; ``expected_version`` is the version the form was opened at."""
    unknown = set(data) - set(PROJECT_FIELDS)
    if unknown:
        raise ValueError(f"unknown project fields {sorted(unknown)}")
    project = lock(Project, project_id)
    if actor is not None:
        scope.require_project_editor(actor, project)
    changed = merge_edit(project, data, expected_version, "项目")
    if not changed:
        return project
    if actor is not None:
        scope.require_project_placement(actor, project.region, project.park)
    project.full_clean()
    save_edit(project, changed, actor=actor, reason=reason)
    return project


def linkable_chain_nodes(actor: Any, region: Any) -> Any:
    """Chain segments a project in ``region`` may link to: nodes of the chains the actor sees
    that belong to the project's county or to a region above it (a city-wide chain)."""
    from chainboard.chains.models import ChainNode
    from chainboard.chains.selectors import chains_visible

    above = region.lineage_codes()
    chains = chains_visible(actor).filter(region_id__in=above)
    return ChainNode.objects.filter(chain__in=chains).select_related("chain")


@transaction.atomic
def project_set_chain_nodes(*, project_id: int, actor: Any, node_ids: list[int]) -> Project:
    """Link a project to chain segments (replacing its links); unknown or out-of-scope nodes are
    refused by id, nothing is changed. The change is kept in the project's history."""
    project = Project.objects.select_for_update().get(pk=project_id)
    if actor is not None:
        scope.require_project_editor(actor, project)
        allowed = linkable_chain_nodes(actor, project.region)
    else:
        from chainboard.chains.models import ChainNode

        allowed = ChainNode.objects.all()
    wanted = set(node_ids)
    nodes = list(allowed.filter(pk__in=wanted))
    refused = sorted(wanted - {n.pk for n in nodes})
    if refused:
        raise DomainError(
            "产业链环节不存在或不属于本项目所在地区的产业链：" + "、".join(map(str, refused))
        )
    if {n.pk for n in project.chain_nodes.all()} == wanted:
        return project
    # one history row (written by save, with the new links), not one per add/remove signal
    project.skip_history_when_saving = True  # type: ignore[attr-defined]
    project.chain_nodes.set(nodes)
    del project.skip_history_when_saving  # type: ignore[attr-defined]
    project.version += 1
    _history(project, actor, "产业链环节")
    project.save(update_fields=["version", "updated_at"])
    return project


@transaction.atomic
def project_edit(
    *,
    project_id: int,
    actor: Any,
    data: dict[str, Any],
    node_ids: list[int],
    expected_version: int | None,
) -> Project:
    """The edit page's save: the project's fields (:func:`project_update`) and its chain
    segments (:func:`project_set_chain_nodes`) together, or neither."""
    project_update(project_id=project_id, actor=actor, data=data, expected_version=expected_version)
    return project_set_chain_nodes(project_id=project_id, actor=actor, node_ids=node_ids)


@transaction.atomic
def project_archive(*, project: Project, actor: Any, archived: bool = True) -> Project:
    if actor is not None:
        scope.require_project_editor(actor, project)
    project = lock(Project, project.pk)
    project.archived = archived
    save_edit(project, ["archived"], actor=actor, reason="归档" if archived else "取消归档")
    return project


@transaction.atomic
def project_delete(*, project: Project, actor: Any) -> None:
    """Delete a project that has no weekly updates; one with updates must be archived instead."""
    if actor is not None:
        scope.require_project_editor(actor, project)
    if ProjectUpdate.objects.filter(project=project).exists():
        raise DomainError("该项目已有周调度记录，不能删除；请改为归档")
    _history(project, actor, "删除")
    project.delete()


def _stage_advance(project: Project, stage: str, day: dt.date) -> None:
    """Move ``project`` forward to ``stage``, dating every stage it passes with ``day``."""
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(project.stage):
        return
    for passed, field in STAGE_DATE_FIELD.items():
        if (
            STAGE_ORDER.index(passed) <= STAGE_ORDER.index(stage)
            and getattr(project, field) is None
        ):
            setattr(project, field, day)
    project.stage = stage


@transaction.atomic
def update_submit(
    *,
    project_id: int,
    actor: Any,
    week: dt.date,
    data: dict[str, Any],
    expected_version: int | None = None,
    stage: str | None = None,
    cumulative_wan_yuan: Decimal | None = None,
    submitted_at: dt.datetime | None = None,
    reason: str = "周调度填报",
) -> ProjectUpdate:
    """File (or correct) the weekly update of ``week`` for a project.

    The cumulative investment is the previous week's cumulative plus this period (or
    ``cumulative_wan_yuan`` when given, e.g. the first report of a running project); later weeks
    shift by the same difference and the project's 累计完成投资 follows the latest week. ``stage``
    optionally moves the project forward (开工, 投产 …) dated in that week.
    """
    unknown = set(data) - set(UPDATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown update fields {sorted(unknown)}")
    project = Project.objects.select_for_update().get(pk=project_id)
    if actor is not None:
        scope.require_update_filer(actor, project)
    if project.archived:
        raise DomainError("项目已归档，不能填报")
    week = week_start(week)
    if week > week_start(timezone.localdate()):
        raise DomainError("不能填报未来的周", fields={"week": "不能填报未来的周"})
    row = ProjectUpdate.objects.select_for_update().filter(project=project, week=week).first()
    old: tuple[Decimal, Decimal] | None = None
    if row is None:
        row = ProjectUpdate(project=project, week=week, author=actor)
    else:
        old = (row.investment_cumulative_wan_yuan, row.investment_period_wan_yuan)
        row.author = actor if actor is not None else row.author
    merge_edit(row, data, expected_version, f"{week:%Y-%m-%d} 周的周调度")
    period = row.investment_period_wan_yuan or Decimal(0)
    previous = (
        ProjectUpdate.objects.filter(project=project, week__lt=week)
        .order_by("-week")
        .values_list("investment_cumulative_wan_yuan", flat=True)
        .first()
    )
    later_rows = list(
        ProjectUpdate.objects.select_for_update()
        .filter(project=project, week__gt=week)
        .order_by("week")
    )
    if cumulative_wan_yuan is not None:
        row.investment_cumulative_wan_yuan = cumulative_wan_yuan
    elif previous is not None:
        row.investment_cumulative_wan_yuan = previous + period
    elif old is not None:  # the earliest week, corrected: keep its opening balance
        row.investment_cumulative_wan_yuan = old[0] - old[1] + period
    elif later_rows:  # a new earliest week takes over the opening balance
        first = later_rows[0]
        opening = first.investment_cumulative_wan_yuan - first.investment_period_wan_yuan
        row.investment_cumulative_wan_yuan = opening + period
    else:  # the first report: investment done before reporting started is the opening
        row.investment_cumulative_wan_yuan = project.investment_done_wan_yuan + period
    if previous is not None and row.investment_cumulative_wan_yuan < previous:
        raise DomainError(
            "累计完成投资不能小于上周累计",
            fields={"investment_cumulative_wan_yuan": f"上周累计 {previous} 万元"},
        )
    row.submitted_at = submitted_at or timezone.now()
    row.full_clean(exclude=["project"])
    save_edit(
        row,
        [*data, "investment_cumulative_wan_yuan", "submitted_at", "author"],
        actor=actor,
        reason=reason,
    )
    running = row.investment_cumulative_wan_yuan
    for later in later_rows:
        running += later.investment_period_wan_yuan
        if later.investment_cumulative_wan_yuan != running:
            later.investment_cumulative_wan_yuan = running
            save_edit(
                later,
                ["investment_cumulative_wan_yuan"],
                actor=actor,
                reason="前序周调度更正，累计投资顺延",
            )
    latest = later_rows[-1] if later_rows else row
    project.investment_done_wan_yuan = latest.investment_cumulative_wan_yuan
    if stage:
        if stage not in STAGE_ORDER:
            raise DomainError("未知阶段", fields={"stage": stage})
        _stage_advance(project, stage, min(week + dt.timedelta(days=4), timezone.localdate()))
    project.full_clean()
    save_edit(
        project,
        ["investment_done_wan_yuan", "stage", *STAGE_DATE_FIELD.values()],
        actor=actor,
        reason=f"周调度 {week:%Y-%m-%d}",
    )
    return row


@transaction.atomic
def problem_resolve(*, update: ProjectUpdate, actor: Any, on: dt.date | None = None) -> None:
    if actor is not None:
        scope.require_project_editor(actor, update.project)
    update = lock(ProjectUpdate, update.pk)
    if update.problem_resolved_on is not None:  # someone marked it already: keep their date
        return
    update.problem_resolved_on = on or timezone.localdate()
    save_edit(update, ["problem_resolved_on"], actor=actor, reason="问题已解决")


@transaction.atomic
def year_plan_set(
    *,
    project: Project,
    year: int,
    planned_wan_yuan: Decimal,
    actor: Any,
    expected_version: int | None = None,
    reason: str = "年度计划",
) -> YearPlan:
    if actor is not None:
        scope.require_project_editor(actor, project)
    row = YearPlan.objects.select_for_update().filter(project=project, year=year).first()
    row = row or YearPlan(project=project, year=year)
    changed = merge_edit(
        row, {"planned_wan_yuan": planned_wan_yuan}, expected_version, f"{year}年度计划"
    )
    if row.pk is not None and not changed:
        return row
    row.full_clean()
    save_edit(row, changed, actor=actor, reason=reason)
    return row


@transaction.atomic
def milestone_save(
    *,
    project: Project,
    actor: Any,
    name: str,
    due_on: dt.date,
    done_on: dt.date | None = None,
    milestone: Milestone | None = None,
    expected_version: int | None = None,
) -> Milestone:
    if actor is not None:
        scope.require_project_editor(actor, project)
    row = lock(Milestone, milestone.pk) if milestone is not None else Milestone(project=project)
    data = {"name": name, "due_on": due_on, "done_on": done_on}
    changed = merge_edit(row, data, expected_version, f"项目节点「{row.name or name}」")
    if row.pk is not None and not changed:
        return row
    row.full_clean()
    save_edit(row, changed, actor=actor, reason="项目节点")
    return row


@transaction.atomic
def batch_create(
    *, actor: Any, name: str, held_on: dt.date, region: Any = None, note: str = ""
) -> Batch:
    if actor is not None:
        scope.require_city_officer(actor)
    batch = Batch(name=name, held_on=held_on, region=region, note=note)
    batch.full_clean()
    _history(batch, actor, "新增批次")
    batch.save()
    return batch


@transaction.atomic
def review_score_save(
    *,
    actor: Any,
    region: Any,
    kind: str,
    year: int,
    period: int,
    score: Decimal,
    note: str = "",
    expected_version: int | None = None,
) -> ReviewScore:
    """Enter one county's score; ``expected_version`` is the score's version the page showed
    (``NEW`` = 0 when it had none)."""
    if actor is not None:
        scope.require_city_officer(actor)
    row = (
        ReviewScore.objects.select_for_update()
        .filter(region=region, kind=kind, year=year, period=period)
        .first()
    )
    row = row or ReviewScore(region=region, kind=kind, year=year, period=period)
    changed = merge_edit(
        row, {"score": score, "note": note}, expected_version, f"{region.name}的得分"
    )
    if row.pk is not None and not changed:
        return row
    row.full_clean()
    save_edit(row, changed, actor=actor, reason="观摩/考核打分")
    return row


@transaction.atomic
def task_update(
    *,
    task: Task,
    actor: Any,
    percent_complete: int,
    evidence: str | None = None,
    expected_version: int | None = None,
) -> Task:
    if actor is not None:
        scope.require_city_officer(actor)
    task = lock(Task, task.pk)
    data: dict[str, Any] = {"percent_complete": percent_complete}
    if evidence is not None:
        data["evidence"] = evidence
    changed = merge_edit(task, data, expected_version, f"任务「{task.name}」")
    if not changed:
        return task
    task.full_clean()
    save_edit(task, changed, actor=actor, reason="任务进度")
    return task


@transaction.atomic
def target_save(
    *,
    actor: Any,
    target: Target,
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    reason: str = "目标",
) -> Target:
    """Create ``target`` (unsaved) or edit a stored one with ``data`` (merged against
    ``expected_version``, only changed columns written)."""
    if actor is not None:
        scope.require_city_officer(actor)
    if target.pk is None:
        target.full_clean()
        save_edit(target, [], actor=actor, reason=reason)
        return target
    target = lock(Target, target.pk)
    changed = merge_edit(target, data or {}, expected_version, f"目标「{target.name}」")
    if changed:
        target.full_clean()
        save_edit(target, changed, actor=actor, reason=reason)
    return target


@transaction.atomic
def ranking_method_ensure(*, actor: Any) -> RankingMethod:
    """The newest active 月评比 method; when there is none (all deactivated or deleted), the
    default one is created, recorded in the history with ``actor``."""
    method = RankingMethod.objects.filter(active=True).first()
    if method is not None:
        return method
    if actor is not None:
        scope.require_city_officer(actor)
    method = ranking.ranking_method_default()
    method.full_clean()
    _history(method, actor, "默认办法")
    method.save()
    return method


@transaction.atomic
def ranking_store(
    month: dt.date, *, actor: Any, scope: str = RankingScope.REGION
) -> list[ranking.RankRow]:
    """Compute the 月评比 of ``month`` over all projects and store its rows, replacing what was
    stored for that month and scope. City officers only (``actor=None``: CLI, demo); every
    stored, changed and removed row is recorded in the history with ``actor``."""
    _require_city_officer(actor)
    if scope not in RankingScope.values:
        raise DomainError(f"未知评比对象类型：{scope}", fields={"scope": scope})
    method = ranking_method_ensure(actor=actor)
    rows = ranking.ranking_compute(month, scope=scope, method=method)
    first = month.replace(day=1)
    existing = {r.key: r for r in MonthlyRanking.objects.filter(month=first, scope=scope)}
    for row in rows:
        obj = existing.pop(row.key, None) or MonthlyRanking(month=first, scope=scope, key=row.key)
        obj.label, obj.score, obj.rank, obj.method = row.label, row.score, row.rank, method
        obj.components = {
            name: {"value": row.values.get(name), "score": _score_text(row.scores.get(name))}
            | ({"count": row.counts[name]} if name in row.counts else {})
            for name in ranking.COMPONENTS
        }
        obj.full_clean()
        _history(obj, actor, "月评比计算")
        obj.save()
    for stale in existing.values():
        _history(stale, actor, "月评比重算，对象已无项目")
        stale.delete()
    return ranking.ranking_with_moves(month, scope=scope, rows=rows)


def _score_text(score: Decimal | None) -> str | None:
    """A stored component score; ``None`` for 缺 (the neutral rule of the ranking)."""
    return None if score is None else str(score)


def _require_city_officer(actor: Any) -> None:
    if actor is not None:
        scope.require_city_officer(actor)


def _require_target_visible(actor: Any, target: Target) -> None:
    if actor is not None and not targets.targets_visible(actor).filter(pk=target.pk).exists():
        raise OutOfScope("该目标不在您的管辖范围")


@transaction.atomic
def target_record(*, actor: Any, target: Target, on: dt.date | None = None) -> TargetReading:
    """Store ``target``'s evaluation of ``on`` (default today) as its reading of that day (one
    per day; recording again replaces it). City officers who see the target; history kept."""
    _require_city_officer(actor)
    _require_target_visible(actor, target)
    on = on or timezone.localdate()
    ev = targets.target_evaluate(target, on)
    reading = TargetReading.objects.filter(target=target, on=on).first()
    reading = reading or TargetReading(target=target, on=on)
    reading.value = ev.value or Decimal(0)
    reading.projected = ev.projected or Decimal(0)
    reading.status = ev.status
    reading.full_clean()
    _history(reading, actor, "记录目标进度")
    reading.save()
    return reading


@transaction.atomic
def targets_record(*, actor: Any, on: dt.date | None = None) -> int:
    """Record a reading of every target ``actor`` sees (all targets for ``actor=None``)."""
    _require_city_officer(actor)
    rows = targets.targets_visible(actor) if actor is not None else Target.objects.all()
    n = 0
    for target in rows.select_related("region"):
        target_record(actor=actor, target=target, on=on)
        n += 1
    return n


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)

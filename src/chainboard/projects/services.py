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
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from chainboard.accounts import scope
from chainboard.core.errors import DomainError, OutOfScope
from chainboard.core.history import set_history as _history  # the shared setter, short here
from chainboard.core.locking import MISSING, VersionRequired, lock, merge_edit, save_edit
from chainboard.core.locking import EditConflict as EditConflict  # re-exported for callers
from chainboard.geo.models import Region
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
    ReviewKind,
    ReviewPhoto,
    ReviewScore,
    ReviewSheet,
    SiteReview,
    SiteReviewStatus,
    SiteReviewStop,
    Stage,
    Target,
    TargetReading,
    Task,
    YearPlan,
    week_start,
)
from chainboard.projects.selectors import ranking, site_reviews, targets
from chainboard_analytics.projects.site_review import review_method, sheet_total

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
    if row is not None and row.source_id is not None:
        raise DomainError(
            f"{region.name}的得分由观摩活动评分汇总，不能手工修改", fields={"score": region.name}
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


# --- 季观摩: events, routes, reviewers, score sheets, closing ---------------------------------

#: Photos a reviewer may attach to one 评分表, and their kinds (checked by content, not name).
REVIEW_PHOTO_MAX = 5
REVIEW_PHOTO_KINDS = frozenset({"jpg", "png"})


def _event_version(event: SiteReview, expected_version: int | None, what: str) -> None:
    """Route and reviewers are edited whole: a form from an older version is refused (409)."""
    if expected_version == MISSING:
        raise VersionRequired()
    if expected_version is not None and expected_version != event.version:
        raise EditConflict(
            f"观摩活动「{event.title}」已被他人修改（{what}），请刷新后重新提交",
            version=event.version,
        )


def _event_open(event: SiteReview) -> None:
    if event.status != SiteReviewStatus.OPEN:
        raise DomainError(f"观摩活动「{event.title}」已结束，不能再修改或评分")


@transaction.atomic
def site_review_create(
    *, actor: Any, title: str, held_on: dt.date, quarter: int, note: str = ""
) -> SiteReview:
    """A new open 观摩 event; criteria and aggregation rule are copied from the ranking method."""
    if actor is not None:
        scope.require_review_manager(actor)
    method = ranking.ranking_method_get()
    try:
        rm = review_method(method.review)
    except ValueError as exc:
        raise DomainError(f"月评比办法的观摩评分设置有误：{exc}") from exc
    event = SiteReview(
        title=title.strip(),
        held_on=held_on,
        year=held_on.year,
        quarter=quarter,
        method=method if method.pk else None,
        criteria=[dict(c) for c in rm.criteria],
        rule=rm.rule,
        trim_min_reviewers=rm.trim_min_reviewers,
        note=note,
    )
    event.full_clean()
    _history(event, actor, "新建观摩活动")
    event.save()
    return event


@transaction.atomic
def site_review_set_route(
    *, actor: Any, event: SiteReview, projects: list[Project], expected_version: int | None = None
) -> SiteReview:
    """Replace the route by ``projects`` in visiting order. Refused: a closed event, a project
    twice, a project the actor does not see, removing a project that already has score sheets."""
    if actor is not None:
        scope.require_review_manager(actor)
    event = lock(SiteReview, event.pk)
    _event_version(event, expected_version, "观摩路线")
    _event_open(event)
    codes = [p.code for p in projects]
    if len(set(codes)) != len(codes):
        raise DomainError("同一项目在路线中只能出现一次", fields={"projects": "重复"})
    if actor is not None:
        for p in projects:
            if not scope.can_see_project(actor, p):
                raise OutOfScope(f"项目「{p.name}」不在您的管辖范围")
    keep = {p.pk for p in projects}
    scored = (
        ReviewSheet.objects.filter(review=event)
        .exclude(project_id__in=keep)
        .values_list("project__name", flat=True)
        .first()
    )
    if scored:
        raise DomainError(f"项目「{scored}」已有评分，不能移出路线", fields={"projects": scored})
    stops = list(event.stops.all())
    for stop in stops:
        _history(stop, actor, "调整观摩路线")
        stop.delete()
    for i, p in enumerate(projects, start=1):
        stop = SiteReviewStop(review=event, project=p, position=i)
        _history(stop, actor, "调整观摩路线")
        stop.save()
    save_edit(event, [], actor=actor, reason="调整观摩路线")
    return event


@transaction.atomic
def site_review_set_reviewers(
    *, actor: Any, event: SiteReview, reviewers: list[Any], expected_version: int | None = None
) -> SiteReview:
    """Assign the reviewers 评委 (officials only); one who already scored cannot be removed."""
    if actor is not None:
        scope.require_review_manager(actor)
    event = lock(SiteReview, event.pk)
    _event_version(event, expected_version, "评委")
    _event_open(event)
    for u in reviewers:
        if not scope.can_be_reviewer(u):
            raise DomainError(
                f"{u} 不能担任观摩评委（企业用户或已停用）", fields={"reviewers": str(u)}
            )
    keep = {u.pk for u in reviewers}
    scored = ReviewSheet.objects.filter(review=event).exclude(reviewer_id__in=keep).first()
    if scored is not None:
        raise DomainError(
            f"评委 {scored.reviewer} 已评分，不能移除", fields={"reviewers": str(scored.reviewer)}
        )
    _history(event, actor, "指定评委")
    event.reviewers.set(reviewers)
    save_edit(event, [], actor=actor, reason="指定评委")
    return event


def _photos_check(photos: list[Any], already: int) -> list[Any]:
    from chainboard.imports.attachments import Upload, attachments_check

    if already + len(photos) > REVIEW_PHOTO_MAX:
        raise DomainError(f"每张评分表最多 {REVIEW_PHOTO_MAX} 张照片", fields={"photos": "过多"})
    checked = attachments_check([Upload(f.name, f.size, f) for f in photos])
    for c in checked:
        if c.kind not in REVIEW_PHOTO_KINDS:
            raise DomainError(f"照片“{c.name}”：只接受 JPG、PNG 图片", fields={"photos": c.name})
    return checked


@transaction.atomic
def review_sheet_save(
    *,
    actor: Any,
    event: SiteReview,
    project: Project,
    points: dict[str, Any],
    comment: str = "",
    photos: list[Any] | None = None,
    expected_version: int | None = None,
) -> ReviewSheet:
    """Save the actor's 评分表 of ``project`` (``expected_version``: the sheet's version the
    page showed, ``NEW`` = 0 for none). Refused: not an assigned reviewer (403), the event
    closed, a project not on the route, points missing or out of range (400, naming the
    criterion), a photo that is not a JPG/PNG or too large (400, naming the file)."""
    scope.require_review_scorer(actor, event)
    event = lock(SiteReview, event.pk)
    _event_open(event)
    if not event.stops.filter(project=project).exists():
        raise DomainError(
            f"项目「{project.name}」不在本次观摩路线上", fields={"project": project.code}
        )
    try:
        total = sheet_total(points, event.criteria)
    except ValueError as exc:
        raise DomainError(str(exc), fields={"points": str(exc)}) from exc
    clean_points = {c["key"]: str(Decimal(str(points[c["key"]]))) for c in event.criteria}
    sheet = (
        ReviewSheet.objects.select_for_update()
        .filter(review=event, project=project, reviewer=actor)
        .first()
    ) or ReviewSheet(review=event, project=project, reviewer=actor)
    checked = _photos_check(list(photos or []), sheet.photos.count() if sheet.pk else 0)
    changed = merge_edit(
        sheet,
        {"points": clean_points, "total": total, "comment": comment.strip()},
        expected_version,
        f"「{project.name}」的评分表",
    )
    if sheet.pk is None or changed:
        sheet.full_clean()
        save_edit(sheet, changed, actor=actor, reason="观摩评分")
    for c in checked:
        photo = ReviewPhoto(
            sheet=sheet, name=c.name, kind=c.kind, size=c.upload.size, sha256=c.sha256
        )
        photo.file.save(f"{uuid.uuid4().hex}.{c.kind}", c.upload.file, save=False)
        photo.save()
    return sheet


@transaction.atomic
def site_review_close(
    *, actor: Any, event: SiteReview, expected_version: int | None = None
) -> dict[str, Decimal]:
    """Close the event and write each county's 季观摩 score (``ReviewScore``, kind quarter) from
    the sheets of every closed event of the same quarter (rule: the event's ``rule``; see
    ``chainboard_analytics.projects.site_review``). A typed-in score of that quarter is replaced
    (history kept). Returns county code → score."""
    if actor is not None:
        scope.require_review_manager(actor)
    event = lock(SiteReview, event.pk)
    _event_version(event, expected_version, "状态")
    _event_open(event)
    if not event.sheets.exists():
        raise DomainError("还没有任何评分，不能结束观摩活动")
    event.status = SiteReviewStatus.CLOSED
    event.closed_at = timezone.now()
    save_edit(event, ["status", "closed_at"], actor=actor, reason="结束观摩活动")
    scores = site_reviews.quarter_scores(event.year, event.quarter)
    regions = {r.code: r for r in Region.objects.filter(code__in=scores)}
    for code, score in scores.items():
        row = (
            ReviewScore.objects.select_for_update()
            .filter(region_id=code, kind=ReviewKind.QUARTER, year=event.year, period=event.quarter)
            .first()
        ) or ReviewScore(
            region=regions[code], kind=ReviewKind.QUARTER, year=event.year, period=event.quarter
        )
        note = f"由观摩活动「{event.title}」评分汇总（{site_reviews.rule_text(event)}）"
        changed = merge_edit(row, {"score": score, "note": note, "source": event}, None, "")
        if row.pk is None or changed:
            row.full_clean()
            save_edit(row, changed, actor=actor, reason="观摩评分汇总")
    return scores

"""Writes of the evaluation app: run a method, publish a run, set tier targets, import tier inputs."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainboard.accounts.scope import (
    require_class_policy_editor,
    require_evaluation_publisher,
    require_evaluator,
    require_importer,
    require_tier_target_setter,
)
from chainboard.accounts.services import security_event_record
from chainboard.core.bulk import insert_with_history
from chainboard.core.errors import DomainError
from chainboard.core.history import set_history
from chainboard.core.locking import bump_versions, lock, merge_edit, save_edit
from chainboard.core.versioning import bump_registry_version
from chainboard.evaluation.inputs import evaluated_firms, inputs_hash, mu_inputs
from chainboard.evaluation.models import (
    ClassPolicy,
    EvaluationResult,
    EvaluationRun,
    ObjectionStatus,
    RunStage,
    TierProfile,
    TierTarget,
)
from chainboard.geo.models import Region
from chainboard_analytics.evaluation import MuMethod, evaluate_mu
from chainboard_analytics.evaluation.scoring import BenchmarkError


def _previous_classes(*, run_scope: Region | None, method: MuMethod, year: int) -> pd.DataFrame:
    prev = (
        EvaluationRun.objects.filter(
            method_id=method.id, year=year - 1, published=True, scope_region=run_scope
        )
        .order_by("-published_at")
        .first()
    )
    if prev is None:
        return pd.DataFrame(columns=["uscc", "klass"])
    rows = prev.results.values_list("enterprise__uscc", "klass")
    return pd.DataFrame(list(rows), columns=["uscc", "klass"])


def _num(x: Any) -> float | None:
    if x is None or x is pd.NA:
        return None
    f = float(x)
    return None if math.isnan(f) else round(f, 6)


def _result_rows(
    run: EvaluationRun, out: pd.DataFrame, ids: dict[str, int], method: MuMethod
) -> list[EvaluationResult]:
    groups = {g.id: g for g in method.groups}
    rows = []
    for r in out.to_dict("records"):
        g = groups[r["group"]]
        indicators = [
            {
                "id": ind.id,
                "name": ind.name,
                "unit": ind.unit,
                "weight": ind.weight,
                "value": _num(r[f"v_{ind.id}"]),
                "benchmark": _num(r[f"b_{ind.id}"]),
                "score": _num(r[f"s_{ind.id}"]),
                "missing": bool(r[f"m_{ind.id}"]) if r[f"m_{ind.id}"] is not pd.NA else False,
                "target": _num((r.get("targets") or {}).get(ind.id)),
            }
            for ind in g.indicators
        ]
        rows.append(
            EvaluationResult(
                run=run,
                enterprise_id=ids[r["uscc"]],
                group=g.id,
                group_name=g.name,
                total=_num(r["total"]),
                rank=None if r["rank"] is pd.NA or r["rank"] is None else int(r["rank"]),
                n_group=None
                if r["n_group"] is pd.NA or r["n_group"] is None
                else int(r["n_group"]),
                klass=r["klass"],
                prev_klass=r.get("prev_klass") or "",
                move=r.get("move") or "",
                next_klass=r.get("next_klass") or "",
                indicators=indicators,
                flags=[i["id"] for i in indicators if i["missing"]],
                explanation=r["explanation"],
            )
        )
    return rows


def _no_progress(done: int, total: int, phase: str) -> None:
    return None


def reference_inputs(*, firms: Any, method: MuMethod, year: int) -> pd.DataFrame | None:
    """Last year's firms when a benchmark is a mean of last year's figures (淮安), else None."""
    if not method.needs_reference:
        return None
    reference = mu_inputs(firms=firms, year=year - 1)
    if reference.empty:
        raise DomainError(f"评价办法以上年度平均值为基准值，但{year - 1}年度没有企业年度指标")
    return reference.drop(columns="enterprise_id")


def run_inputs_hash(frame: pd.DataFrame, reference: pd.DataFrame | None) -> str:
    """SHA-256 of a run's inputs: the firm-year table (and last year's, when the method uses it)."""
    digest = inputs_hash(frame)
    if reference is not None:
        digest = hashlib.sha256(f"{digest}:{inputs_hash(reference)}".encode()).hexdigest()
    return digest


def score_frame(
    *,
    frame: pd.DataFrame,
    method: MuMethod,
    year: int,
    scope: Region | None,
    reference: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score the input table of a run (``mu_inputs`` rows): the one call a new run and a
    re-scoring in 复核 (:mod:`chainboard.evaluation.publicity`) share."""
    previous = _previous_classes(run_scope=scope, method=method, year=year)
    try:
        return evaluate_mu(
            frame.drop(columns="enterprise_id"),
            method,
            year=year,
            previous=previous,
            reference=reference,
        )
    except BenchmarkError as exc:
        raise DomainError(str(exc)) from exc


@transaction.atomic
def evaluation_run_create(
    *,
    actor: Any,
    year: int,
    method: MuMethod,
    progress: Callable[[int, int, str], None] = _no_progress,
) -> tuple[EvaluationRun, bool]:
    """Run ``method`` over ``year`` for the actor's scope; returns (run, created).

    The same method file over unchanged inputs returns the existing run: results are never
    silently overwritten, a changed input or method gives a new run. ``progress(done, total,
    phase)`` is told each step (the background job shows it, see ``evaluation.tasks``).
    """
    user = require_evaluator(actor)
    progress(0, 3, "读取企业年度指标")
    frame = mu_inputs(firms=evaluated_firms(user), year=year)
    if frame.empty:
        raise DomainError(f"{year}年度没有可评价的企业年度指标")
    reference = reference_inputs(firms=evaluated_firms(user), method=method, year=year)
    digest = run_inputs_hash(frame, reference)
    scope = user.scope_region
    existing = EvaluationRun.objects.filter(
        method_digest=method.digest, year=year, inputs_hash=digest, scope_region=scope
    ).first()
    if existing is not None:
        return existing, False
    progress(1, 3, f"计算{len(frame)}家企业的得分与等级")
    out = score_frame(frame=frame, method=method, year=year, scope=scope, reference=reference)
    ids = dict(zip(frame["uscc"], frame["enterprise_id"], strict=True))
    run = EvaluationRun(
        method_id=method.id,
        method_version=method.version,
        method_title=method.title,
        method_source=method.source,
        method_digest=method.digest,
        method_text=method.text,
        year=year,
        inputs_hash=digest,
        scope_region=scope,
        created_by=user,
        n_firms=len(out),
    )
    progress(2, 3, "写入评价结果")
    set_history(run, user)
    run.full_clean()
    run.save()
    EvaluationResult.objects.bulk_create(_result_rows(run, out, ids, method), batch_size=1000)
    return run, True


@transaction.atomic
def evaluation_run_publish(
    *, actor: Any, run: EvaluationRun, direct_reason: str = ""
) -> EvaluationRun:
    """Publish ``run`` (发布); the run published before it (same method, year, scope) is
    superseded.

    A run is published from 复核 once every 异议 is answered. A draft is published directly
    only with ``direct_reason`` (e.g. re-entering an earlier year's results that were publicised
    elsewhere, the demo); the reason is kept in the run's history. A run in 公示 cannot be
    published: the firms' time to object has not run out.
    """
    user = require_evaluation_publisher(actor, run)
    lock(EvaluationRun, run.pk)
    run.refresh_from_db()
    if run.published:
        return run
    direct_reason = direct_reason.strip()
    if run.stage == RunStage.PUBLISHED:
        raise DomainError(f"该批次已被批次#{run.superseded_by_id}替代，不能再次发布")
    if run.stage == RunStage.PUBLICITY:
        raise DomainError(
            f"公示期至{run.publicity_end:%Y-%m-%d}（含当日）止，须期满进入复核、答复全部异议后发布"
        )
    if run.stage == RunStage.DRAFT and not direct_reason:
        raise DomainError(
            "草稿须先公示、复核后发布；直接发布（如补录已在别处公示过的往年结果）须说明理由",
            fields={"direct_reason": "必填"},
        )
    if run.stage == RunStage.REVIEW:
        pending = run.objections.filter(status=ObjectionStatus.PENDING).count()
        if pending:
            raise DomainError(f"尚有 {pending} 份异议未答复，答复全部异议后才能发布")
    for old in EvaluationRun.objects.select_for_update().filter(
        method_id=run.method_id, year=run.year, scope_region=run.scope_region, published=True
    ):
        old.published = False
        old.superseded_by = run
        set_history(old, user, f"被批次#{run.pk}替代")
        old.save()
    run.published = True
    run.stage = RunStage.PUBLISHED
    run.published_at = timezone.now()
    set_history(run, user, f"直接发布（未经公示）：{direct_reason}" if direct_reason else "发布")
    run.save()
    security_event_record(
        "publish", user=user, target=f"评价批次#{run.pk}", detail=f"{run.year}年亩均评价发布"
    )
    return run


@transaction.atomic
def tier_target_set(
    *,
    actor: Any,
    region: Region,
    year: int,
    kind: str,
    target: int,
    level: str = "",
    source: str = "",
    expected_version: int | None = None,
) -> TierTarget:
    """Set a tier target (``expected_version``: see :mod:`chainboard.core.locking`)."""
    user = require_tier_target_setter(actor, region)
    obj = (
        TierTarget.objects.select_for_update()
        .filter(region=region, year=year, kind=kind, level=level)
        .first()
    )
    obj = obj or TierTarget(region=region, year=year, kind=kind, level=level)
    changed = merge_edit(
        obj, {"target": target, "source": source}, expected_version, f"{year}年梯度培育目标"
    )
    if obj.pk is None or changed:
        obj.full_clean()
        save_edit(obj, changed, actor=user, reason="设定梯度目标")
    return obj


TIER_PROFILE_BATCH = 2000


def tier_profiles_bulk_write(
    *,
    creates: Sequence[dict[str, Any]],
    updates: Sequence[TierProfile],
    update_fields: Sequence[str],
    actor: Any,
    reason: str,
) -> None:
    """Bulk insert/update tier inputs 梯度培育指标 already checked by the import (each firm in the
    actor's scope, values validated). Every row gets its history row with ``reason``; the
    registry version is bumped (the 梯度培育 page's cached checks key on it and on the history)."""
    if actor is not None:
        require_importer(actor, "tier_inputs")
    if not creates and not updates:
        return
    now = timezone.now()
    bump_registry_version()
    insert_with_history(
        TierProfile,
        creates,
        key=("enterprise_id", "year"),
        actor_id=actor.pk if actor is not None else None,
        reason=reason,
        now=now,
    )
    if updates:
        for obj in updates:
            obj.updated_at = now
        bulk_update_with_history(
            list(updates),
            TierProfile,
            fields=[*update_fields, *bump_versions(TierProfile, updates), "updated_at"],
            batch_size=TIER_PROFILE_BATCH,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )


#: The fields of a policy row an administrator sets through :func:`class_policy_set`.
POLICY_FIELDS = (
    "electricity_surcharge_yuan_per_kwh",
    "water_surcharge_yuan_per_m3",
    "land_tax_relief_pct",
    "land_tax_yuan_per_m2",
    "energy_quota",
    "discharge_quota",
    "credit",
    "valid_from",
    "valid_to",
    "source",
    "note",
)


@transaction.atomic
def class_policy_set(
    *,
    actor: Any,
    method_id: str,
    year: int,
    klass: str,
    values: dict[str, Any],
    expected_version: int | None = None,
    reason: str = "修改差别化政策",
) -> ClassPolicy:
    """Create or change one row of the 差别化政策 table (administrators; every change in history).

    ``values`` holds any of :data:`POLICY_FIELDS`; a row needs ``valid_from`` and ``source``
    (dated and sourced). ``expected_version``: see :mod:`chainboard.core.locking`.
    """
    user = require_class_policy_editor(actor)
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise DomainError(f"未知的政策字段：{'、'.join(sorted(unknown))}")
    obj = (
        ClassPolicy.objects.select_for_update()
        .filter(method_id=method_id, year=year, klass=klass)
        .first()
    )
    obj = obj or ClassPolicy(method_id=method_id, year=year, klass=klass)
    changed = merge_edit(obj, values, expected_version, f"{year}年{klass}类差别化政策")
    if obj.pk is None or changed:
        obj.full_clean()
        save_edit(obj, changed, actor=user, reason=reason)
    return obj

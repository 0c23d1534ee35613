"""Writes to the enterprise registry. Nothing else saves Enterprise, EnterpriseYear or Qualification.

Every write checks the actor's scope, validates, and is recorded in django-simple-history with its
actor and reason (an import batch, an API call, the demo loader). ``actor=None`` is the server
operator (CLI, migrations): it bypasses scope but is still recorded.

Edits are optimistic-locked (:mod:`chainboard.core.locking`): ``expected_version`` is the version
the editor read; the row is locked, merged field by field and only changed columns are written.
Bulk (import) updates bump the version of every row they change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainboard.accounts.models import DataSource, User
from chainboard.accounts.scope import (
    require_enterprise_visible,
    require_figure_decider,
    require_figure_precedence_editor,
    require_figure_source,
    require_figures_writer,
    require_place_in_scope,
    require_registry_writer,
)
from chainboard.core.bulk import insert_with_history
from chainboard.core.errors import DomainError
from chainboard.core.history import set_history
from chainboard.core.locking import bump_versions, lock, merge_edit, save_edit
from chainboard.core.versioning import bump_registry_version
from chainboard.enterprises.figure_sources import field_rules, resolve_year, source_fields
from chainboard.enterprises.models import (
    FIGURE_TITLES,
    Enterprise,
    EnterpriseYear,
    FigureDecision,
    FigurePrecedence,
    FigureValues,
    Qualification,
)
from chainboard.imports.models import ImportBatch

BATCH_SIZE = 2000
ENTERPRISE_FIELDS = (
    "name",
    "region",
    "park",
    "industry",
    "above_scale",
    "founded_on",
    "status",
    "business_scope",
)
FIGURE_FIELDS = tuple(FIGURE_TITLES)


@transaction.atomic
def enterprise_create(
    *, actor: User | None, data: dict[str, Any], reason: str = "新增"
) -> Enterprise:
    enterprise = Enterprise(**data)
    if actor is not None:
        require_registry_writer(actor)
        require_place_in_scope(actor, enterprise.region, enterprise.park)
    enterprise.full_clean()
    set_history(enterprise, actor, reason)
    enterprise.save()
    bump_registry_version()
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    enterprise: Enterprise,
    actor: User | None,
    data: dict[str, Any],
    expected_version: int | None,
    reason: str = "修改",
) -> Enterprise:
    """Edit a firm; ``expected_version`` is the version the editor read (None: server paths)."""
    if actor is not None:
        require_registry_writer(actor)
        require_enterprise_visible(actor, enterprise)
    fields = {"region_id": "region", "park_id": "park", "industry_id": "industry"}
    for name in data:
        if name not in ENTERPRISE_FIELDS and name not in fields:
            raise ValueError(f"unknown enterprise field {name}")
    enterprise = lock(Enterprise, enterprise.pk)
    changed = merge_edit(
        enterprise, {fields.get(k, k): v for k, v in data.items()}, expected_version, "企业信息"
    )
    if not changed:
        return enterprise
    if actor is not None:
        require_place_in_scope(actor, enterprise.region, enterprise.park)
    enterprise.full_clean()
    save_edit(enterprise, changed, actor=actor, reason=reason)
    bump_registry_version()
    return enterprise


@transaction.atomic
def figures_save(
    *,
    enterprise: Enterprise,
    year: int,
    actor: User | None,
    data: dict[str, Any],
    expected_version: int | None,
    reason: str = "填报",
) -> EnterpriseYear:
    """Create or update one firm-year (an enterprise user may report its own figures).

    ``expected_version`` is the version of the year the editor read, :data:`NEW` (0) if there
    was none yet; only the figures the editor changed are written.
    """
    if actor is not None:
        require_figures_writer(actor, enterprise)
    for name in data:
        if name not in FIGURE_FIELDS:
            raise ValueError(f"unknown figure field {name}")
    found = (
        EnterpriseYear.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
    )
    row = found or EnterpriseYear(enterprise=enterprise, year=year)
    changed = merge_edit(row, data, expected_version, f"{year}年经营数据")
    if found is not None and not changed:
        return row
    row.full_clean()
    save_edit(row, changed, actor=actor, reason=reason)
    bump_registry_version()
    return row


def enterprises_bulk_write(
    *,
    creates: Sequence[dict[str, Any]],
    updates: Sequence[Enterprise],
    update_fields: Sequence[str],
    actor: User | None,
    reason: str,
) -> None:
    """Bulk insert/update already-validated and scope-checked rows (the import runner's path).

    ``creates`` are plain ``{attname: value}`` rows (see :mod:`chainboard.core.bulk`).
    """
    _bulk(Enterprise, ("uscc",), creates, updates, update_fields, actor, reason)


def figures_bulk_write(
    *,
    creates: Sequence[dict[str, Any]],
    updates: Sequence[EnterpriseYear],
    update_fields: Sequence[str],
    actor: User | None,
    reason: str,
) -> None:
    _bulk(EnterpriseYear, ("enterprise_id", "year"), creates, updates, update_fields, actor, reason)


def figure_values_bulk_write(
    *,
    creates: Sequence[dict[str, Any]],
    updates: Sequence[FigureValues],
    update_fields: Sequence[str],
    actor: User | None,
    reason: str,
) -> None:
    """Bulk insert/update one source's rows already checked by the figures import."""
    _bulk(
        FigureValues,
        ("enterprise_id", "year", "source"),
        creates,
        updates,
        update_fields,
        actor,
        reason,
    )


def qualifications_bulk_write(
    *,
    creates: Sequence[dict[str, Any]],
    updates: Sequence[Qualification],
    update_fields: Sequence[str],
    actor: User | None,
    reason: str,
) -> None:
    """Bulk insert/update qualifications already checked by the import (scope included)."""
    _bulk(
        Qualification,
        ("enterprise_id", "kind", "level", "granted_on"),
        creates,
        updates,
        update_fields,
        actor,
        reason,
    )


def _versions(model: Any, updates: Sequence[Any]) -> list[str]:
    if any(f.name == "version" for f in model._meta.concrete_fields):
        return bump_versions(model, updates)
    return []


def _bulk(
    model: Any,
    key: Sequence[str],
    creates: Sequence[dict[str, Any]],
    updates: Sequence[Any],
    update_fields: Sequence[str],
    actor: User | None,
    reason: str,
) -> None:
    now: datetime = timezone.now()
    if creates or updates:
        bump_registry_version()
    insert_with_history(
        model, creates, key=key, actor_id=actor.pk if actor else None, reason=reason, now=now
    )
    if updates:
        for obj in updates:
            obj.updated_at = now
        bulk_update_with_history(
            list(updates),
            model,
            fields=[*update_fields, *_versions(model, updates), "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )


# --- several sources for one figure (一个指标多个来源, docs/imports.md) ------------------------

AMOUNT_QUANTUM = Decimal("0.0001")  # the database keeps 4 decimal places


def _figure_value(name: str, value: Any) -> Decimal | int | None:
    """A figure as stored (amounts to 4 decimals, 职工人数 whole); negative → DomainError."""
    if value is None:
        return None
    title = FIGURE_TITLES[name]
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{title}：「{value}」不是数字", fields={name: "不是数字"}) from None
    if not number.is_finite():
        raise DomainError(f"{title}：「{value}」不是数字", fields={name: "不是数字"})
    if number < 0:
        raise DomainError(f"{title}不能为负数（{value}）", fields={name: "不能为负数"})
    if name == "employees":
        if number != number.to_integral_value():
            raise DomainError(f"{title}应为整数（{value}）", fields={name: "应为整数"})
        return int(number)
    return number.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def figure_source_check(*, source: str, fields: Iterable[str]) -> None:
    """``source`` is a known 数据来源 and may carry each of ``fields`` (else DomainError)."""
    if source not in DataSource.values:
        known = "、".join(DataSource.labels)
        raise DomainError(f"未知的数据来源「{source}」（可选：{known}）", fields={"source": source})
    allowed = source_fields(source)
    for name in fields:
        if name not in FIGURE_TITLES:
            raise DomainError(f"未知的指标「{name}」", fields={name: "未知的指标"})
        if name not in allowed:
            raise DomainError(
                f"「{FIGURE_TITLES[name]}」不是{DataSource(source).label}数据的指标"
                f"（{DataSource(source).label}可报：{_titles(allowed)}）",
                fields={name: "不属于该数据来源"},
            )


def _titles(fields: Iterable[str]) -> str:
    return "、".join(t for n, t in FIGURE_TITLES.items() if n in set(fields))


@transaction.atomic
def figure_values_record(
    *,
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    values: dict[str, Any],
    source: str,
    batch: ImportBatch | None = None,
    reason: str = "",
) -> EnterpriseYear:
    """Record the figures ``source`` reports for one firm-year and re-resolve them.

    ``values``: figure field → value (``None``: the source reports it missing); fields left out
    are not touched. The source's row (:class:`FigureValues`) is created or updated with history
    (actor, ``reason`` or the batch's 导入批次#N); then each given field of the firm's
    :class:`EnterpriseYear` is set to the resolved value (precedence, tolerance and any 核定,
    :mod:`chainboard.enterprises.figure_sources`), also with history. Returns the firm-year.

    Refused (DomainError / OutOfScope, nothing written): an unknown source or field, a field the
    source does not carry (供电 → 实缴税金), a negative or non-numeric value, an actor who may not
    change the firm's figures or record this source (a 税务 user recording 统计 data).
    """
    figure_source_check(source=source, fields=values)
    if actor is not None:
        require_figures_writer(actor, enterprise)
        require_figure_source(actor, source)
    clean = {name: _figure_value(name, value) for name, value in values.items()}
    why = reason or (batch.change_reason if batch else f"{DataSource(source).label}数据")
    row = (
        FigureValues.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, source=source)
        .first()
    ) or FigureValues(enterprise=enterprise, year=year, source=source)
    changed = [n for n, v in clean.items() if not _same_value(getattr(row, n), v)]
    if row.pk is None or changed:
        for name in changed:
            setattr(row, name, clean[name])
        row.batch = batch
        row.recorded_by = actor
        row.full_clean()
        set_history(row, actor, why)
        row.save()
    return _resolve_one(enterprise, year, list(clean), actor, why)


def _same_value(old: Any, new: Any) -> bool:
    if old is None or new is None:
        return old is new
    return Decimal(old) == Decimal(new)


def _sources_of(enterprise_id: int, year: int) -> dict[str, dict[str, Any]]:
    rows = FigureValues.objects.filter(enterprise_id=enterprise_id, year=year).values(
        "source", *FIGURE_FIELDS
    )
    return {r.pop("source"): r for r in rows}


def _decisions_of(enterprise_id: int, year: int) -> dict[str, tuple[str, Decimal]]:
    rows = FigureDecision.objects.filter(enterprise_id=enterprise_id, year=year)
    return {d.field: (d.source, d.value) for d in rows}


def _resolve_one(
    enterprise: Enterprise, year: int, fields: list[str], actor: User | None, reason: str
) -> EnterpriseYear:
    resolved = resolve_year(
        _sources_of(enterprise.pk, year),
        field_rules(),
        fields,
        _decisions_of(enterprise.pk, year),
    )
    found = EnterpriseYear.objects.select_for_update().filter(enterprise=enterprise, year=year)
    target = found.first() or EnterpriseYear(enterprise=enterprise, year=year)
    changed = [
        name for name, r in resolved.items() if not _same_value(getattr(target, name), r.value)
    ]
    if target.pk is not None and not changed:
        return target
    for name in changed:
        setattr(target, name, resolved[name].value)
    target.full_clean()
    save_edit(target, changed, actor=actor, reason=reason)
    bump_registry_version()
    return target


def figures_reresolve(
    *, pairs: Iterable[tuple[int, int]], fields: Sequence[str], actor: User | None, reason: str
) -> int:
    """Re-resolve ``fields`` of the firm-years ``pairs`` (enterprise id, year) after a rule or a
    decision changed; returns how many firm-years changed (bulk, with history)."""
    rules = field_rules()
    changed_rows: list[EnterpriseYear] = []
    changed_fields: set[str] = set()
    pair_list = sorted(set(pairs))
    for start in range(0, len(pair_list), BATCH_SIZE):
        part = pair_list[start : start + BATCH_SIZE]
        firm_ids = {p[0] for p in part}
        years = {p[1] for p in part}
        wanted = set(part)
        by_pair: dict[tuple[int, int], dict[str, dict[str, Any]]] = {}
        for r in FigureValues.objects.filter(enterprise_id__in=firm_ids, year__in=years).values(
            "enterprise_id", "year", "source", *fields
        ):
            key = (r.pop("enterprise_id"), r.pop("year"))
            if key in wanted:
                by_pair.setdefault(key, {})[r.pop("source")] = r
        decisions: dict[tuple[int, int], dict[str, tuple[str, Decimal]]] = {}
        for d in FigureDecision.objects.filter(
            enterprise_id__in=firm_ids, year__in=years, field__in=fields
        ):
            decisions.setdefault((d.enterprise_id, d.year), {})[d.field] = (d.source, d.value)
        stored = {
            (y.enterprise_id, y.year): y
            for y in EnterpriseYear.objects.filter(enterprise_id__in=firm_ids, year__in=years)
        }
        for key, sources in by_pair.items():
            resolved = resolve_year(sources, rules, fields, decisions.get(key))
            target = stored.get(key)
            if target is None:
                continue  # every recorded firm-year has its row (figure_values_record made it)
            diff = [n for n, r in resolved.items() if not _same_value(getattr(target, n), r.value)]
            if diff:
                for name in diff:
                    setattr(target, name, resolved[name].value)
                changed_rows.append(target)
                changed_fields |= set(diff)
    if changed_rows:
        _bulk(
            EnterpriseYear,
            ("enterprise_id", "year"),
            [],
            changed_rows,
            sorted(changed_fields),
            actor,
            reason,
        )
    return len(changed_rows)


@transaction.atomic
def figure_decide(
    *,
    actor: User | None,
    enterprise: Enterprise,
    year: int,
    field: str,
    source: str,
    reason: str,
) -> FigureDecision:
    """An analyst's 核定: use ``source``'s current value for ``field`` (a conflict resolved by
    hand, with a reason). It holds while that source's value stays the same."""
    if actor is not None:
        require_figure_decider(actor, enterprise)
    if field not in FIGURE_TITLES:
        raise DomainError(f"未知的指标「{field}」", fields={"field": "未知的指标"})
    if source not in DataSource.values:
        raise DomainError(f"未知的数据来源「{source}」", fields={"source": "未知的数据来源"})
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("请填写核定理由", fields={"reason": "必填"})
    value = _sources_of(enterprise.pk, year).get(source, {}).get(field)
    if value is None:
        raise DomainError(
            f"{DataSource(source).label}没有报送{year}年的{FIGURE_TITLES[field]}",
            fields={"source": "该来源没有此指标"},
        )
    decision = (
        FigureDecision.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, field=field)
        .first()
    ) or FigureDecision(enterprise=enterprise, year=year, field=field)
    decision.source = source
    decision.value = value
    decision.reason = reason[:500]
    decision.decided_by = actor
    decision.full_clean()
    set_history(decision, actor, f"核定：{reason[:100]}")
    decision.save()
    _resolve_one(enterprise, year, [field], actor, f"核定采用{DataSource(source).label}数据")
    return decision


@transaction.atomic
def figure_precedence_set(
    *, actor: User | None, field: str, order: Sequence[str], tolerance: Decimal | str
) -> FigurePrecedence:
    """Set ``field``'s source precedence (every source once, most trusted first) and conflict
    tolerance (relative, 0–10), then re-resolve every firm-year a source reported it for."""
    if actor is not None:
        require_figure_precedence_editor(actor)
    if field not in FIGURE_TITLES:
        raise DomainError(f"未知的指标「{field}」", fields={"field": "未知的指标"})
    unknown = [s for s in order if s not in DataSource.values]
    if unknown:
        raise DomainError(f"未知的数据来源「{unknown[0]}」", fields={"order": "未知的数据来源"})
    if len(set(order)) != len(order) or set(order) != set(DataSource.values):
        raise DomainError(
            "优先级应把每个数据来源各排一次（" + "、".join(DataSource.labels) + "）",
            fields={"order": "每个来源各一次"},
        )
    try:
        tol = Decimal(str(tolerance))
    except (InvalidOperation, ValueError):
        raise DomainError(
            f"冲突容差「{tolerance}」不是数字", fields={"tolerance": "不是数字"}
        ) from None
    if not tol.is_finite() or tol < 0 or tol > 10:
        raise DomainError("冲突容差应在0到10（1000%）之间", fields={"tolerance": "超出范围"})
    rule = FigurePrecedence.objects.select_for_update().filter(field=field).first()
    rule = rule or FigurePrecedence(field=field)
    rule.order = ",".join(order)
    rule.tolerance = tol.quantize(AMOUNT_QUANTUM)
    rule.full_clean()
    set_history(rule, actor, "修改指标来源优先级")
    rule.save()
    pairs = FigureValues.objects.filter(**{f"{field}__isnull": False}).values_list(
        "enterprise_id", "year"
    )
    figures_reresolve(
        pairs=list(pairs),
        fields=[field],
        actor=actor,
        reason=f"{FIGURE_TITLES[field]}来源优先级修改",
    )
    return rule

"""Writes to the enterprise registry. Nothing else saves Enterprise, EnterpriseYear or Qualification.

Every write checks the actor's scope, validates, and is recorded in django-simple-history with its
actor and reason (an import batch, an API call, the demo loader). ``actor=None`` is the server
operator (CLI, migrations): it bypasses scope but is still recorded.

Edits are optimistic-locked (:mod:`chainboard.core.locking`): ``expected_version`` is the version
the editor read; the row is locked, merged field by field and only changed columns are written.
Bulk (import) updates bump the version of every row they change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainboard.accounts.models import User
from chainboard.accounts.scope import (
    require_enterprise_visible,
    require_figures_writer,
    require_place_in_scope,
    require_registry_writer,
)
from chainboard.core.bulk import insert_with_history
from chainboard.core.history import set_history
from chainboard.core.locking import bump_versions, lock, merge_edit, save_edit
from chainboard.core.versioning import bump_registry_version
from chainboard.enterprises.models import (
    FIGURE_TITLES,
    Enterprise,
    EnterpriseYear,
    Qualification,
)

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
            fields=[*update_fields, *bump_versions(model, updates), "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )

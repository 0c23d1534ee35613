"""Writes to the strategy panel: bulk, already validated, recorded in the change history.

Every write bumps the panel's data version (a site setting), which keys the cached analyses, so
a cached strategy page is never stale after an import or the demo load.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from chainboard.accounts.models import User
from chainboard.core.bulk import insert_with_history
from chainboard.core.locking import bump_versions
from chainboard.core.versioning import bump_data_version, data_version
from chainboard.strategy.models import PanelValue

VERSION_KEY = "strategy_panel_version"
PANEL_KEY = ("region_id", "industry_id", "year", "measure")
BATCH_SIZE = 2000


def panel_version() -> str:
    """The panel's data version ("0" before any write)."""
    return data_version(VERSION_KEY)


def panel_version_bump() -> None:
    """Called inside the writing transaction; a rollback undoes the bump too."""
    bump_data_version(VERSION_KEY)


@transaction.atomic
def panel_bulk_write(
    *,
    creates: Sequence[dict[str, Any]],
    updates: Sequence[PanelValue],
    actor: User | None,
    reason: str,
) -> None:
    """Insert ``creates`` (plain ``{attname: value}`` rows) and save ``updates`` (``value`` and
    ``sample`` changed), with history rows carrying ``actor`` and ``reason``.

    Callers validate and scope-check first (the import runner's ``plan``, the demo step).
    """
    if not creates and not updates:
        return
    now = timezone.now()
    panel_version_bump()
    insert_with_history(
        PanelValue,
        creates,
        key=PANEL_KEY,
        actor_id=actor.pk if actor else None,
        reason=reason,
        now=now,
    )
    if updates:
        for obj in updates:
            obj.updated_at = now
        bulk_update_with_history(
            list(updates),
            PanelValue,
            fields=["value", "sample", *bump_versions(PanelValue, updates), "updated_at"],
            batch_size=BATCH_SIZE,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )

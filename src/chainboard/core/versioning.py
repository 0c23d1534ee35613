"""Data versions: bumped by every write to a data set, read once per cached page.

Dashboards aggregate 10^5 firms × years; they are cached per (scope, data version), so a cached
figure is never stale: any write through the services (web, API, CLI import, demo) bumps the
version and the next request recomputes. The version lives in the database, so several server
processes and the CLI agree on it. The registry has one (``registry_version``); the strategy panel
keeps its own (``strategy.services.VERSION_KEY``), so a panel import leaves the dashboards cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from chainboard.core.models import SiteSetting

KEY = "registry_version"
T = TypeVar("T")


def data_version(key: str = KEY) -> str:
    """The version of the data set ``key`` ("0" before any write)."""
    row = SiteSetting.objects.filter(key=key).values_list("value", flat=True).first()
    return row or "0"


def bump_data_version(key: str = KEY) -> None:
    """Called inside the writing transaction; a rollback undoes the bump too."""
    with transaction.atomic():
        row, _ = SiteSetting.objects.select_for_update().get_or_create(
            key=key, defaults={"value": "0"}
        )
        row.value = str(int(row.value or 0) + 1)
        row.save(update_fields=["value"])


def registry_version() -> str:
    return data_version(KEY)


def bump_registry_version() -> None:
    bump_data_version(KEY)


def cached_for_version(
    key: str, compute: Callable[[], T], *, version_key: str = KEY, timeout: int = 3600
) -> T:
    """``compute()`` once per version of the data set ``version_key`` (per process cache)."""
    full_key = f"{key}:v{data_version(version_key)}"
    value: Any = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value  # type: ignore[no-any-return]

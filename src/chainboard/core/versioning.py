"""A registry data version: bumped by every registry write, read once per cached page.

Dashboards aggregate 10^5 firms × years; they are cached per (scope, data version), so a cached
figure is never stale: any write through the services (web, API, CLI import, demo) bumps the
version and the next request recomputes. The version lives in the database, so several server
processes and the CLI agree on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from chainboard.core.models import SiteSetting

KEY = "registry_version"
T = TypeVar("T")


def registry_version() -> str:
    row = SiteSetting.objects.filter(key=KEY).values_list("value", flat=True).first()
    return row or "0"


def bump_registry_version() -> None:
    """Called inside the writing transaction; a rollback undoes the bump too."""
    with transaction.atomic():
        row, _ = SiteSetting.objects.select_for_update().get_or_create(
            key=KEY, defaults={"value": "0"}
        )
        row.value = str(int(row.value or 0) + 1)
        row.save(update_fields=["value"])


def cached_for_version(key: str, compute: Callable[[], T], *, timeout: int = 3600) -> T:
    """``compute()`` once per registry version (per process cache)."""
    full_key = f"{key}:v{registry_version()}"
    value: Any = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value  # type: ignore[no-any-return]

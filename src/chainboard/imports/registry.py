"""The importers the upload page, the API and ``chainboard import_data`` offer, by ``kind``.

Each domain app registers its own importers from its ``AppConfig.ready()``; the ``imports`` app
itself knows no domain app (they sit above it in the layer order of ARCHITECTURE.md). The order
of the registry is the order of ``INSTALLED_APPS``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from chainboard.imports.runner import Importer

IMPORTERS: dict[str, type[Importer]] = {}

#: Remembers the name → firm pairs a user chose in a preview (set by the enterprises app, which
#: owns the firms): ``save(actor=..., pairs=[(name as written, firm pk), ...])``.
NAME_ALIAS_SAVERS: list[Callable[..., object]] = []


def register_name_alias_saver(save: Callable[..., object]) -> None:
    if save not in NAME_ALIAS_SAVERS:
        NAME_ALIAS_SAVERS.append(save)


def register_importer(*importers: type[Importer]) -> None:
    """Make ``importers`` available under their ``kind`` (idempotent for the same class)."""
    for cls in importers:
        known = IMPORTERS.get(cls.kind)
        if known is not None and known is not cls:
            raise ImproperlyConfigured(
                f"import kind {cls.kind!r}: {known.__qualname__} and {cls.__qualname__}"
            )
        IMPORTERS[cls.kind] = cls

"""The importers the upload page, the API and ``chainboard import_data`` offer, by ``kind``.

Each domain app registers its own importers from its ``AppConfig.ready()``; the ``imports`` app
itself knows no domain app (they sit above it in the layer order of ARCHITECTURE.md). The order
of the registry is the order of ``INSTALLED_APPS``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from chainboard.imports.runner import Importer

IMPORTERS: dict[str, type[Importer]] = {}


def register_importer(*importers: type[Importer]) -> None:
    """Make ``importers`` available under their ``kind`` (idempotent for the same class)."""
    for cls in importers:
        known = IMPORTERS.get(cls.kind)
        if known is not None and known is not cls:
            raise ImproperlyConfigured(
                f"import kind {cls.kind!r}: {known.__qualname__} and {cls.__qualname__}"
            )
        IMPORTERS[cls.kind] = cls

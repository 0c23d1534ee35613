"""What a database holds: tables and row counts, applied migrations, the files it refers to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader

# Rows that `chainboard migrate` itself writes into an empty database: a database holding only
# these counts as empty (restoring into it needs no --force).
REFERENCE_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        "geo_region",
        "industries_industrycode",
        # rows the data migrations write: the default 月评比 method and the 62号 class policy (a
        # method someone edited leaves history rows, and those count as data)
        "projects_rankingmethod",
        "evaluation_classpolicy",
        "sqlite_sequence",
    }
)


def quote(connection: BaseDatabaseWrapper, name: str) -> str:
    return str(connection.ops.quote_name(name))


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def table_counts(connection: BaseDatabaseWrapper) -> dict[str, int]:
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table in table_names(connection):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(connection, table)}")
            counts[table] = int(cursor.fetchone()[0])
    return counts


def applied_migrations(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """(app, name) in the order they were applied; empty when the database has no schema."""
    if "django_migrations" not in table_names(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        return [(str(app), str(name)) for app, name in cursor.fetchall()]


def migration_state(applied: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Per app, the applied migrations in order (the last one is the app's latest)."""
    state: dict[str, list[str]] = {}
    for app, name in applied:
        state.setdefault(app, []).append(name)
    return state


def known_migrations() -> set[tuple[str, str]]:
    """The migrations this version of chainboard ships (on disk), without touching a database."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces or [])
    return known


def model_labels() -> dict[str, str]:
    """Table name → the model's Chinese name, for messages."""
    return {m._meta.db_table: str(m._meta.verbose_name) for m in apps.get_models()}


def user_data_counts(counts: dict[str, int]) -> dict[str, int]:
    """Tables holding rows beyond what ``migrate`` writes (so the database is not empty)."""
    return {t: n for t, n in counts.items() if n and t not in REFERENCE_TABLES}


@dataclass(frozen=True)
class FileRoot:
    """A folder whose files a backup carries: ``kind`` names it inside the archive."""

    kind: str
    path: Path


def file_roots() -> list[FileRoot]:
    return [
        FileRoot("uploads", Path(settings.UPLOAD_DIR)),
        FileRoot("media", Path(settings.MEDIA_ROOT)),
        FileRoot("boundaries", Path(settings.VAR_DIR) / "boundaries"),
    ]


@dataclass(frozen=True)
class FileRef:
    kind: str
    relative: str  # POSIX path under the root
    path: Path


def referenced_files(connection: BaseDatabaseWrapper) -> tuple[list[FileRef], list[str]]:
    """The files under var/ the database refers to, and the references whose file is missing.

    - uploads: ``ImportBatch.stored_path`` (kept so an accepted batch can be audited later);
    - media: every ``FileField`` of every model (project photos, their history rows);
    - boundaries: every map outline under ``var/boundaries`` (looked up by region code).
    """
    roots = {root.kind: root.path for root in file_roots()}
    existing = set(table_names(connection))
    found: dict[tuple[str, str], FileRef] = {}
    missing: list[str] = []

    def add(kind: str, raw: str) -> None:
        root = roots[kind]
        candidate = Path(raw) if Path(raw).is_absolute() else root / raw
        try:
            relative = candidate.resolve().relative_to(root.resolve())
        except ValueError:
            missing.append(f"{raw}（不在 {root} 下，未备份）")
            return
        if not candidate.is_file():
            missing.append(raw)
            return
        key = (kind, relative.as_posix())
        found.setdefault(key, FileRef(kind, relative.as_posix(), candidate))

    batch = apps.get_model("imports", "ImportBatch")
    for raw in _column_values(
        connection, existing, batch, "stored_path", unless_set="file_deleted_at"
    ):
        add("uploads", raw)  # not the files the upload retention already deleted
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                for raw in _column_values(connection, existing, model, field.attname):
                    add("media", raw)
    boundaries = roots["boundaries"]
    if boundaries.is_dir():
        for path in sorted(boundaries.rglob("*.json")):
            if path.is_file():
                add("boundaries", str(path))
    return sorted(found.values(), key=lambda r: (r.kind, r.relative)), missing


def _column_values(
    connection: BaseDatabaseWrapper,
    existing: set[str],
    model: Any,
    column: str,
    *,
    unless_set: str | None = None,
) -> list[str]:
    table = model._meta.db_table
    if table not in existing:
        return []
    where = f"{quote(connection, column)} IS NOT NULL AND {quote(connection, column)} <> ''"
    with connection.cursor() as cursor:
        if unless_set:
            columns = {
                c.name for c in connection.introspection.get_table_description(cursor, table)
            }
            if unless_set in columns:
                where += f" AND {quote(connection, unless_set)} IS NULL"
        cursor.execute(
            f"SELECT DISTINCT {quote(connection, column)} FROM {quote(connection, table)} WHERE {where}"
        )
        return [str(value) for (value,) in cursor.fetchall()]

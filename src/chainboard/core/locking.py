"""Optimistic locking: no edit made in a form, the API or the admin silently undoes another's.

Every row users edit carries a ``version`` (:class:`Versioned`), bumped by every write that
changes it (single saves here, bulk writes through :func:`bump_versions`). An edit names the
version it started from (hidden form field, ``version`` in the API body, hidden admin field).
Services then, inside one transaction:

1. :func:`lock` the row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE
   transaction already holds the write lock, so two saves never interleave);
2. :func:`merge_edit` — a three-way merge against the row as it was at that version (read from
   the django-simple-history table): a field only the editor changed takes the editor's value, a
   field only the other user changed keeps theirs, a field both changed to different values is a
   clash → :class:`EditConflict` (409 in the API, a form error in pages) carrying the other
   user's current values and the version to re-submit on top of; nothing is written;
3. :func:`save_edit` — bump the version and ``save(update_fields=…)`` only the changed columns
   (simple-history still records the row with its actor and reason).

Re-submitting with the version from the conflict merges "my values on top of theirs": the
editor has seen the other values, so their own now win. ``expected_version=None`` is only for
trusted server paths (CLI, demo, import runner); forms and the API must call
:func:`stated_version` / :func:`posted_version`, which turn a missing version into
:data:`MISSING`, refused by :func:`merge_edit` with a clear 400 (after the scope checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models

from chainboard.core.errors import DomainError
from chainboard.core.history import set_history

M = TypeVar("M", bound=models.Model)

#: What a form or API call that sent no version passes on: :func:`merge_edit` refuses it with
#: :class:`VersionRequired` (400) — after the service's scope checks, so a forbidden edit is
#: still a 403/404 first.
MISSING = -1

#: The version a client names when it saw no row yet (create-or-update endpoints such as a
#: week's update or a year's figures): a row created meanwhile by someone else is then merged
#: against an empty base, so clashing values are a conflict rather than an overwrite.
NEW = 0


class Versioned(models.Model):
    """A ``version`` counter for optimistic locking (see the module docstring)."""

    version = models.PositiveIntegerField(
        "版本", default=1, editable=False, help_text="每次修改加1，用于发现他人同时修改"
    )

    class Meta:
        abstract = True


class VersionRequired(DomainError):
    """An update came without the version it was based on."""

    status_code = 400
    code = "version_required"

    def __init__(self) -> None:
        super().__init__(
            "缺少 version（版本号）：请先读取当前记录，把其中的 version 原样随修改一起提交，"
            "以免覆盖他人同时所做的修改",
            fields={"version": "必填"},
        )


class EditConflict(DomainError):
    """Another user changed the same fields since the editor read the row.

    ``current`` holds the other user's values of the clashing fields (``{field: value}``, JSON
    friendly) and ``shown`` the same as display text; ``version`` is the row's current version —
    send it back with the edit to put your values on top of theirs.
    """

    status_code = 409
    code = "conflict"

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        current: dict[str, Any] | None = None,
        shown: dict[str, str] | None = None,
        version: int | None = None,
    ) -> None:
        super().__init__(message, fields=fields)
        self.current = current or {}
        self.shown = shown or {}
        self.version = version

    def summary(self) -> str:
        """The message with the other user's values, for pages that answer with a flash
        message (then reload with the current values and version)."""
        values = "；".join(f"{v}" for v in self.fields.values())
        return f"{self.message}（{values}）" if values else self.message

    def payload(self) -> dict[str, Any]:
        """The API body of a 409."""
        return {
            "code": self.code,
            "message": self.message,
            "fields": self.fields,
            "current": self.current,
            "version": self.version,
        }


def posted_version(data: Mapping[str, Any], name: str = "version") -> int:
    """The version a plain HTML form posted under ``name``; :data:`MISSING` when absent."""
    text = str(data.get(name) or "").strip()
    return int(text) if text.isdigit() else MISSING


def stated_version(version: int | None) -> int:
    """The version an API body names; :data:`MISSING` (→ 400 in the service) when absent."""
    return MISSING if version is None else version


def lock(model: type[M] | models.QuerySet[M], pk: Any) -> M:
    """The row ``pk`` re-read and locked for the rest of the transaction."""
    qs = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    # OF self: only this row, not rows of select_related tables — PostgreSQL refuses FOR UPDATE
    # on the nullable side of an outer join (a request without a department yet)
    return qs.select_for_update(of=("self",)).get(pk=pk)


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def _value(obj: Any, name: str) -> Any:
    return getattr(obj, _field(type(obj), name).attname)


def _plain(value: Any) -> Any:
    """A JSON-friendly value (ids for relations, text for decimals and dates)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def shown_value(obj: Any, name: str) -> str:
    """What the pages show for ``obj.<name>`` (choice label, related row's name, 空)."""
    field = _field(type(obj), name)
    value = getattr(obj, field.name)
    if value is None or value == "":
        return "（空）"
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(map(str, value)) or "（空）"
    return str(value)


def _norm(obj: Any, data: Mapping[str, Any]) -> dict[str, Any]:
    """``{field name: value}`` with related rows replaced by their ids (the attname's value)."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        _field(type(obj), name)  # unknown names fail loudly
        out[name] = value.pk if isinstance(value, models.Model) else value
    return out


def _base(obj: Any, expected_version: int) -> Any:
    """The row as it was at ``expected_version`` (an empty row for :data:`NEW`), or None."""
    model = type(obj)
    if expected_version == NEW:
        return model()
    history = getattr(obj, "history", None)
    if history is None or obj.pk is None:
        return None
    return history.filter(version=expected_version).order_by("-history_id").first()


def merge_edit(
    obj: Any, data: Mapping[str, Any], expected_version: int | None, label: str
) -> set[str]:
    """Apply ``data`` to the locked ``obj`` by a three-way merge; return the changed field names.

    ``expected_version`` is the version the editor read (:data:`NEW` if they saw no row, None for
    trusted server paths: plain overwrite of the given fields). Raises :class:`EditConflict`
    when the other side changed one of the same fields to a different value.
    """
    if expected_version == MISSING:
        raise VersionRequired()
    values = _norm(obj, data)
    current = obj.version if obj.pk is not None else NEW
    if expected_version is None or expected_version == current:
        mine = {n for n, v in values.items() if _value(obj, n) != v}
    else:
        base = _base(obj, expected_version)
        if base is None:  # version unknown (gone from history): every differing field clashes
            clash = sorted(n for n, v in values.items() if _value(obj, n) != v)
            mine = set(clash)
        else:
            mine = {n for n, v in values.items() if _value(base, n) != v}
            theirs = {n for n in values if _value(base, n) != _value(obj, n)}
            clash = sorted(n for n in mine & theirs if _value(obj, n) != values[n])
        if clash:
            raise conflict(obj, clash, label)
    for name in mine:
        setattr(obj, _field(type(obj), name).attname, values[name])
    return mine


def conflict(obj: Any, names: Iterable[str], label: str) -> EditConflict:
    """The :class:`EditConflict` for ``names`` of ``obj`` (its current, locked state)."""
    names = list(names)
    model = type(obj)
    titles = "、".join(str(_field(model, n).verbose_name) for n in names)
    shown = {n: shown_value(obj, n) for n in names}
    return EditConflict(
        f"{label}在您编辑期间已被他人修改：{titles}。下面列出了他人保存的内容；"
        "核对后再次提交，将以您填写的内容为准",
        fields={n: f"他人已改为：{shown[n]}" for n in names},
        current={n: _plain(_value(obj, n)) for n in names},
        shown=shown,
        version=obj.version if obj.pk is not None else NEW,
    )


def save_edit(
    obj: Any,
    changed: Iterable[str],
    *,
    actor: Any,
    reason: str,
    also: Iterable[str] = (),
) -> None:
    """Bump the version and save only ``changed`` (plus ``also``) columns, with history.

    A new row (no pk) is inserted whole with version 1.
    """
    set_history(obj, actor, reason)
    if obj.pk is None or obj._state.adding:
        obj.save()
        return
    names = {_field(type(obj), n).name for n in [*changed, *also]}
    obj.version += 1
    names |= {"version"}
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        names.add("updated_at")
    obj.save(update_fields=sorted(names))


def bump_versions(model: type[models.Model], objs: Iterable[Any], chunk: int = 2000) -> list[str]:
    """Bulk writes: set each row's version to its stored version + 1 (read in the same
    transaction, so instances built from partial rows are right too); returns ``["version"]``
    to add to the bulk update's fields."""
    objs = list(objs)
    for start in range(0, len(objs), chunk):
        part = objs[start : start + chunk]
        stored = dict(
            model._default_manager.filter(pk__in=[o.pk for o in part]).values_list("pk", "version")
        )
        for obj in part:
            obj.version = stored.get(obj.pk, 0) + 1
    return ["version"]


def form_error(form: Any, exc: DomainError, version_field: str = "version") -> None:
    """A refused save shown on its form: a conflict via :func:`form_conflict`, else the message."""
    if isinstance(exc, EditConflict):
        form_conflict(form, exc, version_field)
    else:
        form.add_error(None, exc.message)


def form_conflict(form: Any, exc: EditConflict, version_field: str = "version") -> None:
    """Show ``exc`` on a bound Django form and arm it for the merge.

    Each clashing field gets "他人已改为：…", the form a message on top, and its hidden version
    becomes the current one, so submitting the (unchanged) form again puts the editor's values
    on top of the other user's.
    """
    form.add_error(None, exc.message)
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, message)
    if exc.version is not None and version_field in form.fields:
        form.data = form.data.copy()
        form.data[form.add_prefix(version_field)] = str(exc.version)

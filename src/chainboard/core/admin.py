"""Admin site titles, site settings, and :class:`VersionedAdmin` (optimistic locking in the admin).

Every admin of a :class:`~chainboard.core.locking.Versioned` model (and its inlines) uses
:class:`VersionedAdminForm`: a hidden version field; on save the row is locked and the edit merged
against the version the page was opened at (:func:`~chainboard.core.locking.merge_edit`), so a
stale save shows the other user's values as form errors instead of overwriting them, and only the
changed columns are written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from chainboard.core.locking import (
    NEW,
    EditConflict,
    VersionRequired,
    form_conflict,
    lock,
    merge_edit,
    save_edit,
)
from chainboard.core.models import SiteSetting

admin.site.register(SiteSetting)

ADMIN_REASON = "管理后台修改"


class VersionedAdminForm(forms.ModelForm):
    # not named "version": the admin lists declared fields, and the model's is not editable
    edit_version = forms.IntegerField(label="版本", widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["edit_version"].initial = self.instance.version if self.instance.pk else NEW
        self.locked_changed: set[str] | None = None
        self.actor: Any = None

    def _model_fields(self) -> list[str]:
        concrete = {f.name for f in self._meta.model._meta.concrete_fields}
        return [n for n in self.cleaned_data if n in concrete and n in self.fields]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or self.cleaned_data
        if self.instance.pk is None or not self.has_changed() or self.errors:
            return cleaned
        expected = cleaned.get("edit_version")
        if expected is None:
            raise ValidationError(VersionRequired().message)
        current = lock(type(self.instance), self.instance.pk)
        names = self._model_fields()
        label = str(self._meta.model._meta.verbose_name)
        try:
            self.locked_changed = merge_edit(
                current, {n: cleaned[n] for n in names}, expected, label
            )
        except EditConflict as exc:
            form_conflict(self, exc, "edit_version")
            return cleaned
        for name in names:  # the merged row: fields the editor did not touch keep theirs
            cleaned[name] = getattr(current, name)
        self.instance.version = current.version
        return cleaned

    def save(self, commit: bool = True) -> Any:
        if commit and self.instance.pk is not None and self.locked_changed is not None:
            if self.locked_changed:
                save_edit(self.instance, self.locked_changed, actor=self.actor, reason=ADMIN_REASON)
            self._save_m2m()  # type: ignore[attr-defined]
            return self.instance
        return super().save(commit)


class VersionedInline(admin.TabularInline):
    form = VersionedAdminForm


class VersionedAdmin(SimpleHistoryAdmin):
    """The admin of a versioned model: stale saves are refused with the other user's values."""

    form = VersionedAdminForm

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        changed = getattr(form, "locked_changed", None)
        if change and changed is not None:
            if changed:
                save_edit(obj, changed, actor=request.user, reason=ADMIN_REASON)
            return
        super().save_model(request, obj, form, change)

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            inline_form.actor = request.user
        super().save_formset(request, form, formset, change)

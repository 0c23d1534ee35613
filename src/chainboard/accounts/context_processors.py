"""Templates read the user's capabilities as ``perms_cb.<capability>``, never ``user.role``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from chainboard.accounts import scope

#: Capabilities that depend on the user alone (the others need an object: see ``cb_perms``).
USER_CAPABILITIES = (
    "can_use_admin_site",
    "can_edit_registry",
    "can_see_overviews",
    "can_manage_rankings_and_targets",
    "can_run_evaluation",
    "can_run_supply_analysis",
    "can_review_links",
    "can_see_figure_conflicts",
)


class Capabilities:
    """``perms_cb.can_run_evaluation`` in a template: computed on first use, then kept."""

    def __init__(self, user: Any) -> None:
        self._user = user
        self._seen: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in USER_CAPABILITIES:
            raise KeyError(name)
        if name not in self._seen:
            self._seen[name] = bool(getattr(scope, name)(self._user))
        return self._seen[name]


def capabilities(request: HttpRequest) -> dict[str, object]:
    return {"perms_cb": Capabilities(getattr(request, "user", None))}

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.supply.models import SupplyRun


@admin.register(SupplyRun)
class SupplyRunAdmin(SimpleHistoryAdmin):
    """Runs are computed, never edited: the admin only lists them (and may delete one)."""

    list_display = (
        "pk",
        "region",
        "status",
        "source",
        "n_lines",
        "n_pairs",
        "n_risky_nodes",
        "created_at",
        "created_by",
    )
    list_filter = ("status", "region")
    readonly_fields = [f.name for f in SupplyRun._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

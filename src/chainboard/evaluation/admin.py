from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.core.admin import VersionedAdmin
from chainboard.evaluation.models import (
    ClassPolicy,
    EvaluationRun,
    ParkDesignCentre,
    TierProfile,
    TierTarget,
)


@admin.register(EvaluationRun)
class EvaluationRunAdmin(SimpleHistoryAdmin):
    """Runs are computed, never edited: the admin only lists them."""

    list_display = (
        "pk",
        "year",
        "method_id",
        "method_version",
        "scope_region",
        "n_firms",
        "published",
    )
    list_filter = ("year", "method_id", "published")
    readonly_fields = [f.name for f in EvaluationRun._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(TierTarget)
class TierTargetAdmin(VersionedAdmin):
    list_display = ("region", "year", "kind", "level", "target", "source")
    list_filter = ("year", "kind")
    autocomplete_fields = ("region",)


@admin.register(TierProfile)
class TierProfileAdmin(VersionedAdmin):
    list_display = (
        "enterprise",
        "year",
        "sci_tech_staff",
        "ip_class1",
        "ip_class2",
        "debt_ratio_pct",
    )
    list_filter = ("year",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)


@admin.register(ParkDesignCentre)
class ParkDesignCentreAdmin(VersionedAdmin):
    list_display = ("name", "park", "established_on")
    raw_id_fields = ("park",)


@admin.register(ClassPolicy)
class ClassPolicyAdmin(VersionedAdmin):
    """Administrators edit the 差别化政策 table here; every change is kept in its history."""

    list_display = (
        "method_id",
        "year",
        "klass",
        "electricity_surcharge_yuan_per_kwh",
        "water_surcharge_yuan_per_m3",
        "land_tax_relief_pct",
        "energy_quota",
        "credit",
        "valid_from",
        "valid_to",
        "source",
    )
    list_filter = ("method_id", "year", "klass")

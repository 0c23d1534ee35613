from django.contrib import admin

from chainboard.core.admin import VersionedAdmin, VersionedInline
from chainboard.enterprises.models import (
    Enterprise,
    EnterpriseNameAlias,
    EnterpriseYear,
    FigureDecision,
    FigurePrecedence,
    FigureValues,
    Qualification,
)


class YearInline(VersionedInline):
    model = EnterpriseYear
    extra = 0


class QualificationInline(VersionedInline):
    model = Qualification
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(VersionedAdmin):
    list_display = ("name", "uscc", "region", "park", "industry", "above_scale", "status")
    list_filter = ("above_scale", "status")
    search_fields = ("name", "uscc")
    autocomplete_fields = ("region", "park", "industry")
    inlines = [YearInline, QualificationInline]
    list_select_related = ("region", "park", "industry")


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(VersionedAdmin):
    list_display = ("enterprise", "year", "revenue_wan_yuan", "tax_paid_wan_yuan", "land_area_mu")
    list_filter = ("year",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)


@admin.register(Qualification)
class QualificationAdmin(VersionedAdmin):
    list_display = (
        "enterprise",
        "kind",
        "level",
        "grant_kind",
        "granted_on",
        "first_granted_on",
        "batch",
        "certificate_no",
        "expires_on",
    )
    list_filter = ("kind", "level", "grant_kind")
    search_fields = ("enterprise__name", "certificate_no", "batch")
    raw_id_fields = ("enterprise",)


@admin.register(EnterpriseNameAlias)
class EnterpriseNameAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise", "region", "created_by", "created_at")
    search_fields = ("name", "key", "enterprise__name")
    raw_id_fields = ("enterprise", "created_by")
    autocomplete_fields = ("region",)


class _ReadOnly(admin.ModelAdmin):
    """Written by the services only (precedence, history): the admin site just shows them."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(FigureValues)
class FigureValuesAdmin(_ReadOnly):
    list_display = ("enterprise", "year", "source", "tax_paid_wan_yuan", "revenue_wan_yuan")
    list_filter = ("source", "year")
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise", "batch", "recorded_by")


@admin.register(FigureDecision)
class FigureDecisionAdmin(_ReadOnly):
    list_display = ("enterprise", "year", "field", "source", "value", "decided_by")
    raw_id_fields = ("enterprise", "decided_by")


@admin.register(FigurePrecedence)
class FigurePrecedenceAdmin(_ReadOnly):
    list_display = ("field", "order", "tolerance")

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.enterprises.models import Enterprise, EnterpriseYear, Qualification


class YearInline(admin.TabularInline):
    model = EnterpriseYear
    extra = 0


class QualificationInline(admin.TabularInline):
    model = Qualification
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "uscc", "region", "park", "industry", "above_scale", "status")
    list_filter = ("above_scale", "status")
    search_fields = ("name", "uscc")
    autocomplete_fields = ("region", "park", "industry")
    inlines = [YearInline, QualificationInline]
    list_select_related = ("region", "park", "industry")


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "year", "revenue_wan_yuan", "tax_paid_wan_yuan", "land_area_mu")
    list_filter = ("year",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    raw_id_fields = ("enterprise",)


@admin.register(Qualification)
class QualificationAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "kind", "level", "granted_on", "expires_on")
    list_filter = ("kind", "level")
    search_fields = ("enterprise__name",)
    raw_id_fields = ("enterprise",)

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.firmrequests.models import Department, FirmRequest, RequestStep, RoutingRule


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ("name", "region")
    list_filter = ("region",)
    search_fields = ("name",)
    filter_horizontal = ("contacts",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = ("category", "region", "department", "deadline_days")
    list_filter = ("category",)


class StepInline(admin.TabularInline):
    model = RequestStep
    extra = 0
    readonly_fields = ("kind", "actor", "at", "department", "note")
    can_delete = False


@admin.register(FirmRequest)
class FirmRequestAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "enterprise", "category", "status", "department", "due_on")
    list_filter = ("status", "category", "escalation_level")
    search_fields = ("title", "enterprise__name")
    raw_id_fields = ("enterprise", "raised_by", "chain")
    inlines = [StepInline]

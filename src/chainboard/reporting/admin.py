from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.core.admin import VersionedAdmin
from chainboard.reporting.models import EntryStep, ReportEntry, ReportTask


@admin.register(ReportTask)
class ReportTaskAdmin(SimpleHistoryAdmin):
    list_display = ("title", "year", "deadline", "status", "region", "park")
    list_filter = ("status", "year")
    search_fields = ("title",)


class StepInline(admin.TabularInline):
    model = EntryStep
    extra = 0
    readonly_fields = ("kind", "actor", "at", "note")


@admin.register(ReportEntry)
class ReportEntryAdmin(VersionedAdmin):
    list_display = ("task", "enterprise", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)
    search_fields = ("enterprise__name", "enterprise__uscc")
    inlines = [StepInline]

from django.contrib import admin

from chainboard.core.admin import VersionedAdmin
from chainboard.investment.models import Lead, LeadActivity


class ActivityInline(admin.TabularInline):
    model = LeadActivity
    extra = 0
    readonly_fields = ("kind", "on", "people", "content", "from_stage", "to_stage", "actor")
    can_delete = False


@admin.register(Lead)
class LeadAdmin(VersionedAdmin):
    list_display = ("name", "chain", "node", "region", "stage", "owner", "next_step_on")
    list_filter = ("stage", "source")
    search_fields = ("name", "uscc")
    raw_id_fields = ("chain", "node", "region", "owner", "project")
    inlines = [ActivityInline]

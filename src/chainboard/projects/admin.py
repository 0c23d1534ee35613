from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.core.admin import VersionedAdmin
from chainboard.projects.models import (
    Batch,
    Milestone,
    MonthlyRanking,
    Project,
    ProjectUpdate,
    RankingMethod,
    ReviewScore,
    Target,
    Task,
)


@admin.register(Project)
class ProjectAdmin(VersionedAdmin):
    list_display = ["code", "name", "region", "stage", "total_investment_wan_yuan", "archived"]
    list_filter = ["stage", "source", "kind", "archived"]
    search_fields = ["code", "name", "investor_name"]
    raw_id_fields = ["investor", "park", "batch"]


@admin.register(ProjectUpdate)
class ProjectUpdateAdmin(VersionedAdmin):
    list_display = ["project", "week", "investment_period_wan_yuan", "submitted_at"]
    raw_id_fields = ["project", "author"]


admin.site.register(MonthlyRanking, SimpleHistoryAdmin)  # computed, not edited
for model in (Batch, Milestone, RankingMethod, ReviewScore, Target, Task):
    admin.site.register(model, VersionedAdmin)

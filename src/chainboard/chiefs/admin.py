from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.chiefs.models import (
    Application,
    Call,
    Chokepoint,
    Consortium,
    ConsortiumMember,
    Decision,
    Meeting,
    MidtermCheck,
    Milestone,
    OrgMember,
    Review,
    WorkPlan,
)
from chainboard.core.admin import VersionedAdmin

for model in (
    OrgMember,
    Application,
    Review,
    Milestone,
    MidtermCheck,
    Consortium,
    ConsortiumMember,
):
    admin.site.register(model, SimpleHistoryAdmin)
for versioned in (Chokepoint, Call, WorkPlan, Meeting, Decision):  # optimistic locking
    admin.site.register(versioned, VersionedAdmin)

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from chainboard.chiefs.models import (
    Application,
    Call,
    Chokepoint,
    Consortium,
    ConsortiumMember,
    MidtermCheck,
    Milestone,
    OrgMember,
    Review,
)

for model in (
    OrgMember,
    Chokepoint,
    Call,
    Application,
    Review,
    Milestone,
    MidtermCheck,
    Consortium,
    ConsortiumMember,
):
    admin.site.register(model, SimpleHistoryAdmin)

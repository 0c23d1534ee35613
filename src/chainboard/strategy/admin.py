from django.contrib import admin

from chainboard.core.admin import VersionedAdmin
from chainboard.strategy.models import PanelValue


@admin.register(PanelValue)
class PanelValueAdmin(VersionedAdmin):
    list_display = ["region", "industry", "year", "measure", "value", "sample"]
    list_filter = ["measure", "year", "sample"]
    search_fields = ["region__code", "region__name", "industry__code"]
    raw_id_fields = ["region", "industry"]

from django.contrib import admin

from chainboard.core.admin import VersionedAdmin
from chainboard.geo.models import Park, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "kind", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


@admin.register(Park)
class ParkAdmin(VersionedAdmin):
    list_display = ("name", "region", "kind", "planned_area_mu")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region",)

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from chainboard.accounts.models import User


@admin.register(User)
class ChainboardUserAdmin(UserAdmin):
    list_display = ("username", "get_full_name", "role", "scope_region", "scope_park", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("角色与管辖范围", {"fields": ("role", "scope_region", "scope_park", "scope_enterprise")}),
    )
    autocomplete_fields = ("scope_region", "scope_park", "scope_enterprise")

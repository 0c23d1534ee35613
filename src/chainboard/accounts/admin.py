from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from chainboard.accounts.models import SecurityEvent, User


@admin.register(User)
class ChainboardUserAdmin(UserAdmin):
    list_display = ("username", "get_full_name", "role", "scope_region", "scope_park", "is_active")
    list_filter = ("role", "data_source", "is_active", "is_staff")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "角色与管辖范围",
            {
                "fields": (
                    "role",
                    "scope_region",
                    "scope_park",
                    "scope_enterprise",
                    "data_source",
                )
            },
        ),
    )
    autocomplete_fields = ("scope_region", "scope_park", "scope_enterprise")


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The audit log, read-only: nobody edits or deletes history from the admin."""

    list_display = ("created_at", "event", "username", "ip_address", "target", "detail")
    list_filter = ("event", "created_at")
    search_fields = ("username", "ip_address", "target", "detail")
    date_hierarchy = "created_at"
    readonly_fields = ("created_at", "event", "user", "username", "ip_address", "target", "detail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

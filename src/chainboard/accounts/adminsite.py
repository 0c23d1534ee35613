"""The /admin/ site: superusers only (`accounts.scope.can_use_admin_site`).

Admin changelists are not filtered by a user's region, park or firm scope, so a staff account
with a scope would see every county there. Only superusers (whole-instance administrators) may
use /admin/; everyone else works through the scoped pages and API.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class ChainboardAdminSite(admin.AdminSite):
    site_header = "chainboard 产业链挂图作战平台"
    site_title = "chainboard"

    def has_permission(self, request: HttpRequest) -> bool:
        # imported here: this module loads while the app registry is being filled (no models yet)
        from chainboard.accounts.scope import can_use_admin_site

        return can_use_admin_site(request.user)


class ChainboardAdminConfig(AdminConfig):
    default_site = "chainboard.accounts.adminsite.ChainboardAdminSite"

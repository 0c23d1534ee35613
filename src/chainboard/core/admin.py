from django.contrib import admin

from chainboard.core.models import SiteSetting

admin.site.register(SiteSetting)

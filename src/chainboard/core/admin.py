from django.contrib import admin

from chainboard.core.models import SiteSetting

admin.site.site_header = "chainboard 产业链挂图作战平台"
admin.site.site_title = "chainboard"
admin.site.register(SiteSetting)

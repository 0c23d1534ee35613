from django.contrib import admin
from django.urls import include, path

from chainboard.api import api
from chainboard.core.views import favicon, healthz

# Error pages: Chinese HTML, or {code, message} JSON under /api/ (templates 400/403/404/500.html).
handler400 = "chainboard.core.views.bad_request"
handler403 = "chainboard.core.views.permission_denied"
handler404 = "chainboard.core.views.page_not_found"
handler500 = "chainboard.core.views.server_error"

urlpatterns = [
    path("", include("chainboard.dashboards.urls")),
    path("accounts/", include("chainboard.accounts.urls")),
    path("enterprises/", include("chainboard.enterprises.urls")),
    path("imports/", include("chainboard.imports.urls")),
    path("chains/", include("chainboard.chains.urls")),
    path("chains/", include("chainboard.supply.urls")),
    path("chains/", include("chainboard.chiefs.urls")),
    path("evaluation/", include("chainboard.evaluation.urls")),
    path("projects/", include("chainboard.projects.urls")),
    path("strategy/", include("chainboard.strategy.urls")),
    path("jobs/", include("chainboard.jobs.urls")),
    path("requests/", include("chainboard.firmrequests.urls")),
    path("investment/", include("chainboard.investment.urls")),
    path("reporting/", include("chainboard.reporting.urls")),
    path("notifications/", include("chainboard.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]

from django.contrib import admin
from django.urls import include, path

from chainboard.api import api

urlpatterns = [
    path("", include("chainboard.dashboards.urls")),
    path("accounts/", include("chainboard.accounts.urls")),
    path("enterprises/", include("chainboard.enterprises.urls")),
    path("imports/", include("chainboard.imports.urls")),
    path("chains/", include("chainboard.chains.urls")),
    path("chains/", include("chainboard.supply.urls")),
    path("evaluation/", include("chainboard.evaluation.urls")),
    path("projects/", include("chainboard.projects.urls")),
    path("strategy/", include("chainboard.strategy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

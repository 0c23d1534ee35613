from django.urls import path

from chainboard.enterprises import views, views_sources

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("sources/conflicts/", views_sources.figure_conflicts, name="figure_conflicts"),
    path("sources/decide/", views_sources.figure_decide, name="figure_decide"),
    path("sources/precedence/", views_sources.figure_precedence, name="figure_precedence"),
    path("<str:uscc>/", views.enterprise_detail, name="detail"),
]

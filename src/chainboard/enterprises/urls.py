from django.urls import path

from chainboard.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.enterprise_list, name="list"),
    path("export.xlsx", views.enterprise_export, name="export"),
    path("<str:uscc>/", views.enterprise_detail, name="detail"),
]

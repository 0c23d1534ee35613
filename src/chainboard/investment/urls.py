from django.urls import path

from chainboard.investment import views

app_name = "investment"
urlpatterns = [
    path("", views.lead_index, name="list"),
    path("new/", views.lead_new, name="new"),
    path("funnel/", views.funnel, name="funnel"),
    path("export.xlsx", views.lead_export, name="export"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
]

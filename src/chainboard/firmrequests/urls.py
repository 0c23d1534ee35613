from django.urls import path

from chainboard.firmrequests import views

app_name = "firmrequests"
urlpatterns = [
    path("", views.request_index, name="list"),
    path("new/", views.request_new, name="new"),
    path("dashboard/", views.request_dashboard, name="dashboard"),
    path("rules/", views.routing_rules, name="rules"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/attachments/<int:att>/", views.attachment_download, name="attachment"),
]

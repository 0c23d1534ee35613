from django.urls import path

from chainboard.chiefs import views

app_name = "chiefs"
urlpatterns = [
    path("<int:pk>/org/", views.org, name="org"),
    path("<int:pk>/org/<int:member>/", views.org_member, name="org_member"),
    path("<int:pk>/chokepoints/", views.chokepoints, name="chokepoints"),
    path("<int:pk>/chokepoints/<int:item>/", views.chokepoint, name="chokepoint"),
    path("<int:pk>/consortia/", views.consortia, name="consortia"),
    path("calls/", views.calls, name="calls"),
    path("calls/report/", views.report, name="report"),
    path("calls/<int:call>/", views.call_detail, name="call"),
    path("calls/<int:call>/<slug:action>/", views.call_action, name="call_action"),
]

from django.urls import path

from chainboard.chiefs import views, views_work

app_name = "chiefs"
urlpatterns = [
    path("<int:pk>/org/", views.org, name="org"),
    path("<int:pk>/org/<int:member>/", views.org_member, name="org_member"),
    path("<int:pk>/chokepoints/", views.chokepoints, name="chokepoints"),
    path("<int:pk>/chokepoints/<int:item>/", views.chokepoint, name="chokepoint"),
    path("<int:pk>/chokepoints/export.xlsx", views.chokepoints_export, name="chokepoints_export"),
    path("<int:pk>/consortia/", views.consortia, name="consortia"),
    path("<int:pk>/plans/", views_work.plans, name="plans"),
    path("<int:pk>/plans/<int:plan>/", views_work.plan, name="plan"),
    path("<int:pk>/plans/<int:plan>/tasks/<int:task>/", views_work.plan_task, name="plan_task"),
    path("<int:pk>/meetings/", views_work.meetings, name="meetings"),
    path("<int:pk>/meetings/<int:meeting>/", views_work.meeting, name="meeting"),
    path("calls/", views.calls, name="calls"),
    path("calls/report/", views.report, name="report"),
    path("calls/export.xlsx", views.calls_export, name="calls_export"),
    path("calls/<int:call>/", views.call_detail, name="call"),
    path("calls/<int:call>/<slug:action>/", views.call_action, name="call_action"),
]

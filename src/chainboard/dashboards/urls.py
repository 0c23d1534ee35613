from django.urls import path

from chainboard.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("screen/", views.screen, name="screen"),
    path("firm/<str:uscc>/", views.profile, name="profile"),
]

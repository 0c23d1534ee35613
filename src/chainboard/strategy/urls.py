from django.urls import path

from chainboard.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.region, name="region"),
]

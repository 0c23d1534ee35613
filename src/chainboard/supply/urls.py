"""Supply-risk pages, mounted under /chains/ beside the other pages of a chain."""

from django.urls import path

from chainboard.supply import views

app_name = "supply"
urlpatterns = [
    path("<int:pk>/supply/", views.chain_supply, name="chain"),
    path("<int:pk>/supply/shock/", views.chain_shock, name="shock"),
    path("<int:pk>/supply/run/", views.run_start, name="run_start"),
]

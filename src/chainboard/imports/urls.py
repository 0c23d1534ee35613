from django.urls import path

from chainboard.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("templates/<str:kind>.xlsx", views.template, name="template"),
    path("<int:batch_id>/", views.batch, name="batch"),
    path("<int:batch_id>/commit/", views.commit, name="commit"),
    path("<int:batch_id>/sheet/", views.reread, name="reread"),
    path("<int:batch_id>/columns/", views.mapping, name="mapping"),
    path("<int:batch_id>/names/", views.names, name="names"),
    path("<int:batch_id>/errors.xlsx", views.errors_xlsx, name="errors"),
]

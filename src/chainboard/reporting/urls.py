from django.urls import path

from chainboard.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.task_index, name="list"),
    path("new/", views.task_new, name="new"),
    path("<int:pk>/", views.task_detail, name="task"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/template/", views.entry_template, name="template"),
]

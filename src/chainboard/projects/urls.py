from django.urls import path

from chainboard.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.project_list, name="list"),
    path("export.xlsx", views.project_export, name="export"),
    path("p/<str:code>/", views.project_detail, name="detail"),
    path("p/<str:code>/update/", views.project_update, name="update"),
    path("p/<str:code>/edit/", views.project_edit, name="edit"),
    path("p/<str:code>/archive/", views.project_archive, name="archive"),
    path("p/<str:code>/delete/", views.project_delete, name="delete"),
    path("updates/<int:pk>/resolve/", views.problem_resolve, name="resolve"),
    path("ranking/", views.ranking_page, name="ranking"),
    path("ranking.csv", views.ranking_csv, name="ranking_csv"),
    path("alerts/", views.alerts_page, name="alerts"),
    path("map/", views.map_page, name="map"),
    path("targets/", views.targets_page, name="targets"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("tasks/", views.tasks_page, name="tasks"),
    path("tasks/<int:pk>/", views.task_progress, name="task_progress"),
    path("reviews/", views.reviews_page, name="reviews"),
    path("p/<str:code>/milestones/", views.milestone_post, name="milestone"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/chains.xlsx", views.report_chains, name="report_chains"),
    path("reports/weekly.<str:fmt>", views.report_weekly, name="report_weekly"),
    path("reports/monthly.<str:fmt>", views.report_monthly, name="report_monthly"),
]

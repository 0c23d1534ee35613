from django.urls import path

from chainboard.projects.views import (
    alerts,
    home,
    projects,
    ranking,
    reports,
    targets,
    wallmap,
    weekly,
)

app_name = "projects"
urlpatterns = [
    path("", home.home, name="home"),
    path("list/", projects.project_list, name="list"),
    path("export.xlsx", projects.project_export, name="export"),
    path("p/<str:code>/", projects.project_detail, name="detail"),
    path("p/<str:code>/update/", weekly.project_update, name="update"),
    path("p/<str:code>/edit/", projects.project_edit, name="edit"),
    path("p/<str:code>/archive/", projects.project_archive, name="archive"),
    path("p/<str:code>/delete/", projects.project_delete, name="delete"),
    path("p/<str:code>/milestones/", projects.milestone_post, name="milestone"),
    path("updates/<int:pk>/resolve/", weekly.problem_resolve, name="resolve"),
    path("ranking/", ranking.ranking_page, name="ranking"),
    path("ranking.csv", ranking.ranking_csv, name="ranking_csv"),
    path("reviews/", ranking.reviews_page, name="reviews"),
    path("alerts/", alerts.alerts_page, name="alerts"),
    path("alerts/export.xlsx", alerts.alerts_export, name="alerts_export"),
    path("map/", wallmap.map_page, name="map"),
    path("targets/", targets.targets_page, name="targets"),
    path("targets/<int:pk>/", targets.target_detail, name="target"),
    path("tasks/", targets.tasks_page, name="tasks"),
    path("tasks/<int:pk>/", targets.task_progress, name="task_progress"),
    path("reports/", reports.reports_page, name="reports"),
    path("reports/chains.xlsx", reports.report_chains, name="report_chains"),
    path("reports/weekly.<str:fmt>", reports.report_weekly, name="report_weekly"),
    path("reports/monthly.<str:fmt>", reports.report_monthly, name="report_monthly"),
]

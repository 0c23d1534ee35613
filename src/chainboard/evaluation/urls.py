from django.urls import path

from chainboard.evaluation import views, views_publicity

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/new", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish", views.run_publish, name="publish"),
    path("runs/<int:pk>/publicity", views_publicity.run_publicity, name="publicity"),
    path("runs/<int:pk>/review", views_publicity.run_review, name="review"),
    path("runs/<int:pk>/objections/", views_publicity.run_objections, name="objections"),
    path(
        "runs/<int:pk>/firms/<str:uscc>/objection",
        views_publicity.objection_new,
        name="objection_new",
    ),
    path("objections/<int:pk>/", views_publicity.objection_detail, name="objection"),
    path(
        "objections/<int:pk>/attachments/<int:att>",
        views_publicity.attachment_download,
        name="attachment",
    ),
    path("runs/<int:pk>/league/", views.run_league, name="league"),
    path("runs/<int:pk>/export.xlsx", views.run_export, name="export"),
    path("runs/<int:pk>/bulletin", views.run_bulletin, name="bulletin"),
    path("runs/<int:pk>/firms/<str:uscc>/", views.firm_card, name="card"),
    path("firms/<str:uscc>/", views.firm, name="firm"),
    path("tiers/", views.tiers, name="tiers"),
    path("coverage/", views.coverage, name="coverage"),
    path("policies/", views.policies, name="policies"),
]

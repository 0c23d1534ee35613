from django.urls import path

from chainboard.chains import views

app_name = "chains"
urlpatterns = [
    path("", views.index, name="index"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("clusters/<int:pk>/", views.cluster_detail, name="cluster"),
    path("<int:pk>/", views.panorama, name="panorama"),
    path("<int:pk>/nodes/<int:node>/", views.node_firms, name="node_firms"),
    path("<int:pk>/nodes/<int:node>/edit/", views.node_edit, name="node_edit"),
    path("<int:pk>/template.yaml", views.export_yaml, name="export_yaml"),
    path("<int:pk>/services/", views.service_structure, name="services"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/panorama.svg", views.export_svg, name="export_svg"),
    path("<int:pk>/brief.pdf", views.brief_pdf, name="brief"),
]

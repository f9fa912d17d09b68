from django.urls import path

from annuaire import api, views

app_name = "annuaire"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("lieux/<slug:slug>/", views.point_detail, name="point"),
    path("api/v1/lieux", api.points, name="api-points"),
    path("api/v1/lieux.geojson", api.points_geojson, name="api-points-geojson"),
    path("api/v1/communes", api.communes, name="api-communes"),
]

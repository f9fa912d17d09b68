from django.contrib.sitemaps.views import sitemap
from django.urls import path

from annuaire import api, pages, views
from annuaire.sitemaps import SITEMAPS

app_name = "annuaire"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search, name="search"),
    path("quelle-structure/", views.helper, name="helper"),
    path("le-spro/", pages.spro, name="spro"),
    path("reseaux/", pages.networks, name="networks"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("mentions-legales/", pages.legal, name="legal"),
    path("donnees-personnelles/", pages.privacy, name="privacy"),
    path("mise-a-jour-des-donnees/", pages.data, name="data"),
    path("lieux/<slug:slug>/", views.point_detail, name="point"),
    path("lieux/<slug:slug>/signaler/", views.report_error, name="report-error"),
    path("lieux/<slug:slug>/signaler/merci/", views.report_error_thanks, name="report-error-thanks"),
    path("structures/<slug:slug>/", views.structure_detail, name="structure"),
    path("reseaux/<slug:slug>/", views.network_detail, name="network"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("donnees/", pages.open_data, name="open-data"),
    path("carte/lieux.geojson", api.map_points, name="map-points"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
    path("api/v1/lieux", api.points, name="api-points"),
    path("api/v1/lieux.geojson", api.points_geojson, name="api-points-geojson"),
    path("api/v1/lieux.csv", api.points_csv, name="api-points-csv"),
    path("api/v1/lieux/<slug:slug>", api.point_detail, name="api-point"),
    path("api/v1/structures", api.structures, name="api-structures"),
    path("api/v1/structures.csv", api.structures_csv, name="api-structures-csv"),
    path("api/v1/structures/<slug:slug>", api.structure_detail, name="api-structure"),
    path("api/v1/reseaux", api.networks, name="api-networks"),
    path("api/v1/data-inclusion/structures.json", api.data_inclusion_structures, name="api-di-structures"),
    path("api/v1/data-inclusion/services.json", api.data_inclusion_services, name="api-di-services"),
    path("api/v1/communes", api.communes, name="api-communes"),
]

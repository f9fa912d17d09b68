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
    path("api/v1/lieux", api.points, name="api-points"),
    path("api/v1/lieux.geojson", api.points_geojson, name="api-points-geojson"),
    path("api/v1/communes", api.communes, name="api-communes"),
]

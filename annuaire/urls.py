from django.contrib.sitemaps.views import sitemap
from django.urls import path

from annuaire import api, pages, views
from annuaire.caching import shared_cache
from annuaire.filters import PointFilterSet
from annuaire.forms import SearchForm
from annuaire.helper import QUESTIONS
from annuaire.helper_forms import HelperForm
from annuaire.mapping import MapForm
from annuaire.sitemaps import SITEMAPS

app_name = "annuaire"

# shared_cache: served from the shared cache for the current minute (annuaire/caching.py); the
# open-data views of /api/v1/ are cached by their own decorator (annuaire/opendata.py). Not the
# error-report form: its signed token must be fresh. Each view names the query parameters it reads
# (a request with others is answered but not stored).
SEARCH_PARAMS = {*SearchForm.base_fields, *PointFilterSet.base_filters}
MAP_PARAMS = {*SEARCH_PARAMS, *MapForm.base_fields}
HELPER_PARAMS = {*HelperForm.base_fields, *(name for name, _, _ in QUESTIONS), "q", "lat", "lon"}

urlpatterns = [
    path("", shared_cache(views.home), name="home"),
    path("recherche/", shared_cache(views.search, params=SEARCH_PARAMS), name="search"),
    path("quelle-structure/", shared_cache(views.helper, params=HELPER_PARAMS), name="helper"),
    path("le-spro/", shared_cache(pages.spro), name="spro"),
    path("reseaux/", shared_cache(pages.networks), name="networks"),
    path("accessibilite/", shared_cache(pages.accessibility), name="accessibility"),
    path("mentions-legales/", shared_cache(pages.legal), name="legal"),
    path("donnees-personnelles/", shared_cache(pages.privacy), name="privacy"),
    path("mise-a-jour-des-donnees/", shared_cache(pages.data), name="data"),
    path("lieux/<slug:slug>/", shared_cache(views.point_detail, params={"commune"}), name="point"),
    path("lieux/<slug:slug>/signaler/", views.report_error, name="report-error"),
    path("lieux/<slug:slug>/signaler/merci/", shared_cache(views.report_error_thanks), name="report-error-thanks"),
    path("structures/<slug:slug>/", shared_cache(views.structure_detail), name="structure"),
    path("reseaux/<slug:slug>/", shared_cache(views.network_detail), name="network"),
    path("communes/<str:insee_code>/", shared_cache(views.commune_detail), name="commune"),
    path("sitemap.xml", shared_cache(sitemap, params={"p"}), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", shared_cache(views.robots_txt), name="robots"),
    path("donnees/", shared_cache(pages.open_data), name="open-data"),
    path("carte/lieux.geojson", shared_cache(api.map_points, params=MAP_PARAMS), name="map-points"),
    path("carte/communes.json", shared_cache(api.map_communes), name="map-communes"),
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
    path("api/v1/communes", shared_cache(api.communes, params={"q", "code"}), name="api-communes"),
    path("api/v1/communes/<str:insee_code>/competences", api.commune_competences, name="api-commune-competences"),
]

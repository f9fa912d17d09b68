"""Open data API (/api/v1/): reception points, structures and networks as JSON, GeoJSON and CSV,
and the data·inclusion export. Only published data, documented in annuaire.openapi and on /donnees/.

Points take the filters of the public search (same names, same values). With a place (`q`,
`commune`, or `lat` and `lon`) they come nearest first, 20 to a page, as on the results page;
without one they are a listing in a stable order, read page after page through the `next` link
(keyset pagination).
"""

from django.db.models import Count, Q
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from annuaire import data_inclusion, export_rows
from annuaire.caching import data_version
from annuaire.competence import competent_places
from annuaire.exports import parts_of, stored_export
from annuaire.filters import StructureFilterSet
from annuaire.mapping import MapForm, counted_grid, map_features, rounded
from annuaire.openapi import openapi_document
from annuaire.opendata import (
    CHUNK_SIZE,
    GEOJSON,
    GEOJSON_END,
    GEOJSON_START,
    JSON,
    JSON_OPTIONS,
    CsvForm,
    ListingForm,
    csv_header,
    csv_response,
    csv_stream_response,
    form_errors,
    json_error,
    json_stream_response,
    keyset_page,
    next_link,
    open_data,
)
from annuaire.places import CANDIDATES_SHOWN, gazetteer, resolve
from annuaire.search import distance_label, paginate_results, run_search
from annuaire.shapes import context
from annuaire.shapes.directory import (
    COMMUNE,
    COMPETENT_PLACE,
    NETWORK,
    OUTSIDE_PLACE,
    PLACE,
    POINT,
    POINT_RESULT,
    STRUCTURE,
    point_feature,
    point_url,
)
from annuaire.shapes.records import point_records
from structures.enums import CommuneKind, GeoPrecision
from structures.models import Commune, Network, ReceptionPoint, ReceptionPointQuerySet, Structure
from structures.text import normalize
from structures.validators import is_insee_code


def json_response(data, status=200, content_type="application/json"):
    return JsonResponse(data, status=status, content_type=content_type, json_dumps_params=JSON_OPTIONS)


def bad_request(errors):
    return json_error(" ".join(errors), status=400, errors=errors)


def search_errors(outcome):
    return bad_request(outcome.errors)


# --- Reception points --------------------------------------------------------------------------


@open_data()
def points(request):
    listing = ListingForm(request.GET)
    outcome = run_search(request.GET)
    if not listing.is_valid():
        outcome.errors += form_errors(listing)
    if outcome.errors:
        return search_errors(outcome)
    place = outcome.place
    shape_context = context(
        request,
        distance=lambda point: nearest_distance(place, point) if place else None,
        competence=outcome.competence,
    )
    if place is None:
        items, more = keyset_page(
            outcome.scope.for_open_data(), listing.cleaned_data["curseur"], listing.cleaned_data["par_page"]
        )
        results = [POINT_RESULT.serialize(point, shape_context) for point in items]
        count = outcome.scope.count()
        next_url = next_link(request, reverse("annuaire:api-points"), items[-1].pk) if more else None
        count_capped = False
    else:
        nearest = outcome.results(rows=ReceptionPointQuerySet.for_open_data)
        if not paginate_results(outcome, nearest, outcome.form.cleaned_data["page"]):
            return search_errors(outcome)
        page_points = outcome.page.object_list if outcome.page else []
        results = [POINT_RESULT.serialize(point, shape_context) for point in page_points]
        count, count_capped, next_url = outcome.count, outcome.count_capped, None
        if outcome.page and outcome.page.has_next():
            params = request.GET.copy()
            params["page"] = outcome.page.next_page_number()
            next_url = request.build_absolute_uri(f"{reverse('annuaire:api-points')}?{params.urlencode()}")
    outside = outcome.resolution.outside
    return json_response(
        {
            "place": PLACE.serialize(place, shape_context) if place else None,
            "candidates": [PLACE.serialize(candidate, shape_context) for candidate in outcome.resolution.candidates],
            "radius_km": outcome.radius_km if place and place.kind != "departement" else None,
            "count": count,
            "count_capped": count_capped,
            "next": next_url,
            "results": results,
            "understood": outcome.resolution.understood,
            "network": outcome.resolution.network or None,
            "outside_region": OUTSIDE_PLACE.serialize(outside, shape_context) if outside else None,
            "unresolved": outcome.resolution.unresolved,
        }
    )


def nearest_distance(place, point):
    distance = place.distance_km(point.latitude, point.longitude)
    return None if distance is None else round(distance, 2)


@open_data()
def point_detail(request, slug):
    point = ReceptionPoint.objects.published().for_open_data().filter(slug=slug).first()
    if point is None:
        return json_error(f"Aucun lieu d'accueil publié n'a l'identifiant « {slug} ».", status=404)
    return json_response(POINT.serialize(point, context(request)))


def stored_lines(request, points, line, start="", end=""):
    """The stored lines of `points` (written first where they are not current), for a response
    streamed in one snapshot (annuaire.exports)."""
    export_rows.refresh(points)
    return export_rows.stream(points, line, export_rows.site_root(request), start, end, parts_of(request))


def export_order(outcome, rows):
    """In primary-key order, or nearest first around a place."""
    place = outcome.place
    return rows.order_by("pk") if place is None else rows.by_distance(place.latitude, place.longitude)


@open_data(export=True)
@stored_export()
def points_geojson(request):
    """Every point as a GeoJSON feature; with `bbox` only those of the box, with `zoom` clusters
    beyond MAP_POINT_LIMIT of them, as the site's map (annuaire.mapping)."""
    outcome, box, zoom = map_search(request)
    if outcome.errors:
        return search_errors(outcome)
    if box is None and zoom is None:
        points = export_order(outcome, outcome.scope)
        features = stored_lines(request, points, export_rows.FEATURE, GEOJSON_START + "[", "]" + GEOJSON_END)
        return StreamingHttpResponse(features, content_type=GEOJSON)
    shape_context = context(request)
    features, extent = map_features(
        outcome.scope,
        box,
        zoom,
        lambda queryset: export_order(outcome, queryset.for_open_data()),
        lambda point: point_feature(point, shape_context),
        grid_of(request, outcome),
    )
    return feature_collection(features, extent)


POINTS_CSV = "lieux-spro-ara.csv"


@open_data(export=True)
@stored_export(params={"separateur"})
def points_csv(request):
    form = CsvForm(request.GET)
    outcome = run_search(request.GET)
    if not form.is_valid():
        outcome.errors += form_errors(form)
    if outcome.errors:
        return search_errors(outcome)
    points, separator = export_order(outcome, outcome.scope), form.cleaned_data["separateur"]
    if separator != ",":
        return csv_response(point_records(points), POINT, context(request), POINTS_CSV, separator)
    return csv_stream_response(stored_lines(request, points, export_rows.CSV, csv_header(POINT)), POINTS_CSV)


# --- Structures and networks ------------------------------------------------------------------------


def published_structures():
    published_points = ReceptionPoint.objects.published()
    return (
        Structure.objects.published()
        .select_related("network")
        .prefetch_related("publics", "levels", "competence_departments", "competence_communes")
        .annotate(published_points=Count("points", filter=Q(points__in=published_points), distinct=True))
    )


def filtered_structures(request, form):
    """The published structures that pass the filters, and what is wrong with the filters or with
    `form` (the listing's or the CSV's own parameters), in French."""
    filterset = StructureFilterSet(request.GET, queryset=published_structures())
    errors = form_errors(filterset.form) if not filterset.is_valid() else []
    errors += form_errors(form) if not form.is_valid() else []
    return (None if errors else filterset.qs), errors


@open_data()
def structures(request):
    listing = ListingForm(request.GET)
    queryset, errors = filtered_structures(request, listing)
    if errors:
        return bad_request(errors)
    items, more = keyset_page(queryset, listing.cleaned_data["curseur"], listing.cleaned_data["par_page"])
    return json_response(
        {
            "count": queryset.order_by().values("pk").distinct().count(),
            "next": next_link(request, reverse("annuaire:api-structures"), items[-1].pk) if more else None,
            "results": [STRUCTURE.serialize(structure, context(request)) for structure in items],
        }
    )


@open_data()
def structure_detail(request, slug):
    structure = published_structures().filter(slug=slug).first()
    if structure is None:
        return json_error(f"Aucune structure publiée n'a l'identifiant « {slug} ».", status=404)
    return json_response(STRUCTURE.serialize(structure, context(request)))


@open_data(export=True)
@stored_export(params={"separateur"})
def structures_csv(request):
    form = CsvForm(request.GET)
    queryset, errors = filtered_structures(request, form)
    if errors:
        return bad_request(errors)
    rows = queryset.order_by("pk").iterator(chunk_size=CHUNK_SIZE)
    return csv_response(rows, STRUCTURE, context(request), "structures-spro-ara.csv", form.cleaned_data["separateur"])


@open_data()
def networks(request):
    counts = dict(Structure.objects.published().values_list("network_id").annotate(count=Count("pk")).order_by())
    shape_context = context(request, structures_counts=counts)
    return json_response(
        {
            "count": Network.objects.count(),
            "results": [NETWORK.serialize(network, shape_context) for network in Network.objects.all()],
        }
    )


# --- data·inclusion ----------------------------------------------------------------------------------


@open_data(export=True)
@stored_export()
def data_inclusion_structures(request):
    return json_stream_response(data_inclusion.structures(request.build_absolute_uri))


@open_data(export=True)
@stored_export()
def data_inclusion_services(request):
    services = stored_lines(request, data_inclusion.published_points().order_by("pk"), export_rows.SERVICES, "[", "]")
    return StreamingHttpResponse(services, content_type=JSON)


def not_found(request, exception=None):
    """An address of /api/ that does not exist: a French message, in JSON like every API answer."""
    return json_error("Cette adresse de l'API n'existe pas : voir /api/v1/openapi.json.", status=404)


# --- Description and suggestions ------------------------------------------------------------------


@open_data()
def openapi(request):
    return json_response(openapi_document(request))


@require_GET
def communes(request):
    """Suggestions for the search box: communes whose name starts like the query; with `code`, the
    commune with that INSEE code (used by the admin's « Position de la commune »)."""
    code = request.GET.get("code", "")
    if code:
        if not is_insee_code(code):
            return json_response({"error": f"« {code[:10]} » n'est pas un code INSEE de commune."}, status=404)
        resolution = resolve("", commune_code=code)
        if resolution.message:
            return json_response({"error": resolution.message}, status=404)
        return json_response({"results": [COMMUNE.serialize(resolution.place, context(request))]})
    query = request.GET.get("q", "")[:100].replace("\x00", "")
    if len(normalize(query)) < 2:
        return json_response({"results": []})
    resolution = resolve(query)
    places = ([resolution.place] if resolution.place else []) + resolution.candidates
    shape_context = context(request)
    return json_response({"results": [COMMUNE.serialize(place, shape_context) for place in places[:CANDIDATES_SHOWN]]})


@open_data()
def commune_competences(request, insee_code):
    """Network by network, the structures competent for a commune and their nearest place."""
    commune = Commune.objects.filter(insee_code=insee_code, kind=CommuneKind.COMMUNE).first()
    if commune is None:
        return json_error(f"Aucune commune de la région n'a le code INSEE « {insee_code[:10]} ».", status=404)
    _, places = competent_places(commune)
    shape_context = context(request)
    place = gazetteer().communes[commune.insee_code].place()
    return json_response(
        {
            "commune": PLACE.serialize(place, shape_context),
            "results": [COMPETENT_PLACE.serialize(competent, shape_context) for competent in places],
        }
    )


# Map of the results page: only what a marker needs (the open-data GeoJSON has every field).
# What a marker's popup says, read in one query with the point.
MARKER_FIELDS = (
    "slug", "name", "latitude", "longitude", "geo_precision", "structure__name", "structure__network__short_name",
    "structure__network__slug",
)  # fmt: skip


def map_search(request):
    """The search of a map and the box and zoom it shows (annuaire.mapping); its errors in French."""
    outcome, map_form = run_search(request.GET), MapForm(request.GET)
    if not map_form.is_valid():
        outcome.errors += form_errors(map_form)
        return outcome, None, None
    return outcome, map_form.cleaned_data["bbox"], map_form.cleaned_data["zoom"]


@require_GET
def map_points(request):
    """The site's own map of a search: the points (or clusters) inside the box it shows, with what
    their popup says (annuaire.mapping)."""
    outcome, box, zoom = map_search(request)
    if outcome.errors:
        return search_errors(outcome)

    def rows(queryset):
        return queryset.prefetch_related(None).order_by().values(*MARKER_FIELDS)

    features, extent = map_features(
        outcome.scope, box, zoom, rows, lambda row: map_point(request, row, outcome.place), grid_of(request, outcome)
    )
    return feature_collection(features, extent)


def grid_of(request, outcome):
    """The search's cells, counted once per version of the data (annuaire.mapping.counted_grid)."""
    return counted_grid(outcome.scope, data_version(request))


def map_point(request, row, place):
    distance = place.distance_km(row["latitude"], row["longitude"]) if place is not None else None
    return {
        "type": "Feature",
        "id": row["slug"],
        "geometry": {"type": "Point", "coordinates": [rounded(row["longitude"]), rounded(row["latitude"])]},
        "properties": {
            "name": row["name"],
            "structure": row["structure__name"],
            "network": row["structure__network__short_name"],
            "network_id": row["structure__network__slug"],
            # Only the commune's centre: drawn as a ring, and the legend says so.
            "approximate": row["geo_precision"] == GeoPrecision.COMMUNE,
            "distance": distance_label(distance),
            "url": point_url(request, row["slug"]),
        },
    }


def feature_collection(features, extent):
    collection = {"type": "FeatureCollection"}
    if extent is not None:
        collection["bbox"] = [rounded(value) for value in extent]
    return json_response(collection | {"features": features}, content_type=GEOJSON)


@require_GET
def map_communes(request):
    """The names of the basemap: every commune with its reference point and population, the most
    populous first (the map shows more of them as it zooms in)."""
    communes = (
        Commune.objects.filter(kind=CommuneKind.COMMUNE)
        .order_by("-population", "name")
        .values_list("name", "latitude", "longitude", "population")
    )
    return json_response(
        {"communes": [[name, round(lat, 4), round(lon, 4), people] for name, lat, lon, people in communes]}
    )

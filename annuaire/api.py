"""JSON twins of the public search (/api/v1/lieux, /api/v1/lieux.geojson) and commune suggestions."""

from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from annuaire.search import CANDIDATES_SHOWN, resolve, run_search
from annuaire.serializers import point_feature, point_json
from structures.text import normalize

JSON_OPTIONS = {"ensure_ascii": False}


def error_response(outcome):
    return JsonResponse(
        {"error": " ".join(outcome.errors), "errors": outcome.errors}, status=400, json_dumps_params=JSON_OPTIONS
    )


@require_GET
def points(request):
    outcome = run_search(request.GET)
    if outcome.errors:
        return error_response(outcome)
    next_url = None
    if outcome.page and outcome.page.has_next():
        params = request.GET.copy()
        params["page"] = outcome.page.next_page_number()
        next_url = request.build_absolute_uri(f"{reverse('annuaire:api-points')}?{params.urlencode()}")
    place = outcome.place
    return JsonResponse(
        {
            "place": place.as_json() if place else None,
            "candidates": [candidate.as_json() for candidate in outcome.resolution.candidates],
            "count": outcome.count,
            "count_capped": outcome.count_capped,
            "radius_km": outcome.radius_km if place and place.kind != "departement" else None,
            "next": next_url,
            "results": [point_json(row, request) for row in outcome.rows],
        },
        json_dumps_params=JSON_OPTIONS,
    )


@require_GET
def points_geojson(request):
    outcome = run_search(request.GET, paginate=False)
    if outcome.errors:
        return error_response(outcome)
    rows = (
        outcome.scope.prefetch_related(None)
        .order_by()
        .values("pk", "name", "slug", "latitude", "longitude", "structure__network__short_name")
    )
    return JsonResponse(
        {"type": "FeatureCollection", "features": [point_feature(values, request) for values in rows]},
        json_dumps_params=JSON_OPTIONS,
    )


@require_GET
def communes(request):
    """Suggestions for the search box: communes whose name starts like the query; with `code`, the
    commune with that INSEE code (used by the admin's « Position de la commune »)."""
    code = request.GET.get("code", "")[:5]
    if code:
        resolution = resolve("", commune_code=code)
        if resolution.message:
            return JsonResponse({"error": resolution.message}, status=404, json_dumps_params=JSON_OPTIONS)
        return JsonResponse({"results": [resolution.place.as_json() | {"label": resolution.place.label}]})
    query = request.GET.get("q", "")[:100]
    if len(normalize(query)) < 2:
        return JsonResponse({"results": []})
    resolution = resolve(query)
    places = ([resolution.place] if resolution.place else []) + resolution.candidates
    return JsonResponse(
        {"results": [place.as_json() | {"label": place.label} for place in places[:CANDIDATES_SHOWN]]},
        json_dumps_params=JSON_OPTIONS,
    )

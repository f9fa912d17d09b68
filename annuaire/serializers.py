"""JSON and GeoJSON shapes of the public API. Field names are English and stable."""

from django.urls import reverse


def point_url(request, slug):
    return request.build_absolute_uri(reverse("annuaire:point", args=[slug]))


def point_json(row, request):
    point = row.point
    return {
        "id": point.pk,
        "slug": point.slug,
        "name": point.name,
        "structure": point.structure.name,
        "structure_slug": point.structure.slug,
        "network": point.structure.network.name,
        "network_slug": point.structure.network.slug,
        "circle": point.structure.network.circle,
        "kind": point.kind,
        "address": point.address,
        "commune": point.commune.name,
        "insee_code": point.commune_id,
        "postal_code": point.postal_code,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "position_precision": point.geo_precision,
        "distance_km": round(row.distance_km, 2) if row.distance_km is not None else None,
        "open_now": row.opening.is_open,
        "opening_label": row.opening.label,
        "today_hours": str(row.opening.today),
        "phone": point.phone,
        "walk_in": point.walk_in,
        "by_appointment": point.by_appointment,
        "on_site": point.on_site,
        "by_phone": point.by_phone,
        "by_video": point.by_video,
        "accessibility": point.accessibility,
        "is_demo": point.is_demo,
        "url": point_url(request, point.slug),
    }


def point_feature(values, request):
    """A GeoJSON Feature from a values() row (the map needs little, and fast)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [values["longitude"], values["latitude"]]},
        "properties": {
            "id": values["pk"],
            "name": values["name"],
            "network": values["structure__network__short_name"],
            "url": point_url(request, values["slug"]),
        },
    }

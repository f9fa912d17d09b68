"""The open-data shapes of reception points, structures and networks.

Field names are English and stable: reusers build on them, so a field is never renamed or given
another meaning in /api/v1/ (a new field may be added). Identifiers are the slugs, the same as in
the public pages' addresses and in the back office's import files. Every shape is flat enough to
be a CSV row: lists become comma-separated values there (see CSV_LIST_SEPARATOR).
"""

from django.urls import reverse
from django.utils import timezone

from structures.enums import Circle
from structures.models import effective
from structures.osm_hours import osm_opening_hours

CSV_LIST_SEPARATOR = ","
# Columns of the CSV exports, in this order: every field of the JSON shape (tested).
POINT_CSV_COLUMNS = [
    "id", "name", "kind", "structure_id", "structure_name", "network_id", "network_name", "network_short_name",
    "circle", "host_name", "address", "address_complement", "postal_code", "commune", "insee_code",
    "department_code", "latitude", "longitude", "position_precision", "phone", "email", "on_site", "walk_in",
    "by_appointment", "appointment_details", "by_phone", "by_video", "accessibility", "accessibility_details",
    "publics", "service_levels", "opening_hours", "last_verified_on", "updated_at", "is_demo", "source", "url",
]  # fmt: skip
STRUCTURE_CSV_COLUMNS = [
    "id", "name", "network_id", "network_name", "circle", "description", "siret", "website", "phone", "email",
    "publics", "service_levels", "competence_departments", "competence_communes", "label_valid_until",
    "points_count", "last_verified_on", "updated_at", "is_demo", "source", "url", "points_url",
]  # fmt: skip


def absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


def point_url(request, slug):
    return absolute(request, "annuaire:point", slug)


def iso_datetime(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def iso_date(value):
    return value.isoformat() if value else None


def point_data(point, request, today):
    """One published reception point (structure, network, commune, hours and vocabularies prefetched)."""
    structure, network = point.structure, point.structure.network
    host = point.host_structure.name if point.host_structure_id and point.host_structure else point.host_name
    publics = effective(point.publics.all(), structure.publics.all())
    levels = effective(point.levels.all(), structure.levels.all())
    return {
        "id": point.slug,
        "name": point.name,
        "kind": point.kind,
        "structure_id": structure.slug,
        "structure_name": structure.name,
        "network_id": network.slug,
        "network_name": network.name,
        "network_short_name": network.short_name or network.name,
        "circle": network.circle,
        "host_name": host or None,
        "address": point.address or None,
        "address_complement": point.address_complement or None,
        "postal_code": point.postal_code,
        "commune": point.commune.name,
        "insee_code": point.commune_id,
        "department_code": point.commune.department_id,
        "latitude": point.latitude,
        "longitude": point.longitude,
        "position_precision": point.geo_precision,
        "phone": point.phone or None,
        "email": point.email or None,
        "on_site": point.on_site,
        "walk_in": point.walk_in,
        "by_appointment": point.by_appointment,
        "appointment_details": point.appointment_details or None,
        "by_phone": point.by_phone,
        "by_video": point.by_video,
        "accessibility": point.accessibility,
        "accessibility_details": point.accessibility_details or None,
        "publics": sorted(public.slug for public in publics),
        "service_levels": sorted(level.level for level in levels),
        "opening_hours": osm_opening_hours(point.opening_hours.all(), point.closures.all(), today),
        "last_verified_on": iso_date(point.last_verified_on),
        "updated_at": iso_datetime(point.updated_at),
        "is_demo": point.is_demo,
        "source": point.source or None,
        "url": point_url(request, point.slug),
    }


def point_feature(point, request, today):
    """A GeoJSON Feature: the point's fields as properties, its position as the geometry."""
    properties = point_data(point, request, today)
    longitude, latitude = properties.pop("longitude"), properties.pop("latitude")
    return {
        "type": "Feature",
        "id": properties["id"],
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def structure_data(structure, request, points_count):
    """One published structure (network and vocabularies prefetched)."""
    network = structure.network
    return {
        "id": structure.slug,
        "name": structure.name,
        "network_id": network.slug,
        "network_name": network.name,
        "circle": network.circle,
        "description": structure.description or None,
        "siret": structure.siret or None,
        "website": structure.website or None,
        "phone": structure.phone or None,
        "email": structure.email or None,
        "publics": sorted(public.slug for public in structure.publics.all()),
        "service_levels": sorted(level.level for level in structure.levels.all()),
        "competence_departments": sorted(department.code for department in structure.competence_departments.all()),
        "competence_communes": sorted(commune.insee_code for commune in structure.competence_communes.all()),
        "label_valid_until": iso_date(structure.label_end) if network.circle == Circle.LABELLED else None,
        "points_count": points_count,
        "last_verified_on": iso_date(structure.last_verified_on),
        "updated_at": iso_datetime(structure.updated_at),
        "is_demo": structure.is_demo,
        "source": structure.source or None,
        "url": absolute(request, "annuaire:structure", structure.slug),
        "points_url": f"{absolute(request, 'annuaire:api-points')}?structure={structure.slug}",
    }


def network_data(network, request, structures_count):
    return {
        "id": network.slug,
        "name": network.name,
        "short_name": network.short_name or network.name,
        "circle": network.circle,
        "circle_label": network.get_circle_display(),
        "audience": network.audience,
        "website": network.website or None,
        "structures_count": structures_count,
        "url": absolute(request, "annuaire:network", network.slug),
        "structures_url": f"{absolute(request, 'annuaire:api-structures')}?reseau={network.slug}",
    }

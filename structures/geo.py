"""Distances on the Earth, in Python and in SQL (docs/adr/0001).

Python measures with the haversine formula (`great_circle_km`). SQL cannot count on trigonometric
functions in both SQLite and PostgreSQL, so each point also stores its unit vector on the sphere
and its latitude band: a circle is a bounding box on indexed columns, then an exact test on the
squared chord, computed with plain arithmetic that both databases do alike.
"""

import math

from django.db import models
from django.db.models import F, FloatField, Value

# A reception point placed farther than this from its commune's reference point is refused:
# the largest communes of the region are well under this size.
MAX_DISTANCE_FROM_COMMUNE_KM = 20
EARTH_RADIUS_KM = 6371.0088
# Height of the latitude bands of the 2-D distance index (about 5.6 km); see ReceptionPoint.lat_band.
LAT_BAND_DEGREES = 0.05
# Beyond this many bands, a plain range on latitude is cheaper than one index seek per band.
MAX_BANDS_SEARCHED = 40


def lat_band(latitude):
    return math.floor(latitude / LAT_BAND_DEGREES)


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def unit_vector(latitude, longitude):
    """The point on the unit sphere for a WGS84 position.

    The straight-line (chord) distance between two such points grows with the great-circle
    distance, so SQL can sort and filter by exact distance with plain arithmetic, the same on
    SQLite and PostgreSQL, without trigonometric functions (docs/adr/0001).
    """
    phi, lam = math.radians(latitude), math.radians(longitude)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def chord_for_km(distance_km):
    """Chord length on the unit sphere for a great-circle distance."""
    return 2 * math.sin(min(distance_km, math.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM))


def bounding_box(latitude, longitude, radius_km):
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle of `radius_km`."""
    delta_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    widest = min(89.9, abs(latitude) + delta_lat)
    delta_lon = min(180.0, delta_lat / math.cos(math.radians(widest)))
    return latitude - delta_lat, latitude + delta_lat, longitude - delta_lon, longitude + delta_lon


def squared_chord(latitude, longitude):
    """An SQL expression: the squared chord between each row's unit vector (unit_x, unit_y, unit_z)
    and this position. It orders by exact distance with plain arithmetic (docs/adr/0001)."""
    x, y, z = unit_vector(latitude, longitude)
    dx, dy, dz = F("unit_x") - Value(x), F("unit_y") - Value(y), F("unit_z") - Value(z)
    return models.ExpressionWrapper(dx * dx + dy * dy + dz * dz, output_field=FloatField())


# --- Grid clustering of the map (ReceptionPointQuerySet.grid_clusters, annuaire/mapping.py) -------
# A cell is about CLUSTER_CELL_PX pixels wide on the screen at every zoom level. Web maps draw the
# world 256 × 2^zoom pixels wide; a degree of latitude is longer on screen than a degree of
# longitude by 1 / cos(latitude), taken at the region's middle latitude so that a cell has the same
# corners whatever part of the map is shown (the same clusters on both sides of a pan).
CLUSTER_CELL_PX = 64
CLUSTER_REFERENCE_LATITUDE = 45.5


def grid_cell_degrees(zoom):
    """(height, width) in degrees of the clustering grid's cells at this zoom level."""
    width = 360 / (256 * 2**zoom) * CLUSTER_CELL_PX
    return width * math.cos(math.radians(CLUSTER_REFERENCE_LATITUDE)), width

"""What a map of a search receives: the points inside the box it shows, or, beyond MAP_POINT_LIMIT of
them, clusters computed by the database on a grid of the map's zoom level (docs/adr/0012).

    form = MapForm(request.GET)
    features, extent = map_features(scope, form.cleaned_data["bbox"], form.cleaned_data["zoom"], rows, feature)

The site's own map (/carte/lieux.geojson) and the open-data GeoJSON (/api/v1/lieux.geojson) follow
the same contract: `bbox` keeps the points inside the box, `zoom` turns more than MAP_POINT_LIMIT
points into clusters. The answer's size and cost depend on the cells shown, not on the density.
"""

import re

from django import forms

# Beyond this many points in the box, the answer is clusters (and the points alone in their cell).
MAP_POINT_LIMIT = 100
MAX_ZOOM = 20
COORDINATE_DECIMALS = 5
_NUMBER = r"-?\d{1,3}(?:\.\d{1,12})?"
BOX_PATTERN = rf"^{_NUMBER},{_NUMBER},{_NUMBER},{_NUMBER}$"


class BoxField(forms.RegexField):
    """« ouest,sud,est,nord » in degrees (WGS84), the order of GeoJSON's bbox."""

    def __init__(self, **kwargs):
        message = "Le rectangle « bbox » s'écrit ouest,sud,est,nord : quatre nombres séparés par des virgules."
        super().__init__(regex=re.compile(BOX_PATTERN), error_messages={"invalid": message}, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        west, south, east, north = (float(part) for part in value.split(","))
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise forms.ValidationError(
                "Le rectangle « bbox » est impossible : il faut ouest < est (entre -180 et 180) "
                "et sud < nord (entre -90 et 90)."
            )
        return west, south, east, north


class MapForm(forms.Form):
    bbox = BoxField(
        required=False,
        help_text="Rectangle montré par la carte, « ouest,sud,est,nord » en degrés : seuls les lieux qu'il contient.",
    )
    zoom = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_ZOOM,
        help_text=(
            f"Niveau de zoom de la carte (0 à {MAX_ZOOM}) : au-delà de {MAP_POINT_LIMIT} lieux, la réponse les "
            "regroupe par carreau de la grille de ce zoom (entités « cluster » avec leur nombre de lieux)."
        ),
        error_messages={
            "invalid": "Le zoom doit être un nombre entier.",
            "min_value": f"Le zoom doit être compris entre 0 et {MAX_ZOOM}.",
            "max_value": f"Le zoom doit être compris entre 0 et {MAX_ZOOM}.",
        },
    )


def rounded(value):
    return round(value, COORDINATE_DECIMALS)


def cluster_feature(cell):
    """A cell holding several points: where they are on average, how many, and their extent (the box
    a map zooms to on a click)."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [rounded(cell["mean_longitude"]), rounded(cell["mean_latitude"])]},
        "bbox": [rounded(cell["west"]), rounded(cell["south"]), rounded(cell["east"]), rounded(cell["north"])],
        "properties": {"cluster": True, "point_count": cell["count"]},
    }


def extent_of(boxes):
    """The box holding all the (west, south, east, north) boxes, or None."""
    boxes = list(boxes)
    if not boxes:
        return None
    return [
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    ]


def point_box(feature):
    longitude, latitude = feature["geometry"]["coordinates"]
    return longitude, latitude, longitude, latitude


def map_features(scope, box, zoom, rows, feature):
    """The features of a map showing `scope` (points of a search) inside `box` at `zoom`, and their
    extent. `rows(queryset)` selects and orders what `feature(row)` turns into a point feature.
    Without a zoom every point of the box is a feature."""

    def points(queryset, limit=None):
        selected = rows(queryset)
        return [feature(row) for row in (selected if limit is None else selected[:limit])]

    if box is not None:
        scope = scope.in_box(*box)
    if zoom is None:
        features = points(scope)
        return features, extent_of(map(point_box, features))
    features = points(scope, MAP_POINT_LIMIT + 1)
    if len(features) <= MAP_POINT_LIMIT:
        return features, extent_of(map(point_box, features))
    cells = list(scope.grid_clusters(zoom))
    alone = [cell["first_id"] for cell in cells if cell["count"] == 1]
    features = [cluster_feature(cell) for cell in cells if cell["count"] > 1]
    features += points(scope.filter(pk__in=alone))
    return features, extent_of((cell["west"], cell["south"], cell["east"], cell["north"]) for cell in cells)

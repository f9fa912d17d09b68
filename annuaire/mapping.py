"""What a map of a search receives: the points inside the box it shows, or, beyond MAP_POINT_LIMIT of
them, clusters computed by the database on a grid of the map's zoom level (docs/adr/0012).

    form = MapForm(request.GET)
    features, extent = map_features(scope, form.cleaned_data["bbox"], form.cleaned_data["zoom"], rows, feature)

The site's own map (/carte/lieux.geojson) and the open-data GeoJSON (/api/v1/lieux.geojson) follow
the same contract: `bbox` keeps the points inside the box; with `zoom` the box is widened to the
cells of that zoom's grid it meets, and more than MAP_POINT_LIMIT points in it become clusters (a
cluster at the edge of the map counts all the points of its cell, as web maps do). The answer's size
depends on the cells shown, not on the density.

Up to zoom GRID_MAX_ZOOM, the cells of the whole search are counted once per version of the data,
at GRID_MAX_ZOOM, and those of every wider zoom gathered from them (the grids nest: `coarser`); they
are then read from the cache (`counted_grid`): moving the map, zooming in or out or another person
making the same search reads cells, not points. The whole directory's, the first map every visitor
sees, are counted as soon as the data changes (`count_whole_directory`), before anyone asks.
Closer than GRID_MAX_ZOOM, a map shows a small box, whose points the database counts on each request.
"""

import hashlib
import math
import re

from django import forms
from django.core.exceptions import EmptyResultSet
from django.http import QueryDict

from annuaire.caching import version_tag
from spro_site.cache import get_or_compute, shared_or_local
from structures.geo import grid_cell_degrees

# Beyond this many points in the box, the answer is clusters (and the points alone in their cell).
MAP_POINT_LIMIT = 100
MAX_ZOOM = 20
COORDINATE_DECIMALS = 5
# A search's grid is kept up to this zoom: at zoom 10 the region has at most about 4,000 cells;
# closer, a map shows a small box (a sixteenth of a zoom 10 box at zoom 12), whose points the
# database counts quickly.
GRID_MAX_ZOOM = 10
# A search's cells stay as long as a person uses its map; a change of the data makes a new key.
GRID_SECONDS = 3600
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
            f"Niveau de zoom de la carte (0 à {MAX_ZOOM}) : le rectangle est élargi aux carreaux de la grille de ce "
            f"zoom qu'il touche et, au-delà de {MAP_POINT_LIMIT} lieux, la réponse les regroupe par carreau "
            "(entités « cluster » avec leur nombre de lieux)."
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


def cell_span(box, zoom):
    """(first column, last column, first row, last row) of the grid cells at `zoom` that `box` meets."""
    height, width = grid_cell_degrees(zoom)
    west, south, east, north = box
    return (
        math.floor(west / width),
        math.floor(east / width),
        math.floor(south / height),
        math.floor(north / height),
    )


def widened(box, zoom):
    """`box` widened to the edges of the grid cells it meets at `zoom`."""
    height, width = grid_cell_degrees(zoom)
    first_x, last_x, first_y, last_y = cell_span(box, zoom)
    return first_x * width, first_y * height, (last_x + 1) * width, (last_y + 1) * height


def cells_in(cells, box, zoom):
    """The cells (rows of grid_clusters) that `box` meets; all of them without a box."""
    if box is None:
        return list(cells)
    first_x, last_x, first_y, last_y = cell_span(box, zoom)
    return [cell for cell in cells if first_x <= cell["cell_x"] <= last_x and first_y <= cell["cell_y"] <= last_y]


def coarser(cells, zoom):
    """The GRID_MAX_ZOOM `cells` gathered into the cells of `zoom`, as grid_clusters(zoom) counts
    them. The grids nest: a cell's side halves at each zoom (structures.geo.grid_cell_degrees), so a
    cell of `zoom` is exactly 2^(GRID_MAX_ZOOM − zoom) cells of GRID_MAX_ZOOM on each side."""
    factor = 2 ** (GRID_MAX_ZOOM - zoom)
    if factor == 1:
        return list(cells)
    gathered = {}
    for cell in cells:
        key = (cell["cell_y"] // factor, cell["cell_x"] // factor)
        into = gathered.get(key)
        if into is None:
            gathered[key] = into = {"cell_y": key[0], "cell_x": key[1], "count": 0, "latitudes": 0.0, "longitudes": 0.0}
            into.update({name: cell[name] for name in ("south", "north", "west", "east", "first_id")})
        into["count"] += cell["count"]
        into["latitudes"] += cell["mean_latitude"] * cell["count"]
        into["longitudes"] += cell["mean_longitude"] * cell["count"]
        into["south"], into["north"] = min(into["south"], cell["south"]), max(into["north"], cell["north"])
        into["west"], into["east"] = min(into["west"], cell["west"]), max(into["east"], cell["east"])
        into["first_id"] = min(into["first_id"], cell["first_id"])
    for into in gathered.values():
        into["mean_latitude"] = into.pop("latitudes") / into["count"]
        into["mean_longitude"] = into.pop("longitudes") / into["count"]
    return list(gathered.values())


def grid_keys(scope, version):
    """key(zoom): where the cells of `scope` under the data version `version` are kept; None when
    the scope can hold no row. The key is the query itself: the same conditions with the same values
    (today's date for the labels, the time for « ouvert maintenant ») count the same rows."""
    try:
        sql, params = scope.query.sql_with_params()
    except EmptyResultSet:
        return None
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    tag = version_tag(version)
    return lambda zoom: f"map-grid:{tag}:{zoom}:{digest}"


def counted_grid(scope, version):
    """`grid` for map_features: the cells of the whole `scope` (a search, or the whole published
    directory) at a zoom, counted once per version of the data (`version`, see
    annuaire.caching.data_version) and read from the shared cache afterwards."""

    def grid(zoom):
        if zoom > GRID_MAX_ZOOM:
            return None
        key = grid_keys(scope, version)
        if key is None:
            return []

        def finest():
            return get_or_compute(key(GRID_MAX_ZOOM), lambda: list(scope.grid_clusters(GRID_MAX_ZOOM)), GRID_SECONDS)

        if zoom == GRID_MAX_ZOOM:
            return finest()
        return get_or_compute(key(zoom), lambda: coarser(finest(), zoom), GRID_SECONDS)

    return grid


def count_in_advance(scope, version):
    """Count the cells of `scope` at every zoom up to GRID_MAX_ZOOM now, in one pass over its points."""
    key = grid_keys(scope, version)
    if key is None:
        return
    finest = list(scope.grid_clusters(GRID_MAX_ZOOM))
    shared_or_local("set_many", {key(zoom): coarser(finest, zoom) for zoom in range(GRID_MAX_ZOOM + 1)}, GRID_SECONDS)


def count_whole_directory(sender, version, **kwargs):
    """When the data changes (structures.signals.data_changed), the cells of the whole directory,
    the map every visitor sees first, are counted at once: the person who saved waits for one pass
    over the points (about 70 ms at demo scale 100), no visitor does."""
    from annuaire.search import run_search  # the search's own conditions, as the map asks them

    count_in_advance(run_search(QueryDict()).scope, version)


def map_features(scope, box, zoom, rows, feature, grid=None):
    """The features of a map showing `scope` (points of a search) inside `box` at `zoom`, and their
    extent. `rows(queryset)` selects and orders what `feature(row)` turns into a point feature.
    Without a zoom every point of the box is a feature. `grid(zoom)`, when given, returns the cells
    of the whole `scope` at `zoom` already counted (`counted_grid`), or None."""

    def points(queryset):
        return [feature(row) for row in rows(queryset)]

    if zoom is None:
        return shown_points(points(scope if box is None else scope.in_box(*box)))
    if box is not None:
        scope = scope.in_box(*widened(box, zoom))
    counted = grid(zoom) if grid is not None else None
    if counted is not None:
        cells = cells_in(counted, box, zoom)
        if sum(cell["count"] for cell in cells) <= MAP_POINT_LIMIT:
            return shown_points(points(scope))
    else:
        # At most one more row than the limit is read, and turned into features only if they are shown.
        selected = list(rows(scope)[: MAP_POINT_LIMIT + 1])
        if len(selected) <= MAP_POINT_LIMIT:
            return shown_points([feature(row) for row in selected])
        cells = list(scope.grid_clusters(zoom))
    alone = [cell["first_id"] for cell in cells if cell["count"] == 1]
    features = [cluster_feature(cell) for cell in cells if cell["count"] > 1]
    # Their ids come from the scope's own cells: read by id, without the search's conditions again.
    features += points(scope.model.objects.filter(pk__in=alone))
    return features, extent_of((cell["west"], cell["south"], cell["east"], cell["north"]) for cell in cells)


def shown_points(features):
    return features, extent_of(map(point_box, features))

"""The map asks for the box it shows and its zoom; beyond 100 points it gets clusters counted by the
database, so what it receives depends on the cells shown, not on the density (annuaire.mapping)."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from annuaire.mapping import GRID_MAX_ZOOM, coarser
from structures.models import DataVersion, OpeningHours, ReceptionPoint
from structures.signals import mark_data_changed
from tests.annuaire.api_helpers import json_body
from tests.conftest import commit_pending_writes
from tests.structures.factories import bulk_points

pytestmark = pytest.mark.django_db

LYON = (45.7640, 4.8357)
GRENOBLE = (45.1885, 5.7245)
VALENCE = (44.9334, 4.8924)
# West, south, east, north: around Lyon only, then the whole region.
AROUND_LYON = "4.7,45.7,4.95,45.85"
REGION = "2.0,44.0,7.3,46.9"


def add_points(prefix, count, position, commune_insee="69123", network="mission-locale"):
    bulk_points(prefix, [position] * count, commune_insee, network)


@pytest.fixture
def two_towns():
    """60 points at one position in Lyon, 60 at one in Grenoble, and one in Valence: 121 points."""
    add_points("Lyon", 60, LYON)
    add_points("Grenoble", 60, GRENOBLE, commune_insee="38185")
    add_points("Valence", 1, VALENCE, commune_insee="26362", network="cio")


def get_map(client, **params):
    response = client.get(reverse("annuaire:map-points"), params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/geo+json")
    return json_body(response)


def clusters(data):
    return sorted(
        (feature["properties"]["point_count"], feature["geometry"]["coordinates"], feature["bbox"])
        for feature in data["features"]
        if feature["properties"].get("cluster")
    )


def point_names(data):
    return sorted(
        feature["properties"]["name"] for feature in data["features"] if "cluster" not in feature["properties"]
    )


def test_beyond_a_hundred_points_the_map_gets_counted_clusters(client, two_towns):
    data = get_map(client, zoom=8, bbox=REGION)
    assert clusters(data) == [
        (60, [LYON[1], LYON[0]], [LYON[1], LYON[0], LYON[1], LYON[0]]),
        (60, [GRENOBLE[1], GRENOBLE[0]], [GRENOBLE[1], GRENOBLE[0], GRENOBLE[1], GRENOBLE[0]]),
    ]
    # Alone in its cell, the point of Valence stays a point, with what its popup says.
    assert point_names(data) == ["Valence n° 000"]
    valence = next(feature for feature in data["features"] if feature.get("id") == "valence-000")
    assert valence["properties"]["structure"] == "Structure Valence"
    assert valence["properties"]["network_id"] == "cio"
    assert valence["properties"]["url"].endswith("/lieux/valence-000/")
    assert data["bbox"] == [LYON[1], VALENCE[0], GRENOBLE[1], LYON[0]]


def test_the_box_keeps_only_what_the_map_shows(client, two_towns):
    data = get_map(client, zoom=12, bbox=AROUND_LYON)
    # 60 points: under the limit, each is a point.
    assert point_names(data) == [f"Lyon n° {n:03d}" for n in range(60)]
    assert clusters(data) == []


def test_the_answer_does_not_grow_with_the_density(client, two_towns):
    before = get_map(client, zoom=8, bbox=REGION)
    add_points("Lyon-bis", 500, LYON)
    add_points("Grenoble-bis", 500, GRENOBLE, commune_insee="38185")
    after = get_map(client, zoom=8, bbox=REGION)
    assert len(after["features"]) == len(before["features"]) == 3
    assert [count for count, _, _ in clusters(after)] == [560, 560]


def test_distances_are_from_the_searched_place(client, two_towns):
    data = get_map(client, lat=VALENCE[0] + 0.009, lon=VALENCE[1], rayon="5", zoom=12)
    # 0.009 degree of latitude: 1 km.
    assert [feature["properties"]["distance"] for feature in data["features"]] == ["à 1,0 km"]


def test_without_a_zoom_every_point_of_the_box_comes(client, two_towns):
    data = get_map(client, bbox=AROUND_LYON)
    assert len(data["features"]) == 60
    assert len(get_map(client)["features"]) == 121


def test_the_open_data_geojson_has_the_same_contract(client, two_towns):
    response = client.get(reverse("annuaire:api-points-geojson"), {"zoom": 8, "bbox": REGION})
    assert response.status_code == 200
    data = json_body(response)
    assert [count for count, _, _ in clusters(data)] == [60, 60]
    valence = next(feature for feature in data["features"] if feature.get("id") == "valence-000")
    # A point of the open data keeps its whole open-data shape.
    assert valence["properties"]["structure_name"] == "Structure Valence"
    boxed = json_body(client.get(reverse("annuaire:api-points-geojson"), {"bbox": AROUND_LYON}))
    assert len(boxed["features"]) == 60


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "5,45,4,46"}, "il faut ouest < est"),
        ({"bbox": "lyon"}, "quatre nombres séparés par des virgules"),
        ({"bbox": "4,45,5"}, "quatre nombres séparés par des virgules"),
        ({"bbox": "4,95,5,96"}, "sud < nord (entre -90 et 90)"),
        ({"zoom": "25"}, "Le zoom doit être compris entre 0 et 20."),
        ({"zoom": "près"}, "Le zoom doit être un nombre entier."),
    ],
)
def test_a_bad_box_or_zoom_gets_a_french_message(client, params, message):
    for name in ("annuaire:map-points", "annuaire:api-points-geojson"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400
        assert any(message in error for error in json_body(response)["errors"]), json_body(response)


def test_each_box_has_its_own_answer_in_the_page_cache(client, two_towns):
    lyon = get_map(client, zoom=12, bbox=AROUND_LYON)
    grenoble = get_map(client, zoom=12, bbox="5.6,45.1,5.8,45.3")
    assert {feature["id"][:4] for feature in lyon["features"]} == {"lyon"}
    assert {feature["id"][:8] for feature in grenoble["features"]} == {"grenoble"}
    again = client.get(reverse("annuaire:map-points"), {"zoom": 12, "bbox": AROUND_LYON})
    assert json_body(again) == lyon


def test_the_clustered_map_takes_a_fixed_number_of_queries(client, two_towns, django_assert_max_num_queries):
    add_points("Lyon-bis", 300, LYON)
    with django_assert_max_num_queries(7):
        client.get(reverse("annuaire:map-points"), {"zoom": 8, "bbox": REGION, "q": "Lyon", "rayon": "50"})


# A box whose east edge (4.7) cuts the grid cell of Lyon at zoom 8 (4.57° to 4.92° of longitude).
WEST_OF_LYON = "4.0,45.0,4.7,46.5"


@pytest.mark.parametrize("params", [{}, {"reseau": "mission-locale"}], ids=["whole map", "search"])
def test_a_cluster_cut_by_the_edge_of_the_map_counts_its_whole_cell(client, two_towns, params):
    add_points("Lyon-bis", 50, LYON)
    data = get_map(client, zoom=8, bbox=WEST_OF_LYON, **params)
    assert [count for count, _, _ in clusters(data)] == [110]


@pytest.mark.parametrize(
    ("search", "alone", "before", "after"),
    [
        ({}, 1, [60, 110], [60, 115]),
        ({"q": "Grenoble", "rayon": "50"}, 0, [110], [115]),
        ({"reseau": "mission-locale"}, 0, [60, 110], [60, 115]),
    ],
    ids=["whole map", "place", "network"],
)
def test_a_map_is_counted_once_per_search_and_version_of_the_data(
    client, two_towns, search, alone, before, after, django_assert_num_queries
):
    add_points("Grenoble-bis", 50, GRENOBLE, commune_insee="38185")
    get_map(client, zoom=8, bbox=REGION, **search)
    # Another box at the same zoom: the cells come from the cache (and the data's version too), one
    # query reads the point alone in its cell when there is one (Valence), none counts again.
    with django_assert_num_queries(alone) as queries:
        other = get_map(client, zoom=8, bbox="4.0,44.5,6.0,46.5", **search)
    assert not any("GROUP BY" in query["sql"] for query in queries.captured_queries)
    assert [count for count, _, _ in clusters(other)] == before
    # A change of the data is counted at the next map.
    add_points("Grenoble-ter", 5, GRENOBLE, commune_insee="38185")
    assert [count for count, _, _ in clusters(get_map(client, zoom=8, bbox="4.0,44.5,6.0,46.5", **search))] == after


def test_each_search_has_its_own_counted_cells(client, two_towns):
    add_points("Lyon-cio", 120, LYON, network="cio")
    # The same box and zoom, first for every network, then for one, then for another.
    assert [count for count, _, _ in clusters(get_map(client, zoom=8, bbox=REGION))] == [60, 180]
    assert [count for count, _, _ in clusters(get_map(client, zoom=8, bbox=REGION, reseau="mission-locale"))] == [
        60,
        60,
    ]
    assert [count for count, _, _ in clusters(get_map(client, zoom=8, bbox=REGION, reseau="cio"))] == [120]
    # Around Grenoble only its 60 points: under the limit, points and no cluster.
    around_grenoble = get_map(client, zoom=8, bbox=REGION, q="Grenoble", rayon="20")
    assert clusters(around_grenoble) == []
    assert {name.split(" n° ")[0] for name in point_names(around_grenoble)} == {"Grenoble"}
    assert len(point_names(around_grenoble)) == 60


def test_beyond_zoom_10_the_box_is_counted_on_each_request(client, two_towns, django_assert_num_queries):
    add_points("Lyon-bis", 50, LYON)
    get_map(client, zoom=11, bbox=AROUND_LYON)
    with django_assert_num_queries(2) as queries:
        data = get_map(client, zoom=11, bbox="4.6,45.6,5.0,45.9")
    assert any("GROUP BY" in query["sql"] for query in queries.captured_queries)
    assert [count for count, _, _ in clusters(data)] == [110]


def test_the_cells_of_open_places_follow_the_time(client, two_towns, monkeypatch):
    """« Ouvert maintenant » counts the places open at the time of the request, not those of an
    earlier map of the same search."""
    add_points("Lyon-bis", 110, LYON)

    def hours(prefixes, opens, closes):
        points = ReceptionPoint.objects.filter(slug__regex=rf"^({'|'.join(prefixes)})-[0-9]+$")
        OpeningHours.objects.bulk_create(
            OpeningHours(point=point, weekday=0, opens=datetime.time(opens), closes=datetime.time(closes))
            for point in points
        )

    hours(["lyon", "grenoble"], 9, 12)
    hours(["lyon-bis"], 14, 17)

    def open_map_at(hour):
        moment = datetime.datetime(2026, 11, 23, hour, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return [count for count, _, _ in clusters(get_map(client, zoom=8, bbox=REGION, ouvert="1"))]

    # Monday 23 November 2026 at 10 h: the morning places of Lyon and Grenoble; at 15 h the others.
    assert open_map_at(10) == [60, 60]
    assert open_map_at(15) == [110]


def test_the_cells_of_a_wider_zoom_are_gathered_from_those_of_zoom_10():
    """The grids nest: the cells of zooms 5 to 9, gathered from zoom 10's, are those the database
    counts at each zoom (counts, extents, first ids; means to the rounding of a sum)."""
    # 300 points over the region on an irregular lattice, across many cells of every zoom.
    positions = [(44.2 + (n * 37 % 271) / 100, 2.3 + (n * 53 % 467) / 100) for n in range(300)]
    bulk_points("Semis", positions)
    published = ReceptionPoint.objects.published()
    finest = list(published.grid_clusters(GRID_MAX_ZOOM))
    for zoom in range(5, GRID_MAX_ZOOM):
        expected = sorted(published.grid_clusters(zoom), key=lambda cell: (cell["cell_y"], cell["cell_x"]))
        gathered = sorted(coarser(finest, zoom), key=lambda cell: (cell["cell_y"], cell["cell_x"]))
        assert len(gathered) == len(expected) > 1
        for mine, theirs in zip(gathered, expected, strict=True):
            exact = ("cell_y", "cell_x", "count", "south", "north", "west", "east", "first_id")
            assert {name: mine[name] for name in exact} == {name: theirs[name] for name in exact}, zoom
            assert mine["mean_latitude"] == pytest.approx(theirs["mean_latitude"], abs=1e-9)
            assert mine["mean_longitude"] == pytest.approx(theirs["mean_longitude"], abs=1e-9)


def test_after_a_change_the_whole_directory_is_counted_before_anyone_asks(
    client, two_towns, django_assert_max_num_queries, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_points("Grenoble-bis", 50, GRENOBLE, commune_insee="38185")
    # The map every visitor sees first, at every zoom a person goes through: cells, never points
    # (besides the point alone in its cell, Valence, and once the opening times of the new version).
    for zoom, box, expected in [(7, REGION, [60, 110]), (9, REGION, [60, 110]), (10, REGION, [60, 110])]:
        with django_assert_max_num_queries(2) as queries:
            data = get_map(client, zoom=zoom, bbox=box)
        assert not any("GROUP BY" in query["sql"] for query in queries.captured_queries)
        assert [count for count, _, _ in clusters(data)] == expected
    # A search's first map counts its own cells once; zooming out then reads them.
    get_map(client, zoom=10, bbox=AROUND_LYON, reseau="mission-locale")
    for zoom in (9, 8, 7):
        with django_assert_num_queries(0) as queries:
            data = get_map(client, zoom=zoom, bbox=REGION, reseau="mission-locale")
        assert not any("GROUP BY" in query["sql"] for query in queries.captured_queries)
        assert [count for count, _, _ in clusters(data)] == [60, 110]


def test_a_failure_to_count_ahead_never_fails_the_change(two_towns, monkeypatch, caplog):
    def broken(scope, version):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr("annuaire.mapping.count_in_advance", broken)
    before = DataVersion.current()
    mark_data_changed()
    commit_pending_writes()
    assert DataVersion.current()[0] == before[0] + 1
    assert "Calcul après un changement des données en échec" in caplog.text

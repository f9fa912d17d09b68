"""The results page and its JSON twins: filters, order, pages, errors, no dead end, SQL budget."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from structures.enums import Accessibility, LabelStatus, PointKind
from tests.annuaire.api_helpers import json_body
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Tuesday 24 November 2026, 10:00 in Paris.
TUESDAY_10AM = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=PARIS)

# Points around Saint-Étienne (42218). Distances from its reference point, as the crow flies:
# Firminy 7.6 km, Saint-Chamond 12.1 km, Montbrison 30.3 km, Le Puy-en-Velay 57.3 km.
SPECS = {
    "A": {"network": "cio", "commune": "42218", "publics": ["scolaires"], "levels": [1, 2], "walk_in": True,
          "accessibility": Accessibility.ACCESSIBLE, "hours": [(1, "09:00", "12:00")]},
    "B": {"network": "mission-locale", "commune": "42218", "publics": ["jeunes-16-25"], "levels": [1, 2],
          "walk_in": False, "by_phone": True, "accessibility": Accessibility.NOT_ACCESSIBLE,
          "hours": [(1, "14:00", "17:00")]},
    "C": {"network": "apec", "commune": "42147", "publics": ["cadres"], "levels": [2], "walk_in": False,
          "on_site": False, "by_video": True, "accessibility": Accessibility.UNKNOWN, "hours": []},
    "D": {"network": "association", "commune": "42095", "publics": ["tout-public"], "levels": [1], "walk_in": True,
          "kind": PointKind.PERMANENCE, "accessibility": Accessibility.ACCESSIBLE, "hours": [(1, "08:00", "09:30")]},
    "E": {"network": "france-travail", "commune": "42207", "publics": ["tout-public"], "levels": [1, 2],
          "point_publics": ["demandeurs-emploi"], "walk_in": True, "kind": PointKind.BRANCH,
          "accessibility": Accessibility.ACCESSIBLE, "hours": [(0, "09:00", "12:00")]},
    "F": {"network": "info-jeunes", "commune": "43157", "publics": ["jeunes-16-25"], "levels": [1], "walk_in": True,
          "accessibility": Accessibility.ACCESSIBLE, "hours": [(1, "09:00", "18:00")]},
}  # fmt: skip
CIRCLES = {"cio": 1, "info-jeunes": 1, "mission-locale": 2, "apec": 2, "france-travail": 2, "association": 3}
WITHIN_50_KM = {"A", "B", "C", "D", "E"}


@pytest.fixture
def points():
    created = {}
    for name, spec in SPECS.items():
        labelled = spec["network"] == "association"
        structure = StructureFactory(
            name=f"Structure {name}",
            network_slug=spec["network"],
            publics=spec["publics"],
            levels=spec["levels"],
            **(
                {"label_status": LabelStatus.GRANTED, "label_start": datetime.date(2025, 1, 1),
                 "label_end": datetime.date(2099, 12, 31)} if labelled else {}
            ),
        )  # fmt: skip
        created[name] = ReceptionPointFactory(
            name=f"Lieu {name}",
            structure=structure,
            commune_insee=spec["commune"],
            kind=spec.get("kind", PointKind.MAIN),
            host_name="Mairie" if spec.get("kind") == PointKind.PERMANENCE else "",
            walk_in=spec["walk_in"],
            by_appointment=True,
            on_site=spec.get("on_site", True),
            by_phone=spec.get("by_phone", False),
            by_video=spec.get("by_video", False),
            accessibility=spec["accessibility"],
            publics=spec.get("point_publics"),
            hours=spec["hours"],
        )
    return created


def names(client, params):
    response = client.get(reverse("annuaire:api-points"), params)
    assert response.status_code == 200, response.json()
    return {result["name"].removeprefix("Lieu ") for result in response.json()["results"]}


def expected(predicate):
    return {name for name, spec in SPECS.items() if name in WITHIN_50_KM and predicate(spec)}


def serves(spec, public):
    publics = spec.get("point_publics") or spec["publics"]
    return public in publics or "tout-public" in publics


@pytest.mark.parametrize(
    ("params", "predicate"),
    [
        ({}, lambda s: True),
        ({"departement": "42"}, lambda s: s["commune"].startswith("42")),
        ({"public": "jeunes-16-25"}, lambda s: serves(s, "jeunes-16-25")),
        ({"public": "demandeurs-emploi"}, lambda s: serves(s, "demandeurs-emploi")),
        ({"public": "scolaires"}, lambda s: serves(s, "scolaires")),
        ({"niveau": "2"}, lambda s: 2 in s["levels"]),
        ({"niveau": "1"}, lambda s: 1 in s["levels"]),
        ({"cercle": "1"}, lambda s: CIRCLES[s["network"]] == 1),
        ({"cercle": "2"}, lambda s: CIRCLES[s["network"]] == 2),
        ({"cercle": "3"}, lambda s: CIRCLES[s["network"]] == 3),
        ({"reseau": "mission-locale"}, lambda s: s["network"] == "mission-locale"),
        ({"type": "permanence"}, lambda s: s.get("kind") == PointKind.PERMANENCE),
        ({"mode": "sur-place"}, lambda s: s.get("on_site", True)),
        ({"mode": "telephone"}, lambda s: s.get("by_phone", False)),
        ({"mode": "visio"}, lambda s: s.get("by_video", False)),
        ({"sans_rdv": "1"}, lambda s: s["walk_in"]),
        ({"accessible": "1"}, lambda s: s["accessibility"] == Accessibility.ACCESSIBLE),
        ({"ouvert": "1"}, lambda s: any(d == 1 and o <= "10:00" < c for d, o, c in s["hours"])),
        ({"public": "jeunes-16-25", "cercle": "2"}, lambda s: serves(s, "jeunes-16-25") and CIRCLES[s["network"]] == 2),
        (
            {"niveau": "2", "sans_rdv": "1", "accessible": "1"},
            lambda s: 2 in s["levels"] and s["walk_in"] and s["accessibility"] == Accessibility.ACCESSIBLE,
        ),
        ({"departement": "42", "mode": "sur-place", "ouvert": "1"}, lambda s: s["commune"] == "42218" and s["walk_in"]),
    ],
)
def test_each_filter_alone_and_combined(client, points, monkeypatch, params, predicate):
    monkeypatch.setattr("django.utils.timezone.now", lambda: TUESDAY_10AM)
    assert names(client, {"q": "42000", "rayon": "50", **params}) == expected(predicate)


@pytest.mark.parametrize(
    ("radius", "within"), [("5", {"A", "B"}), ("10", {"A", "B", "D"}), ("20", {"A", "B", "D", "E"})]
)
def test_radius(client, points, radius, within):
    assert names(client, {"q": "saint-etienne", "rayon": radius}) == within


def test_results_are_sorted_by_distance_with_french_labels(client, points):
    data = client.get(reverse("annuaire:api-points"), {"q": "42000", "rayon": "50"}).json()
    assert [r["name"] for r in data["results"]] == ["Lieu A", "Lieu B", "Lieu D", "Lieu E", "Lieu C"]
    distances = [r["distance_km"] for r in data["results"]]
    assert distances == sorted(distances)
    assert distances[2:] == [pytest.approx(7.6, abs=0.1), pytest.approx(12.1, abs=0.1), pytest.approx(30.3, abs=0.1)]
    html = client.get(reverse("annuaire:search"), {"q": "42000", "rayon": "50"}).content.decode()
    assert "à 12,1 km" in html
    assert "à 30,3 km" in html


def test_json_shape(client, points):
    data = client.get(reverse("annuaire:api-points"), {"q": "St Etienne"}).json()
    assert data["place"] == {
        "kind": "commune",
        "name": "Saint-Étienne",
        "insee_code": "42218",
        "department": "42",
        "latitude": 45.4241,
        "longitude": 4.36647,
    }
    assert data["count"] == 4
    assert data["next"] is None
    first = data["results"][0]
    for key in ("id", "name", "structure_name", "network_name", "circle", "kind", "commune", "postal_code",
                "latitude", "longitude", "distance_km", "opening_hours", "phone", "url"):  # fmt: skip
        assert key in first, key
    assert first["id"] == points["A"].slug
    assert first["url"] == f"http://testserver/lieux/{points['A'].slug}/"
    assert (first["network_name"], first["circle"], first["commune"]) == (
        "Centre d'information et d'orientation (CIO)",
        1,
        "Saint-Étienne",
    )


def test_geojson_has_every_result_of_the_search(client, points):
    data = json_body(client.get(reverse("annuaire:api-points-geojson"), {"q": "42000", "rayon": "20"}))
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["name"] for f in data["features"]} == {"Lieu A", "Lieu B", "Lieu D", "Lieu E"}
    feature = next(f for f in data["features"] if f["properties"]["name"] == "Lieu D")
    assert feature["geometry"] == {"type": "Point", "coordinates": [points["D"].longitude, points["D"].latitude]}


def test_pages_of_twenty_with_next_link(client):
    ReceptionPointFactory.create_batch(45, commune_insee="42218")
    first = client.get(reverse("annuaire:api-points"), {"q": "42000"}).json()
    assert (first["count"], len(first["results"])) == (45, 20)
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert (len(second["results"]), len(third["results"]), third["next"]) == (20, 5, None)
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(set(ids)) == 45
    html = client.get(reverse("annuaire:search"), {"q": "42000", "page": "2"}).content.decode()
    assert "Page 2 sur 3" in html
    assert 'start="21"' in html


def test_unpublished_and_expired_never_appear(client):
    ReceptionPointFactory(name="Visible", commune_insee="42218")
    ReceptionPointFactory(name="Brouillon", commune_insee="42218", is_published=False)
    ReceptionPointFactory(name="Label expiré", commune_insee="42218", structure=StructureFactory(label_expired=True))
    data = client.get(reverse("annuaire:api-points"), {"q": "42000"}).json()
    assert [r["name"] for r in data["results"]] == ["Visible"]
    geojson = json_body(client.get(reverse("annuaire:api-points-geojson"), {"q": "42000"}))
    assert [f["properties"]["name"] for f in geojson["features"]] == ["Visible"]


def test_search_by_structure_name(client, points):
    assert names(client, {"q": "structure b"}) == {"B"}
    # With a position (here in Le Puy-en-Velay), matches are sorted by distance, whatever the radius:
    # Le Puy, then Firminy (46 km), then Saint-Étienne.
    data = client.get(reverse("annuaire:api-points"), {"q": "structure", "lat": "45.03", "lon": "3.89"}).json()
    assert [r["name"] for r in data["results"]][:3] == ["Lieu F", "Lieu D", "Lieu A"]


def test_department_search_lists_the_whole_department(client, points):
    assert names(client, {"q": "Loire"}) == {"A", "B", "C", "D", "E"}
    assert names(client, {"q": "43"}) == {"F"}


def test_around_me(client, points):
    # A position in Firminy: D first.
    data = client.get(reverse("annuaire:api-points"), {"lat": "45.388", "lon": "4.287", "rayon": "10"}).json()
    assert data["place"]["kind"] == "position"
    assert data["results"][0]["name"] == "Lieu D"


def test_no_dead_end(client, points):
    ReceptionPointFactory(
        name="Conseil à distance",
        commune_insee="63113",
        by_phone=True,
        structure=StructureFactory(name="Service régional par téléphone", network_slug="apec"),
    ).structure.competence_departments.add("43")
    response = client.get(
        reverse("annuaire:search"), {"q": "43000", "rayon": "5", "reseau": "info-jeunes", "public": "cadres"}
    )
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    # Nothing in the whole region passes those filters: no useless wider radius.
    assert "Aucun lieu d'accueil de la région ne correspond à ces filtres" in html
    assert "Chercher dans un rayon" not in html
    assert "Retirer les filtres" in html
    response = client.get(reverse("annuaire:search"), {"q": "42000", "rayon": "5", "reseau": "apec"})
    assert "Chercher dans un rayon de 10 km" in response.content.decode()
    response = client.get(reverse("annuaire:search"), {"q": "42000", "rayon": "5", "reseau": "info-jeunes"})
    outcome = response.context["outcome"]
    assert outcome.count == 0
    assert [row.point.name for row in outcome.nearest_anyway] == ["Lieu F"]
    assert "Lieu F" in response.content.decode()
    response = client.get(reverse("annuaire:search"), {"q": "43000", "rayon": "5", "mode": "telephone"})
    assert [p.structure.name for p in response.context["outcome"].remote_options] == ["Service régional par téléphone"]
    assert "par téléphone ou en visioconférence" in response.content.decode()


def test_ambiguous_name_offers_a_choice_without_javascript(client):
    html = client.get(reverse("annuaire:search"), {"q": "saint priest"}).content.decode()
    assert "Plusieurs communes correspondent à « saint priest »" in html
    assert "Saint-Priest (07000)" in html
    assert "commune=07288" in html
    response = client.get(reverse("annuaire:search"), {"commune": "07288", "q": "Saint-Priest"})
    assert response.context["outcome"].place.insee_code == "07288"


def test_commune_suggestions(client):
    data = client.get(reverse("annuaire:api-communes"), {"q": "st julien en g"}).json()
    assert data["results"][0]["label"] == "Saint-Julien-en-Genevois (74160)"
    assert client.get(reverse("annuaire:api-communes"), {"q": "s"}).json() == {"results": []}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "lyon", "rayon": "abc"}, "Rayon inconnu : « abc ». Choisissez 5, 10, 20 ou 50 km."),
        ({"q": "lyon", "rayon": "15"}, "Rayon inconnu : « 15 ». Choisissez 5, 10, 20 ou 50 km."),
        ({"lat": "999", "lon": "4"}, "La latitude doit être comprise entre -90 et 90."),
        ({"lat": "45", "lon": "-200"}, "La longitude doit être comprise entre -180 et 180."),
        ({"lat": "abc", "lon": "4"}, "La latitude doit être un nombre."),
        ({"lat": "45"}, "Indiquez la latitude et la longitude ensemble."),
        ({"q": "lyon", "departement": "99"}, "Département inconnu : « 99 »."),
        ({"q": "lyon", "public": "astronautes"}, "Public inconnu : « astronautes »."),
        ({"q": "lyon", "niveau": "7"}, "Niveau de service inconnu : « 7 »."),
        ({"q": "lyon", "cercle": "4"}, "Cercle inconnu : « 4 »."),
        ({"q": "lyon", "reseau": "pole-emploi"}, "Réseau inconnu : « pole-emploi »."),
        ({"q": "lyon", "mode": "pigeon"}, "Mode d'accueil inconnu : « pigeon »."),
        ({"q": "lyon", "type": "chateau"}, "Type de lieu inconnu : « chateau »."),
        ({"q": "lyon", "page": "abc"}, "Le numéro de page doit être un nombre entier."),
        ({"q": "lyon", "page": "0"}, "Le numéro de page doit être 1 ou plus."),
        ({"q": "lyon", "page": "50"}, "Cette page n'existe pas : il y a 1 page(s) de résultats."),
        ({"commune": "abc"}, "Code de commune invalide."),
        ({"q": "x" * 101}, "Votre recherche est trop longue (100 caractères au plus)."),
        ({"q": "75"}, "Le département « 75 » n'est pas en Auvergne-Rhône-Alpes."),
    ],
)
def test_bad_parameters_get_a_french_message_never_a_500(client, params, message):
    ReceptionPointFactory(commune_insee="69123")
    for url in (reverse("annuaire:api-points"), reverse("annuaire:api-points-geojson")):
        if url.endswith("geojson") and "page" in params:
            continue
        response = client.get(url, params)
        assert response.status_code == 400
        assert message in response.json()["errors"]
    response = client.get(reverse("annuaire:search"), params)
    assert response.status_code == 400
    assert message in response.context["outcome"].errors
    assert "Nous n'avons pas pu faire cette recherche" in response.content.decode()


# The page cache reads the data version once (its key), and the place resolver once (the version of
# its gazetteer), and the structures competent for the searched commune once (annuaire.competence).
# The API reads more per point (publics and levels, its own and its structure's, for
# each result): a few more queries, as constant.
@pytest.mark.parametrize(("url_name", "most"), [("annuaire:search", 11), ("annuaire:api-points", 15)])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "42000"},
        {"q": "42000", "public": "jeunes-16-25", "sans_rdv": "1", "page": "2"},
        {"q": "saint etienne", "ouvert": "1", "niveau": "2"},
        {"lat": "45.43", "lon": "4.39"},
        {"q": "Loire"},
        {"q": "mission locale"},
        {"q": "43000", "rayon": "5"},
    ],
)
def test_query_count_does_not_depend_on_the_number_of_results(
    client, django_assert_max_num_queries, url_name, most, params
):
    structure = StructureFactory(name="Mission Locale de test", publics=["jeunes-16-25"], levels=[1, 2])
    for index in range(60):
        ReceptionPointFactory(
            structure=structure,
            commune_insee=["42218", "42095", "42207"][index % 3],
            hours=[(day, "09:00", "12:00") for day in range(5)],
            by_phone=index % 2 == 0,
        )
    with django_assert_max_num_queries(most):
        response = client.get(reverse(url_name), params)
    assert response.status_code == 200


def test_results_page_weight(client):
    for index in range(25):
        ReceptionPointFactory(
            commune_insee="42218",
            name=f"Mission Locale Saint-Étienne et Couronne Stéphanoise — permanence n° {index}",
            address="12 rue de la République",
            phone="04 65 71 00 00",
            hours=[(day, "09:00", "12:00") for day in range(5)],
        )
    response = client.get(reverse("annuaire:search"), {"q": "42000"})
    assert len(response.context["outcome"].rows) == 20
    assert len(response.content) < 60 * 1024


@pytest.mark.parametrize(
    ("km", "label"),
    [(None, ""), (0.05, "à moins de 100 m"), (0.42, "à 400 m"), (3.24, "à 3,2 km"), (57.3, "à 57,3 km")],
)
def test_distance_labels(km, label):
    from annuaire.search import distance_label

    assert distance_label(km) == label

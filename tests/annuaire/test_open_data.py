"""Open data API: listings with a cursor, structures and networks, CSV and GeoJSON exports, what is
never exposed, HTTP caching (ETag, Last-Modified, 304), CORS and rate limits."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from structures.enums import PointKind
from structures.models import DataVersion
from tests.annuaire.api_helpers import body, json_body, text_body
from tests.structures.factories import ClosureFactory, ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

# Every field of a point, as /donnees/ documents them; written out here, not read from the code.
POINT_FIELDS = [
    "id",
    "name",
    "kind",
    "structure_id",
    "structure_name",
    "network_id",
    "network_name",
    "network_short_name",
    "circle",
    "host_name",
    "address",
    "address_complement",
    "postal_code",
    "commune",
    "insee_code",
    "department_code",
    "latitude",
    "longitude",
    "position_precision",
    "phone",
    "email",
    "on_site",
    "walk_in",
    "by_appointment",
    "appointment_details",
    "by_phone",
    "by_video",
    "accessibility",
    "accessibility_details",
    "publics",
    "service_levels",
    "opening_hours",
    "last_verified_on",
    "updated_at",
    "is_demo",
    "source",
    "source_date",
    "url",
]


def api(client, name, params=None, *args, **headers):
    return client.get(reverse(name, args=args), params or {}, headers=headers)


@pytest.fixture
def hidden():
    """A draft point, a point of a draft structure and a point of a structure whose label expired."""
    return [
        ReceptionPointFactory(name="Lieu brouillon", slug="lieu-brouillon", is_published=False),
        ReceptionPointFactory(
            name="Lieu d'une structure brouillon",
            slug="lieu-structure-brouillon",
            structure=StructureFactory(unpublished=True, slug="structure-brouillon"),
        ),
        ReceptionPointFactory(
            name="Lieu au label expiré",
            slug="lieu-label-expire",
            structure=StructureFactory(label_expired=True, slug="structure-label-expire"),
        ),
    ]


# --- Listing with a cursor -------------------------------------------------------------------------


def test_listing_pages_follow_next_links_without_gap_or_duplicate(client):
    points = ReceptionPointFactory.create_batch(7)
    first = api(client, "annuaire:api-points", {"par_page": 3}).json()
    assert first["count"] == 7
    assert [item["id"] for item in first["results"]] == [point.slug for point in points[:3]]
    # Between two pages, a point already read is deleted and a new one is published: with page
    # numbers the reader would now miss a point; with the cursor it reads each exactly once.
    points[0].delete()
    added = ReceptionPointFactory()
    seen = [item["id"] for item in first["results"]]
    page = first
    while page["next"]:
        assert "curseur=" in page["next"]
        page = client.get(page["next"]).json()
        seen += [item["id"] for item in page["results"]]
    assert seen == [point.slug for point in points] + [added.slug]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"curseur": "n-importe-quoi"}, "Curseur invalide"),
        ({"par_page": "0"}, "« par_page » doit être 1 ou plus."),
        ({"par_page": "1001"}, "« par_page » vaut au plus 1000."),
        ({"par_page": "dix"}, "« par_page » doit être un nombre entier."),
        ({"reseau": "inconnu"}, "Réseau inconnu : « inconnu »."),
        ({"lat": "45"}, "Indiquez la latitude et la longitude ensemble."),
    ],
)
def test_bad_parameters_get_a_french_400(client, params, message):
    response = api(client, "annuaire:api-points", params)
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert "ETag" not in response


def test_listing_filters_are_those_of_the_search(client):
    young = StructureFactory(publics=["jeunes-16-25"], network_slug="mission-locale")
    ReceptionPointFactory(structure=young, slug="ml-montbrison", commune_insee="42147")
    ReceptionPointFactory(structure=StructureFactory(network_slug="cio"), slug="cio-vienne", commune_insee="38544")
    ReceptionPointFactory(structure=young, slug="ml-boen", kind=PointKind.PERMANENCE, host_name="Mairie")

    def ids(params):
        return {item["id"] for item in api(client, "annuaire:api-points", params).json()["results"]}

    assert ids({"reseau": "cio"}) == {"cio-vienne"}
    assert ids({"departement": "42"}) == {"ml-montbrison", "ml-boen"}
    assert ids({"public": "jeunes-16-25"}) == {"ml-montbrison", "ml-boen"}
    assert ids({"type": "permanence"}) == {"ml-boen"}
    assert ids({"structure": young.slug, "par_page": 1}) == {"ml-montbrison"}


def test_point_detail_by_its_stable_identifier(client, hidden):
    point = ReceptionPointFactory(slug="cio-de-vienne", name="CIO de Vienne", commune_insee="38544")
    data = api(client, "annuaire:api-point", None, point.slug).json()
    assert list(data) == POINT_FIELDS
    assert (data["id"], data["name"], data["commune"], data["insee_code"]) == (
        "cio-de-vienne",
        "CIO de Vienne",
        "Vienne",
        "38544",
    )
    for point in hidden:
        response = api(client, "annuaire:api-point", None, point.slug)
        assert response.status_code == 404


def test_publics_and_levels_are_the_points_own_else_its_structures(client):
    structure = StructureFactory(publics=["jeunes-16-25"], levels=[1, 2])
    inherits = ReceptionPointFactory(structure=structure)
    own = ReceptionPointFactory(structure=structure, publics=["demandeurs-emploi"], levels=[1])
    results = {item["id"]: item for item in api(client, "annuaire:api-points").json()["results"]}
    assert (results[inherits.slug]["publics"], results[inherits.slug]["service_levels"]) == (["jeunes-16-25"], [1, 2])
    assert (results[own.slug]["publics"], results[own.slug]["service_levels"]) == (["demandeurs-emploi"], [1])


# --- Structures and networks --------------------------------------------------------------------------


def test_structures_listing_detail_and_filters(client, hidden):
    cio = StructureFactory(network_slug="cio", slug="cio-de-vienne", publics=["scolaires"], levels=[1, 2])
    ReceptionPointFactory(structure=cio, commune_insee="38544")
    ReceptionPointFactory(structure=cio, commune_insee="38544", is_published=False)
    labelled = StructureFactory(labelled=True, slug="association-labellisee")
    data = api(client, "annuaire:api-structures").json()
    # The draft point's structure is published (with no published point): it is listed.
    published = {"cio-de-vienne", "association-labellisee", hidden[0].structure.slug}
    assert {item["id"] for item in data["results"]} == published
    assert data["count"] == 3
    detail = api(client, "annuaire:api-structure", None, "cio-de-vienne").json()
    assert (detail["points_count"], detail["publics"], detail["service_levels"]) == (1, ["scolaires"], [1, 2])
    assert detail["label_valid_until"] is None
    assert api(client, "annuaire:api-structure", None, labelled.slug).json()["label_valid_until"] == (
        labelled.label_end.isoformat()
    )

    def ids(params):
        return {item["id"] for item in api(client, "annuaire:api-structures", params).json()["results"]}

    assert ids({"reseau": "cio"}) == {"cio-de-vienne"}
    assert ids({"reseau": "mission-locale"}) == {hidden[0].structure.slug}
    assert ids({"cercle": "3"}) == {"association-labellisee"}
    assert ids({"departement": "38"}) == {"cio-de-vienne"}
    assert ids({"public": "scolaires"}) == {"cio-de-vienne"}
    assert ids({"q": "vienne"}) == set()  # the structure's name is « Structure de test n° … »
    for slug in ("structure-brouillon", "structure-label-expire"):
        assert api(client, "annuaire:api-structure", None, slug).status_code == 404


def test_structures_cursor(client):
    structures = StructureFactory.create_batch(5)
    first = api(client, "annuaire:api-structures", {"par_page": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None
    read = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert read == [structure.slug for structure in structures]


def test_networks_with_their_published_structures(client, hidden):
    StructureFactory.create_batch(2, network_slug="cio")
    data = api(client, "annuaire:api-networks").json()
    networks = {item["id"]: item for item in data["results"]}
    assert data["count"] == 15
    assert networks["cio"]["structures_count"] == 2
    # The expired-label structure is in « association »: not counted.
    assert networks["association"]["structures_count"] == 0
    assert networks["cio"]["circle"] == 1


# --- Exports ----------------------------------------------------------------------------------------


def test_csv_has_a_bom_every_field_and_a_semicolon_option(client):
    point = ReceptionPointFactory(
        name="Mission Locale — Saint-Étienne", structure=StructureFactory(publics=["jeunes-16-25", "handicap"])
    )
    comma = api(client, "annuaire:api-points-csv")
    assert comma["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="lieux-spro-ara.csv"' in comma["Content-Disposition"]
    raw = body(comma)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == POINT_FIELDS
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["id"], record["name"], record["commune"]) == (point.slug, point.name, "Saint-Étienne")
    assert (record["publics"], record["walk_in"], record["address"]) == ("handicap,jeunes-16-25", "true", "")
    semicolon = text_body(api(client, "annuaire:api-points-csv", {"separateur": "point-virgule"}))
    assert semicolon.splitlines()[0].lstrip("\ufeff").split(";") == POINT_FIELDS


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client):
    ReceptionPointFactory(name='=HYPERLINK("http://example.invalid")')
    text = text_body(api(client, "annuaire:api-points-csv"))
    record = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert record["name"] == ' =HYPERLINK("http://example.invalid")'


def test_csv_unknown_separator(client):
    response = api(client, "annuaire:api-points-csv", {"separateur": "tab"})
    assert response.status_code == 400
    assert "Séparateur inconnu : « tab »" in response.json()["error"]


def test_structures_csv(client):
    structure = StructureFactory(name="CIO de Vienne", network_slug="cio")
    text = text_body(api(client, "annuaire:api-structures-csv", {"separateur": "point-virgule"}))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["id", "name", "network_id"]
    assert rows[1][:3] == [structure.slug, "CIO de Vienne", "cio"]


def test_geojson_has_every_published_point_with_its_fields(client, hidden):
    points = ReceptionPointFactory.create_batch(3)
    response = api(client, "annuaire:api-points-geojson")
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    data = json_body(response)
    assert [feature["id"] for feature in data["features"]] == [point.slug for point in points]
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == [points[0].longitude, points[0].latitude]
    assert list(feature["properties"]) == [field for field in POINT_FIELDS if field not in ("latitude", "longitude")]


@pytest.mark.parametrize(
    "name",
    [
        "annuaire:api-points",
        "annuaire:api-points-geojson",
        "annuaire:api-points-csv",
        "annuaire:api-structures",
        "annuaire:api-structures-csv",
        "annuaire:api-di-structures",
        "annuaire:api-di-services",
    ],
)
def test_unpublished_and_expired_label_records_never_appear(client, hidden, name):
    ReceptionPointFactory(name="Lieu publié", slug="lieu-publie")
    text = text_body(api(client, name))
    assert "lieu-publie" in text or "Structure de test" in text
    for point in hidden:
        assert point.slug not in text
        assert point.name not in text
    assert "structure-brouillon" not in text
    assert "structure-label-expire" not in text


def test_a_label_ending_hides_its_points_from_the_next_day(client, monkeypatch):
    today = timezone.localdate()
    structure = StructureFactory(labelled=True, label_end=today)
    ReceptionPointFactory(structure=structure, slug="lieu-labellise")
    first = api(client, "annuaire:api-points")
    assert [item["id"] for item in first.json()["results"]] == ["lieu-labellise"]
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    revalidated = api(client, "annuaire:api-points", None, If_None_Match=first["ETag"])
    assert revalidated.status_code == 200
    assert revalidated.json()["results"] == []
    # Nobody saved anything: the date itself is the change the validators report.
    assert revalidated["Last-Modified"] != first["Last-Modified"]


# --- HTTP caching, CORS, limits -------------------------------------------------------------------------


def test_conditional_get_answers_304_until_the_data_changes(client, django_capture_on_commit_callbacks):
    point = ReceptionPointFactory()
    first = api(client, "annuaire:api-points")
    assert first.status_code == 200
    assert first["Cache-Control"] == "public, max-age=300"
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert api(client, "annuaire:api-points", None, If_None_Match=etag).status_code == 304
    not_modified = api(client, "annuaire:api-points", None, If_Modified_Since=last_modified)
    assert (not_modified.status_code, not_modified["Cache-Control"]) == (304, "public, max-age=300")
    # Another query is another answer.
    assert api(client, "annuaire:api-points", {"par_page": 5}, If_None_Match=etag).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        point.name = "Nouveau nom"
        point.save()
    changed = api(client, "annuaire:api-points", None, If_None_Match=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert changed.json()["results"][0]["name"] == "Nouveau nom"


@pytest.mark.parametrize(
    "change",
    [
        lambda point: ClosureFactory(point=point),
        lambda point: point.opening_hours.create(weekday=2, opens="09:00", closes="10:00"),
        lambda point: point.structure.publics.set([]),
        lambda point: point.structure.delete(),
    ],
    ids=["closure", "hours", "publics", "deletion"],
)
def test_every_kind_of_change_stamps_the_data_version(django_capture_on_commit_callbacks, change):
    point = ReceptionPointFactory(structure=StructureFactory(publics=["jeunes-16-25"]))
    DataVersion.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        change(point)
    assert DataVersion.objects.get().changed_at <= timezone.now()


def test_a_rolled_back_change_stamps_nothing_and_many_changes_stamp_once(
    django_capture_on_commit_callbacks, django_assert_num_queries, django_assert_max_num_queries
):
    DataVersion.objects.all().delete()

    def create_then_fail():
        with transaction.atomic():
            ReceptionPointFactory()
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        create_then_fail()
    assert not DataVersion.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        ReceptionPointFactory.create_batch(3)
    assert len(callbacks) > 3
    with django_assert_max_num_queries(10):
        callbacks[0]()
    assert DataVersion.objects.count() == 1
    # Every other save of the transaction: nothing more to write.
    with django_assert_num_queries(0):
        for callback in callbacks[1:]:
            callback()


def test_open_now_answers_are_fresh_for_a_minute_only(client):
    ReceptionPointFactory()
    response = api(client, "annuaire:api-points", {"ouvert": "1"})
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Last-Modified" not in response
    assert "ETag" in response


def test_cors_lets_any_site_read_the_api_and_nothing_else(client):
    response = api(client, "annuaire:api-points", None, Origin="https://www.exemple-mairie.fr")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        reverse("annuaire:api-points"),
        headers={
            "Origin": "https://www.exemple-mairie.fr",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    page = client.get(reverse("annuaire:search"), headers={"Origin": "https://www.exemple-mairie.fr"})
    assert "Access-Control-Allow-Origin" not in page


def test_only_reading_is_allowed(client):
    assert client.post(reverse("annuaire:api-points")).status_code == 405
    assert client.head(reverse("annuaire:api-points")).status_code == 200


def test_no_cookie_on_api_answers(client):
    ReceptionPointFactory()
    for name in ("annuaire:api-points", "annuaire:api-points-geojson", "annuaire:api-structures"):
        assert not api(client, name).cookies


def test_rate_limit_answers_429_in_french_with_retry_after(client, settings, one_rate_window):
    settings.API_RATE_LIMIT = "3/m"
    settings.API_EXPORT_RATE_LIMIT = "1/m"
    statuses = [api(client, "annuaire:api-networks").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api(client, "annuaire:api-networks")
    assert limited["Retry-After"] == "60"
    assert "Trop de requêtes" in limited.json()["error"]
    # Exports have their own, lower limit.
    assert api(client, "annuaire:api-points-geojson").status_code == 200
    assert api(client, "annuaire:api-points-geojson").status_code == 429
    # Another client is not affected.
    assert client.get(reverse("annuaire:api-networks"), REMOTE_ADDR="192.0.2.7").status_code == 200


def test_unknown_api_addresses_answer_404_in_json(client):
    for path in ("/api/v1/lieux/inconnu", "/api/v1/structures/inconnue", "/api/v1/inconnu", "/api/v2/lieux"):
        response = client.get(path)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), path
        assert response.json()["error"]
    assert client.get("/page-inconnue/")["Content-Type"].startswith("text/html")


# --- The documentation page ---------------------------------------------------------------------------


def test_open_data_page_documents_fields_licence_frequency_and_working_examples(client, settings):
    settings.API_RATE_LIMIT, settings.API_EXPORT_RATE_LIMIT = "120/m", "30/m"
    point = ReceptionPointFactory(commune_insee="15014")
    response = client.get(reverse("annuaire:open-data"))
    assert response.status_code == 200
    assert not response.cookies
    html = response.content.decode()
    assert "Licence Ouverte / Open Licence 2.0 (Etalab)" in html
    assert "Fréquence de mise à jour" in html
    assert "120 requêtes par minute" in html
    assert "30 requêtes par minute" in html
    for field in POINT_FIELDS:
        assert f"<code>{field}</code>" in html, field
    examples = set(re.findall(r'href="(http://testserver/api/v1/[^"]+)"', html))
    assert len(examples) >= 12
    for url in examples:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
    # The Cantal example finds the point placed in Aurillac.
    cantal = json_body(client.get("/api/v1/lieux.geojson?departement=15"))
    assert [feature["id"] for feature in cantal["features"]] == [point.slug]
    assert reverse("annuaire:open-data") in client.get(reverse("annuaire:home")).content.decode()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("annuaire:api-communes", {"code": "\x00"}),
        ("annuaire:api-communes", {"q": "ly\x00on"}),
        ("annuaire:api-points", {"q": "ly\x00on"}),
        ("annuaire:api-points", {"structure": "\x00"}),
        ("annuaire:api-points", {"curseur": "\x00"}),
        ("annuaire:api-structures", {"q": "\x00"}),
    ],
)
def test_a_nul_character_never_reaches_the_database(client, name, params):
    """Found by the generated requests on PostgreSQL, which refuses NUL in text."""
    assert api(client, name, params).status_code in (200, 400, 404)

"""The OpenAPI description of /api/v1/: a valid OpenAPI 3.1 document, every answer conforms to it,
and thousands of generated requests never get a server error."""

import math

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schemathesis.specs.openapi.checks import positive_data_acceptance

from structures.enums import PointKind
from tests.annuaire.api_helpers import json_body
from tests.structures.factories import ClosureFactory, ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

GENERATED_REQUESTS = 2000
# Every check of schemathesis but one: some combinations of valid values cannot be found in the
# data or cannot be expressed in OpenAPI (a latitude without its longitude, a postal code of
# another region, a page after the last), and get a documented 400 in French rather than a 2xx.


@pytest.fixture
def directory():
    """A small directory with every kind of record the API shows."""
    young = StructureFactory(
        name="Mission Locale de Roanne",
        publics=["jeunes-16-25"],
        levels=[1, 2],
        phone="04 77 00 00 00",
        email="contact@ml-roanne.example",
        website="https://ml-roanne.example/",
    )
    main = ReceptionPointFactory(
        structure=young,
        name="Mission Locale de Roanne",
        commune_insee="42187",
        address="12 rue de la Paix",
        hours=[(day, "09:00", "12:00") for day in range(5)],
    )
    ClosureFactory(point=main)
    ReceptionPointFactory(structure=young, kind=PointKind.PERMANENCE, host_name="Mairie", commune_insee="42218")
    ReceptionPointFactory(structure=StructureFactory(labelled=True), commune_insee="63113", publics=["cadres"])
    ReceptionPointFactory(structure=StructureFactory(network_slug="cio"), commune_insee="38185", by_phone=True)
    return main


@pytest.fixture
def document(client):
    return client.get(reverse("annuaire:api-openapi")).json()


def response_validator(document, path, status, media="application/json"):
    """A JSON Schema validator for one documented answer, resolving the document's references."""
    registry = Registry().with_resource("urn:spro-openapi", Resource.from_contents(document, DRAFT202012))
    schema = document["paths"][path]["get"]["responses"][str(status)]["content"][media]["schema"]
    if "$ref" in schema:
        schema = {"$ref": "urn:spro-openapi" + schema["$ref"]}
    return Draft202012Validator(schema, registry=registry)


def test_the_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["license"]["name"].startswith("Licence Ouverte")


def test_every_route_of_the_api_is_documented(document):
    from annuaire.urls import urlpatterns

    routes = {str(pattern.pattern).removeprefix("api/v1") for pattern in urlpatterns}
    documented = {
        path.replace("{slug}", "<slug:slug>").replace("{insee_code}", "<str:insee_code>") for path in document["paths"]
    }
    api_routes = {route for route in routes if route.startswith("/")}
    assert api_routes == documented


CASES = [
    ("/lieux", {}, 200),
    ("/lieux", {"par_page": "2"}, 200),
    ("/lieux", {"q": "Roanne", "rayon": "50"}, 200),
    ("/lieux", {"lat": "45.43", "lon": "4.39", "ouvert": "1"}, 200),
    ("/lieux", {"q": "Loire"}, 200),
    ("/lieux", {"q": "mission"}, 200),
    ("/lieux", {"q": "75001"}, 200),
    ("/lieux", {"q": "lyon", "ouvert": "oui-merci"}, 400),
    ("/lieux", {"curseur": "abc"}, 400),
    ("/lieux.geojson", {}, 200),
    ("/lieux.geojson", {"q": "Roanne"}, 200),
    ("/lieux.geojson", {"rayon": "7"}, 400),
    ("/lieux.csv", {"separateur": "tab"}, 400),
    ("/structures", {}, 200),
    ("/structures", {"reseau": "cio", "par_page": "1"}, 200),
    ("/structures", {"cercle": "9"}, 400),
    ("/structures.csv", {"separateur": "x"}, 400),
    ("/reseaux", {}, 200),
    ("/communes", {"q": "roa"}, 200),
    ("/communes", {"code": "99999"}, 404),
    ("/data-inclusion/structures.json", {}, 200),
    ("/data-inclusion/services.json", {}, 200),
]


@pytest.mark.parametrize(("path", "params", "status"), CASES)
def test_answers_conform_to_the_document(client, directory, document, path, params, status):
    response = client.get(f"/api/v1{path}", params)
    assert response.status_code == status
    media = response["Content-Type"].split(";")[0]
    response_validator(document, path, status, media).validate(json_body(response))


def test_detail_answers_conform_to_the_document(client, directory, document):
    for path, slug in (("/lieux/{slug}", directory.slug), ("/structures/{slug}", directory.structure.slug)):
        response = client.get(f"/api/v1{path.replace('{slug}', slug)}")
        response_validator(document, path, 200).validate(response.json())
        missing = client.get(f"/api/v1{path.replace('{slug}', 'inconnu')}")
        assert missing.status_code == 404
        assert "404" in document["paths"][path]["get"]["responses"]


@pytest.fixture
def wsgi_application():
    """Django's WSGI application, called in the test's own transaction: like Django's test client,
    it must not close the database connection at the start and end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_generated_requests_never_get_a_server_error(directory, wsgi_application):
    """At least 2,000 requests generated from the document (schemathesis), each answer checked
    against it: no 5xx, documented status codes, content types and bodies."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_application)
    operations = [result.ok() for result in schema.get_all_operations()]
    with_parameters = [operation for operation in operations if operation.definition.raw.get("parameters")]
    per_operation = math.ceil(GENERATED_REQUESTS / len(with_parameters))
    statuses = []
    for operation in operations:
        sent = check_operation(operation, per_operation)
        # An operation without parameters has one possible request: hypothesis sends it once.
        assert len(sent) >= (per_operation if operation in with_parameters else 1), operation.label
        statuses += sent
    assert len(statuses) >= GENERATED_REQUESTS
    assert all(status < 500 for status in statuses)
    # Not only refusals: many generated requests go through the search and the serializers (random
    # place names and identifiers are, rightly, mostly refused with a 400 or a 404).
    assert statuses.count(200) >= len(statuses) // 4


def check_operation(operation, examples):
    """Send `examples` generated requests to one operation; the status codes received."""
    sent = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        # Schemathesis's WSGI client asks for gzip but does not decompress it (the site compresses).
        response = case.call(headers={"Accept-Encoding": "identity"})
        sent.append(response.status_code)
        assert response.status_code < 500, (case.path, case.query)
        case.validate_response(response, excluded_checks=[positive_data_acceptance])

    run()
    return sent

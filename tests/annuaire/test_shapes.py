"""Every declared field of every published shape is in the JSON answers, the CSV columns, the
OpenAPI document and the documentation page; every parameter a view reads is documented."""

import csv
import io

import pytest
from django.urls import reverse

from annuaire import data_inclusion
from annuaire.opendata import API_PARAMETERS
from annuaire.shapes import directory, parameters
from tests.annuaire.api_helpers import body, json_body
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db


def names(shape):
    return [field.name for field in shape.fields]


def csv_header(response):
    return next(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


@pytest.fixture
def point():
    structure = StructureFactory(publics=["jeunes-16-25"])
    structure.competence_departments.set(["15"])
    return ReceptionPointFactory(structure=structure, commune_insee="15014")


def test_every_point_field_is_in_the_json_the_geojson_the_csv_and_the_openapi(client, point):
    declared = names(directory.POINT)
    detail = json_body(client.get(reverse("annuaire:api-point", args=[point.slug])))
    assert list(detail) == declared
    listing = json_body(client.get(reverse("annuaire:api-points")))
    assert list(listing["results"][0]) == [*declared, "distance_km", "competent_for_place"]
    feature = json_body(client.get(reverse("annuaire:api-points-geojson")))["features"][0]
    assert list(feature["properties"]) == [name for name in declared if name not in ("latitude", "longitude")]
    assert csv_header(client.get(reverse("annuaire:api-points-csv"))) == declared
    schemas = json_body(client.get(reverse("annuaire:api-openapi")))["components"]["schemas"]
    assert list(schemas["Point"]["properties"]) == declared
    assert schemas["Point"]["required"] == declared


def test_every_structure_and_network_field_is_in_the_json_the_csv_and_the_openapi(client, point):
    declared = names(directory.STRUCTURE)
    detail = json_body(client.get(reverse("annuaire:api-structure", args=[point.structure.slug])))
    assert list(detail) == declared
    assert csv_header(client.get(reverse("annuaire:api-structures-csv"))) == declared
    schemas = json_body(client.get(reverse("annuaire:api-openapi")))["components"]["schemas"]
    assert list(schemas["Structure"]["properties"]) == declared
    networks = json_body(client.get(reverse("annuaire:api-networks")))["results"]
    assert {tuple(network) for network in networks} == {tuple(names(directory.NETWORK))}
    assert list(schemas["Network"]["properties"]) == names(directory.NETWORK)


def test_every_data_inclusion_field_is_in_the_export_and_the_openapi(client, point):
    schemas = json_body(client.get(reverse("annuaire:api-openapi")))["components"]["schemas"]
    structures = json_body(client.get(reverse("annuaire:api-di-structures")))
    services = json_body(client.get(reverse("annuaire:api-di-services")))
    for shape, records, schema in (
        (data_inclusion.STRUCTURE, structures, "DataInclusionStructure"),
        (data_inclusion.SERVICE, services, "DataInclusionService"),
    ):
        assert records
        assert all(list(record) == names(shape) for record in records)
        assert list(schemas[schema]["properties"]) == names(shape)


def test_the_documentation_page_lists_every_field_and_parameter(client):
    html = client.get(reverse("annuaire:open-data")).content.decode()
    for shape in (directory.POINT, directory.STRUCTURE, directory.NETWORK):
        for name in names(shape):
            assert f"<code>{name}</code>" in html, name
    for name in API_PARAMETERS:
        assert f"<code>{name}</code>" in html, name


def test_every_parameter_read_by_the_api_is_in_the_openapi_with_a_description(client):
    paths = json_body(client.get(reverse("annuaire:api-openapi")))["paths"]
    documented = {
        parameter["name"]: parameter["description"]
        for operation in paths.values()
        for parameter in operation["get"]["parameters"]
        if parameter["in"] == "query"
    }
    assert set(documented) >= API_PARAMETERS
    assert all(len(description) > len(name) + 2 for name, description in documented.items())


@pytest.mark.parametrize(
    ("name", "params", "expected"),
    [
        ("q", parameters.WHERE, {"type": "string", "maxLength": 100}),
        ("lat", parameters.WHERE, {"type": "number", "minimum": -90, "maximum": 90}),
        ("rayon", parameters.WHERE, {"type": "integer", "enum": [5, 10, 20, 50]}),
        ("page", parameters.WHERE, {"type": "integer", "minimum": 1, "maximum": 10000}),
        ("commune", parameters.WHERE, {"type": "string", "pattern": r"^(?:\d{5}|2[AB]\d{3})$"}),
        ("ouvert", parameters.POINT_FILTERS, {"type": "string", "enum": ["1"]}),
        ("niveau", parameters.POINT_FILTERS, {"type": "string", "enum": ["1", "2"]}),
        ("par_page", parameters.LISTING, {"type": "integer", "minimum": 1, "maximum": 1000}),
        ("separateur", parameters.CSV, {"type": "string", "enum": ["virgule", "point-virgule"]}),
    ],
)
def test_parameter_schemas_are_read_from_the_fields_that_validate_them(name, params, expected):
    assert parameters.value_schema(params[name]) == expected

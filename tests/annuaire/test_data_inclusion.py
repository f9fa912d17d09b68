"""The data·inclusion export: the whole demo data set validates against the schema's own pydantic
models and its JSON Schema (vendored in tests/data/data_inclusion/), with zero errors."""

import json
from pathlib import Path

import pytest
from data_inclusion.schema import v1
from django.core.management import call_command
from django.urls import reverse
from jsonschema import validators

from structures.demo.writer import delete_demo_data, load_demo_data
from structures.models import ReceptionPoint, Structure
from tests.annuaire.api_helpers import json_body
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent.parent / "data" / "data_inclusion"


def json_schema(name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return validators.validator_for(schema)(schema)


@pytest.fixture(scope="module")
def demo_export(django_db_setup, django_db_blocker):
    """The demo data set at real scale, exported once for the module's tests."""
    from django.test import Client

    with django_db_blocker.unblock():
        load_demo_data()
        try:
            client = Client()
            exported = {
                name: json_body(client.get(reverse(f"annuaire:api-di-{name}"))) for name in ("structures", "services")
            }
            counts = {
                "structures": Structure.objects.published().count(),
                "points": ReceptionPoint.objects.published().count(),
                # The records of the State's 2019 directory: no hours.
                "without_hours": set(ReceptionPoint.objects.published().without_hours().values_list("slug", flat=True)),
            }
        finally:
            delete_demo_data()
    return exported, counts


def test_whole_demo_export_validates_against_the_pydantic_models(demo_export):
    exported, counts = demo_export
    assert len(exported["structures"]) == counts["structures"] > 500
    assert len(exported["services"]) >= counts["points"] > 1000
    errors = []
    for model, items in ((v1.Structure, exported["structures"]), (v1.Service, exported["services"])):
        for item in items:
            try:
                model.model_validate(item)
            except ValueError as error:
                errors.append((item["id"], str(error)))
    assert errors == []


def test_whole_demo_export_validates_against_the_json_schema(demo_export):
    exported, _ = demo_export
    for name in ("structures", "services"):
        errors = list(json_schema(name).iter_errors(exported[name]))
        assert [error.message for error in errors[:5]] == []


def test_services_are_the_spro_levels_of_each_place(demo_export):
    exported, counts = demo_export
    services = exported["services"]
    structure_ids = {structure["id"] for structure in exported["structures"]}
    assert {service["structure_id"] for service in services} <= structure_ids
    assert {service["frais"] for service in services} == {"gratuit"}
    assert {service["type"] for service in services} == {"information", "accompagnement"}
    assert all(service["id"].endswith(("--niveau-1", "--niveau-2")) for service in services)
    assert all(len(service["code_insee"]) == 5 for service in services)
    # Hours only where the place has some (the State's 2019 records have none: none are invented).
    without_hours = {service["id"].split("--")[1] for service in services if not service["horaires_accueil"]}
    assert without_hours == counts["without_hours"]
    assert len(without_hours) > 300
    assert len({service["id"] for service in services}) == len(services)


def test_values_come_from_the_schema_reference_lists(client):
    structure = StructureFactory(
        network_slug="france-travail", publics=["femmes-familles", "cadres"], levels=[2], phone="04 72 00 00 00"
    )
    ReceptionPointFactory(structure=structure, by_phone=True, phone="04 77 12 34 56", email="accueil@exemple.fr")
    ReceptionPointFactory(structure=StructureFactory(publics=["tout-public", "jeunes-16-25"]))
    services = json_body(client.get(reverse("annuaire:api-di-services")))
    first = next(service for service in services if service["structure_id"] == f"spro-ara--{structure.slug}")
    assert first["publics"] == ["actifs", "familles", "femmes"]
    assert first["modes_accueil"] == ["en-presentiel", "a-distance"]
    assert first["telephone"] == "+33477123456"
    assert sorted(first["modes_mobilisation"]) == ["envoyer-un-courriel", "se-presenter", "telephoner"]
    # Level 1 is always there: every SPRO place gives a first level of information.
    assert sorted(service["id"].rsplit("--", 1)[1] for service in services if service["structure_id"] == first[
        "structure_id"]) == ["niveau-1", "niveau-2"]  # fmt: skip
    everyone = [service for service in services if service["structure_id"] != first["structure_id"]]
    assert {tuple(service["publics"]) for service in everyone} == {("tous-publics",)}
    structures = json_body(client.get(reverse("annuaire:api-di-structures")))
    carrier = next(item for item in structures if item["id"] == f"spro-ara--{structure.slug}")
    assert (carrier["reseaux_porteurs"], carrier["telephone"]) == (["france-travail"], "+33472000000")


def test_the_command_writes_the_same_files(tmp_path, client):
    ReceptionPointFactory.create_batch(2)
    call_command("export_data_inclusion", str(tmp_path), "--url-du-site", "http://testserver")
    for name in ("structures", "services"):
        written = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
        assert written == json_body(client.get(reverse(f"annuaire:api-di-{name}")))

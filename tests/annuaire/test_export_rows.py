"""The points' exports read each point's stored lines (annuaire/export_rows.py): the answer is the
one the shapes write for the points as they are now, after any kind of change, and never a line
that a change, an ended closure or new code has made out of date."""

import json
from datetime import time, timedelta

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from annuaire import data_inclusion, export_rows
from annuaire.models import ExportGeneration, ExportRow
from annuaire.opendata import csv_response, geojson_response, json_stream_response
from annuaire.shapes import context
from annuaire.shapes.directory import POINT, point_feature
from annuaire.shapes.records import point_records
from structures.enums import PointKind, Recurrence
from structures.hours.osm import osm_valid_until
from structures.imports import ReceptionPointResource, StructureResource
from structures.models import Commune, Epci, Network, Public, ReceptionPoint
from structures.signals import mark_data_changed
from tests.structures.factories import ClosureFactory, OpeningHoursFactory, ReceptionPointFactory, StructureFactory
from tests.structures.test_import_export import csv_file, run_import

pytestmark = pytest.mark.django_db

# Filtered answers: streamed, never served from a stored file (annuaire/exports.py).
CSV = reverse("annuaire:api-points-csv") + "?departement=42"
GEOJSON = reverse("annuaire:api-points-geojson") + "?departement=42"
SERVICES = reverse("annuaire:api-di-services")


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content).decode()


def some_points():
    """Points of a Mission Locale (hours, a closure, a permanence hosted by another structure, an
    appointment text with quotes, a newline, a tab and backslashes) and of CIO, in the Loire."""
    today = timezone.localdate()
    mission = StructureFactory(publics=["jeunes-16-25", "handicap"], levels=[1, 2], phone="04 77 00 00 00")
    mission.competence_epcis.set(Epci.objects.filter(communes__insee_code="42218"))
    mission.excluded_communes.set(Commune.objects.filter(insee_code="42095"))
    host = StructureFactory(name="Mairie de Firminy")
    main = ReceptionPointFactory(structure=mission, name="Mission Locale — siège", commune_insee="42218")
    OpeningHoursFactory(point=main, weekday=0, opens=time(9), closes=time(12))
    OpeningHoursFactory(point=main, weekday=3, opens=time(14), closes=time(16), recurrence=Recurrence.FIRST_AND_THIRD)
    ClosureFactory(point=main, starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=5))
    permanence = ReceptionPointFactory(
        structure=mission,
        kind=PointKind.PERMANENCE,
        host_structure=host,
        commune_insee="42095",
        publics=["femmes-familles"],
        levels=[2],
        appointment_details="Sur « rendez-vous », le mardi ; puis\nle jeudi\t(salle B\\2, \\N)",
    )
    OpeningHoursFactory(point=permanence, weekday=4, opens=time(13, 30), closes=time(16))
    for n in range(4):
        ReceptionPointFactory(name=f"Lieu {n}", commune_insee="42218", structure__network_slug="cio")
    return ReceptionPoint.objects.published().filter(commune__department_id="42").order_by("pk")


@pytest.fixture
def points():
    return some_points()


def written_now(points):
    """The three answers as the shapes write them from the points as they are now, without any
    stored line (annuaire/opendata.py's writers)."""
    request = RequestFactory().get("/")
    shape_context = context(request, absolute=request.build_absolute_uri)
    csv = b"".join(csv_response(point_records(points), POINT, shape_context, "x.csv").streaming_content).decode()
    features = (point_feature(point, shape_context) for point in point_records(points))
    geojson = b"".join(geojson_response(features).streaming_content).decode()
    every_point = ReceptionPoint.objects.published().order_by("pk")
    services = (
        service
        for point in point_records(every_point, structure_relations=data_inclusion.AREA)
        for service in data_inclusion.point_services(point, shape_context)
    )
    return csv, geojson, b"".join(json_stream_response(services).streaming_content).decode()


def answers(client):
    return read(client, CSV), read(client, GEOJSON), read(client, SERVICES)


def test_the_answers_from_stored_lines_are_those_the_shapes_write(client, points):
    expected = written_now(points)
    assert answers(client) == expected
    assert ExportRow.objects.filter(generation__gt=0).count() == ReceptionPoint.objects.published().count()
    # Read again from the lines just stored, and they are what they say.
    assert answers(client) == expected
    csv, geojson, services = expected
    assert csv.startswith("\ufeffid,name,kind,")
    assert csv.count("\r\n") == 7
    assert "http://testserver/lieux/" in csv
    assert export_rows.ROOT not in csv
    assert len(json.loads(geojson)["features"]) == 6
    assert json.loads(services)


def change_point_name(points):
    point = points.first()
    point.name = "Nouveau nom du lieu"
    point.save()


def add_hours(points):
    OpeningHoursFactory(point=points.last(), weekday=5, opens=time(10), closes=time(11))


def add_closure(points):
    ClosureFactory(point=points.first(), starts_on=timezone.localdate(), ends_on=timezone.localdate())


def rename_structure(points):
    structure = points.first().structure
    structure.name = "Structure renommée"
    structure.save()


def rename_host(points):
    host = points.get(kind=PointKind.PERMANENCE).host_structure
    host.name = "Salle des fêtes de Firminy"
    host.save()


def add_point_public(points):
    points.last().publics.add(Public.objects.get(slug="handicap"))


def add_structure_level(points):
    points.first().structure.levels.remove(*points.first().structure.levels.filter(level=2))


def change_structure_area(points):
    points.first().structure.excluded_communes.clear()


def rename_network(points):
    network = points.first().structure.network
    network.name = "Réseau renommé"
    network.save()


def rename_commune(points):
    Commune.objects.filter(insee_code="42218").update(name="Saint-Étienne-la-Neuve")
    mark_data_changed()  # a bulk path names nothing: anything may have changed


def unpublish(points):
    point = points.last()
    point.is_published = False
    point.save()


def delete_point(points):
    point = points.last()
    point.delete()
    assert not ExportRow.objects.filter(point_id=point.pk).exists()


CHANGES = [
    change_point_name,
    add_hours,
    add_closure,
    rename_structure,
    rename_host,
    add_point_public,
    add_structure_level,
    change_structure_area,
    rename_network,
    rename_commune,
    unpublish,
    delete_point,
]


@pytest.mark.parametrize("change", CHANGES)
def test_after_any_change_the_answers_are_those_of_the_points_as_they_are(client, points, change):
    before = answers(client)
    change(points)
    after = written_now(points)
    assert after != before, change.__name__
    assert answers(client) == after


def test_a_line_is_written_again_when_a_closure_it_mentions_has_ended(client, points, monkeypatch):
    today = timezone.localdate()
    answers(client)
    tomorrow_closure = ReceptionPoint.objects.get(name="Mission Locale — siège")
    ClosureFactory(point=tomorrow_closure, starts_on=today, ends_on=today)
    csv = read(client, CSV)
    assert f"{today.year} {today:%b} {today.day:02d} off" in csv
    assert ExportRow.objects.get(point=tomorrow_closure).valid_until == today + timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + timedelta(days=1))
    assert f"{today.year} {today:%b} {today.day:02d} off" not in read(client, CSV)


def test_lines_written_by_other_code_or_another_generation_are_written_again(client, points):
    expected = written_now(points)
    answers(client)
    ExportRow.objects.update(form="ancien-code", csv="périmé", feature='"périmé"', services='"périmé"')
    assert answers(client) == expected
    generation = ExportGeneration.current()
    ExportRow.objects.update(generation=generation - 1, csv="périmé", feature='"périmé"', services='"périmé"')
    assert answers(client) == expected
    assert set(ExportRow.objects.values_list("generation", flat=True)) == {generation}


def test_when_the_lines_cannot_be_stored_the_answer_is_written_as_it_is_read(client, points, monkeypatch):
    """A change committed while lines were written makes their write fail: the export finds lines
    out of date in its own snapshot and writes the answer itself, never a stale line."""
    answers(client)
    ExportRow.objects.update(generation=0, csv="périmé")

    def conflict(*args, **kwargs):
        raise OperationalError("could not serialize access due to concurrent update")

    monkeypatch.setattr(ExportRow.objects, "bulk_create", conflict)
    expected = written_now(points)
    assert answers(client) == expected
    assert set(ExportRow.objects.values_list("csv", flat=True)) == {"périmé"}


def test_a_change_marks_only_the_lines_of_what_it_touched(client, points):
    answers(client)
    generation = ExportGeneration.current()
    main = points.get(name="Mission Locale — siège")
    OpeningHoursFactory(point=main, weekday=6, opens=time(10), closes=time(11))
    marked = set(ExportRow.objects.filter(generation=0).values_list("point_id", flat=True))
    assert marked == {main.pk}
    main.structure.save()
    marked = set(ExportRow.objects.filter(generation=0).values_list("point_id", flat=True))
    assert marked == set(points.filter(structure=main.structure).values_list("pk", flat=True))
    assert len(marked) == 2
    ExportRow.objects.update(generation=generation)
    Network.objects.get(pk=main.structure.network_id).save()
    marked = set(ExportRow.objects.filter(generation=0).values_list("point_id", flat=True))
    assert marked == set(points.filter(structure__network=main.structure.network).values_list("pk", flat=True))
    assert marked < set(points.values_list("pk", flat=True))
    assert ExportGeneration.current() == generation
    Public.objects.get(slug="cadres").save()
    assert ExportGeneration.current() == generation + 1


def test_a_line_is_written_again_from_the_day_after_the_first_closure_it_mentions_ends():
    today = timezone.localdate()

    class Closure:
        def __init__(self, days):
            self.ends_on = today + timedelta(days=days)

    assert osm_valid_until([], today) is None
    assert osm_valid_until([Closure(-3)], today) is None
    assert osm_valid_until([Closure(9), Closure(0), Closure(-1)], today) == today + timedelta(days=1)
    assert osm_valid_until([Closure(9), Closure(4)], today) == today + timedelta(days=5)


def test_an_import_marks_the_lines_of_the_records_it_wrote_only(client, points):
    answers(client)
    generation = ExportGeneration.current()
    main = points.get(name="Mission Locale — siège")
    other = points.get(name="Lieu 0")
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "publie"]
    row = [other.slug, other.structure.slug, "Lieu renommé par un fichier", other.postal_code, other.commune_id, "oui"]
    new = ["lieu-cree-par-fichier", other.structure.slug, "Lieu créé par un fichier", "42000", "42218", "oui"]
    assert run_import(ReceptionPointResource, csv_file(headers, [row, new]), dry_run=False).problems == []
    structures = csv_file(["identifiant", "nom", "reseau"], [[main.structure.slug, "Cité des métiers", "mission-locale"]])  # fmt: skip
    assert run_import(StructureResource, structures, dry_run=False).problems == []
    assert ExportGeneration.current() == generation
    marked = set(ExportRow.objects.filter(generation=0).values_list("point_id", flat=True))
    assert marked == {other.pk, *points.filter(structure=main.structure).values_list("pk", flat=True)}
    csv = read(client, CSV)
    assert "Lieu renommé par un fichier" in csv
    assert "Lieu créé par un fichier" in csv
    assert "Cité des métiers" in csv
    assert csv == written_now(points)[0]

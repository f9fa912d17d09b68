"""A full export takes the parts of the last one that did not change from the file they were kept
in (annuaire/export_parts.py), and reads the others: the answer is still the one the shapes write for
the points as they are now, whatever changed, and whatever happened to the kept file."""

import pytest
from django.db import OperationalError
from django.urls import reverse

from annuaire import api, export_parts
from annuaire.exports import Store, exclusive
from annuaire.models import ExportRow
from structures.models import ReceptionPoint
from tests.annuaire.test_export_rows import CHANGES, some_points, written_now
from tests.annuaire.test_exports import left_after_one_chunk
from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db

FULL = {
    "csv": reverse("annuaire:api-points-csv"),
    "geojson": reverse("annuaire:api-points-geojson"),
    "services": reverse("annuaire:api-di-services"),
}


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    """Two ids per part: the few points of a test fall in several parts."""
    monkeypatch.setattr(export_parts, "SPAN", 2)


@pytest.fixture
def points(small_parts):
    """Every published point (those of `some_points`), as a full export holds them."""
    some_points()
    return ReceptionPoint.objects.published().order_by("pk")


def full_answers(client):
    answers = []
    for url in FULL.values():
        response = client.get(url)
        assert response.status_code == 200, url
        answers.append(b"".join(response.streaming_content).decode())
    return tuple(answers)


def kept_files(folder):
    return sorted(folder.glob("*.parts"))


def rename(point, name):
    point.name = name
    point.save()


@pytest.mark.parametrize("change", CHANGES)
def test_after_any_change_a_full_export_is_that_of_the_points_as_they_are(client, points, export_folder, change):
    before = full_answers(client)
    assert before == written_now(points)
    assert len(kept_files(export_folder)) == 3
    change(points)
    after = written_now(points)
    assert after != before, change.__name__
    assert full_answers(client) == after


def test_the_parts_that_did_not_change_are_taken_from_the_kept_file(client, points, export_folder):
    first, *_, last = points
    assert first.pk // export_parts.SPAN != last.pk // export_parts.SPAN
    full_answers(client)
    # Seen only if read from the database: the kept part of the first point says what it was.
    ExportRow.objects.filter(point=first).update(csv="ligne lue dans la base\r\n")
    neighbour = points.filter(pk__gte=last.pk // export_parts.SPAN * export_parts.SPAN).exclude(pk=last.pk).first()
    if neighbour is not None:
        ExportRow.objects.filter(point=neighbour).update(csv="voisin lu dans la base\r\n")
    rename(last, "Lieu renommé")
    csv, _, _ = full_answers(client)
    assert "ligne lue dans la base" not in csv
    assert "Lieu 0" in csv
    assert "Lieu renommé" in csv
    assert neighbour is None or "voisin lu dans la base" in csv


def test_a_point_added_or_unpublished_changes_its_part(client, points, export_folder):
    full_answers(client)
    ReceptionPointFactory(name="Lieu ajouté", commune_insee="42218")
    unpublished = points.get(name="Lieu 3")
    unpublished.is_published = False
    unpublished.save()
    answers = full_answers(client)
    assert answers == written_now(points)
    assert "Lieu ajouté" in answers[0]
    assert "Lieu 3" not in answers[0]


@pytest.mark.parametrize("damage", ["truncated", "garbled", "other code"])
def test_a_damaged_or_foreign_kept_file_is_not_used(client, points, export_folder, monkeypatch, damage):
    full_answers(client)
    ExportRow.objects.filter(point=points.first()).update(csv="ligne lue dans la base\r\n")
    for path in kept_files(export_folder):
        content = path.read_bytes()
        if damage == "truncated":
            path.write_bytes(content[: len(content) // 2])
        elif damage == "garbled":
            path.write_bytes(content[:-12] + b"\xff" * 12)
    if damage == "other code":
        monkeypatch.setattr(api.export_rows, "FORM", "autre-code")
        # Lines of another code are written again: the probe is gone, every line is current.
        ExportRow.objects.update(form="autre-code")
        ExportRow.objects.filter(point=points.first()).update(csv="ligne lue dans la base\r\n")
    rename(points.last(), "Lieu renommé")
    csv, _, _ = full_answers(client)
    assert "ligne lue dans la base" in csv
    assert "Lieu renommé" in csv


def test_an_export_left_unread_keeps_the_parts_it_had(rf, client, points, export_folder):
    full_answers(client)
    kept = {path: path.read_bytes() for path in kept_files(export_folder)}
    rename(points.last(), "Lieu renommé")
    left_after_one_chunk(api.points_geojson(rf.get(FULL["geojson"])))
    assert {path: path.read_bytes() for path in kept_files(export_folder)} == kept
    assert list(export_folder.glob("*.tmp")) == []


def test_while_another_process_keeps_the_parts_an_export_is_whole_and_keeps_none(rf, client, points, export_folder):
    parts = Store(rf.get(FULL["csv"]), "points_csv", {}).parts()
    export_folder.mkdir(parents=True)
    with exclusive(parts.with_name(f"{parts.name}.lock")) as taken:
        assert taken
        assert full_answers(client) == written_now(points)
    assert kept_files(export_folder) == sorted(
        Store(rf.get(url), name, {}).parts()
        for url, name in [(FULL["geojson"], "points_geojson"), (FULL["services"], "data_inclusion_services")]
    )


def test_a_filtered_export_keeps_no_parts(client, points, export_folder):
    response = client.get(FULL["csv"], {"departement": "42"})
    assert response.status_code == 200
    assert "Lieu 0" in b"".join(response.streaming_content).decode()
    assert kept_files(export_folder) == []


def test_lines_out_of_date_in_the_export_are_written_by_it_and_their_part_is_not_kept(client, points, monkeypatch):
    full_answers(client)
    ExportRow.objects.filter(point__in=list(points)[2:5]).update(generation=0, csv="périmé", feature='"périmé"')

    def conflict(*args, **kwargs):
        raise OperationalError("could not serialize access due to concurrent update")

    # A change committed while the lines were written: they stay out of date in the export's snapshot.
    rename(points.first(), "Lieu renommé")
    with monkeypatch.context() as patched:
        patched.setattr(ExportRow.objects, "bulk_create", conflict)
        assert full_answers(client) == written_now(points)
    rename(points.first(), "Lieu renommé encore")
    assert full_answers(client) == written_now(points)
    assert "périmé" not in "".join(ExportRow.objects.values_list("csv", flat=True))

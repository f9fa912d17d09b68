"""Versions of records written in bulk (structures/history.py, `copy_versions`): copied by the
database from the records' rows, they are the versions simple_history's bulk_history_create makes,
column by column, with the publics and levels kept with them."""

from datetime import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from simple_history.models import HistoricalRecords

from structures.history import copy_versions, relations_of, snapshot_relations
from structures.models import OpeningHours, Public, ReceptionPoint
from tests.structures.factories import ReceptionPointFactory, StructureFactory
from tests.structures.test_inserts import new_points

pytestmark = pytest.mark.django_db

# What two versions of the same record, made one after the other, cannot share.
NOT_COMPARED = {"history_id", "history_date"}


def versions_of(model, records):
    """{record id: [its versions' columns, oldest first]} (comparable ones only)."""
    rows = model.history.filter(id__in=[record.pk for record in records]).order_by("history_id").values()
    found = {}
    for row in rows:
        found.setdefault(row["id"], []).append({key: value for key, value in row.items() if key not in NOT_COMPARED})
    return found


@pytest.fixture
def points():
    structure = StructureFactory()
    # Versions of another point first: the versions' ids are not the records' ids.
    other = ReceptionPointFactory(structure=structure)
    for name in ("Autre lieu", "Autre lieu renommé", "Autre lieu encore renommé"):
        other.name = name
        other.save()
    points = ReceptionPoint.objects.bulk_create(new_points(structure, "copie", count=5))
    handicap, young = Public.objects.get(slug="handicap"), Public.objects.get(slug="jeunes-16-25")
    # Written in bulk, as an import does (no signal, no version yet).
    ReceptionPoint.publics.through.objects.bulk_create(
        ReceptionPoint.publics.through(receptionpoint=point, public=public)
        for n, point in enumerate(points)
        for public in [handicap, young][: n % 3]
    )
    for point in points:
        point._change_reason = "Créée par un import"
    assert not ReceptionPoint.history.filter(id__in=[point.pk for point in points]).exists()
    return points


@pytest.fixture
def officer():
    user = get_user_model().objects.create_user("agent-import", password="x")
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    yield user
    del HistoricalRecords.context.request


@pytest.mark.parametrize("update", [False, True])
def test_copied_versions_are_those_of_bulk_history_create(points, officer, update):
    copy_versions(ReceptionPoint, points, update=update)
    snapshot_relations(ReceptionPoint.history.bulk_history_create(points, update=update), new=True)
    versions = versions_of(ReceptionPoint, points)
    assert len(versions) == 5
    for copied, made in versions.values():
        assert copied == made
        assert copied["history_type"] == ("~" if update else "+")
        assert copied["history_user_id"] == officer.pk
        assert copied["history_change_reason"] == "Créée par un import"
        assert copied["name"].startswith("Point « L'Écluse » n° ")
    kept = {}
    for version in ReceptionPoint.history.filter(id__in=[point.pk for point in points]).order_by("history_id"):
        kept.setdefault(version.id, []).append(sorted(relations_of(version)["publics"]))
    for point in points:
        copied, made = kept[point.pk]
        assert copied == made == sorted(point.publics.values_list("pk", flat=True))
    assert {len(publics) for publics, _ in kept.values()} == {0, 1, 2}


def test_versions_of_hours_are_copied_too(points):
    slots = OpeningHours.objects.bulk_create(
        [OpeningHours(point=point, weekday=n, opens=time(9), closes=time(12, 30)) for n, point in enumerate(points)]
    )
    copy_versions(OpeningHours, slots)
    OpeningHours.history.bulk_history_create(slots)
    versions = versions_of(OpeningHours, slots)
    assert [len(pair) for pair in versions.values()] == [2] * 5
    assert all(copied == made for copied, made in versions.values())
    assert versions[slots[2].pk][0]["weekday"] == 2


def test_records_with_reasons_of_their_own_keep_them(points):
    points[1]._change_reason = "Modifiée à la main"
    copy_versions(ReceptionPoint, points)
    reasons = ReceptionPoint.history.filter(id__in=[point.pk for point in points]).order_by("id")
    assert list(reasons.values_list("history_change_reason", flat=True)) == [
        "Créée par un import",
        "Modifiée à la main",
        "Créée par un import",
        "Créée par un import",
        "Créée par un import",
    ]
    assert sorted(relations_of(reasons[4])["publics"]) == sorted(points[4].publics.values_list("pk", flat=True))


def test_without_history_nothing_is_written(points, settings):
    settings.SIMPLE_HISTORY_ENABLED = False
    copy_versions(ReceptionPoint, points)
    assert not ReceptionPoint.history.filter(id__in=[point.pk for point in points]).exists()

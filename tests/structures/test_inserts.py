"""Bulk inserts of the imported records (structures/models/inserts.py): the rows written, their
versions in the history and the ids given back are those of Django's own bulk_create."""

from datetime import date, time

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.test.utils import CaptureQueriesContext

from structures.enums import GeoPrecision, PointKind
from structures.models import Commune, OpeningHours, ReceptionPoint
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

# Columns that differ between two inserts of the same values: ids, the clock.
NOT_COMPARED = {"id", "slug", "created_at", "updated_at", "history_id", "history_date"}


def new_points(structure, prefix, count=3):
    """New points with values of every kind: text with quotes and accents, a JSON document, a
    date, booleans, an empty and a set foreign key, a phone number."""
    commune = Commune.objects.get(insee_code="42218")
    points = [
        ReceptionPoint(
            structure=structure,
            host_structure=structure if n % 2 else None,
            name=f"Point « L'Écluse » n° {n}",
            slug=f"{prefix}-{n}",
            kind=PointKind.MAIN,
            commune=commune,
            postal_code="42000",
            latitude=45.43 + n / 1000,
            longitude=4.39,
            geo_precision=GeoPrecision.EXACT,
            phone=f"04 77 12 34 5{n}",
            # What a bulk copy must escape: a tab, a line break, a backslash, its mark of NULL.
            appointment_details=f"Appeler\tle matin\nau 04 77 12 34 5{n} \\ sinon \\N",
            walk_in=bool(n % 2),
            source_values={"nom": "Été", "rang": n, "liste": [1, None, "à"]},
            source_changed_on=date(2026, 11, 2) if n else None,
            is_published=True,
        )
        for n in range(count)
    ]
    for point in points:
        point.sync_derived_fields(structure.name)
    return points


def stored(model, ids):
    return [
        {column: value for column, value in row.items() if column not in NOT_COMPARED}
        for row in model.objects.filter(pk__in=ids).order_by("pk").values()
    ]


def test_the_rows_written_are_those_of_djangos_bulk_create():
    structure = StructureFactory()
    ours = ReceptionPoint.objects.bulk_create(new_points(structure, "ours"))
    djangos = models.QuerySet(ReceptionPoint).bulk_create(new_points(structure, "django"))

    assert [point.slug for point in ours] == ["ours-0", "ours-1", "ours-2"]
    assert all(point.pk and not point._state.adding for point in ours)
    rows = stored(ReceptionPoint, [point.pk for point in ours])
    assert rows == stored(ReceptionPoint, [point.pk for point in djangos])
    assert rows[1]["source_values"] == {"nom": "Été", "rang": 1, "liste": [1, None, "à"]}
    assert rows[2]["name"] == "Point « L'Écluse » n° 2"
    assert rows[2]["appointment_details"] == "Appeler\tle matin\nau 04 77 12 34 52 \\ sinon \\N"
    assert rows[0]["host_structure_id"] is None
    assert rows[0]["source_changed_on"] is None
    # Each record got its own id back, in order.
    assert [ReceptionPoint.objects.get(pk=point.pk).slug for point in ours] == ["ours-0", "ours-1", "ours-2"]
    assert ReceptionPoint.objects.get(pk=ours[0].pk).created_at is not None


def test_versions_in_the_history_are_those_of_djangos_bulk_create():
    structure = StructureFactory()
    points = ReceptionPoint.objects.bulk_create(new_points(structure, "ours"))
    versions = ReceptionPoint.history.bulk_history_create(points, default_change_reason="Créée par un import")
    history = ReceptionPoint.history.model
    columns = [field.attname for field in history._meta.concrete_fields if not field.primary_key]
    twins = models.QuerySet(history).bulk_create(
        [history(**{column: getattr(version, column) for column in columns}) for version in versions]
    )

    assert [version.history_id is not None for version in versions] == [True, True, True]
    assert stored(history, [version.pk for version in versions]) == stored(history, [twin.pk for twin in twins])
    assert history.objects.get(pk=versions[0].pk).history_change_reason == "Créée par un import"
    assert history.objects.get(pk=versions[0].pk).instance.slug == "ours-0"


def test_one_statement_per_batch_and_all_or_nothing():
    structure = StructureFactory()
    with CaptureQueriesContext(connection) as queries:
        ReceptionPoint.objects.bulk_create(new_points(structure, "batch", count=7), batch_size=3)
    writes = [query["sql"] for query in queries if query["sql"].startswith(("INSERT", "COPY"))]
    assert len(writes) == 3
    if connection.vendor == "postgresql":
        # The ids drawn from the sequence, then the rows copied with them.
        assert all(sql.startswith('COPY "structures_receptionpoint" ("id", ') for sql in writes)
        assert sum("nextval(pg_get_serial_sequence" in query["sql"] for query in queries) == 3
    else:  # plain values, the database giving back the new ids only
        assert all(sql.endswith('RETURNING "id"') for sql in writes)

    taken = ReceptionPointFactory(slug="deja-pris")
    refused = new_points(structure, "refus", count=5)
    refused[4].slug = taken.slug
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceptionPoint.objects.bulk_create(refused, batch_size=2)
    assert not ReceptionPoint.objects.filter(slug__startswith="refus-").exists()


def test_what_a_plain_insert_cannot_write_goes_through_djangos_bulk_create():
    point = ReceptionPointFactory()
    # Given ids, conflicts ignored: Django's own path, its own behaviour.
    slots = [
        OpeningHours(id=900_001, point=point, weekday=1, opens=time(9), closes=time(12)),
        OpeningHours(id=900_002, point=point, weekday=2, opens=time(9), closes=time(12)),
    ]
    OpeningHours.objects.bulk_create(slots)
    again = [OpeningHours(id=900_001, point=point, weekday=3, opens=time(9), closes=time(12))]
    OpeningHours.objects.bulk_create(again, ignore_conflicts=True)
    assert list(point.opening_hours.order_by("id").values_list("id", "weekday")) == [(900_001, 1), (900_002, 2)]
    # An expression as a value.
    [slot] = OpeningHours.objects.bulk_create(
        [OpeningHours(point=point, weekday=models.Value(4), opens=time(14), closes=time(17))]
    )
    assert OpeningHours.objects.get(pk=slot.pk).weekday == 4

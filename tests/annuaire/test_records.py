"""Points read as light records (annuaire/shapes/records.py) serialize exactly as the model
instances the API's one-point answer reads: every field of every shape that reads points, for
points that exercise each relation (own or inherited publics and levels, weekly and monthly hours,
current and ended closures, a host structure, a structure whose area leaves communes out)."""

from datetime import time, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from annuaire import data_inclusion
from annuaire.shapes import context
from annuaire.shapes.directory import POINT, point_feature
from annuaire.shapes.records import AREA, id_condition, point_records
from structures.enums import PointKind, Recurrence
from structures.models import Commune, Department, Epci, ReceptionPoint
from tests.structures.factories import ClosureFactory, OpeningHoursFactory, ReceptionPointFactory, StructureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def points():
    today = timezone.localdate()
    mission = StructureFactory(publics=["jeunes-16-25", "handicap"], levels=[1, 2], phone="04 77 00 00 00")
    mission.competence_epcis.set(Epci.objects.filter(communes__insee_code="42218"))
    mission.excluded_communes.set(Commune.objects.filter(insee_code="42095"))
    cio = StructureFactory(network_slug="cio", publics=["scolaires"], levels=[1])
    cio.competence_departments.set(Department.objects.filter(code="42"))
    host = StructureFactory(name="Mairie de Firminy")
    main = ReceptionPointFactory(structure=mission, name="Mission Locale — siège", email="contact@example.org")
    OpeningHoursFactory(point=main, weekday=0, opens=time(9), closes=time(12))
    OpeningHoursFactory(point=main, weekday=0, opens=time(14), closes=time(17))
    OpeningHoursFactory(point=main, weekday=1, opens=time(9), closes=time(12))
    OpeningHoursFactory(point=main, weekday=3, opens=time(14), closes=time(16), recurrence=Recurrence.FIRST_AND_THIRD)
    ClosureFactory(point=main, starts_on=today + timedelta(days=3), ends_on=today + timedelta(days=5))
    ClosureFactory(point=main, starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=8))
    ClosureFactory(
        point=main,
        starts_on=today + timedelta(days=1),
        ends_on=today + timedelta(days=1),
        opens=time(10),
        closes=time(11),
    )
    permanence = ReceptionPointFactory(
        structure=mission,
        kind=PointKind.PERMANENCE,
        host_structure=host,
        commune_insee="42095",
        publics=["femmes-familles", "tout-public"],
        levels=[2],
        walk_in=False,
        by_phone=True,
    )
    OpeningHoursFactory(point=permanence, weekday=4, opens=time(13, 30), closes=time(16))
    ReceptionPointFactory(structure=cio, commune_insee="38185", host_name="Lycée Champollion", phone="0476000000")
    ReceptionPointFactory(structure=cio, commune_insee="69123", is_published=False)
    return ReceptionPoint.objects.published()


def instances(queryset):
    """The points as the API's one-point answer reads them, with what data·inclusion reads too."""
    return list(queryset.for_open_data().prefetch_related(*(f"structure__{name}" for name in AREA)))


def test_a_record_serializes_as_its_instance_in_every_point_shape(points):
    shape_context = context(RequestFactory().get("/"), absolute=RequestFactory().get("/").build_absolute_uri)
    records = list(point_records(points.order_by("pk"), structure_relations=AREA, chunk_size=2))
    models = instances(points.order_by("pk"))
    assert [record.slug for record in records] == [point.slug for point in models]
    assert len(records) == 3
    for record, point in zip(records, models, strict=True):
        assert POINT.serialize(record, shape_context) == POINT.serialize(point, shape_context)
        assert point_feature(record, shape_context) == point_feature(point, shape_context)
        for level in (1, 2):
            record_service = data_inclusion.ServiceRow(record, level, list(record.publics.all()))
            point_service = data_inclusion.ServiceRow(point, level, list(point.publics.all()))
            assert data_inclusion.SERVICE.serialize(record_service, shape_context) == data_inclusion.SERVICE.serialize(
                point_service, shape_context
            )
    # What the comparison covers, written out: the relations are there.
    main = POINT.serialize(records[0], shape_context)
    assert main["opening_hours"].startswith("Mo 09:00-12:00,14:00-17:00; Tu 09:00-12:00, Th[1,3] 14:00-16:00; PH off")
    assert main["publics"] == ["handicap", "jeunes-16-25"]
    permanence = POINT.serialize(records[1], shape_context)
    assert (permanence["host_name"], permanence["service_levels"]) == ("Mairie de Firminy", [2])
    assert data_inclusion.eligible_area(records[0], shape_context)
    assert "42095" not in data_inclusion.eligible_area(records[0], shape_context)


def test_records_keep_the_order_of_the_queryset(points):
    # Nearest first from Grenoble: the CIO's point in Grenoble, then Saint-Étienne's, then Firminy's.
    nearest = points.by_distance(45.19, 5.72)
    assert [record.slug for record in point_records(nearest, chunk_size=2)] == list(
        nearest.values_list("slug", flat=True)
    )
    assert [record.commune_id for record in point_records(nearest)] == ["38185", "42218", "42095"]


def test_ids_in_runs_are_read_as_a_range_and_scattered_ids_as_a_list():
    assert id_condition("point_id", [5, 3, 4, 7]) == {"point_id__gte": 3, "point_id__lte": 7}
    assert id_condition("point_id", [1, 900, 40]) == {"point_id__in": [1, 40, 900]}

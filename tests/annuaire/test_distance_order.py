"""The k-nearest search against a brute-force computation on random points (hypothesis)."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from structures.models import ReceptionPoint
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

CENTRE = (45.4241, 4.36647)  # Saint-Étienne


def haversine_km(lat1, lon1, lat2, lon2):
    """Written again here on purpose: the reference must not be the code under test."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


offsets = st.tuples(st.floats(-0.9, 0.9), st.floats(-1.2, 1.2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    points=st.lists(offsets, min_size=0, max_size=70),
    radius=st.sampled_from([5, 10, 20, 50, 1000]),
    page=st.integers(1, 4),
)
def test_pages_hold_the_nearest_points_in_order(points, radius, page):
    structure = StructureFactory()
    created = []
    for index, (dlat, dlon) in enumerate(points):
        point = ReceptionPoint(
            structure=structure,
            name=f"p{index}",
            slug=f"p-{index}",
            commune_id="42218",
            postal_code="42000",
            latitude=CENTRE[0] + dlat,
            longitude=CENTRE[1] + dlon,
            is_published=True,
        )
        point.sync_derived_fields(structure.name)
        created.append(point)
    ReceptionPoint.objects.bulk_create(created)
    try:
        brute_force = sorted(
            d for d in (haversine_km(*CENTRE, p.latitude, p.longitude) for p in created) if d <= radius
        )
        results = ReceptionPoint.objects.published().nearest(*CENTRE, radius)
        assert results.count() == len(brute_force)
        start, stop = (page - 1) * 20, page * 20
        found = [haversine_km(*CENTRE, p.latitude, p.longitude) for p in results[start:stop]]
        assert found == pytest.approx(brute_force[start:stop], abs=1e-9)
    finally:
        ReceptionPoint.objects.filter(structure=structure).delete()
        structure.delete()

"""The accent-insensitive search is backed by trigram indexes on PostgreSQL (migration 0010)."""

import pytest
from django.db import connection

from annuaire.search import run_search
from structures.models import Commune, ReceptionPoint, Structure
from structures.text import normalize
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db


def plan(queryset):
    """The plan PostgreSQL chooses when reading whole tables is made as costly as possible: an index
    that can serve the query is used, one that cannot leaves a sequential scan."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@pytest.fixture
def points():
    return [
        ReceptionPointFactory(
            name="Espace Info Jeunes de Saint-Étienne",
            commune_insee="42218",
            structure=StructureFactory(name="Info Jeunes Saint-Étienne", network_slug="info-jeunes"),
        ),
        ReceptionPointFactory(name="CIO de Montbrison", commune_insee="42147"),
    ]


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: ReceptionPoint.objects.filter(search_text__contains=normalize("ÉTIENNE")), "point_search_text_trgm"),
        (lambda: Structure.objects.filter(search_text__contains=normalize("Étienne")), "structure_search_text_trgm"),
        (lambda: Commune.objects.filter(search_name__startswith=normalize("St-Étienne")), "commune_search_name_trgm"),
        (lambda: Commune.objects.filter(search_name__contains=normalize(" étienne")), "commune_search_name_trgm"),
    ],
)
def test_searches_on_normalised_text_use_the_trigram_index_on_postgresql(points, queryset, index):
    query = queryset()
    assert query.exists()
    if connection.vendor == "postgresql":
        assert index in plan(query)
    else:
        # SQLite reads the table (LIKE '%…%' cannot use a b-tree index): same rows, no index needed.
        assert connection.vendor == "sqlite"
        assert "SCAN" in query.explain()


def test_the_search_of_the_public_site_finds_the_same_places_on_both_databases(points):
    outcome = run_search({"q": "espace info jeunes saint etienne"}).paginate()
    assert not outcome.errors
    assert [row.point.name for row in outcome.rows] == ["Espace Info Jeunes de Saint-Étienne"]


def test_the_map_counts_the_whole_directory_by_cells_from_one_index_on_sqlite(points):
    """The first map of the whole directory counts every published point by cells. SQLite reads the
    positions from the index of published points by structure, not from the table's rows (1.6 times
    faster at demo scale 100); PostgreSQL reads the whole table in one sequential pass, its fastest
    way to read every row."""
    cells = ReceptionPoint.objects.published().grid_clusters(7)
    assert sum(cell["count"] for cell in cells) == 2
    if connection.vendor == "sqlite":
        assert "USING COVERING INDEX point_published_position_idx" in cells.explain()

"""The gazetteer's words of the places' names follow the data, and are read once per version for every
process, as soon as the data changes (annuaire.places.gazetteer.name_vocabulary)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annuaire.places import resolve
from tests.structures.factories import ReceptionPointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def names_read(queries):
    """The queries that read every place's name (its search text)."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith('SELECT "structures_receptionpoint"."search_text"')
    ]


def test_after_a_change_the_words_of_places_names_are_ready_before_the_first_search(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ReceptionPointFactory(name="Espace Zéphyrin", structure__name="Association Tremplin")
    with CaptureQueriesContext(connection) as queries:
        resolution = resolve("zephyrim")
    # The misspelt word is read as the new place's name, without reading every place's name again.
    assert resolution.name_words == ["zephyrin"]
    assert names_read(queries) == []
    # Another change: its words too.
    with django_capture_on_commit_callbacks(execute=True):
        ReceptionPointFactory(name="Point Ubiquité", structure__name="Association Tremplin")
    with CaptureQueriesContext(connection) as queries:
        assert resolve("ubiquite zephyrin").name_words == ["ubiquite", "zephyrin"]
    assert names_read(queries) == []

"""Full exports are written once per version of the data and then served from their file
(annuaire/exports.py); filtered exports are streamed; every export is read in one snapshot."""

import gzip
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.signals import request_finished
from django.db import OperationalError, close_old_connections, connection, connections, transaction
from django.db.models import Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annuaire import api
from annuaire.exports import Store
from structures.models import ReceptionPoint
from structures.signals import mark_data_changed
from tests.page_text import page_text
from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db

FULL_EXPORTS = [
    ("annuaire:api-points-csv", {}),
    ("annuaire:api-points-csv", {"separateur": "point-virgule"}),
    ("annuaire:api-points-geojson", {}),
    ("annuaire:api-structures-csv", {}),
    ("annuaire:api-di-structures", {}),
    ("annuaire:api-di-services", {}),
]


def read(response):
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def stored_files(folder):
    return sorted(path.name for path in folder.glob("*.gz")) if folder.exists() else []


@pytest.fixture
def places():
    return [
        ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544"),
        ReceptionPointFactory(name="Mission Locale de Lyon", commune_insee="69123"),
    ]


@pytest.mark.parametrize(("name", "params"), FULL_EXPORTS)
def test_a_full_export_is_written_once_then_served_from_its_file(client, places, export_folder, name, params):
    url = reverse(name)
    first = client.get(url, params)
    streamed = read(first)
    assert len(stored_files(export_folder)) == 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url, params)
        assert read(again) == streamed
    assert len(queries) == 0
    compressed = client.get(url, params, HTTP_ACCEPT_ENCODING="gzip")
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(read(compressed)) == streamed
    for answer in (again, compressed):
        assert answer["Content-Type"] == first["Content-Type"]
        assert answer.get("Content-Disposition") == first.get("Content-Disposition")
        assert answer["ETag"] == first["ETag"]
        assert answer["Last-Modified"] == first["Last-Modified"]
        assert "Accept-Encoding" in answer["Vary"]
    # The client's copy is still the current one.
    assert client.get(url, params, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_change_of_the_data_writes_a_new_file_and_removes_the_old_one(client, places, export_folder):
    url = reverse("annuaire:api-points-csv")
    before = read(client.get(url)).decode()
    assert "CIO de Vienne" in before
    [old] = stored_files(export_folder)
    point = places[0]
    point.name = "CIO de Vienne (nouvelle adresse)"
    point.save()
    after = read(client.get(url)).decode()
    assert "CIO de Vienne (nouvelle adresse)" in after
    assert stored_files(export_folder) != [old]
    assert len(stored_files(export_folder)) == 1
    assert read(client.get(url)).decode() == after


def test_a_filtered_export_is_streamed_and_never_stored(client, places, export_folder):
    response = client.get(reverse("annuaire:api-points-csv"), {"q": "Vienne", "rayon": "5"})
    text = read(response).decode()
    assert "CIO de Vienne" in text
    assert "Mission Locale de Lyon" not in text
    assert stored_files(export_folder) == []


def test_while_a_worker_writes_the_new_file_the_others_serve_the_previous_one(rf, client, places, export_folder):
    url = reverse("annuaire:api-points-csv")
    previous = read(client.get(url))
    places[0].name = "Renommé"
    places[0].save()  # a change of the data: a new version
    store = Store(rf.get(url), "points_csv", {})
    with store.lock() as taken:
        assert taken
        during = client.get(url)
        assert read(during) == previous
        assert during["ETag"].startswith('"points_csv-')
    fresh = read(client.get(url)).decode()
    assert "Renommé" in fresh


def left_after_one_chunk(response):
    """An answer of the view itself (the test client would read it whole): one chunk read, then the
    client goes away and the server closes the answer, without closing the test's connection."""
    next(iter(response.streaming_content))
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_an_export_left_unread_writes_no_file_and_frees_its_lock(rf, client, places, export_folder):
    url = reverse("annuaire:api-points-geojson")
    left_after_one_chunk(api.points_geojson(rf.get(url)))
    assert stored_files(export_folder) == []
    assert list(export_folder.glob("*.tmp")) == []
    with Store(rf.get(url), "points_geojson", {}).lock() as taken:
        assert taken
    read(client.get(url))
    assert len(stored_files(export_folder)) == 1


def test_an_export_with_an_error_is_not_stored(client, export_folder):
    response = client.get(reverse("annuaire:api-points-csv"), {"separateur": "tab"})
    assert response.status_code == 400
    assert stored_files(export_folder) == []


def test_an_export_never_mixes_two_versions_of_the_data(client, reference_data, export_folder):
    """A change committed by another connection while an export streams is not in it: on PostgreSQL
    the export's snapshot does not see it, on SQLite it waits until the export has been read. The
    file is named after the version the export was read in, and the next export has the change."""
    for n in range(30):
        ReceptionPointFactory(name=f"Lieu {n:02d}", commune_insee="38544")
    url = reverse("annuaire:api-points-geojson")
    response = client.get(url)
    chunks = iter(response.streaming_content)
    head = next(chunks)  # the snapshot is taken

    tried = threading.Event()

    def rename_everything():
        for _ in range(200):
            try:
                with transaction.atomic():
                    ReceptionPoint.objects.update(name=Concat("name", Value(" (renommé)")))
                    mark_data_changed()
                return "renommé"
            except OperationalError:  # SQLite: the export's read transaction holds the database
                time.sleep(0.05)
            finally:
                connections.close_all()
                tried.set()
        return "jamais"

    with ThreadPoolExecutor(1) as pool:
        writer = pool.submit(rename_everything)
        # The rest is read once the writer has tried at least once (and, on PostgreSQL, committed).
        assert tried.wait(timeout=30)
        if connection.vendor == "postgresql":
            assert writer.result(timeout=30) == "renommé"
        text = (head + b"".join(chunks)).decode()
        response.close()
        assert writer.result(timeout=30) == "renommé"
    names = re.findall(r'"name":"(Lieu [^"]*)"', text)
    assert len(names) == 30
    assert not any("renommé" in name for name in names)
    fresh = read(client.get(url)).decode()
    assert len(re.findall(r'"name":"Lieu \d\d \(renommé\)"', fresh)) == 30
    assert len(stored_files(export_folder)) == 1


def test_the_open_data_page_says_how_full_files_are_served(client):
    text = page_text(client.get("/donnees/"))
    assert "préparés une fois après chaque modification des données" in text
    assert "Un fichier ne mélange jamais deux états des données" in text

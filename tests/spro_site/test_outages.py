"""Outages of the servers the site depends on: a stopped database gets a quick French page (JSON
under /api/) with Retry-After, and a hung cache server is skipped instead of waited for."""

import json
import uuid
from datetime import timedelta

import pytest
from redis.exceptions import TimeoutError as RedisTimeout

from spro_site import cache as site_cache
from spro_site.cache import RedisCache
from tests.conftest import TEST_REDIS_URL
from tests.spro_site.test_security import run_python

# Served by a site whose database does not answer: nothing listens on port 9 of this machine, and
# the SQLite file lies in a folder that does not exist.
REQUESTS = """
import json
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="annuaire.example.fr")
answers = {}
for path in ["/", "/recherche/?q=Vienne", "/lieux/un-lieu/", "/api/v1/lieux?q=Vienne", "/api/v1/reseaux"]:
    response = client.get(path, secure=True)
    answers[path] = {
        "status": response.status_code,
        "type": response["Content-Type"],
        "retry": response.get("Retry-After"),
        "body": response.content.decode(),
    }
print(json.dumps(answers))
"""


@pytest.mark.parametrize(
    "database_url",
    ["postgres://postgres@127.0.0.1:9/spro", "sqlite:////dossier-qui-n-existe-pas/base.sqlite3"],
)
def test_a_stopped_database_gets_a_french_page_and_json_503_with_retry_after(database_url):
    result = run_python(REQUESTS, DATABASE_URL=database_url, DATABASE_CONNECT_RETRY_SECONDS="1")
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for path, answer in answers.items():
        assert answer["status"] == 503, path
        assert answer["retry"] == "30", path
        if path.startswith("/api/"):
            assert answer["type"] == "application/json", path
            assert "momentanément indisponible" in json.loads(answer["body"])["error"]
        else:
            assert answer["type"].startswith("text/html"), path
            assert "Le service est momentanément indisponible" in answer["body"], path
            assert "Réessayez dans un instant" in answer["body"], path


def test_a_hung_cache_server_is_skipped_after_its_first_timeout(monkeypatch, settings):
    calls = []

    def hung(*args, **kwargs):
        calls.append(args)
        raise RedisTimeout("Timeout reading from socket")

    assert site_cache.guarded(hung, "clé") is None
    # The breaker is open: the next calls do not wait on the server at all.
    assert [site_cache.guarded(hung, "clé") for _ in range(50)] == [None] * 50
    assert len(calls) == 1
    assert site_cache.get_or_compute("clé", lambda: "calculé", 60) == "calculé"
    assert len(calls) == 1


def test_the_breaker_tries_the_server_again_after_a_while(settings):
    calls = []

    def hung(*args, **kwargs):
        calls.append(args)
        raise RedisTimeout("Timeout reading from socket")

    site_cache.guarded(hung)
    assert site_cache.guarded(lambda: "répond") is None
    # As if the breaker had opened long ago.
    storage = site_cache.breaker._state_storage
    storage.opened_at = storage.opened_at - timedelta(seconds=settings.CACHE_BREAKER_SECONDS + 1)
    assert site_cache.guarded(lambda: "répond") == "répond"
    assert site_cache.breaker.current_state == "closed"


def test_a_bug_in_the_caller_does_not_open_the_breaker():
    def bug():
        raise KeyError("pas une panne du cache")

    with pytest.raises(KeyError):
        site_cache.guarded(bug)
    assert site_cache.breaker.current_state == "closed"


def test_unused_methods_are_refused(client):
    for method in ("trace", "put", "patch", "delete"):
        response = client.generic(method.upper(), "/")
        assert response.status_code == 405, method
        assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


@pytest.mark.redis
def test_the_shared_cache_reuses_one_redis_client_per_connection_pool():
    """Django's client made a new redis.Redis (and copied its reply handlers) for every operation."""
    backend = RedisCache(TEST_REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    backend.set("clé", "valeur", 30)
    assert backend.get("clé") == "valeur"
    client = backend._cache.get_client(write=True)
    assert backend._cache.get_client(write=True) is client
    assert backend._cache.get_client() is client  # one server: reads and writes share its pool
    backend.delete("clé")

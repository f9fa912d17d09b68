"""Shared cache of public pages and API answers: served from the cache, invalidated by a change
of the data or of the minute, never storing what must not be shared; Redis when configured."""

import datetime
import gzip
import uuid
import zoneinfo

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings

from structures.models import DataVersion
from structures.signals import DATA_VERSION_KEY
from tests.conftest import TEST_REDIS_URL
from tests.page_text import page_text
from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONDAY_10AM = datetime.datetime(2026, 11, 23, 10, 0, 5, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def page_cache(settings, monkeypatch):
    settings.PAGE_CACHE = True
    monkeypatch.setattr("django.utils.timezone.now", lambda: MONDAY_10AM)


@pytest.fixture
def point():
    return ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544")


def test_a_page_is_computed_once_then_served_from_the_cache(client, point, django_assert_num_queries):
    url = f"/lieux/{point.slug}/"
    first = client.get(url)
    assert first.status_code == 200
    # No query at all (the data version is in the shared cache), no search, no template.
    with django_assert_num_queries(0):
        second = client.get(url)
    assert served_from_cache(second)
    assert second.content == first.content
    with django_assert_num_queries(0):
        assert client.head(url).status_code == 200


def test_a_committed_change_is_shown_at_the_next_request(
    client, point, django_capture_on_commit_callbacks, uncommitted_writes
):
    url = f"/lieux/{point.slug}/"
    assert "CIO de Vienne" in client.get(url).content.decode()
    point.name = "CIO de Vienne — nouvelle adresse"
    point.save()
    # Not committed yet (the test's transaction): the published version has not changed.
    assert "nouvelle adresse" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        point.save()
    assert "CIO de Vienne — nouvelle adresse" in client.get(url).content.decode()


def served_from_cache(response):
    """The test client records the templates rendered: a page from the cache rendered none."""
    return response.status_code == 200 and response.context is None


def test_a_page_is_kept_until_an_opening_or_closing_time_changes_what_it_says(client, monkeypatch):
    """Keyed on the period between two opening or closing times of the directory, not on the
    minute: « ouvert jusqu'à 12 h » stays right, and the page is computed again when it changes."""
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", hours=[(0, "09:00", "12:00")])
    ReceptionPointFactory(commune_insee="38544", hours=[(0, "10:30", "17:00")])
    url = f"/lieux/{point.slug}/"

    def at(hour, minute, second=0):
        moment = MONDAY_10AM.replace(hour=hour, minute=minute, second=second)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
        return client.get(url)

    first = at(10, 0, 5)
    assert not served_from_cache(first)
    assert "Ouvert jusqu'à 12 h 00" in page_text(first)
    assert served_from_cache(at(10, 29, 59))
    # 10 h 30: another place opens; this page says the same, but every page is keyed anew.
    assert not served_from_cache(at(10, 30))
    assert served_from_cache(at(11, 59, 59))
    closed = at(12, 0)
    assert not served_from_cache(closed)
    assert "Fermé — ouvre le 30 novembre à 9 h 00" in page_text(closed)
    assert served_from_cache(at(16, 0))


def test_the_address_and_the_host_are_part_of_the_key(client, point):
    client.get("/recherche/?q=Vienne")
    assert served_from_cache(client.get("/recherche/?q=Vienne"))
    other_query = client.get("/recherche/?q=Lyon")
    assert not served_from_cache(other_query)
    assert "Lyon" in other_query.content.decode()
    on_another_host = client.get("/recherche/?q=Vienne", HTTP_HOST="localhost")
    assert not served_from_cache(on_another_host)
    assert "http://localhost/recherche/" in on_another_host.content.decode()


def test_errors_and_the_report_form_are_never_stored(client, point):
    for _ in range(2):
        refused = client.get("/recherche/?rayon=abc")
        assert refused.status_code == 400
        assert refused.context is not None
    form = f"/lieux/{point.slug}/signaler/"
    for _ in range(2):
        shown = client.get(form)
        assert shown.status_code == 200
        assert not served_from_cache(shown)
    # Every other page of the site is shared.
    client.get(f"/lieux/{point.slug}/signaler/merci/")
    assert served_from_cache(client.get(f"/lieux/{point.slug}/signaler/merci/"))


def test_api_answers_are_cached_and_still_rate_limited(
    client, point, settings, django_assert_max_num_queries, one_rate_window
):
    settings.API_RATE_LIMIT = "3/m"
    first = client.get("/api/v1/lieux", {"q": "Vienne"})
    assert first.status_code == 200
    with django_assert_max_num_queries(1):
        second = client.get("/api/v1/lieux", {"q": "Vienne"})
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "public, max-age=300"
    client.get("/api/v1/lieux", {"q": "Vienne"})
    assert client.get("/api/v1/lieux", {"q": "Vienne"}).status_code == 429


def test_an_unreachable_cache_server_does_not_break_the_site(client, point, caplog, django_assert_num_queries):
    unreachable = {
        **settings.CACHES,
        "default": {
            "BACKEND": "spro_site.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        },
    }
    with override_settings(CACHES=unreachable):
        assert client.get(f"/lieux/{point.slug}/").status_code == 200
        assert client.get("/api/v1/lieux", {"q": "Vienne"}).status_code == 200
        # Meanwhile this process keeps the pages in its own memory: not computed again.
        with django_assert_num_queries(1):
            assert client.get(f"/lieux/{point.slug}/").status_code == 200
    assert "Cache indisponible" in caplog.text


@pytest.mark.redis
def test_pages_are_shared_through_redis(client, point, django_assert_num_queries, django_capture_on_commit_callbacks):
    shared = {
        **settings.CACHES,
        "default": {
            "BACKEND": "spro_site.cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        },
    }
    with override_settings(CACHES=shared):
        try:
            url = f"/lieux/{point.slug}/"
            first = client.get(url)
            with django_assert_num_queries(0):
                assert client.get(url).content == first.content
            with django_capture_on_commit_callbacks(execute=True):
                point.name = "CIO de Vienne (Redis)"
                point.save()
            assert "CIO de Vienne (Redis)" in client.get(url).content.decode()
        finally:
            caches["default"].clear()


def test_a_page_is_stored_compressed_and_sent_as_each_client_accepts(client, point, django_assert_num_queries):
    """Compressed once when stored: a hit is neither computed nor compressed again."""
    url = f"/lieux/{point.slug}/"
    first = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert first["Content-Encoding"] == "gzip"
    page = gzip.decompress(first.content)
    assert b"CIO de Vienne" in page
    with django_assert_num_queries(0):
        again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert served_from_cache(again)
    # The very bytes stored: not compressed a second time (GZipMiddleware adds random bytes each time).
    assert again.content == first.content
    assert again["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in again["Vary"]
    assert int(again["Content-Length"]) == len(again.content)
    # A client that does not accept gzip gets the same page, uncompressed.
    plain = client.get(url)
    assert served_from_cache(plain)
    assert not plain.has_header("Content-Encoding")
    assert plain.content == page


def test_the_data_version_is_read_from_the_database_only_when_the_cache_has_lost_it(
    client, point, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = f"/lieux/{point.slug}/"
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        point.name = "CIO de Vienne — accueil"
        point.save()
    # The server that made the change put the new version in the shared cache.
    assert cache.get(DATA_VERSION_KEY) == DataVersion.current()
    assert "CIO de Vienne — accueil" in client.get(url).content.decode()
    cache.delete(DATA_VERSION_KEY)
    with django_assert_num_queries(1):
        client.get(url)
    assert cache.get(DATA_VERSION_KEY) == DataVersion.current()


def test_a_hit_reads_the_data_version_and_the_page_in_one_round_trip(client, point, monkeypatch):
    url = f"/lieux/{point.slug}/"
    first = client.get(url)
    backend = caches["default"]
    reads, inside = [], []

    def recorded(name):
        original = getattr(backend, name)

        def read(*args, **kwargs):
            if not inside:  # the memory cache's get_many calls its own get: one read for Redis
                reads.append((name, args[0]))
            inside.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                inside.pop()

        return read

    for name in ("get", "get_many"):
        monkeypatch.setattr(backend, name, recorded(name))
    again = client.get(url)
    assert served_from_cache(again)
    assert again.content == first.content
    assert [name for name, _ in reads] == ["get_many"], reads
    assert reads[0][1][0] == DATA_VERSION_KEY

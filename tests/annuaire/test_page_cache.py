"""The page cache as production runs it (on, in every test): each public address answers the same
twice, the second time from the cache; what the cache must not keep, it does not keep."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", hours=[(0, "09:00", "12:00")])
    # Competent for Vienne (a Mission Locale, by default): the search and the commune page show it.
    point.structure.competence_communes.add("38544")
    return point


def public_urls(point):
    structure, network = point.structure, point.structure.network
    return [
        "/",
        "/recherche/",
        "/recherche/?q=Vienne",
        "/recherche/?q=Vienne&public=jeunes-16-25&rayon=50&page=1",
        "/recherche/?q=38",
        "/quelle-structure/",
        "/quelle-structure/?situation=demandeur-emploi&etape=2",
        "/le-spro/",
        "/reseaux/",
        f"/reseaux/{network.slug}/",
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/mise-a-jour-des-donnees/",
        "/donnees/",
        f"/lieux/{point.slug}/",
        f"/lieux/{point.slug}/signaler/merci/",
        f"/structures/{structure.slug}/",
        "/communes/38544/",
        "/sitemap.xml",
        "/robots.txt",
        "/carte/lieux.geojson?q=Vienne",
        "/carte/communes.json",
        "/api/v1/communes?q=vien",
        "/api/v1/lieux?q=Vienne",
        f"/api/v1/lieux/{point.slug}",
        "/api/v1/structures",
        f"/api/v1/structures/{structure.slug}",
        "/api/v1/communes/38544/competences",
        "/api/v1/reseaux",
        "/api/v1/openapi.json",
    ]


def test_every_public_address_is_served_the_second_time_from_the_cache(client, point, django_assert_max_num_queries):
    for url in public_urls(point):
        first = client.get(url)
        assert first.status_code == 200, url
        # From the cache: no query at all (the data version is in the shared cache), no search,
        # no template.
        with django_assert_max_num_queries(0):
            second = client.get(url)
        assert second.status_code == 200, url
        assert second["Content-Type"] == first["Content-Type"], url
        assert second.content == first.content, url


def test_the_sitemap_answers_twice_with_the_cache_on(client, point):
    # It is a template response: stored unrendered, it could not be pickled (a 500 in production).
    responses = [client.get("/sitemap.xml") for _ in range(2)]
    assert [response.status_code for response in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    assert f"/lieux/{point.slug}/".encode() in responses[1].content


@pytest.mark.parametrize(
    "url",
    ["/?utm_source=lettre", "/recherche/?q=Vienne&n=1", "/le-spro/?x=y", "/api/v1/reseaux?aleatoire=4"],
)
def test_addresses_with_unknown_parameters_are_answered_but_not_stored(client, point, url):
    def page_keys():
        return {key for key in cache._cache if "page:" in key}

    assert client.get(url).status_code == 200
    assert client.get(url.split("?")[0]).status_code == 200
    stored = page_keys()
    # The address without its unknown parameter was stored; with it, it never is.
    assert len(stored) == 1
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200
    # Computed again: it rendered its template or read more than the data version.
    assert again.templates or len(queries) > 1
    assert page_keys() == stored


# SQL queries of each public address when computed (the page cache emptied, the process's own
# caches warm): pinned, and the same with one point or six. With the shared cache emptied, the data
# version is read once (then kept in the shared cache; the directory's opening and closing times
# of that version, structures/hours/periods.py, are already known to the process); a search in a
# commune reads who is competent for it once (kept in the cache per data version, emptied here
# before each measure).
QUERIES_WHEN_COMPUTED = {
    "/": 6,
    "/recherche/": 2,
    "/recherche/?q=Vienne": 7,
    "/recherche/?q=Vienne&public=jeunes-16-25&rayon=50&page=1": 6,
    "/recherche/?q=38": 7,
    "/quelle-structure/": 2,
    "/quelle-structure/?situation=demandeur-emploi&etape=2": 2,
    "/le-spro/": 2,
    "/reseaux/": 3,
    "/reseaux/{network}/": 6,
    "/accessibilite/": 2,
    "/mentions-legales/": 2,
    "/donnees-personnelles/": 2,
    "/mise-a-jour-des-donnees/": 2,
    "/donnees/": 2,
    "/lieux/{point}/": 14,
    "/lieux/{point}/signaler/merci/": 3,
    "/structures/{structure}/": 11,
    "/communes/38544/": 7,
    "/sitemap.xml": 10,
    "/robots.txt": 1,
    "/carte/lieux.geojson?q=Vienne": 2,
    "/carte/communes.json": 2,
    "/api/v1/communes?q=vien": 1,
    "/api/v1/lieux?q=Vienne": 12,
    "/api/v1/lieux/{point}": 10,
    "/api/v1/structures": 9,
    "/api/v1/structures/{structure}": 8,
    "/api/v1/communes/38544/competences": 8,
    "/api/v1/reseaux": 6,
    "/api/v1/openapi.json": 3,
}


@pytest.mark.parametrize("siblings", [0, 5])
def test_every_public_address_makes_a_pinned_number_of_queries(client, point, siblings, django_assert_max_num_queries):
    for n in range(siblings):
        ReceptionPointFactory(structure=point.structure, commune_insee="38544", hours=[(n % 5, "09:00", "12:00")])
    names = {"point": point.slug, "structure": point.structure.slug, "network": point.structure.network.slug}
    assert len(QUERIES_WHEN_COMPUTED) == len(public_urls(point))
    for template, most in QUERIES_WHEN_COMPUTED.items():
        url = template.format(**names)
        assert client.get(url).status_code == 200, url
        cache.clear()
        caches["local"].clear()
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url


# The exports and the report form, which the page cache does not keep (streamed, or a form with a
# fresh token): their queries, all of the answer read, pinned the same way. An export is read in one
# snapshot (annuaire/exports.py: here a savepoint, the data's version, its release); their points as
# records (annuaire/shapes/records.py: structures, communes and vocabularies once, relations per chunk).
# The points' exports read their stored lines (annuaire/export_rows.py): the first one, in this
# order, writes the lines of every point (in one more snapshot); the next ones find them current.
# A full one reads its points' ids and their lines' revisions first (annuaire/export_parts.py).
QUERIES_NOT_CACHED = {
    "/api/v1/lieux": 11,
    "/api/v1/lieux.geojson": 35,
    "/api/v1/lieux.csv?departement=38": 10,
    "/api/v1/lieux.csv?separateur=point-virgule": 18,
    "/api/v1/structures.csv": 11,
    "/api/v1/data-inclusion/structures.json": 19,
    "/api/v1/data-inclusion/services.json": 11,
    "/lieux/{point}/signaler/": 2,
}
# The full exports are then served from the file written the first time: no query.
STORED_EXPORTS = [url for url in QUERIES_NOT_CACHED if url.startswith("/api/v1/") and url != "/api/v1/lieux" and "?d" not in url]  # fmt: skip


@pytest.mark.parametrize("siblings", [0, 5])
def test_exports_and_forms_make_a_pinned_number_of_queries(client, point, siblings):
    for n in range(siblings):
        ReceptionPointFactory(structure=point.structure, commune_insee="38544", hours=[(n % 5, "09:00", "12:00")])
    for template, most in QUERIES_NOT_CACHED.items():
        url = template.format(point=point.slug)
        cache.clear()
        caches["local"].clear()
        # The process's own caches warm (the places' names too), as for the pages above.
        client.get("/api/v1/reseaux")
        client.get("/api/v1/communes?q=vien")
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200, url
            first = b"".join(response.streaming_content) if response.streaming else response.content
            assert first, url
        assert len(queries) == most, url
        if url in STORED_EXPORTS:
            with CaptureQueriesContext(connection) as queries:
                again = client.get(url)
                assert b"".join(again.streaming_content) == first, url
            assert len(queries) == 0, url

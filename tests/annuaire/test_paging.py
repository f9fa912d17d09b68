"""A dense search can be read to its last result, in the list and in the API, like on the map."""

import pytest
from django.urls import reverse

from structures.models import Commune
from tests.structures.factories import bulk_points

pytestmark = pytest.mark.django_db

POINTS = 230


@pytest.fixture
def dense_area():
    """230 published points in and around Vienne, more than the 200 a page counts to."""
    vienne = Commune.objects.get(insee_code="38544")
    # Each a little farther east than the one before: the order of the results is known.
    bulk_points("Lieu-dense", [(vienne.latitude, vienne.longitude + n * 0.0005) for n in range(POINTS)], "38544")
    return vienne


def test_the_list_pages_on_past_two_hundred_to_the_last_result(client, dense_area):
    url = reverse("annuaire:search")
    first = client.get(url, {"q": "Vienne", "rayon": "50"})
    html = first.content.decode()
    assert "Plus de 200 lieux d'accueil" in html
    assert 'rel="next"' in html
    page = 1
    seen = []
    while True:
        response = client.get(url, {"q": "Vienne", "rayon": "50", "page": page})
        assert response.status_code == 200, page
        seen += [row.point.name for row in response.context["outcome"].rows]
        if 'rel="next"' not in response.content.decode():
            break
        page += 1
    assert page == 12
    assert seen == [f"Lieu-dense n° {n:03d}" for n in range(POINTS)]
    last = client.get(url, {"q": "Vienne", "rayon": "50", "page": 12}).content.decode()
    assert "230 lieux d'accueil" in last
    assert "Page 12 sur 12" in " ".join(last.split())
    assert client.get(url, {"q": "Vienne", "rayon": "50", "page": 13}).status_code == 400


def test_the_api_follows_next_to_the_last_result(client, dense_area):
    url = f"{reverse('annuaire:api-points')}?q=Vienne&rayon=50"
    ids = []
    while url:
        answer = client.get(url).json()
        ids += [item["id"] for item in answer["results"]]
        url = answer["next"]
    assert ids == [f"lieu-dense-{n:03d}" for n in range(POINTS)]


def test_the_map_shows_the_same_points_as_the_list(client, dense_area):
    features = client.get(reverse("annuaire:map-points"), {"q": "Vienne", "rayon": "50"}).json()["features"]
    assert len(features) == POINTS

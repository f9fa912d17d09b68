"""Placing a point in the back office: the commune's outline and reference point for the map, and
with ADDRESS_API_URL, numbered addresses of the commune from the national address service."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from structures import addresses
from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db

PLACING = "admin:structures_receptionpoint_placing"


def address(label, citycode, longitude, latitude):
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": {"label": label, "citycode": citycode, "type": "housenumber"},
    }


# What the national service answers, whatever is asked: a good address in Vienne, a homonym street in
# Grenoble, an address claiming Vienne's code but 60 km away, and one without coordinates.
ANSWER = {
    "type": "FeatureCollection",
    "features": [
        address("12 Rue de la République 38200 Vienne", "38544", 4.8745, 45.5250),
        address("12 Rue de la République 38000 Grenoble", "38185", 5.7290, 45.1890),
        address("12 Rue de la République 38200 Vienne", "38544", 5.60, 45.30),
        {"type": "Feature", "geometry": None, "properties": {"label": "Sans position", "citycode": "38544"}},
    ],
}


@pytest.fixture
def address_service(settings):
    """A stand-in for the national address service on a local port; records what it was asked."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(parse_qs(urlparse(self.path).query))
            body = json.dumps(ANSWER).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ADDRESS_API_URL = f"http://127.0.0.1:{server.server_port}/geocodage/search"
    yield asked
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_request_leaves(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a request left the site")

    monkeypatch.setattr(addresses, "urlopen", refuse)


def test_the_map_gets_the_commune_and_its_outline(admin_client):
    data = admin_client.get(reverse(PLACING), {"commune": "38544"}).json()
    assert (data["name"], data["outline"], data["latitude"]) == ("Vienne", "38544", 45.52208)
    # An arrondissement is drawn with its city's outline (the basemap has Lyon, not Lyon 3e).
    assert admin_client.get(reverse(PLACING), {"commune": "69383"}).json()["outline"] == "69123"


@pytest.mark.parametrize("code", ["", "99999", "abc"])
def test_without_a_known_commune_a_french_message(admin_client, code):
    response = admin_client.get(reverse(PLACING), {"commune": code})
    assert response.status_code == 400
    assert response.json()["error"] == "Choisissez d'abord la commune du lieu."


def test_only_staff_who_may_edit_points_use_it(client):
    response = client.get(reverse(PLACING), {"commune": "38544"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_without_an_address_service_no_request_leaves_the_site(admin_client, settings, no_request_leaves):
    settings.ADDRESS_API_URL = ""
    data = admin_client.get(reverse(PLACING), {"commune": "38544", "q": "12 rue de la République"}).json()
    assert data["addresses"] == []
    point = ReceptionPointFactory(commune_insee="38544")
    html = admin_client.get(reverse("admin:structures_receptionpoint_change", args=[point.pk])).content.decode()
    assert "js-address-search" not in html
    assert 'class="js-admin-map"' in html


def test_only_addresses_of_the_commune_are_proposed(admin_client, address_service):
    data = admin_client.get(reverse(PLACING), {"commune": "38544", "q": "12 rue de la République"}).json()
    assert data["addresses"] == [
        {"label": "12 Rue de la République 38200 Vienne", "latitude": 45.525, "longitude": 4.8745}
    ]
    assert "error" not in data
    [asked] = address_service
    assert asked["q"] == ["12 rue de la République Vienne"]
    assert asked["type"] == ["housenumber"]


def test_no_address_of_the_commune_says_so(admin_client, address_service):
    data = admin_client.get(reverse(PLACING), {"commune": "43157", "q": "12 rue de la République"}).json()
    assert data["addresses"] == []
    assert data["error"] == (
        "Aucune adresse numérotée du Puy-en-Velay ne correspond à « 12 rue de la République ». "
        "Vérifiez le numéro et la rue, ou cliquez sur la carte."
    )


def test_an_unreachable_service_gets_a_clear_message(admin_client, settings):
    # Port 9 (discard) is closed here: the connection is refused at once.
    settings.ADDRESS_API_URL = "http://127.0.0.1:9/geocodage/search"
    response = admin_client.get(reverse(PLACING), {"commune": "38544", "q": "12 rue de la République"})
    assert response.status_code == 503
    assert response.json()["error"] == (
        "Le service national des adresses ne répond pas. Placez le lieu en cliquant sur la carte, "
        "ou réessayez dans quelques minutes."
    )
    # The map still has what it needs to place the point by hand.
    assert response.json()["latitude"] == 45.52208


def test_the_form_offers_the_address_search_when_configured(admin_client, address_service):
    point = ReceptionPointFactory(commune_insee="38544")
    html = admin_client.get(reverse("admin:structures_receptionpoint_change", args=[point.pk])).content.decode()
    assert "Rechercher l'adresse (Base Adresse Nationale)" in html
    assert address_service == []

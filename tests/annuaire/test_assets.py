import gzip
import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.structures.factories import ReceptionPointFactory

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_own_css_and_javascript_weigh_at_most_30_kb_gzipped():
    own_files = [*STATIC.rglob("*.css"), *STATIC.rglob("*.js")]
    assert {path.name for path in own_files} >= {"site.css", "search.js"}
    total = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in own_files)
    assert total <= 30 * 1024


@pytest.mark.django_db
def test_no_tile_server_by_default(client):
    ReceptionPointFactory()
    html = client.get(reverse("annuaire:search"), {"q": "42000"}).content.decode()
    assert 'data-tiles-url=""' in html
    # Leaflet comes from the site's own static files, never from a third-party host.
    assert re.findall(r'<script src="([^"]+)"', html) == ["/static/leaflet/leaflet.js", "/static/js/search.js"]


@pytest.mark.django_db
def test_tile_server_comes_from_settings(client, settings):
    settings.MAP_TILES_URL = "https://tuiles.example/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "© contributeurs OpenStreetMap"
    html = client.get(reverse("annuaire:search"), {"q": "42000"}).content.decode()
    assert 'data-tiles-url="https://tuiles.example/{z}/{x}/{y}.png"' in html
    assert 'data-tiles-attribution="© contributeurs OpenStreetMap"' in html

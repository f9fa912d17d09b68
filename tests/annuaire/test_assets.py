import gzip
import json
import re
from html import unescape as html_unescape
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
    assert re.findall(r'<script src="([^"]+)"', html) == [
        "/static/leaflet/leaflet.js",
        "/static/vendor/topojson-client-3.1.0.min.js",
        "/static/js/basemap.js",
        "/static/js/search.js",
    ]
    # The basemap is drawn from the site's own files.
    assert 'data-basemap-departments="/static/basemap/ara-departements-ign2018.geojson"' in html
    # The communes' outlines: one file per department, the 12 of the region.
    files = json.loads(html_unescape(re.search(r'data-basemap-communes="([^"]+)"', html).group(1)))
    assert sorted(files) == ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]
    assert files["42"] == "/static/basemap/communes/ara-communes-42-ign2018.topojson"
    assert 'data-basemap-attribution="IGN – ADMIN EXPRESS 2018, Licence Ouverte"' in html


@pytest.mark.django_db
def test_the_names_of_the_basemap_are_the_communes_most_populous_first(client):
    communes = client.get(reverse("annuaire:map-communes")).json()["communes"]
    assert len(communes) == 4025
    assert communes[0][0] == "Lyon"
    assert [name for name, _, _, _ in communes[:2]] == ["Lyon", "Saint-Étienne"]
    assert {"Grenoble", "Villeurbanne"} <= {name for name, _, _, _ in communes[2:4]}
    assert all(communes[i][3] >= communes[i + 1][3] for i in range(len(communes) - 1))


@pytest.mark.django_db
@pytest.mark.parametrize("tiles", ["", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"])
def test_map_pages_send_a_referrer_to_a_tile_server_only(client, settings, tiles):
    settings.MAP_TILES_URL = tiles
    point = ReceptionPointFactory()
    expected = "strict-origin-when-cross-origin" if tiles else "same-origin"
    for url in (f"{reverse('annuaire:search')}?q=42000", point.get_absolute_url(), point.structure.get_absolute_url()):
        assert client.get(url)["Referrer-Policy"] == expected, url
    assert client.get(reverse("annuaire:spro"))["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_tile_server_comes_from_settings(client, settings):
    settings.MAP_TILES_URL = "https://tuiles.example/{z}/{x}/{y}.png"
    settings.MAP_TILES_ATTRIBUTION = "© contributeurs OpenStreetMap"
    html = client.get(reverse("annuaire:search"), {"q": "42000"}).content.decode()
    assert 'data-tiles-url="https://tuiles.example/{z}/{x}/{y}.png"' in html
    assert 'data-tiles-attribution="© contributeurs OpenStreetMap"' in html


def test_each_department_file_holds_the_outlines_of_its_communes_only():
    seen = []
    for path in sorted((STATIC / "basemap" / "communes").glob("*.topojson")):
        department = path.name.split("-")[2]
        topology = json.loads(path.read_text(encoding="utf-8"))
        (collection,) = topology["objects"].values()
        codes = [geometry["properties"]["code"] for geometry in collection["geometries"]]
        assert codes, path.name
        assert {code[:2] for code in codes} == {department}, path.name
        seen += codes
    # Every commune of the 2018 mesh (static/basemap/SOURCES.md), in one file and one only.
    assert len(seen) == len(set(seen)) == 4092

"""The style sheet and scripts as production publishes them (minified, docs/adr/0016), run in a real
Chromium: the search, its live filters and map, a point page and its map, without a script error."""

import re

import pytest
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

OWN_FILES = ("css/site.css", "js/search.js", "js/basemap.js")


@pytest.fixture
def minified(tmp_path):
    """The project's own files as collectstatic publishes them in production."""
    storage = {"BACKEND": "spro_site.staticfiles.MinifiedStaticFilesStorage"}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES={"staticfiles": storage}):
        call_command("collectstatic", interactive=False, verbosity=0)
    return {name: (tmp_path / name).read_bytes() for name in OWN_FILES}


def test_the_minified_files_run_the_whole_search_without_an_error(live_server, page, minified):
    mission = StructureFactory(name="Mission Locale de test", network_slug="mission-locale", publics=["jeunes-16-25"])
    point = ReceptionPointFactory(structure=mission, name="Mission Locale — Saint-Étienne", commune_insee="42218")
    ReceptionPointFactory(name="CIO de Firminy", commune_insee="42095", structure__network_slug="cio")
    served = []

    def serving(name, body):
        content_type = "text/css" if name.endswith(".css") else "text/javascript"

        def fulfill(route):
            served.append(name)
            route.fulfill(body=body, content_type=content_type)

        return fulfill

    for name, body in minified.items():
        page.route(f"**/static/{name}", serving(name, body))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/recherche/?q=42000")
    expect(page.get_by_role("heading", name=re.compile("^2 lieux d'accueil"))).to_be_visible()
    expect(page.locator("#carte .leaflet-marker-icon").first).to_be_visible(timeout=15000)
    page.locator(".filters__summary").click()
    page.get_by_label("Public").select_option("jeunes-16-25")
    expect(page.get_by_role("heading", name=re.compile("^1 lieu d'accueil"))).to_be_visible()
    expect(page.locator(".filters__summary")).to_have_text(re.compile(r"\(1 actif\)"))
    page.go_back()
    expect(page.get_by_label("Public")).to_have_value("")
    page.goto(live_server.url + point.get_absolute_url())
    expect(page.get_by_role("button", name="Imprimer la fiche")).to_be_visible()
    page.locator(".js-point-map").scroll_into_view_if_needed()
    expect(page.locator(".js-point-map.leaflet-container")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert set(served) == set(OWN_FILES)
    assert errors == []

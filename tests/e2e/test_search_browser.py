"""Searching in a real Chromium: keyboard only, filters, map, without JavaScript, accessibility."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def places():
    """Three places in and around Saint-Étienne, one of them for young people only."""
    mission = StructureFactory(name="Mission Locale de test", network_slug="mission-locale", publics=["jeunes-16-25"])
    cio = StructureFactory(name="CIO de test", network_slug="cio", publics=["scolaires"])
    ReceptionPointFactory(
        structure=mission, name="Mission Locale — accueil de Saint-Étienne", commune_insee="42218",
        phone="04 65 71 00 01", is_demo=True,
    )  # fmt: skip
    ReceptionPointFactory(
        structure=cio, name="CIO de Saint-Étienne", commune_insee="42218", latitude=45.43, longitude=4.39
    )
    ReceptionPointFactory(structure=cio, name="CIO de Firminy", commune_insee="42095")


def test_search_from_the_home_page_with_the_keyboard_only(live_server, page, places):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # site name
    # The header's menu, in reading order, then the search box.
    for name in ("Rechercher", "Quelle structure pour moi ?", "Le SPRO", "Les réseaux"):
        page.keyboard.press("Tab")
        expect(page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name)).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label(re.compile("Où habitez-vous"))).to_be_focused()
    page.keyboard.type("st etienne")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q=st\+etienne"))
    expect(page.get_by_role("heading", level=2, name=re.compile("3 lieux d'accueil à moins de 20 km"))).to_be_visible()
    first = page.get_by_role("listitem").filter(has_text="à ").first
    expect(first).to_contain_text("Saint-Étienne")
    expect(page.get_by_role("link", name="Appeler le 04 65 71 00 01")).to_have_attribute("href", "tel:+33465710001")


def test_a_filter_updates_the_results_and_the_address(live_server, page, places):
    page.goto(f"{live_server.url}/recherche/?q=42000")
    page.locator(".filters__summary").click()
    page.get_by_label("Public").select_option("jeunes-16-25")
    expect(page.get_by_role("heading", name=re.compile("^1 lieu d'accueil"))).to_be_visible()
    expect(page).to_have_url(re.compile("public=jeunes-16-25"))
    expect(page.get_by_role("status").filter(has_text="1 lieu d'accueil")).to_have_count(1)
    page.go_back()
    expect(page.get_by_role("heading", name=re.compile("^3 lieux d'accueil"))).to_be_visible()
    # Let the map's data request end before the database is emptied for the next test.
    page.wait_for_load_state("networkidle")


def test_map_marker_opens_the_place(live_server, page, places):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/recherche/?q=firminy&rayon=5")
    toggle = page.locator(".js-map-jump .js-map-toggle")
    expect(toggle).to_have_text("Voir sur la carte")
    toggle.click()
    carte = page.locator("#carte")
    expect(carte).to_be_visible()
    # The only place within 5 km of Firminy, numbered as in the list.
    marker = carte.get_by_role("button", name="N° 1 : CIO de Firminy")
    expect(marker).to_be_visible(timeout=15000)
    # The map's data drawn: a popup opened on a pin that is then redrawn would close with it.
    page.wait_for_load_state("networkidle")
    marker.click()
    popup_link = page.locator(".leaflet-popup-content a").first
    expect(popup_link).to_have_text("CIO de Firminy")
    popup_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CIO de Firminy")


@pytest.mark.parametrize(("size", "name"), [(PHONE, "recherche-360x800"), (DESKTOP, "recherche-1280x800")])
def test_results_page_screenshots_and_accessibility(live_server, page, places, screenshot, axe_violations, size, name):
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/recherche/?q=saint+priest&public=scolaires")
    expect(page.get_by_role("heading", name=re.compile("Plusieurs communes correspondent"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert screenshot(name).stat().st_size > 5000
    count, report = axe_violations()
    assert count == 0, report


def test_results_with_filters_open_are_accessible(live_server, page, places, axe_violations):
    # No place for young people within 5 km of Firminy: the Mission Locale 7.6 km away is shown anyway.
    page.goto(f"{live_server.url}/recherche/?q=firminy&rayon=5&public=jeunes-16-25")
    page.locator(".filters__summary").click()
    expect(page.get_by_text("Les lieux les plus proches")).to_be_visible()
    count, report = axe_violations()
    assert count == 0, report


def test_the_same_search_without_javascript(live_server, browser, places, screenshot):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Autour de moi")).to_be_hidden()
    page.get_by_label(re.compile("Où habitez-vous")).fill("42000")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name=re.compile("^3 lieux d'accueil"))).to_be_visible()
    # On a phone the form is folded into one line above the results; filters are a plain form.
    expect(page.locator(".search-edit__summary")).to_contain_text("Lieux près de Saint-Étienne (42000), 20 km")
    expect(page.get_by_label("Réseau")).to_be_hidden()
    page.locator(".search-edit__summary").click()
    page.locator(".filters__summary").click()
    page.get_by_label("Réseau").select_option("cio")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page).to_have_url(re.compile("reseau=cio"))
    expect(page.get_by_role("heading", name=re.compile("^2 lieux d'accueil"))).to_be_visible()
    expect(page.locator(".js-map-panel")).to_be_hidden()
    assert screenshot("recherche-sans-javascript-360x800", page).stat().st_size > 5000
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["avec-javascript", "sans-javascript"])
def test_a_typo_on_a_phone_still_finds_the_places(live_server, browser, places, screenshot, javascript):
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    box = page.get_by_label(re.compile("Où habitez-vous"))
    box.fill("mision locale st etiene")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/recherche/\?q=mision\+locale\+st\+etiene"))
    expect(page.get_by_text("Nous avons compris « Saint-Étienne ».")).to_be_visible()
    expect(page.get_by_text(re.compile("Réseau : Mission Locale"))).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=re.compile("^1 lieu d'accueil"))).to_be_visible()
    expect(page.get_by_role("link", name="Mission Locale — accueil de Saint-Étienne", exact=True)).to_be_visible()
    # The network read from the words can be removed: every network again, same place.
    page.get_by_role("link", name="Voir tous les réseaux").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^3 lieux d'accueil"))).to_be_visible()
    screenshot(f"recherche-faute-de-frappe-{'js' if javascript else 'sans-js'}-360x800", page)
    if javascript:
        page.wait_for_load_state("networkidle")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["avec-javascript", "sans-javascript"])
def test_your_mission_locale_first_at_the_edge_of_two_territories(live_server, browser, screenshot, javascript):
    """Vienne belongs to the CA Vienne Condrieu; another Mission Locale, covering the Métropole de
    Lyon, has a place in Vienne itself, nearer than Vienne's own (in Estrablin, 7 km)."""
    own = StructureFactory(name="ML Rhodanienne", network_slug="mission-locale")
    own.competence_epcis.add("200077014")
    other = StructureFactory(name="ML Lyon Sud", network_slug="mission-locale")
    other.competence_epcis.add("200046977")
    ReceptionPointFactory(structure=own, name="ML Rhodanienne — Estrablin", commune_insee="38157")
    ReceptionPointFactory(structure=other, name="ML Lyon Sud — antenne de Vienne", commune_insee="38544")
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_label(re.compile("Où habitez-vous")).fill("mission locale vienne")
    page.get_by_role("button", name="Rechercher").click()
    results = page.locator(".results__list .result")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("ML Rhodanienne — Estrablin")
    expect(results.nth(0).get_by_text("Votre Mission Locale")).to_be_visible()
    expect(results.nth(1)).to_contain_text("couvre d'autres communes que Vienne")
    expect(page.get_by_role("heading", name=re.compile("Qui est compétent pour Vienne"))).to_be_attached()
    name = "votre-mission-locale-" + ("avec" if javascript else "sans") + "-javascript-360x800"
    assert screenshot(name, page).stat().st_size > 5000
    context.close()


def test_the_map_draws_its_own_basemap_without_a_tile_server(live_server, page, places, screenshot):
    """No MAP_TILES_URL (the default): the region, its departments, the outlines and names of the
    communes are drawn from the site's own files, with their attribution."""
    page.set_viewport_size(DESKTOP)
    outlines = []
    page.on("request", lambda request: outlines.append(request.url) if "/basemap/communes/" in request.url else None)
    page.goto(f"{live_server.url}/recherche/?q=saint-etienne")
    carte = page.locator("#carte")
    expect(carte).to_be_visible()
    expect(carte.locator(".leaflet-control-attribution")).to_contain_text("IGN – ADMIN EXPRESS 2018, Licence Ouverte")
    # The basemap's files load after the page.
    expect(carte.locator(".map-name", has_text=re.compile("^Saint-Étienne$"))).to_be_visible(timeout=15000)
    expect(carte.locator(".map-name").first).to_be_visible()
    assert carte.locator(".map-name").count() >= 5
    # Region and departments, then the communes' outlines at this zoom (20 km around the place).
    basemap = carte.locator(".leaflet-basemap-pane path")
    expect(basemap.nth(40)).to_be_attached(timeout=15000)
    assert page.locator("img.leaflet-tile").count() == 0  # nothing asked of a tile server
    # The communes' outlines of the departments the map shows only: the Loire's, not Savoie's.
    assert any("ara-communes-42-" in url for url in outlines), outlines
    assert not any("ara-communes-73-" in url or "ara-communes-74-" in url for url in outlines), outlines
    assert screenshot("carte-fond-du-site-1280x800").stat().st_size > 20000


# The sizes the issue names: a common phone, a common laptop.
PHONE_375 = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 900}


@pytest.mark.parametrize("javascript", [True, False], ids=["avec-javascript", "sans-javascript"])
def test_on_a_phone_the_first_result_and_its_call_button_are_in_the_first_screen(
    live_server, browser, places, screenshot, javascript
):
    context = browser.new_context(java_script_enabled=javascript, viewport=PHONE_375, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/recherche/?q=42000&sans_rdv=1")
    first = page.locator(".results__list .result").first
    title = first.get_by_role("heading", level=3)
    expect(title).to_be_visible()
    # No scrolling: the first result's name is inside the first screen.
    assert title.bounding_box()["y"] + title.bounding_box()["height"] <= PHONE_375["height"]
    # The search folded into one line that says what was searched, with the filters counted.
    expect(page.locator(".search-edit__summary")).to_have_text(
        re.compile(r"Lieux près de Saint-Étienne \(42000\), 20 km\s*· 1 filtre\s*Modifier")
    )
    call = first.get_by_role("link", name=re.compile("^Appeler le 04 65 71 00 01"))
    expect(call).to_have_attribute("href", "tel:+33465710001")
    go = first.get_by_role("link", name=re.compile("^Y aller"))
    expect(go).to_have_attribute("href", re.compile(r"^https://www\.openstreetmap\.org/directions\?to=45\."))
    for action in (call, go, first.get_by_role("link", name=re.compile("^Voir la fiche"))):
        box = action.bounding_box()
        assert box["height"] >= 44, box
        assert box["width"] >= 44, box
    screenshot(f"resultats-telephone-375x812-{'js' if javascript else 'sans-js'}", page)
    context.close()


def test_on_a_laptop_the_whole_form_stays_open_beside_the_results(live_server, browser, places):
    context = browser.new_context(viewport=LAPTOP, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/recherche/?q=42000")
    expect(page.locator(".search-edit__summary")).to_be_hidden()
    expect(page.get_by_label(re.compile("Votre commune"))).to_be_visible()
    expect(page.get_by_label(re.compile("Votre commune"))).to_have_value("42000")
    page.locator(".filters__summary").click()
    expect(page.get_by_label("Réseau")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu principal")
    expect(nav.get_by_role("link", name="Rechercher")).to_have_attribute("aria-current", "page")
    page.wait_for_load_state("networkidle")
    context.close()


def test_back_and_forward_keep_the_filters_and_the_results_in_step(live_server, page, places):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/recherche/?q=42000")
    summary = page.locator(".filters__summary")
    summary.click()
    public, walk_in = page.get_by_label("Public"), page.get_by_label("Sans rendez-vous")
    public.select_option("jeunes-16-25")
    expect(page.get_by_role("heading", name=re.compile("^1 lieu d'accueil"))).to_be_visible()
    expect(summary).to_have_text(re.compile(r"Filtrer\s*\(1 actif\)"))
    walk_in.check()
    expect(page).to_have_url(re.compile("sans_rdv=on"))
    expect(summary).to_have_text(re.compile(r"Filtrer\s*\(2 actifs\)"))
    page.go_back()
    expect(page).not_to_have_url(re.compile("sans_rdv"))
    expect(walk_in).not_to_be_checked()
    expect(public).to_have_value("jeunes-16-25")
    expect(summary).to_have_text(re.compile(r"Filtrer\s*\(1 actif\)"))
    page.go_back()
    expect(page.get_by_role("heading", name=re.compile("^3 lieux d'accueil"))).to_be_visible()
    expect(public).to_have_value("")
    expect(summary).to_have_text(re.compile(r"^\s*Filtrer\s*$"))
    page.go_forward()
    expect(page.get_by_role("heading", name=re.compile("^1 lieu d'accueil"))).to_be_visible()
    expect(public).to_have_value("jeunes-16-25")
    expect(summary).to_have_text(re.compile(r"Filtrer\s*\(1 actif\)"))
    page.wait_for_load_state("networkidle")


def test_a_list_box_moved_with_the_arrow_keys_applies_once_when_left(live_server, page, places):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/recherche/?q=42000")
    page.wait_for_load_state("networkidle")
    searches = []
    page.on("request", lambda request: searches.append(request.url) if "/recherche/" in request.url else None)
    page.locator(".filters__summary").click()
    network = page.get_by_label("Réseau")
    network.focus()
    for _ in range(3):
        network.press("ArrowDown")
    page.wait_for_timeout(300)
    assert searches == []
    expect(page).not_to_have_url(re.compile("reseau="))
    chosen = network.input_value()
    assert chosen
    network.press("Tab")
    expect(page).to_have_url(re.compile(f"reseau={chosen}"))
    page.wait_for_load_state("networkidle")
    assert len(searches) == 1, searches
    # Announced once, by the one live region.
    expect(page.locator(".js-results-announcer")).to_have_text(re.compile("lieu"))

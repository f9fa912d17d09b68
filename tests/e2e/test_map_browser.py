"""The results map in a real Chromium: clusters with their count, numbered pins in step with the list,
the keyboard, and on phones the list first with the map one tap away."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.structures.factories import ReceptionPointFactory, StructureFactory, bulk_points

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

LYON = (45.7640, 4.8357)


@pytest.fixture
def places():
    """Three places in and around Saint-Étienne."""
    mission = StructureFactory(name="Mission Locale de test", network_slug="mission-locale")
    cio = StructureFactory(name="CIO de test", network_slug="cio")
    ReceptionPointFactory(structure=mission, name="Mission Locale — accueil de Saint-Étienne", commune_insee="42218")
    ReceptionPointFactory(
        structure=cio, name="CIO de Saint-Étienne", commune_insee="42218", latitude=45.43, longitude=4.39
    )
    ReceptionPointFactory(structure=cio, name="CIO de Firminy", commune_insee="42095")


@pytest.fixture
def crowded():
    """150 places on a line through Lyon, 16 km long: more than the map shows one by one."""
    bulk_points("Lyon", [(LYON[0], 4.74 + n * 0.0013) for n in range(150)])


def pin(page, rank):
    return page.locator("#carte .map-pin--numbered", has_text=re.compile(f"^{rank}$"))


def test_clusters_show_their_count_and_zoom_in_on_a_click(live_server, page, crowded, screenshot):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/recherche/?lat={LYON[0]}&lon={LYON[1]}&rayon=20")
    clusters = page.locator("#carte .map-cluster")
    expect(clusters.first).to_be_visible(timeout=15000)
    # The map's data drawn: the clusters are not replaced while they are read.
    page.wait_for_load_state("networkidle")
    # Each cluster's count and centre, read at once.
    drawn = clusters.evaluate_all(
        "nodes => nodes.map(node => { const box = node.getBoundingClientRect();"
        " return [Number(node.innerText), box.x + box.width / 2, box.y + box.height / 2]; })"
    )
    counts = [count for count, _, _ in drawn]
    assert len(counts) >= 2
    assert all(count >= 2 for count in counts)
    assert 100 < sum(counts) <= 150
    # The list's page is drawn as numbered pins above the clusters.
    expect(pin(page, 1)).to_be_visible()
    expect(pin(page, 20)).to_be_attached()
    screenshot("carte-regroupements-1280x800")
    # The westernmost group, away from the list's numbered pins in the middle.
    _, x, y = min(drawn, key=lambda cluster: cluster[1])
    page.mouse.click(x, y)
    # Zoomed in: the groups split, until places stand alone.
    expect(page.locator("#carte .map-pin:not(.map-pin--numbered)").first).to_be_attached(timeout=15000)


def test_the_list_and_the_map_stay_in_step(live_server, page, places, axe_violations):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/recherche/?q=saint-etienne")
    first_result = page.locator("#resultats .results__list > li").nth(0)
    second_result = page.locator("#resultats .results__list > li").nth(1)
    expect(pin(page, 1)).to_be_visible(timeout=15000)
    # The map's data drawn (a pin redrawn under a still mouse would wait for the mouse to move).
    page.wait_for_load_state("networkidle")
    # Hovering a result highlights its pin; hovering a pin highlights its result.
    first_result.hover()
    expect(pin(page, 1)).to_have_class(re.compile("is-highlighted"))
    page.mouse.move(0, 0)
    expect(pin(page, 1)).not_to_have_class(re.compile("is-highlighted"))
    pin(page, 2).hover()
    expect(second_result).to_have_class(re.compile("is-highlighted"))
    # A pin's popup: the name, its page, and the way back to the list.
    pin(page, 2).click()
    popup = page.locator(".leaflet-popup-content")
    name = second_result.locator(".result__title a").inner_text()
    expect(popup.get_by_role("link", name=name)).to_be_visible()
    # Its structure, its distance from the place searched, its network.
    expect(popup).to_contain_text("CIO de test")
    expect(popup).to_contain_text(re.compile(r"à (moins de )?\d"))
    popup.get_by_role("link", name="Voir le n° 2 dans la liste").click()
    expect(second_result.locator(".result__title a")).to_be_focused()
    count, report = axe_violations()
    assert count == 0, report


def test_the_keyboard_reaches_the_map_controls_and_the_numbered_pins(live_server, page, places):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/recherche/?q=saint-etienne")
    expect(pin(page, 3)).to_be_visible(timeout=15000)
    # From the last link of the list, onwards with Tab only.
    page.locator("#resultats .result__more").last.focus()
    stops = []
    for _ in range(30):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.getAttribute('aria-label') || document.activeElement.title"))
        if stops[-1] == "Zoom avant":
            break
    # The map itself (arrow keys move it), the list's numbered pins, then the zoom buttons.
    assert stops[-1] == "Zoom avant", stops
    assert [stop[:4] for stop in stops if stop.startswith("N° ")] == ["N° 1", "N° 2", "N° 3"], stops
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content")).to_contain_text("Voir le n° 1 dans la liste")
    # The popup moved the map, which asks for its data again: answered before the database is emptied.
    page.wait_for_load_state("networkidle")


def test_on_a_phone_the_results_come_first_and_the_map_is_one_tap_away(live_server, page, places, screenshot):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/recherche/?q=saint-etienne")
    title = page.locator("#titre-resultats")
    first = page.locator("#resultats .results__list > li .result__title").first
    expect(first).to_be_visible()
    # The first result starts within the first screen, under the search form.
    assert first.bounding_box()["y"] < PHONE["height"]
    assert page.locator("#carte").is_hidden()
    screenshot("recherche-liste-d-abord-360x800", full_page=False)
    page.get_by_role("button", name="Voir sur la carte").first.click()
    carte = page.locator("#carte")
    expect(carte).to_be_visible()
    expect(pin(page, 1)).to_be_visible(timeout=15000)
    back = page.get_by_role("button", name="Revenir à la liste")
    expect(back).to_be_visible()
    screenshot("recherche-carte-360x800", full_page=False)
    # The map's data has arrived and the map has stopped moving: the tap goes to the button.
    page.wait_for_load_state("networkidle")
    back.click()
    expect(carte).to_be_hidden()
    expect(title).to_be_focused()
    # The popup's way back also closes the map on a phone.
    page.get_by_role("button", name="Voir sur la carte").first.click()
    expect(pin(page, 1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    # Pins close together may overlap on a small map: the keyboard opens the one wanted.
    pin(page, 1).focus()
    page.keyboard.press("Enter")
    back_to_list = page.locator(".leaflet-popup-content").get_by_role("link", name="Voir le n° 1 dans la liste")
    expect(back_to_list).to_be_visible()
    page.wait_for_load_state("networkidle")  # the popup has opened, the map has moved to show it
    # With the keyboard too: a pointer's click could land beside a popup that the map is still moving.
    back_to_list.focus()
    page.keyboard.press("Enter")
    expect(carte).to_be_hidden()
    expect(page.locator("#resultats .results__list > li").first.locator(".result__title a")).to_be_focused()
    page.wait_for_load_state("networkidle")

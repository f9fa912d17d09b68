"""Point, structure and network pages in a real Chromium: screenshots, keyboard, print, accessibility."""

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from structures.models import OpeningHours
from tests.e2e.conftest import DESKTOP, PHONE
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def point():
    structure = StructureFactory(
        name="Mission Locale du Forez", network_slug="mission-locale", publics=["jeunes-16-25"], levels=[1, 2],
        description="La Mission Locale accompagne les jeunes de 16 à 25 ans sortis de l'école.",
    )  # fmt: skip
    point = ReceptionPointFactory(
        structure=structure,
        name="Mission Locale du Forez — Montbrison",
        commune_insee="42147",
        address="2 rue de la Préfecture",
        phone="04 65 71 00 07",
        email="accueil@demo.example",
        is_demo=True,
        appointment_details="Premier accueil sans rendez-vous.",
        accessibility_details="Entrée de plain-pied.",
    )
    for day in range(5):
        OpeningHours.objects.create(point=point, weekday=day, opens=time(9), closes=time(12, 30))
        OpeningHours.objects.create(point=point, weekday=day, opens=time(13, 30), closes=time(17))
    for index in range(8):
        ReceptionPointFactory(structure=structure, name=f"Permanence n° {index + 1}", commune_insee="42022",
                              kind="permanence", host_name="Mairie")  # fmt: skip
    ReceptionPointFactory(name="CIO de Montbrison", commune_insee="42147", structure__network_slug="cio")
    return point


@pytest.mark.parametrize(("size", "name"), [(PHONE, "lieu-360x800"), (DESKTOP, "lieu-1280x800")])
def test_point_page_screenshots_and_accessibility(live_server, page, point, screenshot, axe_violations, size, name):
    page.set_viewport_size(size)
    page.goto(live_server.url + point.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Mission Locale du Forez — Montbrison")
    expect(page.get_by_role("link", name="Appeler le 04 65 71 00 07")).to_have_attribute("href", "tel:+33465710007")
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert screenshot(name).stat().st_size > 5000
    count, report = axe_violations()
    assert count == 0, report


def test_keyboard_only_from_a_result_to_the_phone_link(live_server, page, point):
    page.goto(f"{live_server.url}/recherche/?q=montbrison")
    result_link = page.get_by_role("link", name="Mission Locale du Forez — Montbrison", exact=True)
    for _ in range(40):
        page.keyboard.press("Tab")
        if result_link.evaluate("link => link === document.activeElement"):
            break
    expect(result_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mission Locale du Forez — Montbrison")
    phone = page.get_by_role("link", name="Appeler le 04 65 71 00 07")
    for _ in range(20):
        page.keyboard.press("Tab")
        if phone.evaluate("link => link === document.activeElement"):
            break
    expect(phone).to_be_focused()


def test_the_printed_page_fits_on_one_a4_page(live_server, page, point):
    page.goto(live_server.url + point.get_absolute_url())
    # « Imprimer la fiche » opens the browser's print dialog.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Imprimer la fiche").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    # On paper, the week's hours instead of « ouvert »/« ouvre demain », the number instead of buttons.
    expect(page.locator(".point__opening")).to_be_hidden()
    expect(page.locator(".hours")).to_be_visible()
    assert "aujourd'hui" not in page.locator(".hours").inner_text()
    expect(page.get_by_text("Téléphone : 04 65 71 00 07")).to_be_visible()
    for name in ("Appeler le 04 65 71 00 07", re.compile("^Y aller"), "Ouvrir dans une application de cartes"):
        expect(page.get_by_role("link", name=name)).to_be_hidden()
    expect(page.locator(".point__siblings")).to_be_hidden()
    expect(page.locator(".point__qr svg")).to_be_visible()
    # No navigation on paper; a demo record still says so in its own line.
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".point__meta .tag--demo")).to_be_visible()
    expect(page.locator(".point__share")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1


def test_share_falls_back_to_copying_the_address(live_server, browser, point):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(live_server.url + point.get_absolute_url())
    page.evaluate("delete Navigator.prototype.share")
    page.get_by_role("button", name="Partager").click()
    expect(page.get_by_text("Adresse de la page copiée.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + point.get_absolute_url()
    context.close()


def test_structure_network_and_report_pages_are_accessible(live_server, page, point, axe_violations, screenshot):
    for url, heading in [
        (point.structure.get_absolute_url(), "Mission Locale du Forez"),
        ("/reseaux/mission-locale/", "Mission Locale"),
        (f"{point.get_absolute_url()}signaler/", "Signaler une erreur"),
    ]:
        page.goto(live_server.url + url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        count, report = axe_violations()
        assert count == 0, f"{url}\n{report}"
    screenshot("signaler-une-erreur")


def test_reporting_an_error(live_server, page, point):
    page.goto(live_server.url + point.get_absolute_url())
    page.get_by_role("link", name="Signaler une erreur sur cette fiche").click()
    page.get_by_label("Qu'est-ce qui est inexact").fill("Le numéro de téléphone ne répond plus.")
    page.wait_for_timeout(3100)  # the form refuses answers sent within 3 seconds (robots)
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci, votre signalement a été transmis")
    assert point.error_reports.get().message == "Le numéro de téléphone ne répond plus."


def test_the_point_page_shows_a_small_map_on_the_sites_basemap(live_server, page, point, screenshot):
    page.set_viewport_size(PHONE)
    basemap = []
    page.on("request", lambda request: basemap.append(request.url) if "/basemap/" in request.url else None)
    page.goto(live_server.url + point.get_absolute_url())
    carte = page.locator(".js-point-map")
    expect(carte).to_be_visible()
    # On a phone the map comes after the call, the way and the address: below the first screen, it is
    # drawn only when the person scrolls to it.
    assert carte.bounding_box()["y"] > PHONE["height"]
    page.wait_for_load_state("networkidle")
    assert basemap == []
    carte.scroll_into_view_if_needed()
    expect(carte.locator(".map-name", has_text=re.compile("^Montbrison$"))).to_be_visible(timeout=15000)
    expect(carte.locator(".leaflet-basemap-pane path").nth(20)).to_be_attached(timeout=15000)  # outlines
    # Only the outlines of the department shown (Loire: 25 KB compressed, not the region's 300 KB).
    outlines = {url.rsplit("/", 1)[1].split(".")[0] for url in basemap if "/basemap/communes/" in url}
    assert outlines == {"ara-communes-42-ign2018"}, outlines
    expect(carte.locator(".leaflet-control-attribution")).to_contain_text("IGN – ADMIN EXPRESS 2018")
    # No coordinates in degrees for citizens: the precision in words, the degrees for advisers.
    expect(page.locator(".point__position")).to_contain_text("Position sur la carte")
    expect(page.locator(".point__technical")).not_to_have_attribute("open", "")
    assert screenshot("lieu-petite-carte-360x800").stat().st_size > 5000


def test_a_2019_record_shows_its_source_and_the_notice_of_old_information(
    live_server, page, screenshot, axe_violations
):
    """A record from the State's 2019 directory that no one has checked since: the page says where
    it comes from, and warns that it is more than a year old."""
    source = "Annuaire de l'administration (DILA), données exportées en 2019, Licence Ouverte"
    cio = StructureFactory(
        name="CIO de Vienne", network_slug="cio", source=source, source_date=date(2019, 10, 22), last_verified_on=None
    )
    point = ReceptionPointFactory(
        structure=cio, name="CIO de Vienne", commune_insee="38544", address="1 rue Victor-Hugo",
        phone="04 74 85 00 00", source=source, source_date=date(2019, 10, 22), last_verified_on=None,
    )  # fmt: skip
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + point.get_absolute_url())
    notice = page.get_by_text("Ces informations datent de plus d'un an : appelez avant de vous déplacer.")
    expect(notice).to_be_visible()
    # The notice comes before the address and hours: seen before anyone sets off.
    assert notice.bounding_box()["y"] < page.get_by_role("heading", name="Adresse").bounding_box()["y"]
    expect(page.locator(".point__verified")).to_have_text(f"Source : {source}, données de 2019, non vérifiées depuis.")
    screenshot("lieu-source-2019-360x800")
    count, report = axe_violations()
    assert count == 0, report


def test_on_a_phone_a_point_page_opens_on_its_status_and_its_call_button(live_server, page, point):
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + point.get_absolute_url())
    status = page.locator(".point__opening")
    call = page.get_by_role("link", name="Appeler le 04 65 71 00 07")
    go = page.get_by_role("link", name=re.compile("^Y aller"))
    for element in (status, call, go):
        expect(element).to_be_in_viewport()
    expect(call).to_have_attribute("href", "tel:+33465710007")
    for action in (call, go):
        box = action.bounding_box()
        assert box["height"] >= 44, box
        assert box["y"] + box["height"] <= 812, box
    # Before the address, the hours and the rest: what a person needs first.
    assert call.bounding_box()["y"] < page.get_by_role("heading", name="Horaires d'ouverture").bounding_box()["y"]

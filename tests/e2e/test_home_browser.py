import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.structures.factories import ReceptionPointFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def some_points():
    ReceptionPointFactory(commune_insee="42218", is_demo=True)
    ReceptionPointFactory(commune_insee="69123")
    ReceptionPointFactory(commune_insee="43157")


@pytest.mark.parametrize(("size", "name"), [(PHONE, "home-360x800"), (DESKTOP, "home-1280x800")])
def test_home_page_in_chromium(live_server, page, some_points, screenshot, axe_violations, size, name):
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/")

    expect(page).to_have_title("Annuaire du Service public régional de l'orientation — Auvergne-Rhône-Alpes")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Où vous faire conseiller gratuitement sur votre orientation ?"
    )
    figures = page.locator(".key-figure")
    expect(figures).to_have_count(4)
    expect(figures.nth(1)).to_contain_text("3")
    expect(figures.nth(1)).to_contain_text("lieux d'accueil")
    expect(page.get_by_role("note")).to_contain_text("Site de démonstration")
    # Nothing wider than the screen: no horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert screenshot(name).stat().st_size > 5000

    count, report = axe_violations()
    assert count == 0, report


def test_skip_link_is_the_first_stop_of_the_keyboard(live_server, page, some_points):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Aller au contenu")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

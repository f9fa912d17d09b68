"""« Quelle structure pour moi ? » and the content pages in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def mission_locale():
    structure = StructureFactory(name="Mission Locale de test", network_slug="mission-locale")
    ReceptionPointFactory(structure=structure, name="Mission Locale — Saint-Étienne", commune_insee="42218")


def choose_with_keyboard(page, label):
    """Tab to the radio group, move with the arrow keys to `label`, then Tab to the button and press Enter."""
    target = page.get_by_label(label, exact=True)
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    for _ in range(12):
        if target.evaluate("radio => radio === document.activeElement"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(target).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("button[type=submit]")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def tick_with_keyboard(page, *labels):
    """Tab to each box of `labels` in turn and tick it with Space, then Tab to the button and press Enter."""
    for label in labels:
        target = page.get_by_label(label, exact=True)
        for _ in range(30):
            page.keyboard.press("Tab")
            if target.evaluate("box => box === document.activeElement"):
                break
        page.keyboard.press("Space")
        expect(target).to_be_checked()
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_helper_with_the_keyboard_only_and_without_javascript(live_server, browser, mission_locale, screenshot):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{live_server.url}/quelle-structure/")
    expect(page.get_by_text("Question 1 sur 3")).to_be_visible()
    tick_with_keyboard(page, "J'ai quitté l'école ou mes études")
    expect(page.get_by_text("Question 2 sur 3")).to_be_visible()
    choose_with_keyboard(page, "De 16 à 25 ans")
    expect(page.get_by_text("Question 3 sur 3")).to_be_visible()
    # Back to the previous question: the answer is kept.
    page.get_by_role("link", name="Revenir à la question précédente").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_label("De 16 à 25 ans", exact=True)).to_be_checked()
    page.get_by_role("button", name="Question suivante").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    choose_with_keyboard(page, "Trouver un emploi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les structures qui peuvent vous aider")
    expect(page.get_by_role("link", name="Mission Locale", exact=True)).to_be_visible()
    page.get_by_label(re.compile("Votre commune ou votre code postal")).focus()
    page.keyboard.type("42000")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Mission Locale — Saint-Étienne")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert screenshot("quelle-structure-resultat-360x800", page).stat().st_size > 5000
    assert context.cookies() == []
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["avec-javascript", "sans-javascript"])
def test_a_disabled_employee_gives_both_situations_and_gets_both_networks(live_server, browser, screenshot, javascript):
    ReceptionPointFactory(
        name="Cap emploi — Saint-Étienne", commune_insee="42218", structure__network_slug="cap-emploi"
    )
    ReceptionPointFactory(
        name="Avenir Actifs — Saint-Étienne", commune_insee="42218", structure__network_slug="avenir-actifs"
    )
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(f"{live_server.url}/quelle-structure/")
    expect(page.get_by_text("Cochez tout ce qui vous correspond")).to_be_visible()
    tick_with_keyboard(
        page, "Je suis salarié d'une entreprise ou d'une association", "Je suis en situation de handicap"
    )
    choose_with_keyboard(page, "De 26 à 49 ans")
    choose_with_keyboard(page, "Changer de métier")
    answers = page.locator(".helper__summary")
    expect(answers).to_contain_text(
        "Je suis salarié d'une entreprise ou d'une association ; Je suis en situation de handicap"
    )
    advice = page.locator(".helper__recommendations")
    expect(advice.get_by_role("heading", level=3)).to_have_text(
        ["Avenir Actifs (CIBC)", "Cap Emploi", "Tout lieu du Service public régional de l'orientation"]
    )
    expect(advice).to_contain_text("conseil en évolution professionnelle (CEP)")
    expect(advice).to_contain_text("pour garder leur emploi (aménagement du poste)")
    page.get_by_label(re.compile("Votre commune ou votre code postal")).fill("42000")
    with page.expect_navigation():
        page.get_by_label(re.compile("Votre commune ou votre code postal")).press("Enter")
    expect(page.get_by_role("link", name="Cap emploi — Saint-Étienne")).to_be_visible()
    expect(page.get_by_role("link", name="Avenir Actifs — Saint-Étienne")).to_be_visible()
    screenshot(f"quelle-structure-deux-situations-375x812-{'js' if javascript else 'sans-js'}", page)
    context.close()


@pytest.mark.parametrize(
    "url",
    [
        "/quelle-structure/",
        "/quelle-structure/?situation=salarie-prive&situation=handicap&age=26-49&besoin=emploi&etape=4&q=42000",
        "/quelle-structure/?situation=eleve&etape=2",
        "/quelle-structure/?situation=eleve&age=moins-de-16&etape=3",
        "/quelle-structure/?situation=eleve&age=moins-de-16&besoin=informer&etape=4&q=42000",
        "/quelle-structure/?situation=eleve&etape=3",
        "/le-spro/",
        "/reseaux/",
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/mise-a-jour-des-donnees/",
        "/donnees/",
    ],
)
def test_helper_screens_and_content_pages_are_accessible(live_server, page, mission_locale, axe_violations, url):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    count, report = axe_violations()
    assert count == 0, report


def test_around_me_keeps_the_answers(live_server, browser, mission_locale):
    context = browser.new_context(
        geolocation={"latitude": 45.4241, "longitude": 4.36647}, permissions=["geolocation"], locale="fr-FR"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/quelle-structure/?situation=jeune-sorti-ecole&age=16-25&besoin=emploi&etape=4")
    with page.expect_navigation():
        page.get_by_role("button", name="Autour de moi").click()
    expect(page).to_have_url(re.compile(r"situation=jeune-sorti-ecole.*lat=45\.424&lon=4\.366"))
    expect(page.get_by_role("link", name="Mission Locale — Saint-Étienne")).to_be_visible()
    context.close()

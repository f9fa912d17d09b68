"""Audit of every page type in a real Chromium, under the production Content-Security-Policy:
axe-core (WCAG 2.2 A and AA) with zero violations, no horizontal scrolling at 320 px wide nor at
200 % zoom, nothing blocked by the CSP, a visible focus on every stop of the keyboard, no cookie.
The results are summed up on /accessibilite/."""

from datetime import time

import pytest
from django.conf import settings

from structures.models import OpeningHours
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

# Width of a small phone, as WCAG 1.4.10 (reflow) asks; and 1280 px at 200 % zoom, i.e. 640 CSS px.
NARROW = {"width": 320, "height": 640}
ZOOMED = {"width": 640, "height": 400}
# Records what the CSP blocks, from the page's first script on.
CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def point():
    structure = StructureFactory(
        name="Mission Locale du Forez", network_slug="mission-locale", publics=["jeunes-16-25"], levels=[1, 2]
    )
    point = ReceptionPointFactory(
        structure=structure,
        name="Mission Locale du Forez — Montbrison",
        commune_insee="42147",
        address="2 rue de la Préfecture",
        phone="04 65 71 00 07",
        is_demo=True,
    )
    for day in range(5):
        OpeningHours.objects.create(point=point, weekday=day, opens=time(9), closes=time(17))
    ReceptionPointFactory(name="CIO de Montbrison", commune_insee="42147", structure__network_slug="cio")
    return point


PAGES = {
    "accueil": lambda p: "/",
    "résultats": lambda p: "/recherche/?q=Montbrison",
    "résultats filtrés": lambda p: "/recherche/?q=Montbrison&public=jeunes-16-25&sans_rdv=1&ouvert=1",
    "sans résultat proche": lambda p: "/recherche/?q=Aurillac&rayon=5",
    "recherche en erreur": lambda p: "/recherche/?q=Montbrison&rayon=abc",
    "lieu": lambda p: p.get_absolute_url(),
    "signaler une erreur": lambda p: f"/lieux/{p.slug}/signaler/",
    "signalement envoyé": lambda p: f"/lieux/{p.slug}/signaler/merci/",
    "structure": lambda p: p.structure.get_absolute_url(),
    "réseau": lambda p: f"/reseaux/{p.structure.network.slug}/",
    "réseaux": lambda p: "/reseaux/",
    "quelle structure, question": lambda p: "/quelle-structure/",
    "quelle structure, résultat": lambda p: (
        "/quelle-structure/?situation=jeune-sorti-ecole&age=16-25&besoin=emploi&etape=4&q=42147"
    ),
    "le SPRO": lambda p: "/le-spro/",
    "accessibilité": lambda p: "/accessibilite/",
    "mentions légales": lambda p: "/mentions-legales/",
    "données personnelles": lambda p: "/donnees-personnelles/",
    "mise à jour des données": lambda p: "/mise-a-jour-des-donnees/",
    "données ouvertes": lambda p: "/donnees/",
    "page introuvable": lambda p: "/lieux/inconnu/",
    "administration, connexion": lambda p: f"/{settings.ADMIN_URL}login/",
}


def open_page(page, url, size):
    page.set_viewport_size(size)
    page.add_init_script(CSP_WATCH)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    return response


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("name", PAGES)
def test_every_page_type_is_accessible_fits_small_screens_and_respects_the_csp(
    live_server, page, point, axe_violations, name
):
    url = live_server.url + PAGES[name](point)
    response = open_page(page, url, NARROW)
    assert response.status in (200, 400, 404)
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert no_horizontal_scroll(page), f"défilement horizontal à 320 px : {name}"
    count, report = axe_violations()
    assert count == 0, report
    assert page.evaluate("window.__cspViolations") == []
    open_page(page, url, ZOOMED)
    assert no_horizontal_scroll(page), f"défilement horizontal à 200 % : {name}"
    assert page.evaluate("window.__cspViolations") == []
    assert page.context.cookies() == [] or name.startswith("administration")


FOCUS_STYLE = """
() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {tag: element.tagName, text: (element.innerText || element.value || "").slice(0, 40),
          visible: outline || style.boxShadow !== "none"};
}
"""


@pytest.mark.parametrize("name", ["accueil", "résultats", "lieu", "structure", "quelle structure, question"])
def test_every_keyboard_stop_shows_where_the_focus_is(live_server, page, point, name):
    open_page(page, live_server.url + PAGES[name](point), NARROW)
    stops = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["tag"] == "BODY":
            break
        stops.append(focused)
    assert len(stops) >= 5
    assert [stop for stop in stops if not stop["visible"]] == []

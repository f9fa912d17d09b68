"""Names put in sentences by the public pages read as French writes them (structures.text), and
distances are shown only where they mean something."""

import html

import pytest
from django.urls import reverse

from tests.page_text import page_text
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_a_search_around_le_puy_says_du_puy(client):
    ReceptionPointFactory(name="Point Information Jeunesse", commune_insee="43157")
    page = page_text(client.get(reverse("annuaire:search"), {"q": "Le Puy-en-Velay"}))
    assert "Lieux d'accueil près du Puy-en-Velay (43000)" in page
    assert "à moins de 20 km du Puy-en-Velay (43000)" in page
    assert "de Le Puy" not in page
    assert "près de Le" not in page


def test_a_search_around_a_commune_starting_with_a_vowel_elides(client):
    ReceptionPointFactory(commune_insee="43268")
    page = page_text(client.get(reverse("annuaire:search"), {"q": "Yssingeaux"}))
    assert "Lieux d'accueil près d'Yssingeaux (43200)" in page
    assert "à moins de 20 km d'Yssingeaux (43200)" in page


def test_a_point_page_says_au_puy_and_pres_du_puy(client):
    point = ReceptionPointFactory(name="Point Information Jeunesse", commune_insee="43157")
    response = client.get(point.get_absolute_url())
    page, source = page_text(response), html.unescape(response.content.decode())
    assert "Autres lieux d'accueil près du Puy-en-Velay" in page
    # The page's description, for search engines and shared links.
    assert 'content="Mission Locale au Puy-en-Velay : adresse, horaires' in source
    assert "à Le Puy" not in source


def test_the_link_to_a_place_elides_before_a_vowel(client):
    structure = StructureFactory(name="Avenir Actifs", network_slug="avenir-actifs")
    ReceptionPointFactory(structure=structure, name="Avenir Actifs Saint-Étienne", commune_insee="42218")
    page = page_text(client.get(reverse("annuaire:search"), {"q": "Saint-Étienne"}))
    assert "Voir la fiche d'Avenir Actifs Saint-Étienne" in page
    assert "de Avenir" not in page


def test_a_department_search_lists_by_commune_without_distances(client):
    for insee in ("15014", "15187", "15138"):  # Aurillac, Saint-Flour, Murat
        ReceptionPointFactory(commune_insee=insee)
    response = client.get(reverse("annuaire:search"), {"q": "Cantal"})
    page = page_text(response)
    assert "3 lieux d'accueil dans le Cantal (15), par commune" in page
    assert "result__distance" not in response.content.decode()
    assert "à moins de" not in page
    communes = [row.point.commune.name for row in response.context["outcome"].rows]
    assert communes == ["Aurillac", "Murat", "Saint-Flour"]
    # The open data says the same: no distance from the prefecture.
    api = client.get(reverse("annuaire:api-points"), {"q": "Cantal"}).json()
    assert [result["distance_km"] for result in api["results"]] == [None, None, None]


def test_acronyms_are_expanded_where_a_citizen_meets_them(client):
    structure = StructureFactory(name="CIO de Saint-Étienne", network_slug="cio")
    ReceptionPointFactory(structure=structure, name="CIO de Saint-Étienne", commune_insee="42218")
    page = page_text(client.get(reverse("annuaire:search"), {"q": "Saint-Étienne"}))
    assert "Centre d'information et d'orientation (CIO) · Site principal" in page


@pytest.mark.parametrize(
    ("network", "expected"),
    [
        ("cio", '<abbr title="Centre d&#x27;information et d&#x27;orientation">CIO</abbr>'),
        ("apec", '<abbr title="Association pour l&#x27;emploi des cadres">Apec</abbr>'),
        ("cma", '<abbr title="Chambre de métiers et de l&#x27;artisanat">CMA</abbr>'),
        ("france-travail", "France Travail"),
        ("avenir-actifs", "Avenir Actifs"),
    ],
)
def test_a_repeated_acronym_says_what_it_stands_for(network, expected):
    from annuaire.templatetags.annuaire import network_abbr
    from structures.models import Network

    assert network_abbr(Network.objects.get(slug=network)) == expected

from html import unescape

import pytest
from django.urls import reverse

from tests.page_text import page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "heading", "facts"),
    [
        (
            "spro",
            "Le Service public régional de l'orientation",
            [
                "gratuit",
                "Deux niveaux de service",
                "Trois cercles de membres",
                "Neutralité",
                "Anonymat",
                "Confidentialité",
                "Qualité",
            ],
        ),
        ("networks", "Les réseaux membres du SPRO", ["Mission Locale", "Cap Emploi", "Cercle 3"]),
        (
            "accessibility",
            "Déclaration d'accessibilité",
            ["Cet annuaire est non conforme", "RGAA", "Signaler une erreur", "Défenseur des droits"],
        ),
        ("legal", "Mentions légales", ["Région Auvergne-Rhône-Alpes", "Hébergement"]),
        (
            "privacy",
            "Données personnelles",
            ["Pas de cookie", "Pas de compte", "Journaux du serveur", "n'est pas enregistrée"],
        ),
        ("data", "Comment les données sont tenues à jour", ["dernière vérification", "Signaler une erreur"]),
    ],  # fmt: skip
)
def test_content_pages(client, name, heading, facts):
    response = client.get(reverse(f"annuaire:{name}"))
    html = " ".join(unescape(response.content.decode()).split())
    assert response.status_code == 200
    assert f'<h1 class="page-title">{heading}</h1>' in html
    for fact in facts:
        assert fact in html, fact
    assert not response.cookies


def test_every_page_links_to_the_content_pages(client):
    html = client.get("/").content.decode()
    for name in ("spro", "networks", "helper", "accessibility", "legal", "privacy", "data"):
        assert f'href="{reverse(f"annuaire:{name}")}"' in html, name


def test_hosting_notice_comes_from_settings(client, settings):
    settings.HOSTING_NOTICE = "Hébergé par l'exploitant de test."
    assert "Hébergé par l&#x27;exploitant de test." in client.get(reverse("annuaire:legal")).content.decode()


def text_and_source(client, name):
    """A page's text as read, and its HTML."""
    response = client.get(reverse(f"annuaire:{name}"))
    return page_text(response), response.content.decode()


# Each setting read in a test of its own: the page cache keeps a page for the installation's settings.
def test_a_demonstration_names_no_publication_director(client, settings):
    settings.PUBLICATION_DIRECTOR = ""
    text, _ = text_and_source(client, "legal")
    assert "Direction de la publication Installation de démonstration : la personne responsable" in text


def test_the_legal_notice_names_the_publication_director(client, settings):
    settings.PUBLICATION_DIRECTOR = "Le président du Conseil régional d’Auvergne-Rhône-Alpes"
    text, _ = text_and_source(client, "legal")
    assert "Direction de la publication Le président du Conseil régional d’Auvergne-Rhône-Alpes" in text
    assert "la personne responsable de la publication sera nommée ici" not in text


def test_the_accessibility_statement_of_a_demonstration_gives_a_postal_contact_and_the_plan(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = ""
    text, source = text_and_source(client, "accessibility")
    assert (
        "Par courrier : Région Auvergne-Rhône-Alpes, Service public régional de l'orientation, "
        "1 esplanade François Mitterrand, CS 20033, 69269 Lyon Cedex 02." in text
    )
    assert "mailto:" not in source
    assert "Installation de démonstration : l'adresse électronique de contact sera indiquée ici" in text
    # The anonymous form is not offered as the way to get an answer.
    assert "il est anonyme et ne permet pas de vous répondre" in text
    assert "Schéma pluriannuel de mise en accessibilité 2027-2029" in text
    assert "Actions de l'année 2026" in text


def test_the_accessibility_statement_gives_the_configured_address(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "accessibilite-annuaire@region.example"
    text, source = text_and_source(client, "accessibility")
    assert 'href="mailto:accessibilite-annuaire@region.example"' in source
    assert "Par courriel : accessibilite-annuaire@region.example" in text
    assert "Installation de démonstration" not in text

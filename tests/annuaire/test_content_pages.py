from html import unescape

import pytest
from django.urls import reverse

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

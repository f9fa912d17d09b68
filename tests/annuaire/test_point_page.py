import re
from datetime import time
from html import unescape

import pytest
from django.urls import reverse

from annuaire.views import SIBLINGS_SHOWN
from structures.models import OpeningHours
from tests.page_text import page_text
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_point_page_gives_what_is_needed_to_go_or_call(client):
    point = ReceptionPointFactory(
        name="CIO de Saint-Étienne",
        address="12 rue de la République",
        phone="04 65 71 00 42",
        structure__network_slug="cio",
    )
    OpeningHours.objects.create(point=point, weekday=1, opens=time(9), closes=time(12), note="Sans rendez-vous")
    response = client.get(reverse("annuaire:point", args=[point.slug]))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<h1>CIO de Saint-Étienne</h1>" in html
    assert "12 rue de la République" in html
    assert 'href="tel:+33465710042"' in html
    assert "9 h 00 – 12 h 00" in html
    assert "Sans rendez-vous" in html
    text = " ".join(html.split())
    assert "Membre du Service public régional de l'orientation, cercle 1 : Un service public de l'État" in text
    assert "Un service public de l'État, gratuit, qui informe et oriente" in text


@pytest.mark.parametrize(
    "hidden",
    [
        lambda: ReceptionPointFactory(is_published=False),
        lambda: ReceptionPointFactory(structure=StructureFactory(unpublished=True)),
        lambda: ReceptionPointFactory(structure=StructureFactory(label_expired=True)),
    ],
)
def test_hidden_points_are_not_found(client, hidden):
    point = hidden()
    assert client.get(reverse("annuaire:point", args=[point.slug])).status_code == 404


def test_unknown_point_is_not_found(client):
    assert client.get("/lieux/nulle-part/").status_code == 404


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2025-01-01", "1er janvier 2025"), ("2026-11-23", "23 novembre 2026"), (None, "")],
)
def test_dates_are_written_in_french(day, expected):
    from datetime import date

    from annuaire.templatetags.annuaire import date_fr

    assert date_fr(date.fromisoformat(day) if day else None) == expected


def test_current_and_coming_closures_are_shown_with_their_dates(client):
    from datetime import date, timedelta

    from django.utils import timezone

    from tests.structures.factories import ClosureFactory

    point = ReceptionPointFactory()
    today = timezone.localdate()
    ClosureFactory(point=point, starts_on=today - timedelta(days=30), ends_on=today - timedelta(days=20),
                   message="Fermeture passée.")  # fmt: skip
    ClosureFactory(
        point=point, starts_on=date(2099, 12, 24), ends_on=date(2099, 12, 31), message="Fermé pour les fêtes."
    )
    html = " ".join(unescape(client.get(reverse("annuaire:point", args=[point.slug])).content.decode()).split())
    assert "Fermeture passée." not in html
    assert "Du 24 décembre 2099 au 31 décembre 2099 : Fermé pour les fêtes." in html


@pytest.mark.parametrize(("count", "expected"), [(0, "lieu"), (1, "lieu"), (2, "lieux"), (1141, "lieux")])
def test_french_plural(count, expected):
    from annuaire.templatetags.annuaire import plural_fr

    assert plural_fr(count, "lieu,lieux") == expected


def test_a_point_page_puts_what_a_person_needs_first(client):
    """Open or not, call, go; then the hours, how one is received, who for; nearby partners before
    the structure's long list of places, which stays folded behind its count."""
    structure = StructureFactory(name="Mission Locale Rhône Sud", network_slug="mission-locale")
    point = ReceptionPointFactory(
        structure=structure, name="Mission Locale — Givors", commune_insee="69091", phone="04 65 71 00 42"
    )
    for index in range(3):
        ReceptionPointFactory(structure=structure, name=f"Permanence n° {index}", commune_insee="69091")
    ReceptionPointFactory(name="CIO de Givors", commune_insee="69091", structure__network_slug="cio")
    text = page_text(client.get(reverse("annuaire:point", args=[point.slug])))
    order = [
        "Mission Locale — Givors",
        "Appeler le 04 65 71 00 42",
        "Y aller : itinéraire (OpenStreetMap)",
        "Adresse",
        "Horaires d'ouverture",
        "Comment vous êtes accueilli",
        "Pour qui, pour quoi ?",
        "Autres structures à proximité",
        "CIO de Givors",
        "3 autres lieux d'accueil de la Mission Locale Rhône Sud — voir la liste",
        "Permanence n° 0",
        "Imprimer la fiche",
    ]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    html = client.get(reverse("annuaire:point", args=[point.slug])).content.decode()
    assert re.search(r'<details class="point__siblings no-print">\s*<summary>', html)
    assert '<button class="action js-print" type="button" hidden>' in html


def test_a_big_structure_s_other_places_are_counted_and_the_rest_on_its_page(client, settings):
    structure = StructureFactory(name="CIBC de test", network_slug="avenir-actifs")
    point = ReceptionPointFactory(structure=structure, name="Accueil principal")
    for index in range(SIBLINGS_SHOWN + 2):
        ReceptionPointFactory(structure=structure, name=f"Permanence n° {index:02d}")
    response = client.get(reverse("annuaire:point", args=[point.slug]))
    text = page_text(response)
    assert f"{SIBLINGS_SHOWN + 2} autres lieux d'accueil de CIBC de test — voir la liste" in text
    assert len(response.context["siblings"]) == SIBLINGS_SHOWN
    assert f"Voir les {SIBLINGS_SHOWN + 2} lieux sur la page de CIBC de test" in text

"""Point, structure and network pages; what search engines read."""

import json
import re
from datetime import date, time
from html import unescape

import pytest
from django.urls import reverse

from structures.enums import LabelStatus, Recurrence
from structures.models import OpeningHours
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def point():
    structure = StructureFactory(
        name="Mission Locale du Forez", network_slug="mission-locale", publics=["jeunes-16-25"], levels=[1, 2]
    )
    structure.competence_communes.add("42147", "42005")
    point = ReceptionPointFactory(
        structure=structure,
        name="Mission Locale du Forez — Montbrison",
        commune_insee="42147",
        address="2 rue de la Préfecture",
        phone="04 65 71 00 07",
        email="accueil@demo.example",
    )
    OpeningHours.objects.create(point=point, weekday=0, opens=time(9), closes=time(12))
    OpeningHours.objects.create(
        point=point, weekday=2, opens=time(14), closes=time(17), recurrence=Recurrence.FIRST_AND_THIRD
    )
    ReceptionPointFactory(structure=structure, name="Permanence de Boën", commune_insee="42022", kind="permanence",
                          host_name="Mairie de Boën-sur-Lignon")  # fmt: skip
    ReceptionPointFactory(name="CIO de Montbrison", commune_insee="42147", structure__network_slug="cio")
    return point


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_point_page_structured_data(client, point):
    html = client.get(point.get_absolute_url()).content.decode()
    data = json_ld(html)
    assert data["@type"] == "GovernmentOffice"
    assert data["name"] == "Mission Locale du Forez — Montbrison"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "2 rue de la Préfecture",
        "postalCode": "42600",
        "addressLocality": "Montbrison",
        "addressRegion": "Auvergne-Rhône-Alpes",
        "addressCountry": "FR",
    }
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": point.latitude, "longitude": point.longitude}
    assert data["telephone"] == "+33465710007"
    # Only weekly slots: « 1er et 3e mercredi » has no schema.org equivalent.
    assert data["openingHoursSpecification"] == [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Monday", "opens": "09:00",
         "closes": "12:00"}
    ]  # fmt: skip


def test_point_page_for_advisers_and_search_engines(client, point):
    html = unescape(client.get(point.get_absolute_url()).content.decode())
    assert f'<link rel="canonical" href="http://testserver/lieux/{point.slug}/">' in html
    assert '<meta property="og:title" content="Mission Locale du Forez — Montbrison">' in html
    assert "Jeunes de 16 à 25 ans" in html
    assert "Niveau 2 — Conseil et accompagnement personnalisé" in html
    assert "Permanence de Boën" in html  # the structure's other point
    assert "CIO de Montbrison" in html  # another structure nearby
    assert 'href="geo:' in html
    assert "(1er et 3e du mois)" in html
    assert "<svg" in html  # the QR code for the printed page
    assert reverse("annuaire:report-error", args=[point.slug]) in html


def test_point_page_sql_budget(client, point, django_assert_max_num_queries):
    # 10, and 5 for its structure's area of competence (departments, intercommunalities, communes
    # named and taken out, the resulting communes).
    with django_assert_max_num_queries(15):
        assert client.get(point.get_absolute_url()).status_code == 200


def test_structure_page(client, point):
    html = unescape(client.get(point.structure.get_absolute_url()).content.decode())
    assert "<h1>Mission Locale du Forez</h1>" in html
    assert "Ses 2 lieux d'accueil" in html
    assert "Compétente pour 2 communes." in html
    assert "Les 2 communes de son secteur" in html
    assert "Montbrison" in html
    assert "Cercle 2" in html


def test_labelled_structure_shows_its_label(client):
    structure = StructureFactory(
        name="MIFE de test", network_slug="mife", label_status=LabelStatus.GRANTED,
        label_start=date(2025, 1, 1), label_end=date(2099, 12, 31),
    )  # fmt: skip
    text = " ".join(unescape(client.get(structure.get_absolute_url()).content.decode()).split())
    assert "Structure labellisée par la Région Auvergne-Rhône-Alpes du 1er janvier 2025 au 31 décembre 2099." in text


def test_network_page_counts_points_by_department(client, point):
    response = client.get(reverse("annuaire:network", args=["mission-locale"]))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "2 lieux d'accueil dans la région" in html
    assert "Loire (42)" in html
    assert "/recherche/?q=42&amp;reseau=mission-locale" in response.content.decode()


@pytest.mark.parametrize(
    "make",
    [
        lambda: StructureFactory(unpublished=True),
        lambda: StructureFactory(label_expired=True),
        lambda: StructureFactory(network_slug="cidff", label_status=LabelStatus.WITHDRAWN),
    ],
)
def test_hidden_structures_and_their_points_are_not_found(client, make):
    structure = make()
    point = ReceptionPointFactory(structure=structure)
    assert client.get(structure.get_absolute_url()).status_code == 404
    assert client.get(point.get_absolute_url()).status_code == 404
    sitemap = client.get(reverse("annuaire:sitemap")).content.decode()
    assert structure.slug not in sitemap
    assert point.slug not in sitemap


def test_not_found_page_is_in_french(client):
    response = client.get("/structures/inconnue/")
    assert response.status_code == 404
    assert "Cette page n'existe pas, ou plus" in unescape(response.content.decode())


def test_sitemap_lists_public_pages(client, point):
    hidden = ReceptionPointFactory(is_published=False)
    sitemap = client.get(reverse("annuaire:sitemap")).content.decode()
    assert f"http://testserver/lieux/{point.slug}/" in sitemap
    assert f"http://testserver/structures/{point.structure.slug}/" in sitemap
    assert "http://testserver/reseaux/mission-locale/" in sitemap
    assert hidden.slug not in sitemap


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Disallow: /api/",
        "Allow: /",
        "Sitemap: http://testserver/sitemap.xml",
    ]


@pytest.mark.parametrize(
    "url",
    [
        lambda p: "/",
        lambda p: "/recherche/?q=42000",
        lambda p: p.get_absolute_url(),
        lambda p: p.structure.get_absolute_url(),
        lambda p: reverse("annuaire:network", args=["cio"]),
        lambda p: reverse("annuaire:report-error", args=[p.slug]),
        lambda p: "/api/v1/lieux?q=42000",
    ],
)
def test_public_pages_set_no_cookie(client, point, url):
    response = client.get(url(point))
    assert response.status_code == 200
    assert not response.cookies


def test_structure_page_maps_its_points(client, point):
    html = client.get(point.structure.get_absolute_url()).content.decode()
    assert f'data-geojson-url="/carte/lieux.geojson?structure={point.structure.slug}"' in html
    data = client.get(reverse("annuaire:map-points"), {"structure": point.structure.slug}).json()
    assert sorted(f["properties"]["name"] for f in data["features"]) == [
        "Mission Locale du Forez — Montbrison",
        "Permanence de Boën",
    ]


def test_map_markers_say_their_network_and_whether_the_position_is_approximate(client, point):
    point.geo_precision = "exact"
    point.save()
    data = client.get(reverse("annuaire:map-points"), {"structure": point.structure.slug}).json()
    properties = {f["properties"]["name"]: f["properties"] for f in data["features"]}
    assert properties["Mission Locale du Forez — Montbrison"]["approximate"] is False
    assert properties["Permanence de Boën"]["approximate"] is True
    assert {p["network_id"] for p in properties.values()} == {"mission-locale"}
    html = client.get(point.structure.get_absolute_url()).content.decode()
    assert "un anneau : le centre de sa commune (position approximative)" in html

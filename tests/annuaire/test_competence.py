"""« Votre Mission Locale »: the structure competent for the person's commune, found from its area
of competence (departments, intercommunalities, communes, minus those taken out), first in the
search and marked, on the commune page and its API twin, in the helper and the open data."""

import pytest
from django.urls import reverse

from annuaire.competence import competence_for
from structures.models import Commune, Structure
from tests.annuaire.api_helpers import json_body
from tests.page_text import page_text
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

VIENNE, ESTRABLIN = "38544", "38157"  # both in the CA Vienne Condrieu
VIENNE_CONDRIEU = "200077014"
SAINT_FONS = "69199"  # Métropole de Lyon


def mission_locale(name, **area):
    structure = StructureFactory(name=name, slug=name.lower().replace(" ", "-"), network_slug="mission-locale")
    for relation, values in area.items():
        getattr(structure, relation).add(*values)
    return structure


@pytest.fixture
def border():
    """Vienne's own Mission Locale has its place in Estrablin (7 km); another one, covering the
    Métropole de Lyon, has a place in Vienne itself: the nearest point is not the competent one."""
    own = mission_locale("ML Rhodanienne", competence_epcis=[VIENNE_CONDRIEU])
    other = mission_locale("ML Lyon Sud", competence_epcis=[Commune.objects.get(pk=SAINT_FONS).epci_id])
    own_point = ReceptionPointFactory(structure=own, name="ML Rhodanienne — Estrablin", commune_insee=ESTRABLIN)
    other_point = ReceptionPointFactory(structure=other, name="ML Lyon Sud — antenne de Vienne", commune_insee=VIENNE)
    return own, other, own_point, other_point


def test_an_intercommunality_expands_to_its_communes_minus_those_taken_out():
    structure = mission_locale("ML Rhodanienne", competence_epcis=[VIENNE_CONDRIEU], excluded_communes=[ESTRABLIN])
    communes = set(structure.area_communes().values_list("pk", flat=True))
    members = set(Commune.objects.filter(epci_id=VIENNE_CONDRIEU).values_list("pk", flat=True))
    assert len(members) > 20
    assert communes == members - {ESTRABLIN}
    competent = Structure.objects.competent_for
    assert list(competent(VIENNE)) == [structure]
    assert list(competent(ESTRABLIN)) == []
    assert list(competent(SAINT_FONS)) == []


def test_departments_and_communes_named_one_by_one_count_too():
    chamber = StructureFactory(network_slug="cma")
    chamber.competence_departments.add("38")
    town = mission_locale("ML de Lyon", competence_communes=["69123"])
    assert list(Structure.objects.competent_for(VIENNE)) == [chamber]
    # An arrondissement of Lyon goes with Lyon.
    assert list(Structure.objects.competent_for("69383")) == [town]


def test_the_competent_mission_locale_comes_first_and_is_marked(client, border):
    own, other, own_point, other_point = border
    response = client.get(reverse("annuaire:search"), {"q": "Vienne", "reseau": "mission-locale"})
    rows = response.context["outcome"].rows
    assert [row.point for row in rows] == [own_point, other_point]
    assert [row.badge for row in rows] == ["Votre Mission Locale", ""]
    assert rows[0].distance_km > rows[1].distance_km
    text = page_text(response)
    assert text.index("ML Rhodanienne — Estrablin") < text.index("ML Lyon Sud — antenne de Vienne")
    assert "Votre Mission Locale" in text
    assert (
        "Cette Mission Locale couvre d'autres communes que Vienne : appelez-la pour savoir si elle peut vous recevoir."
        in text
    )
    assert "Qui est compétent pour Vienne ?" in text
    # From the list, the other one's page says it too.
    page = page_text(client.get(f"{other_point.get_absolute_url()}?commune={VIENNE}"))
    assert "Cette Mission Locale couvre d'autres communes que Vienne" in page
    assert "Cette Mission Locale couvre" not in page_text(
        client.get(f"{own_point.get_absolute_url()}?commune={VIENNE}")
    )


def test_without_a_network_filter_competent_points_still_come_first(client, border):
    own, other, own_point, other_point = border
    info = ReceptionPointFactory(structure=StructureFactory(network_slug="info-jeunes"), commune_insee=VIENNE)
    rows = client.get(reverse("annuaire:search"), {"q": "Vienne"}).context["outcome"].rows
    assert rows[0].point == own_point
    assert {row.point for row in rows[1:]} == {other_point, info}
    assert [row.competent for row in rows if row.point == info] == [None]


def test_a_position_is_read_through_its_commune(client, border):
    own, other, own_point, other_point = border
    vienne = Commune.objects.get(pk=VIENNE)
    rows = (
        client.get(reverse("annuaire:search"), {"lat": vienne.latitude + 0.001, "lon": vienne.longitude})
        .context["outcome"]
        .rows
    )
    assert rows[0].point == own_point
    assert rows[0].badge == "Votre Mission Locale"


def test_the_filter_keeps_only_competent_structures(client, border):
    own, other, own_point, other_point = border
    response = client.get(reverse("annuaire:search"), {"q": "Vienne", "competent": "1"})
    assert [row.point for row in response.context["outcome"].rows] == [own_point]
    api = json_body(client.get(reverse("annuaire:api-points"), {"q": "Vienne", "competent": "1"}))
    assert [result["id"] for result in api["results"]] == [own_point.slug]
    refused = client.get(reverse("annuaire:api-points"), {"departement": "38", "competent": "1"})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        "Pour ne garder que les structures compétentes pour votre commune, indiquez votre commune."
    ]


def test_the_api_says_whether_each_point_is_competent_for_the_place(client, border):
    own, other, own_point, other_point = border
    info = ReceptionPointFactory(structure=StructureFactory(network_slug="info-jeunes"), commune_insee=VIENNE)
    results = json_body(client.get(reverse("annuaire:api-points"), {"q": "Vienne"}))["results"]
    verdicts = {result["id"]: result["competent_for_place"] for result in results}
    assert verdicts == {own_point.slug: True, other_point.slug: False, info.slug: None}
    listing = json_body(client.get(reverse("annuaire:api-points")))["results"]
    assert {result["competent_for_place"] for result in listing} == {None}


def test_the_commune_page_and_its_api_twin(client, border):
    own, other, own_point, other_point = border
    chamber = StructureFactory(name="Chambre de métiers de l'Isère", network_slug="cma", phone="04 65 71 00 01")
    chamber.competence_departments.add("38")
    text = page_text(client.get(reverse("annuaire:commune", args=[VIENNE])))
    assert "Qui est compétent pour Vienne ?" in text
    assert "Lieu le plus proche : ML Rhodanienne — Estrablin, 38780 Estrablin (à 6,8 km du centre de Vienne)." in text
    assert "Chambre de métiers de l'Isère" in text
    assert "Aucun lieu d'accueil publié pour le moment." in text  # the chamber has no place
    assert "ML Lyon Sud" not in text
    data = json_body(client.get(reverse("annuaire:api-commune-competences", args=[VIENNE])))
    assert data["commune"]["insee_code"] == VIENNE
    rows = {row["structure_id"]: row for row in data["results"]}
    assert set(rows) == {own.slug, chamber.slug}
    assert rows[own.slug]["point_id"] == own_point.slug
    assert rows[own.slug]["territory"] == "commune"
    assert 5 < rows[own.slug]["distance_km"] < 10
    assert rows[chamber.slug]["point_id"] is None
    assert rows[chamber.slug]["phone"] == "04 65 71 00 01"


@pytest.mark.parametrize("code", ["99999", "75056", "abc", "69383"])
def test_an_unknown_commune_gets_a_french_404(client, code):
    response = client.get(reverse("annuaire:commune", args=[code]))
    assert response.status_code == 404
    api = client.get(reverse("annuaire:api-commune-competences", args=[code]))
    assert api.status_code == 404
    assert api.json()["error"].startswith("Aucune commune de la région n'a le code INSEE")


def test_the_commune_pages_are_in_the_sitemap(client):
    assert f"/communes/{VIENNE}/" in client.get("/sitemap.xml").content.decode()


def test_the_helper_names_the_competent_mission_locale(client, border):
    params = {"situation": "jeune-sorti-ecole", "age": "16-25", "besoin": "emploi", "q": "Vienne"}
    response = client.get(reverse("annuaire:helper"), {**params, "etape": "4"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Pour Vienne : ML Rhodanienne." in text
    assert "votre commune dépend de cette structure" in text


def test_the_structure_page_says_its_area(client, border):
    own, *_ = border
    text = page_text(client.get(own.get_absolute_url()))
    assert "Compétente pour l'intercommunalité CA Vienne Condrieu." in text
    count = Commune.objects.filter(epci_id=VIENNE_CONDRIEU).count()
    assert f"Les {count} communes de son secteur" in text


def test_data_inclusion_eligibility_is_the_area(client, border):
    own, other, own_point, other_point = border
    services = json_body(client.get(reverse("annuaire:api-di-services")))
    zones = {service["id"].split("--")[1]: service["zone_eligibilite"] for service in services}
    assert zones[own_point.slug] == [VIENNE_CONDRIEU]


def test_competence_costs_one_query_then_none_for_the_same_data(
    border, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from annuaire.places import resolve

    resolution = resolve("Vienne")
    with django_assert_num_queries(1):
        competence = competence_for(resolution.commune, resolution.serial)
    assert [structure.name for structure in competence.structures] == ["ML Rhodanienne"]
    with django_assert_num_queries(0):
        again = competence_for(resolution.commune, resolution.serial)
    assert [structure.name for structure in again.structures] == ["ML Rhodanienne"]
    # A change of the data is seen at once: the key holds the data version.
    with django_capture_on_commit_callbacks(execute=True):
        border[1].competence_epcis.add(VIENNE_CONDRIEU)
    resolution = resolve("Vienne")
    names = [structure.name for structure in competence_for(resolution.commune, resolution.serial).structures]
    assert names == ["ML Lyon Sud", "ML Rhodanienne"]


def test_where_places_are_many_the_competent_ones_still_come_first_on_every_page(client, border):
    """More than 200 places in the circle: the competent ones are found in small circles first."""
    own, other, own_point, other_point = border
    for n in range(205):
        ReceptionPointFactory(structure=other, name=f"ML Lyon Sud — lieu {n}", commune_insee=VIENNE)
    more_own = [
        ReceptionPointFactory(structure=own, name=f"ML Rhodanienne — lieu {n}", commune_insee=commune)
        for n, commune in enumerate(["38087", "38487"])  # Chasse-sur-Rhône, Seyssuel
    ]
    params = {"q": "Vienne", "reseau": "mission-locale"}
    first_page = client.get(reverse("annuaire:search"), params).context["outcome"]
    assert first_page.count_capped
    rows = first_page.rows
    competent = [row.point for row in rows if row.competent]
    assert set(competent) == {own_point, *more_own}
    assert [row.competent for row in rows[:3]] == [True, True, True]
    assert rows[0].distance_km <= rows[1].distance_km <= rows[2].distance_km
    second = client.get(reverse("annuaire:search"), {**params, "page": "2"}).context["outcome"].rows
    assert not {row.point for row in second} & {row.point for row in rows}
    assert not any(row.competent for row in second)


def test_a_full_page_of_competent_places_then_the_others(client, border):
    own, other, own_point, other_point = border
    for n in range(200):
        ReceptionPointFactory(structure=other, name=f"ML Lyon Sud — lieu {n}", commune_insee=VIENNE)
    for n in range(24):
        ReceptionPointFactory(structure=own, name=f"ML Rhodanienne — lieu {n}", commune_insee=ESTRABLIN)
    params = {"q": "Vienne", "reseau": "mission-locale"}
    pages = [client.get(reverse("annuaire:search"), {**params, "page": page}).context["outcome"] for page in (1, 2)]
    first, second = pages[0].rows, pages[1].rows
    assert pages[0].count_capped
    assert len(first) == len(second) == 20
    assert all(row.competent for row in first)
    assert [row.competent for row in second] == [True] * 5 + [False] * 15
    assert not {row.point for row in first} & {row.point for row in second}
    assert [row.distance_km for row in second[5:]] == sorted(row.distance_km for row in second[5:])


def test_a_structure_whose_area_is_not_recorded_is_not_said_to_cover_other_communes(client, border):
    own, other, own_point, other_point = border
    unknown = ReceptionPointFactory(structure=StructureFactory(network_slug="cio"), commune_insee=VIENNE)
    outcome = client.get(reverse("annuaire:search"), {"q": "Vienne"}).context["outcome"]
    verdicts = {row.point: row.competent for row in outcome.rows}
    assert verdicts == {own_point: True, other_point: False, unknown: None}

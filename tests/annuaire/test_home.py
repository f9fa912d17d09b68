import pytest
from django.urls import reverse

from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db


def figure(html, label):
    """The number shown just before a figure's label, as a citizen reads it."""
    before_label = html.split(f'<span class="key-figure__label">{label}</span>')[0]
    return before_label.rsplit('<span class="key-figure__value">', 1)[1].split("</span>")[0]


def test_home_shows_figures_computed_from_published_data(client):
    saint_etienne = StructureFactory(network_slug="mission-locale")
    ReceptionPointFactory.create_batch(2, structure=saint_etienne, commune_insee="42218")
    ReceptionPointFactory(structure=saint_etienne, commune_insee="69123")
    ReceptionPointFactory(commune_insee="43157")
    # Not public: an unpublished point, a draft structure, a circle-3 structure whose label expired.
    ReceptionPointFactory(structure=saint_etienne, is_published=False, commune_insee="01053")
    ReceptionPointFactory(structure=StructureFactory(unpublished=True), commune_insee="03190")
    ReceptionPointFactory(structure=StructureFactory(label_expired=True), commune_insee="07186")

    response = client.get(reverse("annuaire:home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert figure(html, "structures membres") == "2"
    assert figure(html, "lieux d'accueil") == "4"
    assert figure(html, "communes avec au moins un lieu d'accueil") == "3"
    assert figure(html, "départements") == "3"
    assert '<html lang="fr">' in html
    assert "Service public régional de l'orientation" in html


def test_large_figures_use_french_digit_grouping(client, django_db_blocker):
    from structures.demo.writer import load_demo_data

    load_demo_data()
    html = client.get(reverse("annuaire:home")).content.decode()
    value = figure(html, "lieux d'accueil")
    assert len(value) == 5
    assert value[1] == "\xa0"


def test_demo_banner_only_with_demo_data(client, django_capture_on_commit_callbacks):
    ReceptionPointFactory()
    assert "Site de démonstration" not in client.get("/").content.decode()
    # The cached answer is cleared when the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        ReceptionPointFactory(is_demo=True)
    assert "Site de démonstration" in client.get("/").content.decode()


def test_home_query_count_does_not_depend_on_data(client, django_assert_max_num_queries):
    ReceptionPointFactory.create_batch(5)
    with django_assert_max_num_queries(6):
        client.get("/")

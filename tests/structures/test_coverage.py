"""The dashboard lists the communes that no structure of a network with sectors covers, and those
that two cover; the structure form counts, lists and maps the communes of its area."""

import re
from html import unescape

import pytest
from django.urls import reverse

from structures.coverage import coverage
from structures.models import Commune, Network
from tests.page_text import page_text
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

VIENNE_CONDRIEU, VIENNE = "200077014", "38544"


@pytest.fixture
def missions():
    rhodanienne = StructureFactory(name="ML Rhodanienne", network_slug="mission-locale")
    rhodanienne.competence_epcis.add(VIENNE_CONDRIEU)
    vienne = StructureFactory(name="ML de Vienne", network_slug="mission-locale")
    vienne.competence_communes.add(VIENNE)
    return rhodanienne, vienne


def test_uncovered_and_twice_covered_communes(missions):
    rhodanienne, vienne = missions
    result = coverage(Network.objects.get(slug="mission-locale"))
    members = Commune.objects.filter(epci_id=VIENNE_CONDRIEU).count()
    region = Commune.objects.filter(kind="commune").count()
    assert len(result.uncovered) == region - members
    assert [(commune.pk, [s.name for s in structures]) for commune, structures in result.twice] == [
        (VIENNE, ["ML Rhodanienne", "ML de Vienne"])
    ]
    vienne.excluded_communes.add(VIENNE)  # a commune named and taken out is not covered by it
    assert coverage(Network.objects.get(slug="mission-locale")).twice == []


def test_the_dashboard_shows_them(admin_client, missions):
    page = page_text(admin_client.get(reverse("admin-dashboard")))
    members = Commune.objects.filter(epci_id=VIENNE_CONDRIEU).count()
    region = Commune.objects.filter(kind="commune").count()
    assert f"{region - members} communes sans Mission Locale" in page
    assert "1 commune couverte deux fois ou plus" in page
    assert "Vienne (38) : ML Rhodanienne, ML de Vienne" in page


def test_the_structure_form_counts_and_maps_its_communes(admin_client, missions):
    rhodanienne, _ = missions
    response = admin_client.get(reverse("admin:structures_structure_change", args=[rhodanienne.pk]))
    members = Commune.objects.filter(epci_id=VIENNE_CONDRIEU).count()
    html = response.content.decode()
    assert f"{members} communes" in page_text(response)
    assert 'class="js-area-map admin-area-map"' in html
    assert "Estrablin" in unescape(re.search(r'data-communes="([^"]+)"', html)[1])
    assert "/static/js/admin_area_map.js" in html

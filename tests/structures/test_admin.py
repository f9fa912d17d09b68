import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from structures.models import Closure, Commune, OpeningHours, ReceptionPoint, Structure
from tests.structures.factories import (
    ClosureFactory,
    OpeningHoursFactory,
    ReceptionPointFactory,
    bulk_points,
    week_fields,
)

pytestmark = pytest.mark.django_db

MODELS = ["department", "commune", "public", "servicelevel", "network", "structure", "receptionpoint",
          "openinghours", "closure"]  # fmt: skip


@pytest.fixture
def data():
    point = ReceptionPointFactory(name="CIO de Saint-Étienne", commune_insee="42218")
    OpeningHoursFactory(point=point)
    ClosureFactory(point=point)
    return point


@pytest.mark.parametrize("model", MODELS)
def test_every_model_is_listed_searched_and_has_french_titles(admin_client, data, model):
    url = reverse(f"admin:structures_{model}_changelist")
    response = admin_client.get(url, {"q": "saint"})
    assert response.status_code == 200
    assert escape(response.context["cl"].model._meta.verbose_name) in response.content.decode()


@pytest.mark.parametrize("query", ["st etienne", "SAINT-ÉTIENNE", "saint etienne"])
def test_commune_search_ignores_accents_and_abbreviations(admin_client, query):
    response = admin_client.get(reverse("admin:structures_commune_changelist"), {"q": query})
    assert Commune.objects.get(insee_code="42218") in response.context["cl"].result_list


def test_point_search_and_filters(admin_client, data):
    ReceptionPointFactory(name="Mission Locale de Lyon", commune_insee="69123")
    url = reverse("admin:structures_receptionpoint_changelist")
    response = admin_client.get(url, {"q": "cio st etienne"})
    assert list(response.context["cl"].result_list) == [data]
    response = admin_client.get(url, {"commune__department__code__exact": "69"})
    assert [p.name for p in response.context["cl"].result_list] == ["Mission Locale de Lyon"]
    response = admin_client.get(url, {"structure__network__circle__exact": "2", "is_published__exact": "1"})
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize(
    ("model", "get_object"),
    [
        ("structure", lambda point: point.structure),
        ("receptionpoint", lambda point: point),
        ("openinghours", lambda point: OpeningHours.objects.get(point=point)),
        ("closure", lambda point: Closure.objects.get(point=point)),
    ],
)
def test_change_pages_open(admin_client, data, model, get_object):
    response = admin_client.get(reverse(f"admin:structures_{model}_change", args=[get_object(data).pk]))
    assert response.status_code == 200


def test_admin_shows_clean_errors_in_french(admin_client, data):
    structure = data.structure
    url = reverse("admin:structures_receptionpoint_add")
    response = admin_client.post(
        url,
        {
            "structure": structure.pk,
            "name": "Permanence test",
            "slug": "permanence-test",
            "kind": "permanence",
            "postal_code": "69001",
            "commune": "42218",
            "latitude": "45.43",
            "longitude": "4.39",
            "geo_precision": "commune",
            "accessibility": "unknown",
            "on_site": "on",
            "walk_in": "on",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le code postal 69001 ne correspond pas à la commune Saint-Étienne" in html
    assert "Indiquez où se tient la permanence" in html
    assert not ReceptionPoint.objects.filter(slug="permanence-test").exists()
    assert Structure.objects.count() == 1


def point_form(structure, kind="main", slots=()):
    return {
        "structure": structure.pk,
        "name": "Lieu de test",
        "slug": "lieu-de-test-admin",
        "kind": kind,
        "host_name": "Mairie de Saint-Étienne",
        "postal_code": "42000",
        "commune": "42218",
        "latitude": "45.4241",
        "longitude": "4.36647",
        "geo_precision": "commune",
        "accessibility": "unknown",
        "on_site": "on",
        "walk_in": "on",
        "closures-TOTAL_FORMS": "0",
        "closures-INITIAL_FORMS": "0",
        **week_fields(slots),
    }


@pytest.mark.parametrize(
    ("kind", "slots", "message"),
    [
        (
            "main",
            [(0, "09:00", "12:00", "weekly"), (0, "11:30", "17:00", "weekly")],
            "Deux créneaux du lundi se chevauchent : 09:00–12:00 et 11:30–17:00.",
        ),
        (
            "main",
            [(2, "09:00", "12:00", "first_third"), (2, "10:00", "11:00", "weekly")],
            "Deux créneaux du mercredi se chevauchent : 09:00–12:00 et 10:00–11:00.",
        ),
        ("permanence", [], "Une permanence doit avoir au moins un créneau : indiquez quand elle se tient."),
        (
            "main",
            [(1, "17:00", "09:00", "weekly")],
            "Mardi, plage 1 : l&#x27;heure d&#x27;ouverture doit précéder l&#x27;heure de fermeture.",
        ),
    ],
)
def test_hour_rules_in_the_admin_form(admin_client, data, kind, slots, message):
    response = admin_client.post(
        reverse("admin:structures_receptionpoint_add"), point_form(data.structure, kind, slots)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReceptionPoint.objects.filter(slug="lieu-de-test-admin").exists()


def test_slots_of_different_weeks_may_share_hours(admin_client, data):
    slots = [(2, "09:00", "12:00", "first_third"), (2, "09:00", "12:00", "second_fourth")]
    response = admin_client.post(
        reverse("admin:structures_receptionpoint_add"), point_form(data.structure, "main", slots)
    )
    assert response.status_code == 302
    assert ReceptionPoint.objects.get(slug="lieu-de-test-admin").opening_hours.count() == 2


def test_counts_are_grouped_the_french_way(admin_client):
    """« 1 001 lieux d'accueil », not « 1001 » (with a no-break space, as French typography has it)."""
    bulk_points("groupes", [(45.75 + n / 10000, 4.85) for n in range(1001)])
    changelist = admin_client.get(reverse("admin:structures_receptionpoint_changelist")).content.decode()
    assert re.search(r"1\xa0001\s+lieux d&#x27;accueil", changelist)
    dashboard = admin_client.get(reverse("admin-dashboard")).content.decode()
    assert ">1\xa0001<" in dashboard
    assert ">1001<" not in dashboard

"""Every record says where its information comes from and when it was last checked, in words; a
record no one has checked for a year says so on its public page."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from structures.models import ReceptionPoint, Structure
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

DILA = "Annuaire de l'administration (DILA), Licence Ouverte"
NOTICE = "Ces informations datent de plus d'un an : appelez avant de vous déplacer."


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        (
            {"is_demo": True, "source": DILA, "last_verified_on": date(2026, 3, 12)},
            "Donnée de démonstration fictive : ne vous déplacez pas et n'appelez pas sur la foi de cette fiche.",
        ),
        (
            # A real record of the demo data set: its source, not « fictive ».
            {"is_demo": True, "source": DILA, "source_date": date(2019, 10, 22), "last_verified_on": None},
            f"Source : {DILA}, données de 2019, non vérifiées depuis.",
        ),
        (
            {"source": DILA, "last_verified_on": date(2026, 3, 12)},
            f"Source : {DILA}. Vérifiée par la Région le 12 mars 2026.",
        ),
        (
            {"source": "", "last_verified_on": date(2026, 3, 1)},
            "Source non renseignée. Vérifiée par la Région le 1er mars 2026.",
        ),
        (
            {"source": DILA, "source_date": date(2019, 10, 22), "last_verified_on": None},
            f"Source : {DILA}, données de 2019, non vérifiées depuis.",
        ),
        ({"source": DILA, "last_verified_on": None}, f"Source : {DILA}, non vérifiée par la Région."),
        ({"source": "", "last_verified_on": None}, "Source non renseignée, non vérifiée par la Région."),
    ],
)
def test_the_provenance_in_words(fields, sentence):
    assert ReceptionPoint(**fields).provenance == sentence
    assert Structure(**fields).provenance == sentence


def test_stale_is_one_rule_for_the_pages_and_the_lists():
    fresh = ReceptionPointFactory(last_verified_on=days_ago(364))
    old = ReceptionPointFactory(last_verified_on=days_ago(366))
    never = ReceptionPointFactory(last_verified_on=None)
    assert (fresh.is_stale, old.is_stale, never.is_stale) == (False, True, True)
    assert set(ReceptionPoint.objects.stale()) == {old, never}


def test_a_2019_record_never_checked_says_so_on_its_page(client):
    point = ReceptionPointFactory(
        name="CIO de Vienne",
        commune_insee="38544",
        source=DILA,
        source_date=date(2019, 10, 22),
        last_verified_on=None,
        structure=StructureFactory(source=DILA, source_date=date(2019, 10, 22), last_verified_on=None),
    )
    html = client.get(point.get_absolute_url()).content.decode()
    assert NOTICE in html
    assert escape(f"Source : {DILA}, données de 2019, non vérifiées depuis.") in html
    structure_html = client.get(reverse("annuaire:structure", args=[point.structure.slug])).content.decode()
    assert NOTICE in structure_html


def test_a_record_checked_this_year_has_no_notice(client):
    point = ReceptionPointFactory(source=DILA, last_verified_on=days_ago(30))
    html = client.get(point.get_absolute_url()).content.decode()
    assert NOTICE not in html
    assert "Vérifiée par la Région le" in html


def test_a_demo_record_says_it_is_fictional_rather_than_old(client):
    point = ReceptionPointFactory(is_demo=True, last_verified_on=None)
    html = client.get(point.get_absolute_url()).content.decode()
    assert NOTICE not in html
    assert "Donnée de démonstration fictive" in html


def test_the_api_carries_source_source_date_and_last_verified_on(client):
    point = ReceptionPointFactory(source=DILA, source_date=date(2019, 10, 22), last_verified_on=date(2026, 3, 12))
    data = client.get(reverse("annuaire:api-point", args=[point.slug])).json()
    assert (data["source"], data["source_date"], data["last_verified_on"]) == (DILA, "2019-10-22", "2026-03-12")


def test_the_form_offers_verified_in_one_step_when_editing_only(admin_client):
    point = ReceptionPointFactory(last_verified_on=None)
    change = admin_client.get(reverse("admin:structures_receptionpoint_change", args=[point.pk])).content.decode()
    assert 'name="_verifiee"' in change
    assert "dernière vérification : jamais" in change
    add = admin_client.get(reverse("admin:structures_receptionpoint_add")).content.decode()
    assert "_verifiee" not in add
    structure = admin_client.get(reverse("admin:structures_structure_change", args=[point.structure.pk]))
    assert 'name="_verifiee"' in structure.content.decode()

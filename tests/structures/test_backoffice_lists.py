"""Back office lists: label, staleness and completeness filters, actions, dashboard."""

from datetime import time, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from structures.enums import Accessibility, GeoPrecision, LabelStatus
from structures.models import OpeningHours, ReceptionPoint, Structure
from structures.roles import EDITORS, READERS
from tests.structures.factories import ErrorReportFactory, ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db
POINTS = "admin:structures_receptionpoint_changelist"
STRUCTURES = "admin:structures_structure_changelist"


def listed(admin_client, url_name, **params):
    return {obj.name for obj in admin_client.get(reverse(url_name), params).context["cl"].result_list}


def labelled(name, days_left):
    today = timezone.localdate()
    return StructureFactory(
        name=name, network_slug="cidff", label_status=LabelStatus.GRANTED,
        label_start=today - timedelta(days=400), label_end=today + timedelta(days=days_left),
    )  # fmt: skip


def test_label_filter(admin_client):
    labelled("Valide", 61)
    labelled("Bientôt", 60)
    labelled("Dernier jour", 0)
    labelled("Expiré hier", -1)
    StructureFactory(name="Retiré", network_slug="mife", label_status=LabelStatus.WITHDRAWN)
    StructureFactory(name="Mission Locale", network_slug="mission-locale")
    assert listed(admin_client, STRUCTURES, label="valide") == {"Valide"}
    assert listed(admin_client, STRUCTURES, label="expire-bientot") == {"Bientôt", "Dernier jour"}
    assert listed(admin_client, STRUCTURES, label="expire") == {"Expiré hier", "Retiré"}
    assert listed(admin_client, STRUCTURES, label="sans-objet") == {"Mission Locale"}


def test_label_expiry_hides_the_structure_the_day_after_its_end_date(monkeypatch):
    structure = labelled("Label", 0)
    ReceptionPointFactory(structure=structure)
    assert ReceptionPoint.objects.published().count() == 1
    tomorrow = timezone.now() + timedelta(days=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: tomorrow)
    assert ReceptionPoint.objects.published().count() == 0
    assert not Structure.objects.published().exists()


def test_staleness_and_completeness_filters(admin_client):
    today = timezone.localdate()
    complete = ReceptionPointFactory(name="Complet", phone="04 65 71 00 01", geo_precision=GeoPrecision.EXACT,
                                     last_verified_on=today)  # fmt: skip
    OpeningHours.objects.create(point=complete, weekday=0, opens=time(9), closes=time(12))
    ReceptionPointFactory(name="Ancien", phone="04 65 71 00 02", geo_precision=GeoPrecision.EXACT,
                          last_verified_on=today - timedelta(days=366), hours=[(0, "09:00", "12:00")])  # fmt: skip
    ReceptionPointFactory(name="Sans téléphone", last_verified_on=today, geo_precision=GeoPrecision.EXACT,
                          hours=[(0, "09:00", "12:00")])  # fmt: skip
    ReceptionPointFactory(name="Accessibilité inconnue", phone="04 65 71 00 03", accessibility=Accessibility.UNKNOWN,
                          geo_precision=GeoPrecision.EXACT, last_verified_on=today, hours=[(0, "09:00", "12:00")])  # fmt: skip
    assert listed(admin_client, POINTS, verification="ancienne") == {"Ancien"}
    assert listed(admin_client, POINTS, completude="sans-telephone") == {"Sans téléphone"}
    assert listed(admin_client, POINTS, completude="sans-horaires") == set()
    assert listed(admin_client, POINTS, completude="sans-accessibilite") == {"Accessibilité inconnue"}
    assert listed(admin_client, POINTS, completude="incomplet") == {"Sans téléphone", "Accessibilité inconnue"}


def post_action(client, url_name, action, objects):
    return client.post(
        reverse(url_name), {"action": action, "_selected_action": [obj.pk for obj in objects]}, follow=True
    )


def test_mark_verified_records_the_date_and_who(client):
    editor = User.objects.create_user("editeur", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(editor)
    point = ReceptionPointFactory(last_verified_on=None)
    response = post_action(client, POINTS, "mark_verified", [point])
    assert "1 fiche(s) marquée(s) comme vérifiée(s) aujourd&#x27;hui." in response.content.decode()
    point.refresh_from_db()
    assert (point.last_verified_on, point.last_verified_by) == (timezone.localdate(), editor)
    assert point.history.first().history_user == editor


def test_publish_unpublish_and_duplicate(admin_client):
    point = ReceptionPointFactory(name="CIO de Vienne", is_published=True, hours=[(1, "09:00", "12:00")],
                                  publics=["scolaires"])  # fmt: skip
    post_action(admin_client, POINTS, "unpublish_points", [point])
    point.refresh_from_db()
    assert not point.is_published
    post_action(admin_client, POINTS, "publish_points", [point])
    point.refresh_from_db()
    assert point.is_published
    post_action(admin_client, POINTS, "duplicate_points", [point])
    copy = ReceptionPoint.objects.get(name="CIO de Vienne (copie)")
    assert (copy.slug, copy.is_published) == (f"{point.slug}-copie", False)
    assert [(h.weekday, h.opens) for h in copy.opening_hours.all()] == [(1, time(9))]
    assert [p.slug for p in copy.publics.all()] == ["scolaires"]
    assert point.opening_hours.count() == 1
    structure = point.structure
    post_action(admin_client, STRUCTURES, "unpublish_structures", [structure])
    structure.refresh_from_db()
    assert structure.status == "draft"


def test_readers_cannot_run_actions(client):
    reader = User.objects.create_user("partenaire", is_staff=True)
    reader.groups.add(Group.objects.get(name=READERS))
    client.force_login(reader)
    point = ReceptionPointFactory(is_published=True)
    response = client.get(reverse(POINTS))
    assert response.status_code == 200
    assert "unpublish_points" not in response.content.decode()
    post_action(client, POINTS, "unpublish_points", [point])
    point.refresh_from_db()
    assert point.is_published


def test_dashboard(admin_client):
    labelled("MIFE qui expire", 10)
    ReceptionPointFactory(commune_insee="42218", phone="", last_verified_on=None)
    ReceptionPointFactory(
        commune_insee="69123", is_published=False, last_verified_on=timezone.localdate(), phone="04 65 71 00 09"
    )
    ErrorReportFactory(point__phone="04 65 71 00 08")
    response = admin_client.get(reverse("admin-dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tableau de bord de l&#x27;annuaire" in html
    attention = {label: (count, url) for label, count, url in response.context["attention"]}
    assert attention["Lieux sans téléphone"] == (1, "/admin/structures/receptionpoint/?completude=sans-telephone")
    assert attention["Lieux non vérifiés depuis plus de 12 mois"][0] == 2
    assert attention["Signalements d'erreur à traiter"][0] == 1
    assert [s.name for s in response.context["expiring"]] == ["MIFE qui expire"]
    departments = {department.code: counts for department, counts in response.context["departments"]}
    assert departments["42"]["total"] == 2  # the error report's point is in Saint-Étienne too
    assert departments["69"] == {"commune__department": "69", "total": 1, "published": 0}
    assert 'href="/admin/tableau-de-bord/"' in admin_client.get(reverse("admin:index")).content.decode()


def test_admin_list_of_all_points_at_demo_scale(admin_client, django_assert_max_num_queries):
    from structures.demo.writer import load_demo_data

    load_demo_data()
    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse(POINTS))
    assert response.context["cl"].result_count == ReceptionPoint.objects.count()


def test_place_at_commune_records_an_approximate_position(admin_client):
    point = ReceptionPointFactory(
        commune_insee="42218", latitude=45.44, longitude=4.39, geo_precision=GeoPrecision.EXACT
    )
    post_action(admin_client, POINTS, "place_at_commune", [point])
    point.refresh_from_db()
    assert (point.latitude, point.longitude, point.geo_precision) == (45.4241, 4.36647, GeoPrecision.COMMUNE)
    assert ReceptionPoint.objects.within(45.4241, 4.36647, 0.01).filter(pk=point.pk).exists()


def test_point_form_has_the_placing_map(admin_client):
    point = ReceptionPointFactory()
    html = admin_client.get(reverse("admin:structures_receptionpoint_change", args=[point.pk])).content.decode()
    assert 'class="js-admin-map"' in html
    assert "Position de la commune" in html
    assert "/static/js/admin_map.js" in html
    assert "/static/leaflet/leaflet.js" in html


def test_commune_position_by_code(client):
    data = client.get(reverse("annuaire:api-communes"), {"code": "43157"}).json()
    assert (data["results"][0]["name"], data["results"][0]["latitude"]) == ("Le Puy-en-Velay", 45.02827)
    assert client.get(reverse("annuaire:api-communes"), {"code": "99999"}).status_code == 404

"""The back office's import of the State's directory and the verification queue."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from structures.models import ReceptionPoint
from structures.roles import EDITORS, READERS
from tests.structures.factories import ReceptionPointFactory, staff_member
from tests.structures.test_dila_import import CIO, FILE, encode, service, services

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:structures_receptionpoint_dila_import")
QUEUE = reverse("admin:structures_receptionpoint_queue")


@pytest.fixture(autouse=True)
def own_import_folder(settings, tmp_path):
    settings.IMPORT_TEMP_DIR = str(tmp_path / "imports")


@pytest.fixture
def editor(client):
    client.force_login(staff_member(EDITORS, "editrice"))
    return client


def upload(client, data=None):
    data = FILE.read_bytes() if data is None else data
    return client.post(IMPORT, {"fichier": SimpleUploadedFile("annuaire.json", data, "application/json")})


def confirmation(response, accepted=()):
    """The hidden fields of the dry run's form, and the changes ticked."""
    form = response.content.decode().split('<form method="post">', 1)[1]
    fields = dict(re.findall(r'<input type="hidden" name="(fichier|empreinte|national)" value="([^"]*)"', form))
    return {**fields, "accepter": list(accepted)}


def test_the_dry_run_shows_new_records_and_saves_nothing(editor):
    response = upload(editor)
    assert response.status_code == 200
    page = response.content.decode()
    assert "4 nouveaux lieux" in page
    assert "Centre d&#x27;information et d&#x27;orientation (CIO) - Vienne" in page
    assert not ReceptionPoint.objects.filter(dila_id=CIO).exists()
    response = editor.post(IMPORT, confirmation(response))
    assert response.status_code == 302
    assert response.url == QUEUE
    assert ReceptionPoint.objects.get(dila_id=CIO).opening_hours.count() == 11
    messages = [str(message) for message in editor.get(QUEUE).context["messages"]]
    assert messages == [
        "Import enregistré : 4 lieu(x) créé(s) (dont 4 nouvelle(s) structure(s)), 0 lieu(x) mis à jour, "
        "0 modification(s) de la source non reprise(s), 0 lieu(x) signalé(s) absent(s) de la source."
    ]


def test_a_region_edit_is_shown_side_by_side_and_applied_only_when_ticked(editor):
    editor.post(IMPORT, confirmation(upload(editor)))
    point = ReceptionPoint.objects.get(dila_id=CIO)
    point.phone = "04 74 11 11 11"
    point.save()
    content = services()
    service(content, CIO)["telephone"] = [{"valeur": "04 74 99 99 99"}]
    service(content, CIO)["adresse_courriel"] = ["accueil@exemple.fr"]
    response = upload(editor, encode({"service": content}))
    page = response.content.decode()
    assert "04 74 11 11 11" in page
    assert "04 74 99 99 99" in page
    assert re.search(f'name="accepter"\\s+value="{CIO}:phone"', page)
    # The e-mail, not edited by the Region, follows the source; the phone waits for a person.
    assert "Suit la source" in page
    editor.post(IMPORT, confirmation(response, accepted=[f"{CIO}:phone"]))
    point.refresh_from_db()
    assert (point.phone, point.email) == ("04 74 99 99 99", "accueil@exemple.fr")


def test_a_plan_that_changed_since_the_dry_run_is_not_applied(editor):
    response = upload(editor)
    ReceptionPointFactory(dila_id=CIO, commune_insee="38544")  # someone links a record meanwhile
    response = editor.post(IMPORT, confirmation(response))
    assert response.status_code == 200
    assert "Les fiches ont changé depuis l&#x27;aperçu" in response.content.decode()
    assert ReceptionPoint.objects.filter(dila_id__startswith="5b2f").count() == 1


def test_a_bad_file_is_refused_on_the_page_in_french(editor):
    content = services()
    service(content, CIO)["pivot"] = [{"type_service_local": "mairie"}]
    response = upload(editor, encode({"service": content}))
    page = response.content.decode()
    assert "Le fichier n'a pas été importé" in page
    assert f"Fiche {CIO} : type « mairie » inconnu" in page
    assert not ReceptionPoint.objects.filter(dila_id__startswith="5b2f").exists()
    # A forged confirmation: a French message, nothing saved.
    response = editor.post(IMPORT, {"fichier": "../../etc/passwd", "empreinte": "0" * 64})
    assert response.status_code == 302
    assert not ReceptionPoint.objects.filter(dila_id__startswith="5b2f").exists()


def test_readers_cannot_import(client):
    client.force_login(staff_member(READERS, "lectrice"))
    assert client.get(IMPORT).status_code == 403
    assert client.get(QUEUE).status_code == 200


def test_the_queue_lists_per_department_and_network_and_brings_back_after_verification(editor):
    today = timezone.localdate()
    never = ReceptionPointFactory(name="Jamais vérifié", commune_insee="42218", last_verified_on=None)
    old = ReceptionPointFactory(
        name="Vérifié il y a longtemps", commune_insee="38544", last_verified_on=today - timedelta(days=400)
    )
    fresh = ReceptionPointFactory(
        name="Vérifié ce mois-ci", commune_insee="42218", last_verified_on=today - timedelta(days=10)
    )
    changed = ReceptionPointFactory(
        name="Modifié à la source",
        commune_insee="42218",
        last_verified_on=today - timedelta(days=10),
        source_changed_on=today,
        source_change="Import du 30 novembre 2026 ; mis à jour depuis la source : téléphone.",
    )
    listed = editor.get(QUEUE, {"departement": "42"}).context["page"].object_list
    assert set(listed) == {never, changed}
    assert set(editor.get(QUEUE).context["page"].object_list) >= {never, old, changed}
    assert fresh not in editor.get(QUEUE).context["page"].object_list
    response = editor.get(QUEUE, {"motif": "source"})
    assert list(response.context["page"].object_list) == [changed]
    page = response.content.decode()
    assert "Import du 30 novembre 2026 ; mis à jour depuis la source : téléphone." in page
    loire = next(counts for department, code, counts in response.context["departments"] if code == "42")
    assert dict(loire) == {"source": 1, "jamais": 1, "plus-d-un-an": 0}
    # Bad choices in the address: the whole queue, no error.
    assert editor.get(QUEUE, {"departement": "99", "motif": "x", "page": "abc"}).status_code == 200
    # Each opens on its form, which brings back here once verified (tests/e2e/test_dila_browser.py).
    change = reverse("admin:structures_receptionpoint_change", args=[never.pk])
    page = unquote(editor.get(QUEUE, {"departement": "42"}).content.decode())
    assert f'href="{change}?file={QUEUE}?departement=42"' in page


def test_the_dashboard_counts_the_queue(editor):
    ReceptionPointFactory(last_verified_on=None)
    response = editor.get(reverse("admin-dashboard"))
    [(label, count, url)] = [row for row in response.context["attention"] if row[2] == QUEUE]
    assert count == ReceptionPoint.objects.to_verify().count() >= 1

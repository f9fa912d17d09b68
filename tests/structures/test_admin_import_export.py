"""Import and export from the admin lists: buttons, dry-run report, confirmation, permissions."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from structures.models import ReceptionPoint
from structures.roles import EDITORS, READERS
from tests.structures.factories import ReceptionPointFactory, staff_member

pytestmark = pytest.mark.django_db

CSV_FORMAT = "0"  # first of structures.imports.FORMATS


member_of = staff_member


def points_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["identifiant", "structure", "nom", "code_postal", "commune_insee", "telephone"])
    writer.writerows(rows)
    return SimpleUploadedFile("lieux.csv", buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def upload(client, rows):
    url = reverse("admin:structures_receptionpoint_import")
    return client.post(url, {"import_file": points_csv(rows), "format": CSV_FORMAT})


def test_import_export_and_history_buttons_all_show_for_an_editor(client):
    point = ReceptionPointFactory()
    client.force_login(member_of(EDITORS, "editrice"))
    for name in ("structure", "receptionpoint", "openinghours"):
        page = client.get(reverse(f"admin:structures_{name}_changelist")).content.decode()
        assert reverse(f"admin:structures_{name}_import") in page
        assert reverse(f"admin:structures_{name}_export") in page
    # The import-export templates must not hide simple-history's « Historique » button.
    change_page = client.get(reverse("admin:structures_receptionpoint_change", args=[point.pk])).content.decode()
    assert reverse("admin:structures_receptionpoint_history", args=[point.pk]) in change_page


def test_partners_may_export_but_not_import(client):
    client.force_login(member_of(READERS, "partenaire"))
    page = client.get(reverse("admin:structures_receptionpoint_changelist")).content.decode()
    assert reverse("admin:structures_receptionpoint_export") in page
    assert reverse("admin:structures_receptionpoint_import") not in page
    assert client.get(reverse("admin:structures_receptionpoint_import")).status_code == 403


def test_a_dry_run_with_bad_rows_lists_them_and_offers_no_confirmation(client):
    point = ReceptionPointFactory(name="Nom d'origine")
    client.force_login(member_of(EDITORS, "editrice"))
    response = upload(
        client,
        [
            [point.slug, point.structure.slug, "Nom corrigé", point.postal_code, point.commune_id, ""],
            ["lieu-nouveau", "structure-inconnue", "Lieu", "42000", "42218", "04 65"],
        ],
    )
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    page = response.content.decode()
    assert "Le fichier n'a pas été importé" in page
    assert "Structure inconnue : « structure-inconnue »." in page
    problems = [(problem.line, problem.column) for problem in response.context["result"].problems]
    assert problems == [(3, "structure"), (3, "telephone")]
    point.refresh_from_db()
    assert point.name == "Nom d'origine"
    assert ReceptionPoint.objects.count() == 1


def test_a_clean_file_is_applied_only_once_confirmed_and_history_says_who(client):
    point = ReceptionPointFactory(name="Nom d'origine")
    editor = member_of(EDITORS, "editrice")
    client.force_login(editor)
    response = upload(
        client, [[point.slug, point.structure.slug, "Nom corrigé", point.postal_code, point.commune_id, ""]]
    )
    assert "1 ligne lue, aucune refusée :" in response.content.decode()
    point.refresh_from_db()
    assert point.name == "Nom d'origine"  # the dry run changed nothing
    confirm = response.context["confirm_form"]
    data = {name: confirm.initial.get(name, "") for name in confirm.fields}
    done = client.post(reverse("admin:structures_receptionpoint_process_import"), data, follow=True)
    messages = [str(message) for message in done.context["messages"]]
    assert messages == ["Importation terminée : 0 création, 1 modification, 0 suppression, 0 ligne inchangée."]
    point.refresh_from_db()
    assert point.name == "Nom corrigé"
    assert point.history.first().history_user == editor


def test_an_unreadable_file_gets_a_french_message(client):
    client.force_login(member_of(EDITORS, "editrice"))
    broken = SimpleUploadedFile("lieux.xlsx", b"ceci n'est pas un classeur", content_type="application/octet-stream")
    response = client.post(reverse("admin:structures_receptionpoint_import"), {"import_file": broken, "format": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        "Ce fichier n'a pas pu être lu : vérifiez qu'il s'agit bien d'un fichier CSV ou XLSX et que le format choisi "
        "correspond."
    ]


def test_export_from_the_admin_gives_the_documented_columns(client):
    ReceptionPointFactory(name="Lieu exporté")
    client.force_login(member_of(READERS, "partenaire"))
    url = reverse("admin:structures_receptionpoint_export")
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial not in (None, False)}
    data["format"] = CSV_FORMAT
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [row["nom"] for row in rows] == ["Lieu exporté"]
    assert list(rows[0])[:3] == ["identifiant", "structure", "nom"]


def test_the_export_page_names_each_column_as_in_the_file_with_its_meaning(client):
    client.force_login(member_of(READERS, "partenaire"))
    page = client.get(reverse("admin:structures_receptionpoint_export")).content.decode()
    start = page.index('class="js-export"')
    form = page[start : page.index("</form>", start)]
    assert "<code>code_postal</code> : Code postal" in form
    assert "<code>identifiant</code> : Identifiant d&#x27;URL" in form
    assert "Postal Code" not in form
    # The box that checks them all is labelled, hidden until the script shows it; nothing inline.
    assert '<input type="checkbox" id="export-all-columns" checked>' in form
    assert '<label for="export-all-columns">Toutes les colonnes</label>' in form
    assert not re.search(r"\son\w+=|\sstyle=", form)


def test_an_export_without_any_column_says_so_in_french(client):
    client.force_login(member_of(READERS, "partenaire"))
    url = reverse("admin:structures_receptionpoint_export")
    response = client.post(url, {"resource": "0", "format": CSV_FORMAT})
    assert response.status_code == 200
    assert "Cochez au moins une colonne à exporter." in response.content.decode()


def test_the_import_page_lists_its_columns_once_with_their_meaning(client):
    client.force_login(member_of(EDITORS, "editrice"))
    page = client.get(reverse("admin:structures_receptionpoint_import")).content.decode()
    assert "importateur" not in page
    assert "Les colonnes du fichier (" in page

"""Limits of the imports: size, rows, columns (whatever an XLSX claims), duration, temporary files;
and the rules every record obeys, by import as in the admin (phone, SIRET, verification date)."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from structures.imports import ReceptionPointResource, StructureResource
from structures.imports.files import SpreadsheetCSV, SpreadsheetXLSX
from structures.imports.limits import FileProblem, ImportFileStorage, import_folder
from structures.models import ReceptionPoint, Structure
from tests.structures.factories import ReceptionPointFactory, StructureFactory
from tests.structures.test_admin_import_export import CSV_FORMAT, member_of, points_csv
from tests.structures.test_import_export import run_import

pytestmark = pytest.mark.django_db
XLSX_FORMAT = "1"
HEADERS = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "telephone"]


@pytest.fixture
def editor_client(client):
    from structures.roles import EDITORS

    client.force_login(member_of(EDITORS, "editrice"))
    return client


@pytest.fixture(autouse=True)
def own_import_folder(settings, tmp_path):
    settings.IMPORT_TEMP_DIR = str(tmp_path / "imports")


def kept_files():
    return sorted(path.name for path in import_folder().iterdir())


def upload(client, uploaded, file_format=CSV_FORMAT):
    return client.post(
        reverse("admin:structures_receptionpoint_import"), {"import_file": uploaded, "format": file_format}
    )


def csv_bytes(rows, headers=HEADERS):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows, headers=HEADERS, claimed_dimension=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if claimed_dimension is None:
        return buffer.getvalue()
    # Rewrite the sheet's declared size, as a hostile or broken file would.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{claimed_dimension}"/>'.encode(), data)
            target.writestr(item, data)
    return out.getvalue()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(editor_client, settings, monkeypatch):
    settings.IMPORT_MAX_BYTES = 2_000
    read = []
    monkeypatch.setattr(SpreadsheetCSV, "create_dataset", lambda self, data, **kwargs: read.append(data))
    big = SimpleUploadedFile("lieux.csv", b"identifiant;nom\n" + b"x;y\n" * 1000, content_type="text/csv")
    response = upload(editor_client, big)
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        "Ce fichier est trop volumineux (0,0 Mo) : 0,0 Mo au plus. Découpez-le en plusieurs fichiers."
    ]
    assert read == []
    assert kept_files() == []


def test_the_size_message_gives_megabytes_in_french(settings):
    from structures.imports.limits import check_size

    settings.IMPORT_MAX_BYTES = 5_000_000
    with pytest.raises(FileProblem, match=r"^Ce fichier est trop volumineux \(52 Mo\) : 5,0 Mo au plus\."):
        check_size(52_000_000)


def test_a_csv_over_the_row_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 10
    with pytest.raises(FileProblem, match="plus de 10 lignes"):
        SpreadsheetCSV().create_dataset(csv_bytes([["a"] * 6] * 11))
    # Ten rows and a few trailing blank lines are fine.
    assert len(SpreadsheetCSV().create_dataset(csv_bytes([["a"] * 6] * 10) + b"\n\n\n")) == 10


def test_a_csv_with_too_many_columns_is_refused(settings):
    settings.IMPORT_MAX_COLUMNS = 8
    with pytest.raises(FileProblem, match="plus de 8 colonnes"):
        SpreadsheetCSV().create_dataset(csv_bytes([], headers=[f"c{n}" for n in range(9)]))


def test_an_xlsx_claiming_the_largest_sheet_is_read_as_what_it_holds():
    data = xlsx_bytes([["lieu-1", "s", "Lieu", "38200", "38544", ""]], claimed_dimension="A1:XFD1048576")
    dataset = SpreadsheetXLSX().create_dataset(data)
    assert dataset.headers == HEADERS
    assert len(dataset) == 1
    assert dataset[0][:3] == ("lieu-1", "s", "Lieu")


def test_an_xlsx_over_the_row_or_column_limits_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(FileProblem, match="plus de 5 lignes"):
        SpreadsheetXLSX().create_dataset(xlsx_bytes([["a"] * 6] * 6))
    settings.IMPORT_MAX_COLUMNS = 8
    with pytest.raises(FileProblem, match="plus de 8 colonnes"):
        SpreadsheetXLSX().create_dataset(xlsx_bytes([], headers=[f"c{n}" for n in range(9)]))


def test_an_xlsx_that_unpacks_to_far_more_than_its_size_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 3_000
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<" + b"a" * 1_000_000)
    with pytest.raises(FileProblem, match="trop volumineux une fois décompressé"):
        SpreadsheetXLSX().create_dataset(bomb.getvalue())


def test_an_import_past_its_time_limit_is_cancelled_whole(settings):
    structure = StructureFactory()
    settings.IMPORT_MAX_SECONDS = -1
    rows = [[f"lieu-{n}", structure.slug, f"Lieu {n}", "38200", "38544", ""] for n in range(3)]
    result = run_import(ReceptionPointResource, csv_bytes(rows), dry_run=False)
    assert [problem.message for problem in result.problems] == [
        "L'importation a été arrêtée au bout de -1 seconde, rien n'a été enregistré : "
        "découpez le fichier en fichiers plus petits."
    ]
    assert not ReceptionPoint.objects.exists()


def test_a_refused_dry_run_keeps_no_file_and_a_confirmed_one_removes_its_own(editor_client):
    point = ReceptionPointFactory(name="Nom d'origine")
    refused = upload(editor_client, points_csv([["lieu-x", "structure-inconnue", "Lieu", "42000", "42218", ""]]))
    assert "confirm_form" not in refused.context
    assert kept_files() == []
    accepted = upload(
        editor_client,
        points_csv([[point.slug, point.structure.slug, "Nom corrigé", point.postal_code, point.commune_id, ""]]),
    )
    confirm = accepted.context["confirm_form"]
    assert kept_files() == [confirm.initial["import_file_name"]]
    data = {name: confirm.initial.get(name, "") for name in confirm.fields}
    editor_client.post(reverse("admin:structures_receptionpoint_process_import"), data)
    assert kept_files() == []
    point.refresh_from_db()
    assert point.name == "Nom corrigé"


def test_old_import_files_are_purged_and_foreign_names_refused(settings):
    settings.IMPORT_FILE_MAX_AGE_SECONDS = -1
    old = ImportFileStorage()
    old.save(b"identifiant\n")
    new = ImportFileStorage()
    new.save(b"identifiant\n")
    assert kept_files() == [new.name]
    with pytest.raises(FileProblem, match="n'existe plus"):
        ImportFileStorage(name="../../etc/passwd", read_mode="rb").read()


@pytest.mark.parametrize(
    ("phone", "accepted"),
    [
        ("04 72 00 00 00", True),
        ("+33 4 72 00 00 00", True),
        ("0472000000", True),
        ("+41 22 123 45 67", False),
        ("0041 22 123 45 67", False),
        ("+32 2 123 45 67", False),
        ("04 72", False),
    ],
)
def test_only_french_phone_numbers_are_imported(phone, accepted):
    structure = StructureFactory()
    rows = [["lieu-1", structure.slug, "Lieu", "38200", "38544", phone]]
    result = run_import(ReceptionPointResource, csv_bytes(rows), dry_run=False)
    assert ReceptionPoint.objects.exists() is accepted
    if not accepted:
        assert [(problem.line, problem.column) for problem in result.problems] == [(2, "telephone")]


@pytest.mark.parametrize(
    ("siret", "accepted"),
    [
        ("", True),
        ("73282932000074", True),
        ("35600000000048", True),  # La Poste: its own checksum rule
        ("73282932000075", False),  # one digit off
        ("ABC", False),
        ("7328293200007", False),
    ],
)
def test_a_siret_must_have_a_right_checksum(siret, accepted):
    network = StructureFactory().network
    headers = ["identifiant", "nom", "reseau", "siret"]
    rows = [["structure-importee", "Structure importée", network.slug, siret]]
    result = run_import(StructureResource, csv_bytes(rows, headers=headers), dry_run=False)
    assert Structure.objects.filter(slug="structure-importee").exists() is accepted
    if not accepted:
        assert [problem.column for problem in result.problems] == ["siret"]


def test_a_verification_date_in_the_future_is_refused():
    structure = StructureFactory()
    headers = [*HEADERS, "derniere_verification"]
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    today = timezone.localdate().strftime("%d/%m/%Y")
    rows = [
        ["lieu-1", structure.slug, "Lieu", "38200", "38544", "", today],
        ["lieu-2", structure.slug, "Lieu", "38200", "38544", "", tomorrow],
    ]
    result = run_import(ReceptionPointResource, csv_bytes(rows, headers=headers), dry_run=False)
    assert [(problem.line, problem.column, problem.message) for problem in result.problems] == [
        (3, "derniere_verification", "Cette date est dans le futur : indiquez le jour où la fiche a été vérifiée.")
    ]
    assert not ReceptionPoint.objects.exists()


def test_the_dry_run_preview_shows_each_row_before_and_after(editor_client):
    point = ReceptionPointFactory(name="Nom d'origine", publics=["cadres"])
    data = csv_bytes(
        [
            [point.slug, point.structure.slug, "Nom corrigé", point.postal_code, point.commune_id, "handicap"],
            ["lieu-nouveau", point.structure.slug, "Lieu tout neuf", "38200", "38544", "jeunes-16-25"],
        ],
        headers=["identifiant", "structure", "nom", "code_postal", "commune_insee", "publics"],
    )
    response = upload(editor_client, SimpleUploadedFile("lieux.csv", data, content_type="text/csv"))
    rows = response.context["result"].rows
    assert [row.import_type for row in rows] == ["update", "new"]
    updated, created = (" ".join(row.diff) for row in rows)
    # Before and after, as import-export marks them (<del>, <ins>), many-to-many cells included.
    assert "<del" in updated
    assert "<ins" in updated
    assert "origine" in updated
    assert "corrigé" in updated
    assert "handicap" in updated
    assert "cadres" in updated
    assert "Lieu tout neuf" in created
    assert "jeunes-16-25" in created
    assert not ReceptionPoint.objects.filter(slug="lieu-nouveau").exists()
    assert "Si tout est juste, cliquez sur « Confirmer l'importation »." in response.content.decode()


def test_a_long_file_is_checked_whole_and_its_first_changes_are_shown(editor_client):
    structure = StructureFactory()
    unchanged = ReceptionPointFactory(structure=structure, name="Lieu déjà juste")
    rows = [[unchanged.slug, structure.slug, unchanged.name, unchanged.postal_code, unchanged.commune_id, ""]]
    rows += [[f"lieu-{n}", structure.slug, f"Lieu n° {n}", "38200", "38544", ""] for n in range(1, 131)]
    # A refused row after the shown ones still refuses the file.
    refused = [*rows, ["lieu-refuse", structure.slug, "Lieu refusé", "38200", "38544", "12"]]
    response = upload(editor_client, SimpleUploadedFile("lieux.csv", csv_bytes(refused), content_type="text/csv"))
    assert [(problem.line, problem.column) for problem in response.context["result"].problems] == [(133, "telephone")]
    assert "1 problème\n  sur 132 lignes" in response.content.decode()

    response = upload(editor_client, SimpleUploadedFile("lieux.csv", csv_bytes(rows), content_type="text/csv"))
    page = response.content.decode()
    assert "131 lignes lues, aucune refusée :\n  130 créations," in page
    assert "Voici les 100 premières lignes à créer ou à modifier, sur 130 :" in page
    # The table: a header row, then the first hundred rows to create, in the file's order.
    start = page.index('<table class="import-preview">')
    table = page[start : page.index("</table>", start)]
    assert table.count("<tr") == 101
    assert table.count("Création") == 100
    assert "Lieu n° 100<" in table
    assert "Lieu n° 101<" not in table
    assert "Lieu déjà juste" not in table
    assert not ReceptionPoint.objects.filter(name__startswith="Lieu n°").exists()


def test_a_file_that_changes_nothing_says_so_instead_of_a_table(editor_client):
    point = ReceptionPointFactory(name="Lieu déjà juste")
    data = csv_bytes([[point.slug, point.structure.slug, point.name, point.postal_code, point.commune_id, ""]])
    page = upload(editor_client, SimpleUploadedFile("lieux.csv", data, content_type="text/csv")).content.decode()
    assert "Aucune ligne à créer ou à modifier : le fichier correspond déjà aux données enregistrées." in page
    assert "import-preview" not in page

"""Files as staff really have them: UTF-16, a misleading byte-order mark, a title above the column
names, several sheets, a merged header; and an import page that explains its columns itself."""

import io

import openpyxl
import pytest
from django.urls import reverse

from structures.imports import ReceptionPointResource
from structures.imports.files import SpreadsheetCSV, SpreadsheetXLSX
from structures.imports.limits import FileProblem
from structures.models import ReceptionPoint
from tests.structures.factories import ReceptionPointFactory
from tests.structures.test_import_export import csv_file, run_import, xlsx_file

pytestmark = pytest.mark.django_db

HEADERS = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "latitude", "longitude"]


@pytest.fixture
def structure():
    return ReceptionPointFactory().structure


def row(structure, slug="lieu-importe", name="Lieu importé à Saint-Étienne"):
    return [slug, structure.slug, name, "42000", "42218", "45,4397", "4,3872"]


def imported_name():
    return ReceptionPoint.objects.get(slug="lieu-importe").name


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: text.encode("utf-16"), id="UTF-16 avec sa marque"),
        pytest.param(lambda text: text.encode("utf-16-le"), id="UTF-16 sans marque"),
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("cp1252"), id="marque UTF-8 sur du Windows-1252"),
    ],
)
def test_encodings_that_spreadsheets_write_are_read(structure, encode):
    text = "\t".join(HEADERS) + "\r\n" + "\t".join(row(structure)) + "\r\n"
    result = run_import(ReceptionPointResource, encode(text), dry_run=False)
    assert not result.problems, result.problems
    assert imported_name() == "Lieu importé à Saint-Étienne"


def test_a_title_above_the_column_names_is_skipped_and_lines_are_counted_in_the_file(structure):
    data = csv_file(["Lieux d'accueil de la Loire — mars 2026"], [[], HEADERS, row(structure), row(structure, "x", "")])
    result = run_import(ReceptionPointResource, data)
    # The title, an empty line, the names: the bad row is the file's line 5.
    assert [(problem.line, problem.column) for problem in result.problems] == [(5, "nom")]
    xlsx = xlsx_file(["Lieux d'accueil de la Loire"], [HEADERS, row(structure)])
    result = run_import(ReceptionPointResource, xlsx, SpreadsheetXLSX, dry_run=False)
    assert not result.problems, result.problems
    assert imported_name() == "Lieu importé à Saint-Étienne"


def workbook(*sheets, merged=None):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for values in rows:
            sheet.append(values)
        if merged:
            sheet.merge_cells(merged)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_of_several_sheets_is_refused_naming_them(structure):
    data = workbook(("Lieux", [HEADERS, row(structure)]), ("Horaires", [["lieu", "jour"], ["x", "lundi"]]))
    with pytest.raises(FileProblem) as refused:
        SpreadsheetXLSX().create_dataset(data)
    assert str(refused.value) == (
        "Ce classeur a plusieurs feuilles remplies (« Lieux », « Horaires ») : importez-en une seule par fichier "
        "(enregistrez chaque feuille dans son propre classeur, ou supprimez celles à ne pas importer)."
    )
    # An empty second sheet is no reason to refuse.
    data = workbook(("Lieux", [HEADERS, row(structure)]), ("Feuil2", []))
    assert len(SpreadsheetXLSX().create_dataset(data)) == 1


def test_a_merged_header_above_the_real_names_is_refused_not_read_as_commune_positions(structure):
    names = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "Coordonnées", None]
    below = [None, None, None, None, None, "latitude", "longitude"]
    data = workbook(("Lieux", [names, below, row(structure)]), merged="F1:G1")
    result = run_import(ReceptionPointResource, data, SpreadsheetXLSX, dry_run=False)
    assert [str(problem) for problem in result.problems] == [
        "Fichier : La ligne 2 contient des noms de colonnes (« latitude ») sous d'autres en-têtes "
        "(« coordonnees ») : sans doute une cellule fusionnée sur plusieurs colonnes. Gardez une seule "
        "ligne de noms de colonnes, un nom par colonne, sans cellule fusionnée."
    ]
    assert not ReceptionPoint.objects.filter(slug="lieu-importe").exists()


def test_the_import_page_lists_every_column_from_the_import_definitions(admin_client):
    page = admin_client.get(reverse("admin:structures_receptionpoint_import"))
    columns = {column.name: column for column in page.context["columns"]}
    assert sorted(columns) == sorted(ReceptionPointResource().column_names())
    assert list(columns)[:3] == ["identifiant", "structure", "nom"]  # the files' order
    assert columns["accessibilite"].values == (
        "« Accessible en fauteuil roulant » ; « Non accessible en fauteuil roulant » ; « Accessibilité non renseignée »"
    )
    assert columns["nom"].required
    assert not columns["telephone"].required
    assert columns["code_postal"].meaning == "Code postal"
    assert columns["sans_rdv"].values == "oui ou non"
    html = page.content.decode()
    assert "<code>precision_position</code>" in html
    assert reverse("admin:structures_receptionpoint_import_template", args=["xlsx"]) in html


@pytest.mark.parametrize(("extension", "file_format"), [("csv", SpreadsheetCSV), ("xlsx", SpreadsheetXLSX)])
def test_the_template_files_have_the_columns_and_an_example_row_that_imports(
    admin_client, structure, extension, file_format
):
    response = admin_client.get(reverse("admin:structures_receptionpoint_import_template", args=[extension]))
    assert response["Content-Disposition"] == f'attachment; filename="modele-import-lieux-daccueil.{extension}"'
    dataset = file_format().create_dataset(response.content)
    assert sorted(dataset.headers) == sorted(ReceptionPointResource().column_names())
    assert len(dataset) == 1
    result = ReceptionPointResource().import_data(dataset, dry_run=True)
    assert not result.problems, result.problems


def test_a_template_of_an_unknown_format_is_not_found(admin_client):
    assert admin_client.get(reverse("admin:structures_receptionpoint_import_template", args=["ods"])).status_code == 404

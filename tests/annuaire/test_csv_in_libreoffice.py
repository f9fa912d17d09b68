"""The CSV exports open in a real spreadsheet with their accents intact: LibreOffice (headless)
converts them to XLSX, which is read back cell by cell.

LibreOffice is Debian's `libreoffice-calc-nogui` (see tests/conftest.py: in CI its absence is a
failure; elsewhere these tests are left out and the summary says so)."""

import subprocess

import openpyxl
import pytest
from django.urls import reverse

from tests.annuaire.api_helpers import body
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


def open_in_libreoffice(tmp_path, content, import_options):
    """Convert a CSV file to XLSX with LibreOffice and return the rows of its first sheet."""
    source = tmp_path / "export.csv"
    source.write_bytes(content)
    command = [
        "soffice",
        f"-env:UserInstallation=file://{tmp_path}/profile",
        "--headless",
        "--norestore",
        f"--infilter=CSV:{import_options}",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(tmp_path),
        str(source),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    book = openpyxl.load_workbook(tmp_path / "export.xlsx", read_only=True)
    try:
        return [[cell if cell is not None else "" for cell in row] for row in book.active.iter_rows(values_only=True)]
    finally:
        # A read-only workbook keeps its file open until closed (a ResourceWarning otherwise).
        book.close()


@pytest.mark.parametrize(
    ("separator", "import_options"),
    # The separator and the quote given, as LibreOffice's import dialog shows them; the character
    # set left to LibreOffice, which reads it from the byte order mark.
    [("virgule", "44,34"), ("point-virgule", "59,34")],
)
def test_csv_opens_in_libreoffice_with_accents_intact(client, tmp_path, separator, import_options):
    structure = StructureFactory(name="Maison de l'information sur la formation et l'emploi de Vénissieux")
    point = ReceptionPointFactory(
        structure=structure,
        name="Espace « Orientation » — Saint-Étienne, Œuvre-Ça-Ère",
        commune_insee="42218",
        accessibility_details="Accès de plain-pied, boucle magnétique à l'accueil",
    )
    content = body(client.get(reverse("annuaire:api-points-csv"), {"separateur": separator}))
    rows = open_in_libreoffice(tmp_path, content, import_options)
    header, values = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:3] == ["id", "name", "kind"]
    assert values["name"] == point.name
    assert values["structure_name"] == structure.name
    assert values["commune"] == "Saint-Étienne"
    assert values["accessibility_details"] == point.accessibility_details
    # The postal code stays text-like enough to keep its digits.
    assert str(values["postal_code"]).startswith("42")

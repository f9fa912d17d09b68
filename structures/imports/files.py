"""Spreadsheet files for the import and export of the directory: CSV and XLSX, read safely.

Files come from networks' spreadsheets: CSV written by a French Excel (Windows-1252, semicolons)
or by LibreOffice (UTF-8, commas), or XLSX whose cells hold numbers and dates rather than text.
Every reader below accepts what such a file holds and refuses the rest with a French message
naming the value; every writer produces what the matching reader reads back unchanged.
"""

import codecs
import csv
import io
import itertools
import re
import unicodedata
import zipfile

import openpyxl
import tablib
from django.conf import settings
from import_export.formats import base_formats

from structures.imports.limits import FileProblem, check_size, check_width, too_many_rows

_DELIMITERS = [";", ",", "\t"]
# A cell starting with one of these is run as a formula by spreadsheets (« CSV injection »).
_FORMULA_STARTS = ("=", "+", "-", "@")
# An XLSX is a zip archive: what it holds once unpacked may be this many times the file size limit.
XLSX_UNPACKED_RATIO = 10
# Where the row of column names is looked for (title rows above it are skipped).
HEADER_SEARCH_ROWS = 10


def header_key(text):
    """« Code postal » → « code_postal »: the form in which column names are compared."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def decode(data):
    """Bytes of a CSV file → text: UTF-16 (Excel's « Texte Unicode », with or without its mark), UTF-8
    (with or without BOM), else Windows-1252 / Latin-1 (a UTF-8 mark on such a file is dropped)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data[:1000]:
        # No mark: the zero bytes of ASCII letters say which half comes first.
        return data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be", errors="replace")
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def header_row(rows):
    """The index of the row of column names among a file's first rows: a title above them (« Liste
    des lieux — mars 2026 ») fills a cell or two, the names fill most of the row."""
    first = rows[:HEADER_SEARCH_ROWS]
    counts = [sum(1 for cell in row if str(cell if cell is not None else "").strip()) for row in first]
    widest = max(counts, default=0)
    return next((index for index, count in enumerate(counts) if count and count * 2 > widest), 0)


def neutralise(cell):
    """A text cell that a spreadsheet would run as a formula gets a leading space, which the
    import strips again: the value survives an export and a re-import unchanged."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return " " + cell
    return "" if cell is None else cell


def neutralised(dataset):
    safe = tablib.Dataset(headers=dataset.headers)
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    return safe


class SpreadsheetCSV(base_formats.CSV):
    """CSV read whatever the encoding and separator a spreadsheet chose; written in UTF-8 with a
    BOM and semicolons, which a French Excel opens with accents and columns intact."""

    def is_binary(self):
        # Bytes reach create_dataset() untouched, so that the encoding can be detected there.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        check_size(len(in_stream))
        text = decode(in_stream)
        # The separator that splits the fullest of the first lines (a title line above may have none).
        first_lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
        delimiter = max(_DELIMITERS, key=lambda candidate: max(line.count(candidate) for line in first_lines))
        rows = []
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            check_width(len(row))
            rows.append(row)
            # Beyond the limit, only a few blank lines (a spreadsheet's trailing ones) are accepted.
            if len(rows) > settings.IMPORT_MAX_ROWS + 1 and (
                any(cell.strip() for cell in row) or len(rows) > 2 * settings.IMPORT_MAX_ROWS
            ):
                raise too_many_rows()
        while rows and not any(cell.strip() for cell in rows[-1]):
            rows.pop()
        dataset = tablib.Dataset()
        dataset.skipped_lines = 0
        if not rows:
            return dataset
        skipped = dataset.skipped_lines = header_row(rows)
        headers = rows[skipped]
        width = len(headers)
        dataset.headers = headers
        for line, row in enumerate(rows[skipped + 1 :], start=skipped + 2):
            if len(row) > width:
                if any(cell.strip() for cell in row[width:]):
                    raise FileProblem(
                        f"La ligne {line} a plus de cellules ({len(row)}) que la ligne d'en-tête ({width}) : "
                        "vérifiez le séparateur et les guillemets."
                    )
                row = row[:width]
            dataset.append(row + [""] * (width - len(row)))
        return dataset

    def export_data(self, dataset, **kwargs):
        if not dataset.headers:
            return "\ufeff".encode()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(dataset.headers)
        writer.writerows([neutralise(cell) for cell in row] for row in dataset)
        return ("\ufeff" + buffer.getvalue()).encode()

    def get_content_type(self):
        return "text/csv; charset=utf-8"


class SpreadsheetXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        """The first sheet, read row by row (openpyxl's read-only mode) whatever dimensions the
        file claims, within the row and column limits (structures/imports/limits.py)."""
        check_size(len(in_stream))
        # Not a zip archive: the admin says the file could not be read (structures/admin_io.py).
        with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > settings.IMPORT_MAX_BYTES * XLSX_UNPACKED_RATIO:
            raise FileProblem(
                "Ce classeur est trop volumineux une fois décompressé : découpez-le en plusieurs fichiers."
            )
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            filled = [sheet for sheet in book.worksheets if self._has_cells(sheet)]
            if len(filled) > 1:
                names = ", ".join(f"« {sheet.title} »" for sheet in filled)
                raise FileProblem(
                    f"Ce classeur a plusieurs feuilles remplies ({names}) : importez-en une seule par fichier "
                    "(enregistrez chaque feuille dans son propre classeur, ou supprimez celles à ne pas importer)."
                )
            sheet = filled[0] if filled else book.active
            # Read the cells present, not the size the file claims (« A1:XFD1048576 »).
            sheet.reset_dimensions()
            return self._read_rows(sheet.iter_rows(values_only=True))
        finally:
            book.close()

    @staticmethod
    def _has_cells(sheet):
        sheet.reset_dimensions()
        for index, row in enumerate(sheet.iter_rows(values_only=True)):
            if any(value not in (None, "") for value in row):
                return True
            if index > HEADER_SEARCH_ROWS:
                return False
        return False

    @staticmethod
    def _read_rows(rows):
        dataset = tablib.Dataset()
        rows = iter(rows)
        # The first rows, to find the row of column names under any title.
        first = [row for _, row in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
        skipped = dataset.skipped_lines = header_row(first)
        rows = itertools.chain(first[skipped:], rows)
        headers = None
        for index, row in enumerate(rows):
            check_width(len(row))
            if index > settings.IMPORT_MAX_ROWS * 10:
                raise too_many_rows()
            values = list(row)
            while values and values[-1] in (None, ""):
                values.pop()
            if headers is None:
                headers = values
                dataset.headers = headers
                continue
            if not values:
                continue
            if len(dataset) >= settings.IMPORT_MAX_ROWS:
                raise too_many_rows()
            dataset.append((values + [None] * len(headers))[: len(headers)])
        return dataset

    def export_data(self, dataset, **kwargs):
        return super().export_data(neutralised(dataset), **kwargs)


FORMATS = [SpreadsheetCSV, SpreadsheetXLSX]

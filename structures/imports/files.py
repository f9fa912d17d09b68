"""Spreadsheet files for the import and export of the directory: CSV and XLSX, read safely.

Files come from networks' spreadsheets: CSV written by a French Excel (Windows-1252, semicolons)
or by LibreOffice (UTF-8, commas), or XLSX whose cells hold numbers and dates rather than text.
Every reader below accepts what such a file holds and refuses the rest with a French message
naming the value; every writer produces what the matching reader reads back unchanged.
"""

import csv
import io
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


def header_key(text):
    """« Code postal » → « code_postal »: the form in which column names are compared."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def decode(data):
    """Bytes of a CSV file → text: UTF-8 (with or without BOM), else Windows-1252 / Latin-1."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


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
        first_line = text.split("\n", 1)[0]
        delimiter = max(_DELIMITERS, key=first_line.count)
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
        if not rows:
            return dataset
        headers = rows[0]
        width = len(headers)
        dataset.headers = headers
        for line, row in enumerate(rows[1:], start=2):
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
            sheet = book.active
            # Read the cells present, not the size the file claims (« A1:XFD1048576 »).
            sheet.reset_dimensions()
            return self._read_rows(sheet.iter_rows(values_only=True))
        finally:
            book.close()

    @staticmethod
    def _read_rows(rows):
        dataset = tablib.Dataset()
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

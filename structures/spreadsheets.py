"""Spreadsheet formats and cell readers for the import and export of the directory.

Files come from networks' spreadsheets: CSV written by a French Excel (Windows-1252, semicolons)
or by LibreOffice (UTF-8, commas), or XLSX whose cells hold numbers and dates rather than text.
Every reader below accepts what such a file holds and refuses the rest with a French message
naming the value; every writer produces what the matching reader reads back unchanged.
"""

import csv
import datetime
import io
import re
import unicodedata
import zipfile

import openpyxl
import tablib
from django.conf import settings
from import_export.formats import base_formats
from import_export.widgets import ManyToManyWidget, Widget

from structures.hours.formats import clock
from structures.import_limits import FileProblem, check_size, check_width, too_many_rows
from structures.text import normalize

LIST_SEPARATOR = ","
DATE_FORMAT = "%d/%m/%Y"
YES, NO = "oui", "non"
_TRUE = {"oui", "o", "vrai", "x", "1", "true", "yes", "y"}
_FALSE = {"non", "n", "faux", "0", "false", "no", ""}
_TIME = re.compile(r"^(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?(?::\d{2})?$")
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
        file claims, within the row and column limits (structures/import_limits.py)."""
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


# --- Cell readers ----------------------------------------------------------------------------


def cell_text(value):
    """A cell as stripped text; numbers from XLSX lose their useless « .0 »."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CodeWidget(TextWidget):
    """Postal and INSEE codes: a spreadsheet that took « 01000 » for a number gives 1000 back."""

    def __init__(self, length=5, **kwargs):
        self.length = length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return text.zfill(self.length) if text.isdigit() else text


class PhoneWidget(TextWidget):
    """A number typed in a spreadsheet loses its leading zero (472000000): it is put back."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return "0" + text if text.isdigit() and len(text) == 9 else text


class BooleanWidget(Widget):
    def __init__(self, blank=None, **kwargs):
        self.blank = blank
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = header_key(cell_text(value))
        if not text and self.blank is not None:
            return self.blank
        if text in _TRUE:
            return True
        if text in _FALSE and text:
            return False
        raise ValueError(f"« {cell_text(value)} » : écrivez « oui » ou « non ».")

    def render(self, value, obj=None, **kwargs):
        return YES if value else NO


class ChoiceWidget(Widget):
    """A controlled value, written as its French label; the stored code is accepted too."""

    def __init__(self, choices, default=None, **kwargs):
        self.choices = choices
        self.default = default
        self.by_key = {}
        for code, label in choices.choices:
            self.by_key[header_key(label)] = code
            self.by_key[header_key(str(code))] = code
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        key = header_key(cell_text(value))
        if not key and self.default is not None:
            return self.default
        try:
            return self.by_key[key]
        except KeyError:
            allowed = " ; ".join(f"« {label} »" for label in self.choices.labels)
            raise ValueError(
                f"« {cell_text(value)} » n'est pas une valeur possible. Valeurs possibles : {allowed}."
            ) from None

    def render(self, value, obj=None, **kwargs):
        return self.choices(value).label if value not in (None, "") else ""


class WeekdayWidget(ChoiceWidget):
    """Days written in lower case (« lundi »), as in a sentence."""

    def render(self, value, obj=None, **kwargs):
        return super().render(value).lower()


class DateWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for fmt in (DATE_FORMAT, "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"« {text} » n'est pas une date : écrivez-la JJ/MM/AAAA, par exemple 31/12/2026.")

    def render(self, value, obj=None, **kwargs):
        return value.strftime(DATE_FORMAT) if value else ""


class TimeWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.time()
        if isinstance(value, datetime.time):
            return value
        text = cell_text(value).lower()
        match = _TIME.match(text)
        if match:
            hours, minutes = int(match[1]), int(match[2] or 0)
            if hours < 24 and minutes < 60:
                return datetime.time(hours, minutes)
        if not text:
            raise ValueError("L'heure manque : écrivez-la HH:MM, par exemple 09:00.")
        raise ValueError(f"« {text} » n'est pas une heure : écrivez-la HH:MM, par exemple 09:00 ou 13:30.")

    def render(self, value, obj=None, **kwargs):
        return clock(value)


class DecimalDegreesWidget(Widget):
    """Latitude or longitude; a French decimal comma is accepted. Blank means « unknown »."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        text = cell_text(value).replace(",", ".").replace(" ", "")
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"« {cell_text(value)} » n'est pas un nombre décimal (par exemple 45.764).") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else repr(float(value))


class LookupWidget(Widget):
    """A related record named by a stable key (a slug, a code), looked up once per import.
    `unknown` and `missing` are the French phrases said of a bad or an empty cell."""

    def __init__(self, model, key, unknown, missing=None, queryset=None, **kwargs):
        self.model, self.key, self.unknown, self.missing = model, key, unknown, missing
        self.queryset = queryset
        self.cache = None
        Widget.__init__(self, **kwargs)

    def records(self):
        if self.cache is None:
            queryset = self.queryset if self.queryset is not None else self.model._default_manager.all()
            self.cache = {str(getattr(record, self.key)): record for record in queryset}
        return self.cache

    def find(self, text):
        record = self.records().get(text)
        if record is None:
            raise ValueError(f"{self.unknown} : « {text} ».")
        return record

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            if self.missing:
                raise ValueError(self.missing)
            return None
        return self.find(text)

    def render(self, value, obj=None, **kwargs):
        return str(getattr(value, self.key)) if value is not None else ""

    def forget(self):
        self.cache = None


class LookupListWidget(LookupWidget, ManyToManyWidget):
    """Several keys in one cell, separated by commas; written sorted so exports are stable.
    (A ManyToManyWidget, so that import-export saves it after the record and compares it.)"""

    def __init__(self, model, key, unknown, **kwargs):
        LookupWidget.__init__(self, model, key, unknown, **kwargs)

    def clean(self, value, row=None, **kwargs):
        keys = [part.strip() for part in cell_text(value).split(LIST_SEPARATOR) if part.strip()]
        records = self.records()
        unknown = [key for key in keys if key not in records]
        if unknown:
            names = ", ".join(f"« {key} »" for key in unknown)
            known = ", ".join(sorted(records)) if len(records) <= 30 else "voir le référentiel"
            raise ValueError(f"{self.unknown} : {names}. Valeurs possibles : {known}.")
        return [records[key] for key in dict.fromkeys(keys)]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{LIST_SEPARATOR} ".join(sorted(str(getattr(record, self.key)) for record in value.all()))


class CommuneWidget(LookupWidget):
    """The commune by INSEE code; without one, by its name and the row's postal code."""

    def __init__(self, model, **kwargs):
        super().__init__(model, "insee_code", "Code INSEE inconnu dans la région", **kwargs)
        self.by_name = None

    def clean(self, value, row=None, **kwargs):
        code = CodeWidget().clean(value)
        if code:
            return self.find(code)
        row = row or {}
        name = cell_text(row.get("commune"))
        if not name:
            raise ValueError("La commune manque : indiquez son code INSEE (colonne commune_insee) ou son nom.")
        postal_code = CodeWidget().clean(row.get("code_postal"))
        if self.by_name is None:
            self.by_name = {}
            for commune in self.records().values():
                self.by_name.setdefault(commune.search_name, []).append(commune)
        candidates = self.by_name.get(normalize(name), [])
        if postal_code and len(candidates) > 1:
            candidates = [commune for commune in candidates if postal_code in commune.postal_code_list]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise ValueError(f"Commune inconnue dans la région : « {name} ».")
        raise ValueError(f"Plusieurs communes s'appellent « {name} » : indiquez le code INSEE.")

    def render(self, value, obj=None, **kwargs):
        return value.insee_code if value is not None else ""

    def forget(self):
        super().forget()
        self.by_name = None

"""Cell readers and writers of the import and export: each accepts what a network's spreadsheet
holds (French dates and booleans, decimal commas, « 9h30 ») and refuses the rest with a French
message naming the value; each writes what it reads back unchanged."""

import datetime

from import_export.widgets import ManyToManyWidget, Widget

from structures.hours.formats import clock, parse_time
from structures.imports.files import header_key
from structures.text import normalize

LIST_SEPARATOR = ","
# Up to this many allowed values are listed on the import page; beyond, they are described.
MAX_LISTED = 20
DATE_FORMAT = "%d/%m/%Y"
YES, NO = "oui", "non"
_TRUE = {"oui", "o", "vrai", "x", "1", "true", "yes", "y"}
_FALSE = {"non", "n", "faux", "0", "false", "no", ""}


def cell_text(value):
    """A cell as stripped text; numbers from XLSX lose their useless « .0 »."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(Widget):
    # What the import page says of the column's values, and an example (structures/imports/columns.py).
    values = "texte"
    example = ""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return value or ""


class CodeWidget(TextWidget):
    """Postal and INSEE codes: a spreadsheet that took « 01000 » for a number gives 1000 back."""

    @property
    def values(self):
        return f"{self.length} chiffres"

    def __init__(self, length=5, **kwargs):
        self.length = length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return text.zfill(self.length) if text.isdigit() else text


class PhoneWidget(TextWidget):
    """A number typed in a spreadsheet loses its leading zero (472000000): it is put back."""

    values = "numéro de téléphone français"
    example = "04 72 00 00 00"

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        return "0" + text if text.isdigit() and len(text) == 9 else text


class BooleanWidget(Widget):
    values = "oui ou non"
    example = YES

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

    @property
    def values(self):
        return " ; ".join(f"« {label} »" for label in self.choices.labels)

    @property
    def example(self):
        return self.choices(self.default).label if self.default is not None else self.choices.labels[0]

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

    values = "lundi … dimanche"
    example = "mardi"

    def render(self, value, obj=None, **kwargs):
        return super().render(value).lower()


class DateWidget(Widget):
    values = "date JJ/MM/AAAA"
    example = "15/03/2026"

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
    values = "heure HH:MM (« 9h30 » accepté)"
    example = "09:00"

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.time()
        if isinstance(value, datetime.time):
            return value
        text = cell_text(value).lower()
        parsed = parse_time(text)
        if parsed is not None:
            return parsed
        if not text:
            raise ValueError("L'heure manque : écrivez-la HH:MM, par exemple 09:00.")
        raise ValueError(f"« {text} » n'est pas une heure : écrivez-la HH:MM, par exemple 09:00 ou 13:30.")

    def render(self, value, obj=None, **kwargs):
        return clock(value)


class DecimalDegreesWidget(Widget):
    """Latitude or longitude; a French decimal comma is accepted. Blank means « unknown »."""

    values = "degrés décimaux (virgule ou point)"
    example = ""

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

    @property
    def values(self):
        """The identifiers allowed: listed when there are few (networks, publics…), else described."""
        keys = list(self.model.objects.values_list(self.key, flat=True).order_by(self.key)[: MAX_LISTED + 1])
        if len(keys) <= MAX_LISTED:
            return ", ".join(str(key) for key in keys)
        return (
            f"identifiant ({self.model._meta.get_field(self.key).verbose_name}) d'un(e) {self.model._meta.verbose_name}"
        )

    @property
    def example(self):
        key = self.model.objects.values_list(self.key, flat=True).order_by(self.key).first()
        return "" if key is None else str(key)

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

    @property
    def values(self):
        return f"une ou plusieurs valeurs, séparées par des virgules : {super().values}"

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
        records = value.all() if hasattr(value, "all") else value  # a relation, or the records of a cell
        return f"{LIST_SEPARATOR} ".join(sorted(str(getattr(record, self.key)) for record in records))


class CommuneWidget(LookupWidget):
    """The commune by INSEE code; without one, by its name and the row's postal code."""

    values = "code INSEE d'une commune de la région (sans lui, la commune est cherchée par son nom)"
    example = "42218"

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

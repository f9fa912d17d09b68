"""Import of the State's directory: the « Annuaire de l'administration » of the DILA (service-public.fr,
Licence Ouverte), as its « base de données locales » is published on data.gouv.fr: a JSON file with one
record per local service (docs/adr/0013-dila-import.md).

    read_dila_file()  the file's records of the SPRO's networks, checked; every problem named with
                      the record's id, in French (DilaFileError)
    plan_import()     what the file would change, compared with the directory: new records, changed
                      fields side by side with ours, records gone from the source
    apply_plan()      all of it, in one transaction

A point keeps its DILA id (ReceptionPoint.dila_id), which the next import matches, and what the source
said last time (ReceptionPoint.source_values): a field the source changed is updated when ours is still
what the source said before; when the Region has edited it since, the change waits for a person to
accept it. Hours, accessibility and positions from the source replace the demo's.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from structures.enums import Accessibility, GeoPrecision, PointKind, PublicationStatus, Recurrence, Territory, Weekday
from structures.geo import MAX_DISTANCE_FROM_COMMUNE_KM, great_circle_km
from structures.hours.formats import clock_span
from structures.hours.overlap import overlap_message, overlapping_pairs
from structures.models import Commune, FormerCommune, Network, OpeningHours, ReceptionPoint, Structure
from structures.models.territory import city_code_of
from structures.signals import mark_data_changed
from structures.text import SlugRegistry, french_date, normalize
from structures.validators import format_french_phone, is_inside_region, parse_french_phone

# The DILA's types of local service (« pivot ») → the SPRO's networks.
DILA_NETWORKS = {
    "cio": "cio",
    "suio": "scuio",
    "scuio": "scuio",
    "cij": "info-jeunes",
    "bij": "info-jeunes",
    "pij": "info-jeunes",
    "mission_locale": "mission-locale",
    "france_travail": "france-travail",
    "pole_emploi": "france-travail",
    "cap_emploi": "cap-emploi",
    "apec": "apec",
    "chambre_metier": "cma",
    "cci": "cci",
    "chambre_agriculture": "chambre-agriculture",
    "cidf": "cidff",
}

SOURCE_DILA = "Annuaire de l'administration (DILA, service-public.fr), Licence Ouverte 2.0, réf. {id}."
# At most this many problems are listed: past them, the file has a problem of its own.
MAX_PROBLEMS = 100

# What the import compares, in the order a person reads a record; the French names of the dry run.
FIELDS = {
    "name": "Nom",
    "address": "Adresse",
    "address_complement": "Complément d'adresse",
    "postal_code": "Code postal",
    "commune": "Commune",
    "position": "Position",
    "phone": "Téléphone",
    "email": "Adresse électronique",
    "accessibility": "Accessibilité",
    "accessibility_details": "Précisions sur l'accessibilité",
    "hours": "Horaires",
}
LENGTHS = {"name": 200, "address": 250, "address_complement": 250, "accessibility_details": 300}
DILA_ACCESSIBILITY = {"ACC": Accessibility.ACCESSIBLE, "NAC": Accessibility.NOT_ACCESSIBLE}
DAYS = {normalize(day.label): day.value for day in Weekday}

_PHONE = re.compile(r"0\d(?:[ .]?\d\d){4}")
_ML_TITLE = re.compile(r"^Mission locale pour l['’]insertion professionnelle et sociale des jeunes \(16-25 ans\)")


class DilaFileError(Exception):
    """The file cannot be imported; `problems` says why, in French, record by record."""

    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def first_phone(text):
    """The number of a published phone field, without what follows it (« 08 09 36 12 12 / Numéro
    gris : service gratuit + prix d'un appel… » → « 0809361212 »); "" when there is none."""
    found = _PHONE.search(text or "")
    return re.sub(r"[ .]", "", found.group()) if found else ""


def ml_site_name(text):
    """The directory's long title of a Mission Locale site, shortened as people say it: « Mission
    locale pour l'insertion professionnelle et sociale des jeunes (16-25 ans) - Belley » →
    « Mission Locale - Belley »."""
    return _ML_TITLE.sub("Mission Locale", text)


def dila_name(text):
    """The name as published, without the 2019 file's own reference at its end (« … - Moulins 03190-01 »)."""
    return re.sub(r"\s+\d{5}-\d{2}$", "", text).strip()


# --- Values compared: the same shape for a record of the file and for one of our points ---


def position_value(latitude, longitude, precision):
    return [round(latitude, 5), round(longitude, 5), str(precision)]


def hours_value(slots):
    """[weekday, recurrence, "09:00", "12:00", note] per slot, sorted: two equal weeks compare equal."""
    return sorted(
        [int(weekday), str(recurrence), f"{opens:%H:%M}", f"{closes:%H:%M}", note]
        for weekday, recurrence, opens, closes, note in slots
    )


def point_values(point, slots=None):
    """What the import compares of one of our points: its opening hours are `slots` (weekday,
    recurrence, opens, closes, note), else its own (prefetched or queried)."""
    if slots is None:
        slots = [
            (slot.weekday, slot.recurrence, slot.opens, slot.closes, slot.note) for slot in point.opening_hours.all()
        ]
    return {
        "name": point.name,
        "address": point.address,
        "address_complement": point.address_complement,
        "postal_code": point.postal_code,
        "commune": point.commune_id,
        "position": position_value(point.latitude, point.longitude, point.geo_precision),
        "phone": point.phone,
        "email": point.email,
        "accessibility": str(point.accessibility),
        "accessibility_details": point.accessibility_details,
        "hours": hours_value(slots),
    }


def display(name, value, communes=None):
    """A compared value as a person reads it in the dry run."""
    if name == "position":
        latitude, longitude, precision = value
        if precision == GeoPrecision.COMMUNE:
            return "centre de la commune"
        return f"{latitude:.5f}, {longitude:.5f}".replace(".", ",")
    if name == "accessibility":
        return Accessibility(value).label
    if name == "commune":
        return (communes or {}).get(value, value)
    if name == "hours":
        if not value:
            return "non renseignés"
        return " ; ".join(
            f"{Weekday(day).label.lower()} {clock_span(time.fromisoformat(opens), time.fromisoformat(closes))}"
            + (f" ({note})" if note else "")
            for day, _, opens, closes, note in value
        )
    return value or "(vide)"


# --- Reading the file ---


@dataclass(frozen=True)
class DilaRecord:
    """One local service of the file, of a network of the SPRO, in a commune of the region."""

    id: str
    network: str
    values: dict
    website: str
    source_date: date | None

    @property
    def name(self):
        return self.values["name"]


@dataclass
class DilaFile:
    records: list
    # Records of other types or outside the region, left out of a national file.
    ignored: int = 0


class _Communes:
    """The region's communes by INSEE code (a former commune's leads to the current one)."""

    def __init__(self):
        self.rows = {
            code: (latitude, longitude, postal_codes.split())
            for code, latitude, longitude, postal_codes in Commune.objects.values_list(
                "insee_code", "latitude", "longitude", "postal_codes"
            )
        }
        self.current = dict(FormerCommune.objects.values_list("code", "commune_id"))

    def find(self, code):
        code = city_code_of(code)
        code = code if code in self.rows else self.current.get(code, code)
        return code if code in self.rows else None


def load_services(data):
    """The list of services of a DILA JSON file (bytes): a list, or {"service": [...]} as published."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DilaFileError(
            ["Le fichier n'est pas encodé en UTF-8 : ce n'est pas un fichier de l'Annuaire de l'administration."]
        ) from None
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise DilaFileError(
            [
                f"Le fichier n'est pas un JSON valide (ligne {error.lineno}, colonne {error.colno}) : est-ce bien le fichier « .json » de l'Annuaire de l'administration ?"
            ]
        ) from None
    if isinstance(content, dict):
        content = content.get("service")
    if not isinstance(content, list):
        raise DilaFileError(
            [
                "Le fichier ne contient pas de liste de services : on attend une liste, ou un objet dont la clé « service » contient la liste."
            ]
        )
    return content


def read_dila_file(data, national=False):
    """The file's records of the SPRO's networks in the region. With `national`, records of other types or
    outside the region are left out (counted); otherwise they are problems, like any other."""
    services = load_services(data)
    communes = _Communes()
    records, problems, ignored, seen = [], [], 0, {}
    for index, raw in enumerate(services, start=1):
        try:
            record = _read_service(raw, index, communes, national)
        except _Ignored:
            ignored += 1
            continue
        except _RecordProblems as error:
            problems.extend(error.messages)
            if len(problems) >= MAX_PROBLEMS:
                problems = problems[:MAX_PROBLEMS] + ["… et d'autres : corrigez d'abord ces fiches."]
                break
            continue
        if record.id in seen:
            problems.append(
                f"Fiche {record.id} : l'identifiant figure déjà à la fiche n° {seen[record.id]} du fichier."
            )
            continue
        seen[record.id] = index
        records.append(record)
    if problems:
        raise DilaFileError(problems)
    if not records:
        raise DilaFileError(["Le fichier ne contient aucun service des réseaux du SPRO en Auvergne-Rhône-Alpes."])
    return DilaFile(records=records, ignored=ignored)


class _Ignored(Exception):
    pass


class _RecordProblems(Exception):
    def __init__(self, messages):
        self.messages = messages


def _nested(raw, key):
    """A list of objects of the record: as published, or written as a JSON string (the API's export)."""
    value = raw.get(key)
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except json.JSONDecodeError:
            return None
    if isinstance(value, dict):
        value = [value]
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return None
    return value


def _text(value):
    return re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""


def _clock(value):
    text = _text(value)
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


def _source_date(value):
    """« 07/04/2023 17:12:36 » or « 2023-04-07T… » → that day; None when unreadable or in the future."""
    text = _text(value)[:10]
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            day = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day if day <= timezone.localdate() else None
    return None


def _read_service(raw, index, communes, national):
    if not isinstance(raw, dict):
        raise _RecordProblems([f"Fiche n° {index} du fichier : ce n'est pas un objet JSON."])
    ident = _text(raw.get("id"))
    label = f"Fiche {ident}" if ident else f"Fiche n° {index} du fichier (sans identifiant)"
    problems = []

    def problem(message):
        problems.append(f"{label} : {message}")

    missing = [key for key in ("id", "nom", "pivot", "adresse") if not raw.get(key)]
    if missing:
        problem(f"champ(s) absent(s) ou vide(s) : {', '.join(f'« {key} »' for key in missing)}.")
        raise _RecordProblems(problems)
    pivots, addresses = _nested(raw, "pivot"), _nested(raw, "adresse")
    if pivots is None or addresses is None:
        problem("les champs « pivot » et « adresse » doivent être des listes d'objets.")
        raise _RecordProblems(problems)

    types = [_text(pivot.get("type_service_local")) for pivot in pivots]
    network = next((DILA_NETWORKS[kind] for kind in types if kind in DILA_NETWORKS), None)
    if network is None:
        if national:
            raise _Ignored
        problem(
            f"type « {', '.join(types) or '(vide)'} » inconnu de l'annuaire du SPRO "
            f"(types acceptés : {', '.join(sorted(DILA_NETWORKS))})."
        )
        raise _RecordProblems(problems)

    address = next((item for item in addresses if _text(item.get("type_adresse")) == "Adresse"), addresses[0])
    insee = _text(raw.get("code_insee_commune")) or next(
        (_text(code) for pivot in pivots for code in (pivot.get("code_insee_commune") or [])[:1]), ""
    )
    if not insee:
        problem("champ « code_insee_commune » absent : la commune du service n'est pas connue.")
        raise _RecordProblems(problems)
    commune = communes.find(insee)
    if commune is None:
        if national:
            raise _Ignored
        problem(
            f"la commune {insee} ({_text(address.get('nom_commune')) or 'nom inconnu'}) est hors de la région Auvergne-Rhône-Alpes."
        )
        raise _RecordProblems(problems)
    centre_lat, centre_lon, postal_codes = communes.rows[commune]

    name = dila_name(_text(raw.get("nom")))
    if network == "mission-locale":
        name = ml_site_name(name)
    # A CEDEX code is the mail's, not the commune's: the commune's own postal code is shown.
    postal_code = _text(address.get("code_postal"))
    if postal_code not in postal_codes:
        postal_code = postal_codes[0] if postal_codes else postal_code
    complement = ", ".join(
        part
        for part in (_text(address.get(key)) for key in ("complement1", "complement2", "service_distribution"))
        if part
    )

    position = position_value(centre_lat, centre_lon, GeoPrecision.COMMUNE)
    latitude, longitude = _text(address.get("latitude")), _text(address.get("longitude"))
    if latitude and longitude:
        try:
            latitude, longitude = float(latitude.replace(",", ".")), float(longitude.replace(",", "."))
        except ValueError:
            problem(f"position illisible (« {latitude} », « {longitude} »).")
        else:
            distance = great_circle_km(centre_lat, centre_lon, latitude, longitude)
            if not is_inside_region(latitude, longitude):
                problem(f"la position {latitude}, {longitude} est hors de la région.")
            elif distance > MAX_DISTANCE_FROM_COMMUNE_KM:
                problem(
                    f"la position est à {distance:.0f} km de sa commune : latitude et longitude sont-elles inversées ?"
                )
            else:
                position = position_value(latitude, longitude, GeoPrecision.EXACT)

    phones = _nested(raw, "telephone") or []
    number = first_phone(_text(phones[0].get("valeur"))) if phones else ""
    phone = format_french_phone(number) if parse_french_phone(number) else ""

    email = raw.get("adresse_courriel")
    email = _text(email[0] if isinstance(email, list) and email else email if isinstance(email, str) else "")
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            problem(f"adresse électronique invalide : « {email} ».")

    sites = _nested(raw, "site_internet") or []
    website = _text(sites[0].get("valeur")) if sites else ""
    try:
        URLValidator()(website)
    except ValidationError:
        website = ""  # the structure's site only: an unreadable one is left out, not a reason to refuse

    code = _text(address.get("accessibilite")).upper()
    values = {
        "name": name,
        "address": _text(address.get("numero_voie")),
        "address_complement": complement,
        "postal_code": postal_code,
        "commune": commune,
        "position": position,
        "phone": phone,
        "email": email,
        "accessibility": str(DILA_ACCESSIBILITY.get(code, Accessibility.UNKNOWN)),
        "accessibility_details": _text(address.get("note_accessibilite")),
        "hours": _read_hours(_nested(raw, "plage_ouverture"), problem),
    }
    for key, limit in LENGTHS.items():
        if len(values[key]) > limit:
            problem(f"{FIELDS[key].lower()} trop long ({len(values[key])} caractères, {limit} au plus).")
    if problems:
        raise _RecordProblems(problems)
    return DilaRecord(
        id=ident,
        network=network,
        values=values,
        website=website[:200],
        source_date=_source_date(raw.get("date_modification")),
    )


def _read_hours(ranges, problem):
    """The week of a record: each range of days (« Lundi » to « Vendredi ») with up to two time slots."""
    if ranges is None:
        problem("le champ « plage_ouverture » doit être une liste d'objets.")
        return []
    slots = []
    for item in ranges:
        first = DAYS.get(normalize(_text(item.get("nom_jour_debut"))))
        last = DAYS.get(normalize(_text(item.get("nom_jour_fin")))) if _text(item.get("nom_jour_fin")) else first
        if first is None or last is None:
            problem(
                f"jour inconnu dans les horaires : « {_text(item.get('nom_jour_debut'))} » à « {_text(item.get('nom_jour_fin'))} »."
            )
            continue
        note = _text(item.get("commentaire"))[:150]
        for number in (1, 2):
            try:
                opens = _clock(item.get(f"valeur_heure_debut_{number}"))
                closes = _clock(item.get(f"valeur_heure_fin_{number}"))
            except ValueError as error:
                problem(f"heure illisible dans les horaires : « {error} ».")
                continue
            if opens is None and closes is None:
                continue
            if opens is None or closes is None or opens >= closes:
                problem(f"créneau impossible dans les horaires : de « {opens or ''} » à « {closes or ''} ».")
                continue
            days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
            slots.extend((day, Recurrence.WEEKLY, opens, closes, note) for day in days)
    keys = [(day, recurrence, opens, closes) for day, recurrence, opens, closes, _ in slots]
    for i, j in overlapping_pairs(keys):
        problem(overlap_message(keys[i], keys[j]).rstrip(".") + " dans les horaires.")
    return hours_value(slots)


# --- What the file would change ---


@dataclass(frozen=True)
class FieldChange:
    field: str
    ours: object
    theirs: object
    # The Region has not edited the field since the source last said it: it follows the source.
    automatic: bool

    @property
    def label(self):
        return FIELDS[self.field]


@dataclass
class RecordChanges:
    record: DilaRecord
    point: ReceptionPoint
    changes: list
    # Back in the source after an import that did not find it.
    returned: bool = False
    # What the dry run shows, one row per change (filled by plan_import).
    rows: list = field(default_factory=list)

    def key(self, change):
        return f"{self.record.id}:{change.field}"


@dataclass
class ImportPlan:
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: int = 0
    vanished: list = field(default_factory=list)
    ignored: int = 0
    communes: dict = field(default_factory=dict)
    new_rows: list = field(default_factory=list)

    @property
    def automatic(self):
        return [(item, change) for item in self.changed for change in item.changes if change.automatic]

    @property
    def to_accept(self):
        """Changes of fields the Region edited: applied only if a person accepts them."""
        return [(item, change) for item in self.changed for change in item.changes if not change.automatic]

    @property
    def newly_vanished(self):
        return [point for point in self.vanished if "absent_since" not in point.source_values]

    @property
    def is_empty(self):
        return not (self.new or self.changed or self.newly_vanished)

    def digest(self):
        """What the plan would do: the apply step refuses a plan that is no longer the one shown."""
        content = [
            sorted(record.id for record in self.new),
            sorted([item.key(change), change.ours, change.theirs] for item in self.changed for change in item.changes),
            sorted(item.record.id for item in self.changed if item.returned),
            sorted(point.pk for point in self.newly_vanished),
        ]
        return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()

    def shown(self, change):
        return display(change.field, change.ours, self.communes), display(change.field, change.theirs, self.communes)


def plan_import(dila_file):
    """Compare the file's records with the directory's points of the same DILA ids."""
    points = {
        point.dila_id: point
        for point in ReceptionPoint.objects.exclude(dila_id="")
        .select_related("commune", "structure__network")
        .prefetch_related("opening_hours")
    }
    plan = ImportPlan(ignored=dila_file.ignored)
    ids = set()
    for record in dila_file.records:
        ids.add(record.id)
        point = points.get(record.id)
        if point is None:
            plan.new.append(record)
            continue
        ours, previous = point_values(point), point.source_values or {}
        changes = []
        for name, theirs in record.values.items():
            if theirs == ours[name]:
                continue
            if name in previous:
                if previous[name] == theirs:
                    continue  # the source has not changed: the Region's value stays
                automatic = previous[name] == ours[name]
            else:
                automatic = False
            changes.append(FieldChange(name, ours[name], theirs, automatic))
        returned = "absent_since" in previous
        if changes or returned:
            plan.changed.append(RecordChanges(record, point, changes, returned))
        else:
            plan.unchanged += 1
    codes = {record.values["commune"] for record in dila_file.records} | {
        change.ours for item in plan.changed for change in item.changes if change.field == "commune"
    }
    rows = Commune.objects.filter(pk__in=codes).values_list("pk", "name", "department_id")
    plan.communes = {code: name for code, name, _ in rows}
    for item in plan.changed:
        item.rows = [
            {"change": change, "key": item.key(change), "ours": ours, "theirs": theirs}
            for change in item.changes
            for ours, theirs in [plan.shown(change)]
        ] or [{"change": None}]
    plan.new_rows = [(record, plan.communes[record.values["commune"]]) for record in plan.new]
    # Gone from the source: our records of the networks and departments the file covers (an extract
    # of one department says nothing of the others) that it no longer holds.
    department_of = {code: department for code, _, department in rows}
    scope = {(record.network, department_of[record.values["commune"]]) for record in dila_file.records}
    plan.vanished = sorted(
        (
            point
            for dila_id, point in points.items()
            if dila_id not in ids and (point.structure.network.slug, point.commune.department_id) in scope
        ),
        key=lambda point: point.name,
    )
    return plan


# --- Applying it ---


@dataclass
class ImportReport:
    created: int = 0
    structures: int = 0
    updated: int = 0
    kept: int = 0
    vanished: int = 0

    def __str__(self):
        return (
            f"{self.created} lieu(x) créé(s) (dont {self.structures} nouvelle(s) structure(s)), "
            f"{self.updated} lieu(x) mis à jour, {self.kept} modification(s) de la source non reprise(s), "
            f"{self.vanished} lieu(x) signalé(s) absent(s) de la source."
        )


def import_reason(today):
    return f"Import de l'Annuaire de l'administration du {french_date(today)}"


@transaction.atomic
def apply_plan(plan, accepted=frozenset(), user=None, today=None):
    """Create, update and flag as the plan says: the source's changes to fields the Region has not
    edited, and those of `accepted` (« id:field » keys); nothing of it if anything fails."""
    today = today or timezone.localdate()
    reason = import_reason(today)
    report = ImportReport()
    report.created, report.structures = _create(plan.new, user, reason)
    for item in plan.changed:
        point, record = item.point, item.record
        applied, kept = [], []
        for change in item.changes:
            if change.automatic or item.key(change) in accepted:
                _set(point, change.field, change.theirs)
                applied.append(change)
            else:
                kept.append(change)
        if any(change.field == "hours" for change in applied):
            point.opening_hours.all().delete()
            OpeningHours.objects.bulk_create(_slots(point.pk, record.values["hours"]))
        point.source_values = record.values
        point.source, point.source_date = SOURCE_DILA.format(id=record.id), record.source_date or today
        point.source_changed_on = today
        point.source_change = _change_text(today, applied, kept, item.returned)
        point._change_reason = reason
        point.save()
        report.updated += bool(applied)
        report.kept += len(kept)
    for point in plan.newly_vanished:
        point.source_values = {**point.source_values, "absent_since": today.isoformat()}
        point.source_changed_on = today
        point.source_change = (
            f"Absente de l'Annuaire de l'administration à l'import du {french_date(today)} : "
            "vérifiez que le lieu existe encore."
        )
        point._change_reason = reason
        point.save()
        report.vanished += 1
    # The points changed were saved one by one (their signals named them); what was created in
    # bulk changes no existing record: the data's version is stamped, nothing else is named.
    mark_data_changed(points=())
    return report


def _change_text(today, applied, kept, returned):
    parts = [f"Import du {french_date(today)}"]
    if returned:
        parts.append("de retour dans la source")
    if applied:
        parts.append(f"mis à jour depuis la source : {', '.join(change.label.lower() for change in applied)}")
    if kept:
        parts.append(f"changé à la source, non repris : {', '.join(change.label.lower() for change in kept)}")
    return " ; ".join(parts)[:300] + "."


def _set(point, name, value):
    if name == "position":
        point.latitude, point.longitude, point.geo_precision = value
    elif name == "commune":
        point.commune_id = value
    elif name != "hours":
        setattr(point, name, value)


def _slots(point_id, hours):
    return [
        OpeningHours(
            point_id=point_id,
            weekday=day,
            recurrence=recurrence,
            opens=time.fromisoformat(opens),
            closes=time.fromisoformat(closes),
            note=note,
        )
        for day, recurrence, opens, closes, note in hours
    ]


def _create(records, user, reason):
    """New points (and the structures of those no structure takes in), with their first version."""
    if not records:
        return 0, 0
    networks = {network.slug: network for network in Network.objects.filter(slug__in={r.network for r in records})}
    communes = Commune.objects.in_bulk({record.values["commune"] for record in records})
    slugs = SlugRegistry(ReceptionPoint.objects.values_list("slug", flat=True))
    structure_slugs = SlugRegistry(Structure.objects.values_list("slug", flat=True))
    competent, new_structures, points = {}, [], []
    # Real records join real structures only: reloading the demo data leaves them alone.
    real_networks = set(Structure.objects.filter(is_demo=False).values_list("network", flat=True))
    for record in records:
        network, commune = networks[record.network], communes[record.values["commune"]]
        structure = None
        if network.territory != Territory.NONE and network.pk in real_networks:
            key = (network.pk, commune.pk)
            if key not in competent:
                real = Structure.objects.filter(network=network, is_demo=False)
                competent[key] = real.competent_for(commune).order_by("pk").first()
            structure = competent[key]
        kind = PointKind.BRANCH
        if structure is None:
            # A record no structure of the directory takes in is its own structure.
            structure = Structure(
                name=record.name,
                slug=structure_slugs.make(record.name),
                network=network,
                website=record.website,
                status=PublicationStatus.PUBLISHED,
                source=SOURCE_DILA.format(id=record.id),
                source_date=record.source_date,
            )
            structure.sync_derived_fields()
            new_structures.append(structure)
            kind = PointKind.MAIN
        values = record.values
        latitude, longitude, precision = values["position"]
        point = ReceptionPoint(
            structure=structure,
            name=values["name"],
            slug=slugs.make(values["name"]),
            kind=kind,
            address=values["address"],
            address_complement=values["address_complement"],
            postal_code=values["postal_code"],
            commune=commune,
            latitude=latitude,
            longitude=longitude,
            geo_precision=precision,
            phone=values["phone"],
            email=values["email"],
            accessibility=values["accessibility"],
            accessibility_details=values["accessibility_details"],
            # The directory does not say how people are received: the safe advice, to call first.
            walk_in=False,
            by_appointment=True,
            appointment_details=""
            if values["hours"]
            else "Modalités d'accueil non renseignées : appelez avant de vous déplacer.",
            is_published=True,
            dila_id=record.id,
            source_values=values,
            source=SOURCE_DILA.format(id=record.id),
            source_date=record.source_date,
        )
        point.sync_derived_fields(structure_name=structure.name)
        points.append(point)
    history = {"default_user": user, "default_change_reason": reason}
    bulk_create_with_history(new_structures, Structure, batch_size=500, **history)
    points = bulk_create_with_history(points, ReceptionPoint, batch_size=500, **history)
    slots = [slot for point in points for slot in _slots(point.pk, point.source_values["hours"])]
    bulk_create_with_history(slots, OpeningHours, batch_size=1000, **history)
    return len(points), len(new_structures)


def accepted_keys(plan, keys):
    """The « id:field » keys of `keys` that name a change of the plan waiting for acceptance."""
    waiting = {item.key(change) for item, change in plan.to_accept}
    return frozenset(key for key in keys if key in waiting)

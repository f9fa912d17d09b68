"""Idempotent loaders for the reference data and the commune gazetteer.

Running a loader twice leaves the database as after the first run: rows are matched on their
stable key (department code, slug, INSEE code) and updated in place.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.text import slugify

from structures import reference
from structures.models import Commune, Department, Epci, FormerCommune, Network, Public, ServiceLevel
from structures.signals import mark_data_changed
from structures.text import normalize
from structures.validators import is_inside_region

COMMUNES_CSV = Path(settings.BASE_DIR) / "fixtures" / "communes-ara.csv"
FORMER_COMMUNES_CSV = Path(settings.BASE_DIR) / "fixtures" / "communes-deleguees-associees-ara.csv"
EPCI_CSV = Path(settings.BASE_DIR) / "fixtures" / "epci-communes-ara.csv"
COMMUNE_FIELDS = ["name", "search_name", "department", "postal_codes", "latitude", "longitude", "population", "kind"]


class GazetteerError(Exception):
    """The commune file is malformed; nothing was saved."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0

    def __str__(self):
        return f"{self.created} créé(s), {self.updated} mis à jour"


def _upsert(model, key, values, report):
    _, created = model.objects.update_or_create(**{key: values.pop(key)}, defaults=values)
    if created:
        report.created += 1
    else:
        report.updated += 1


@transaction.atomic
def load_reference_data():
    """Departments, service levels, publics and networks. Returns one LoadReport per model."""
    reports = {name: LoadReport() for name in ("departments", "levels", "publics", "networks")}
    for code, name, _ in reference.DEPARTMENTS:
        _upsert(Department, "code", {"code": code, "name": name, "slug": slugify(name)}, reports["departments"])
    for level in reference.SERVICE_LEVELS:
        _upsert(ServiceLevel, "slug", dict(level), reports["levels"])
    for position, (slug, name, description) in enumerate(reference.PUBLICS):
        _upsert(
            Public,
            "slug",
            {"slug": slug, "name": name, "description": description, "position": position},
            reports["publics"],
        )
    for position, (slug, name, short_name, circle, audience, website) in enumerate(reference.NETWORKS):
        _upsert(
            Network,
            "slug",
            {
                "slug": slug,
                "name": name,
                "short_name": short_name,
                "circle": circle,
                "audience": audience,
                "website": website,
                "position": position,
                "territory": reference.NETWORK_TERRITORIES.get(slug, ""),
            },
            reports["networks"],
        )
    return reports


def read_communes(path=COMMUNES_CSV):
    """Parse and check the gazetteer file; raise GazetteerError with the line number on bad data."""
    department_codes = set(reference.DEPARTMENT_NAMES)
    communes = []
    with open(path, encoding="utf-8", newline="") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            try:
                latitude, longitude = float(row["latitude"]), float(row["longitude"])
                population = int(row["population"])
            except (TypeError, ValueError) as error:
                raise GazetteerError(f"Ligne {line_number} : valeur numérique invalide ({error}).") from error
            if row["department_code"] not in department_codes:
                raise GazetteerError(f"Ligne {line_number} : département inconnu « {row['department_code']} ».")
            if not is_inside_region(latitude, longitude):
                raise GazetteerError(f"Ligne {line_number} : position hors de la région ({latitude}, {longitude}).")
            postal_codes = row["postal_codes"].split()
            if not postal_codes or not all(code.isdigit() and len(code) == 5 for code in postal_codes):
                raise GazetteerError(f"Ligne {line_number} : codes postaux invalides « {row['postal_codes']} ».")
            communes.append(
                Commune(
                    insee_code=row["insee_code"],
                    name=row["name"],
                    search_name=normalize(row["name"]),
                    department_id=row["department_code"],
                    postal_codes=" ".join(postal_codes),
                    latitude=latitude,
                    longitude=longitude,
                    population=population,
                    kind=row["kind"],
                )
            )
    return communes


@transaction.atomic
def load_communes(path=COMMUNES_CSV):
    """Insert or update every commune of the file in one transaction."""
    communes = read_communes(path)
    existing = set(Commune.objects.values_list("insee_code", flat=True))
    Commune.objects.bulk_create(
        communes,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["insee_code"],
        update_fields=COMMUNE_FIELDS,
    )
    created = sum(1 for commune in communes if commune.insee_code not in existing)
    for code, prefecture in reference.PREFECTURES.items():
        Department.objects.filter(code=code).update(prefecture_id=prefecture)
    mark_data_changed()
    return LoadReport(created=created, updated=len(communes) - created)


def refresh_statistics():
    """Let the query planner know the new sizes of the tables after a bulk load (SQLite and
    PostgreSQL both understand ANALYZE); without it, SQLite may drive a distance search from a
    filter instead of the position index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Also marks the pages all-visible, so that PostgreSQL can answer from the index alone.
            cursor.execute("VACUUM ANALYZE structures_receptionpoint")
        cursor.execute("ANALYZE")


@transaction.atomic
def load_epcis(path=EPCI_CSV):
    """Insert or update the intercommunalities and give each commune its own (Lyon's arrondissements
    take Lyon's); the communes must be loaded first."""
    report, epcis, members = LoadReport(), {}, {}
    communes = {commune.insee_code: commune for commune in Commune.objects.all()}
    with open(path, encoding="utf-8", newline="") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            if row["insee_code"] not in communes:
                raise GazetteerError(f"Ligne {line_number} : commune inconnue « {row['insee_code']} ».")
            epcis[row["epci_code"]] = Epci(code=row["epci_code"], name=row["epci_name"], kind=row["epci_kind"])
            members[row["insee_code"]] = row["epci_code"]
    existing = set(Epci.objects.values_list("code", flat=True))
    Epci.objects.bulk_create(
        epcis.values(), update_conflicts=True, unique_fields=["code"], update_fields=["name", "kind"]
    )
    report.created = len(set(epcis) - existing)
    report.updated = len(epcis) - report.created
    for commune in communes.values():
        commune.epci_id = members.get(commune.city_code)
    Commune.objects.bulk_update(communes.values(), ["epci"], batch_size=500)
    mark_data_changed()
    return report


@transaction.atomic
def load_former_communes(path=FORMER_COMMUNES_CSV):
    """Insert or update the former communes (« communes déléguées ou associées ») of the file,
    keyed on (code, name); the communes must be loaded first."""
    report = LoadReport()
    communes = set(Commune.objects.values_list("insee_code", flat=True))
    with open(path, encoding="utf-8", newline="") as handle:
        for line_number, row in enumerate(csv.DictReader(handle), start=2):
            if row["current_insee_code"] not in communes:
                raise GazetteerError(
                    f"Ligne {line_number} : commune actuelle inconnue « {row['current_insee_code']} »."
                )
            _, created = FormerCommune.objects.update_or_create(
                code=row["code"],
                name=row["name"],
                defaults={"kind": row["kind"], "commune_id": row["current_insee_code"]},
            )
            report.created += created
            report.updated += not created
    mark_data_changed()
    return report

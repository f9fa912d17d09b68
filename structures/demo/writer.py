"""Save the demo data set computed by DemoBuilder, replacing any earlier demo data.

Only records flagged `is_demo` are ever deleted: real records entered by Region staff are never
touched. Everything happens in one transaction, so a failure leaves the database as it was.
"""

import bisect
import itertools
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from structures import models
from structures.demo.builder import SEED, DemoBuilder, Place
from structures.enums import CommuneKind, PublicationStatus, Recurrence
from structures.history import delete_versions, snapshot_relations
from structures.imports.dila import point_values
from structures.loaders import refresh_statistics
from structures.signals import mark_data_changed
from structures.text import french_date, normalize

BATCH_SIZE = 1000


class DemoDataError(Exception):
    """The demo data cannot be built (for instance, reference data is missing)."""


@dataclass
class DemoReport:
    structures: int
    points: int
    opening_hours: int
    closures: int


# The fields of the builder's specs that are the model's own, under the same name.
STRUCTURE_FIELDS = (
    "name", "slug", "description", "phone", "email", "website", "label_status", "label_start", "label_end",
)  # fmt: skip
POINT_FIELDS = (
    "name", "slug", "kind", "host_name", "address", "address_complement", "postal_code", "latitude", "longitude",
    "geo_precision", "phone", "email", "walk_in", "by_appointment", "appointment_details", "on_site", "by_phone",
    "by_video", "accessibility", "accessibility_details", "is_published", "dila_id",
)  # fmt: skip


def copied(spec, names):
    return {name: getattr(spec, name) for name in names}


def provenance(spec):
    """Every record of the demo data set says it is one, and where its data comes from (with the
    date of a real source: the State's directory of 2019)."""
    return {
        "last_verified_on": spec.last_verified_on,
        "is_demo": True,
        "source": spec.source,
        "source_date": spec.source_date,
    }


def gazetteer_places():
    communes = models.Commune.objects.filter(kind=CommuneKind.COMMUNE).order_by("insee_code")
    return [
        Place(
            insee_code=commune.insee_code,
            name=commune.name,
            department=commune.department_id,
            postal_code=commune.postal_code_list[0],
            latitude=commune.latitude,
            longitude=commune.longitude,
            population=commune.population,
            postal_codes=tuple(commune.postal_code_list),
            search_key=commune.search_name,
            epci=commune.epci_id or "",
        )
        for commune in communes
    ]


@contextmanager
def history_disabled():
    """Demo records are replaced in bulk: no history is kept of that."""
    previous = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
    settings.SIMPLE_HISTORY_ENABLED = False
    try:
        yield
    finally:
        settings.SIMPLE_HISTORY_ENABLED = previous


def delete_demo_data():
    with history_disabled():
        _delete_demo_data()


def first_versions(model, records, reason):
    """The first version of records saved in bulk (no signal, so no history otherwise): what they were
    when loaded, and why (« Créée par le chargement des données de démonstration du … »)."""
    return model.history.bulk_history_create(records, batch_size=BATCH_SIZE, default_change_reason=reason)


def _delete_demo_data():
    # Their versions go with them: a reload does not pile up the history of records that no longer exist.
    points = models.ReceptionPoint.objects.demo().values("pk")
    models.OpeningHours.history.filter(point_id__in=points).delete()
    models.Closure.history.filter(point_id__in=points).delete()
    delete_versions(models.ReceptionPoint.history.filter(id__in=points))
    delete_versions(models.Structure.history.filter(id__in=models.Structure.objects.demo().values("pk")))
    models.OpeningHours.objects.filter(point__is_demo=True).delete()
    models.Closure.objects.filter(point__is_demo=True).delete()
    models.ReceptionPoint.objects.demo().delete()
    models.Structure.objects.demo().delete()


def _time(value):
    return time.fromisoformat(value) if value else None


def _slots(spec):
    """A point's opening slots (weekday, recurrence, opens, closes, note)."""
    return [
        (day, recurrence[0] if recurrence else Recurrence.WEEKLY, _time(opens), _time(closes), note)
        for day, opens, closes, note, *recurrence in spec.hours
    ]


class _CopyPlacer:
    """Places the extra copies of a point made by --scale in communes of the same department."""

    def __init__(self, places, seed):
        self.rng = random.Random(seed)
        self.by_department = {}
        for place in places:
            self.by_department.setdefault(place.department, []).append(place)
        self.cumulative = {
            code: list(itertools.accumulate(max(p.population, 50) ** 0.5 for p in items))
            for code, items in self.by_department.items()
        }

    def pick(self, department):
        weights = self.cumulative[department]
        index = bisect.bisect_left(weights, self.rng.random() * weights[-1])
        place = self.by_department[department][min(index, len(weights) - 1)]
        latitude = round(place.latitude + self.rng.uniform(-0.004, 0.004), 6)
        longitude = round(place.longitude + self.rng.uniform(-0.005, 0.005), 6)
        return place, latitude, longitude


@transaction.atomic
def load_demo_data(scale=1, seed=SEED):
    """Replace the demo data with the data set for `seed`, its points multiplied by `scale`."""
    if scale < 1:
        raise DemoDataError("L'option --scale doit être un entier supérieur ou égal à 1.")
    networks = dict(models.Network.objects.values_list("slug", "pk"))
    publics = dict(models.Public.objects.values_list("slug", "pk"))
    levels = dict(models.ServiceLevel.objects.values_list("level", "pk"))
    places = gazetteer_places()
    if not networks or not publics or not levels or not places:
        raise DemoDataError("Les référentiels ne sont pas chargés : lancez d'abord « manage.py load_reference_data ».")

    former = dict(models.FormerCommune.objects.exclude(code=F("commune_id")).values_list("code", "commune_id"))
    structure_specs, point_specs = DemoBuilder(places, seed=seed, former_communes=former).build()
    delete_demo_data()

    reason = f"Créée par le chargement des données de démonstration du {french_date(timezone.localdate())}"
    structures = models.Structure.objects.bulk_create(
        [
            models.Structure(
                **copied(spec, STRUCTURE_FIELDS),
                search_text=normalize(spec.name),
                network_id=networks[spec.network],
                status=PublicationStatus.PUBLISHED,
                **provenance(spec),
            )
            for spec in structure_specs
        ],
        batch_size=BATCH_SIZE,
    )
    structure_ids = dict(models.Structure.objects.demo().values_list("slug", "pk"))
    structure_names = {spec.slug: spec.name for spec in structure_specs}
    _save_structure_relations(structure_specs, structure_ids, publics, levels)
    snapshot_relations(first_versions(models.Structure, structures, reason))

    placer = _CopyPlacer(places, seed)
    department_of = {place.insee_code: place.department for place in places}
    report = DemoReport(structures=len(structure_specs), points=0, opening_hours=0, closures=0)
    for copy in range(scale):
        points, hours, closures = [], [], []
        for spec in point_specs:
            point = models.ReceptionPoint(
                **copied(spec, POINT_FIELDS),
                structure_id=structure_ids[spec.structure],
                commune_id=spec.commune,
                **provenance(spec),
            )
            if copy:
                # Load-test copies: same structure and schedule, another commune of the department.
                place, point.latitude, point.longitude = placer.pick(department_of[spec.commune])
                point.name = f"{spec.name} (copie de charge n° {copy + 1})"
                point.slug = f"{spec.slug}-charge-{copy + 1}"
                point.commune_id, point.postal_code = place.insee_code, place.postal_code
                point.address, point.address_complement = "", ""
                point.geo_precision = "commune"
                point.dila_id = ""
            elif spec.dila_id:
                # What the State's directory said: its live version's changes are told from the Region's.
                point.source_values = point_values(point, slots=_slots(spec))
            point.sync_derived_fields(structure_name=structure_names[spec.structure])
            points.append(point)
        models.ReceptionPoint.objects.bulk_create(points, batch_size=BATCH_SIZE)
        first_versions(models.ReceptionPoint, points, reason)
        for point, spec in zip(points, point_specs, strict=True):
            hours.extend(
                models.OpeningHours(
                    point_id=point.pk, weekday=day, recurrence=recurrence, opens=opens, closes=closes, note=note
                )
                for day, recurrence, opens, closes, note in _slots(spec)
            )
            closures.extend(
                models.Closure(
                    point_id=point.pk,
                    starts_on=starts,
                    ends_on=ends,
                    message=message,
                    opens=_time(opens),
                    closes=_time(closes),
                )
                for starts, ends, message, opens, closes in spec.closures
            )
        first_versions(
            models.OpeningHours, models.OpeningHours.objects.bulk_create(hours, batch_size=BATCH_SIZE), reason
        )
        first_versions(models.Closure, models.Closure.objects.bulk_create(closures, batch_size=BATCH_SIZE), reason)
        report.points += len(points)
        report.opening_hours += len(hours)
        report.closures += len(closures)
    mark_data_changed()
    transaction.on_commit(refresh_statistics)
    return report


def _save_structure_relations(specs, structure_ids, publics, levels):
    through = {
        "publics": (models.Structure.publics.through, "public_id"),
        "levels": (models.Structure.levels.through, "servicelevel_id"),
        "departments": (models.Structure.competence_departments.through, "department_id"),
        "epcis": (models.Structure.competence_epcis.through, "epci_id"),
        "communes": (models.Structure.competence_communes.through, "commune_id"),
    }
    lookups = {"publics": publics.__getitem__, "levels": levels.__getitem__}
    for attribute, (model, column) in through.items():
        lookup = lookups.get(attribute, lambda value: value)
        rows = [
            model(structure_id=structure_ids[spec.slug], **{column: lookup(value)})
            for spec in specs
            for value in getattr(spec, attribute)
        ]
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

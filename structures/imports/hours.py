"""Import and export of opening hours: one row per slot; a file replaces the slots of the points it names."""

from import_export.instance_loaders import ModelInstanceLoader
from import_export.results import RowResult

from structures.enums import Recurrence, Weekday
from structures.hours import clock_span, slots_overlap
from structures.imports.base import DirectoryResource, column
from structures.imports.cells import (
    ChoiceWidget,
    LookupWidget,
    TimeWidget,
    WeekdayWidget,
)
from structures.imports.files import header_key
from structures.models import (
    OpeningHours,
    ReceptionPoint,
)


class SlotLoader(ModelInstanceLoader):
    """Finds the existing slot of each row with one query for all the points of the file."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.slots = None

    def get_instance(self, row):
        if self.slots is None:
            point_ids = {key[0] for key in map(self.resource.slot_key, self.dataset.dict) if key}
            self.slots = {
                (slot.point_id, slot.weekday, slot.recurrence, slot.opens): slot
                for slot in OpeningHours.objects.filter(point_id__in=point_ids)
            }
        key = self.resource.slot_key(row)
        return self.slots.get(key) if key else None


class OpeningHoursResource(DirectoryResource):
    """One row per slot. For every point the file names, the file gives its whole weekly
    schedule: the point's slots that the file does not list are removed (and reported)."""

    lieu = column(
        "point",
        "lieu",
        LookupWidget(ReceptionPoint, "slug", "Lieu d'accueil inconnu", "Indiquez le lieu (son identifiant)."),
    )
    jour = column("weekday", "jour", WeekdayWidget(Weekday))
    ouverture = column("opens", "ouverture", TimeWidget())
    fermeture = column("closes", "fermeture", TimeWidget(), example="12:00")
    semaines = column("recurrence", "semaines", ChoiceWidget(Recurrence, Recurrence.WEEKLY))
    precision = column("note", "precision", example="sur rendez-vous")

    required_columns = ("lieu", "jour", "ouverture", "fermeture")
    key_columns = ("lieu", "jour", "semaines", "ouverture")

    class Meta(DirectoryResource.Meta):
        model = OpeningHours
        import_id_fields = ["lieu", "jour", "semaines", "ouverture"]
        fields = ["lieu", "jour", "ouverture", "fermeture", "semaines", "precision"]
        instance_loader_class = SlotLoader

    def check_file(self, dataset):
        if dataset.headers and "semaines" not in map(header_key, dataset.headers):
            # Without the column, every slot is weekly; the column is part of a slot's key.
            if len(dataset):
                dataset.append_col([""] * len(dataset), header="semaines")
            else:
                dataset.headers = [*dataset.headers, "semaines"]
        super().check_file(dataset)

    def slot_key(self, row):
        """(point id, weekday, recurrence, opens) of a row, or None if one of them is unreadable."""
        try:
            return (
                self.fields["lieu"].clean(row).pk,
                self.fields["jour"].clean(row),
                self.fields["semaines"].clean(row),
                self.fields["ouverture"].clean(row),
            )
        except (ValueError, KeyError):
            return None

    def row_key(self, row):
        return self.slot_key(row)

    def check_rows(self, dataset):
        """Slots of the same point must not overlap (structures.hours.slots_overlap, the rule of
        the admin form too)."""
        by_point = {}
        for index, row in enumerate(dataset.dict, start=1):
            key = self.slot_key(row)
            if index in self.row_problems:  # a repeated slot is reported once, as such
                continue
            try:
                closes = self.fields["fermeture"].clean(row)
            except ValueError:
                continue
            if key is None or closes <= key[3]:
                continue
            slot = (key[1], key[2], key[3], closes)
            for other_index, other in by_point.get(key[0], []):
                if slots_overlap(slot, other):
                    self.add_row_problem(
                        index,
                        "ouverture",
                        f"ce créneau chevauche celui de la ligne {other_index + 1} "
                        f"({clock_span(*other[2:])}) pour le même lieu et le même jour.",
                    )
                    break
            by_point.setdefault(key[0], []).append((index, slot))

    def import_data(self, dataset, **kwargs):
        self.kept_slot_ids, self.points_in_file, self.new_slot_ids = set(), set(), set()
        return super().import_data(dataset, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        key = self.slot_key(row)
        if key is not None and not (row_result.validation_error or row_result.errors):
            self.points_in_file.add(key[0])
        # An existing slot the file keeps (a new one is not in the database before the file is written).
        if row_result.object_id is not None:
            self.kept_slot_ids.add(row_result.object_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.removed_slots = []
        if not (result.has_errors() or result.has_validation_errors()):
            # The slots of the file's points that the file does not list; new slots are not among
            # them (written after the existing ones were read, or not at all in a dry run).
            slots = OpeningHours.objects.filter(point_id__in=self.points_in_file).select_related("point")
            kept = self.kept_slot_ids | self.new_slot_ids
            removed = [slot for slot in slots if slot.pk not in kept]
            result.removed_slots = [f"{slot.point.name} : {slot}" for slot in removed]
            result.totals[RowResult.IMPORT_TYPE_DELETE] += len(removed)
            if not kwargs.get("dry_run"):
                for slot in removed:
                    slot.delete()

    def write_batch(self, instances, created, dry_run, raise_errors, result):
        batch = list(instances) if created else []
        super().write_batch(instances, created, dry_run, raise_errors, result)
        self.new_slot_ids.update(slot.pk for slot in batch if slot.pk is not None)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("point").order_by("point__slug", "weekday", "recurrence", "opens")

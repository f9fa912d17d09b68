"""Import and export of structures, reception points and opening hours (django-import-export).

Column names are stable and documented in the README (« Import et export »). A file is always
read first as a dry run that changes nothing and lists every rejected row with its line number
and the reason in French; applying it is all or nothing (one transaction, rolled back at the
first rejected row). Unchanged rows are skipped, so re-importing the same file changes nothing,
and an export re-imports to an identical database.

Order for a whole registry: structures, then points, then hours (each names the previous one).
"""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.signals import post_save
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader, ModelInstanceLoader
from import_export.results import Error, RowResult
from import_export.widgets import ManyToManyWidget

from structures.enums import Accessibility, GeoPrecision, LabelStatus, PointKind, PublicationStatus, Recurrence, Weekday
from structures.hours import clock_span, slots_overlap
from structures.import_limits import Deadline
from structures.models import (
    Commune,
    Department,
    Network,
    OpeningHours,
    Public,
    ReceptionPoint,
    ServiceLevel,
    Structure,
)
from structures.spreadsheets import (
    BooleanWidget,
    ChoiceWidget,
    CodeWidget,
    CommuneWidget,
    DateWidget,
    DecimalDegreesWidget,
    FileProblem,
    LookupListWidget,
    LookupWidget,
    PhoneWidget,
    TextWidget,
    TimeWidget,
    WeekdayWidget,
    cell_text,
    header_key,
)


def column(attribute, name, widget=None, **kwargs):
    return Field(attribute=attribute, column_name=name, widget=widget or TextWidget(), **kwargs)


def default_of(model, attribute):
    return model._meta.get_field(attribute).default


@dataclass(frozen=True)
class Problem:
    """One reason why a file or a row is refused. `line` is the spreadsheet line (header = 1)."""

    line: int | None
    column: str | None
    message: str

    def __str__(self):
        where = f"Ligne {self.line}" if self.line else "Fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


class DirectoryResource(resources.ModelResource):
    """What the three resources share: header handling, required columns, duplicate keys,
    French row reports, and an all-or-nothing apply."""

    #: Columns without which no row of the file can be imported.
    required_columns = ()
    #: The columns that together name one record of the file (duplicates are refused).
    key_columns = ()

    class Meta:
        abstract = True
        skip_unchanged = True
        report_skipped = False
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = CachedInstanceLoader

    def column_names(self):
        return [field.column_name for field in self.fields.values()]

    def import_data(self, dataset, **kwargs):
        # A rejected row cancels the whole file, dry run or not.
        kwargs.setdefault("rollback_on_validation_errors", True)
        for field in self.fields.values():
            if hasattr(field.widget, "forget"):
                field.widget.forget()
        self.ignored_columns = []
        self.row_problems = {}
        self.deadline = Deadline()
        try:
            self.check_file(dataset)
        except FileProblem as problem:  # nothing of the file is read
            result = self.get_result_class()()
            result.total_rows = len(dataset)
            result.append_base_error(Error(problem))
        else:
            result = super().import_data(dataset, **kwargs)
        result.ignored_columns = self.ignored_columns
        result.problems = self.problems(result)
        return result

    def check_file(self, dataset):
        """Normalise the headers (« Code postal » → « code_postal »), then refuse a file whose
        columns are unusable; remember the rows that repeat another row's key."""
        if not dataset.headers:
            raise FileProblem("Le fichier est vide : la première ligne doit donner le nom des colonnes.")
        headers = [header_key(header) for header in dataset.headers]
        repeated = sorted({header for header in headers if header and headers.count(header) > 1})
        if repeated:
            raise FileProblem(f"Colonnes en double : {', '.join(f'« {name} »' for name in repeated)}.")
        dataset.headers = headers
        known = set(self.column_names())
        self.ignored_columns = [header or "(sans nom)" for header in headers if header not in known]
        missing = [name for name in self.required_columns if name not in headers]
        if missing:
            raise FileProblem(
                f"Colonne(s) obligatoire(s) absente(s) : {', '.join(f'« {name} »' for name in missing)}. "
                f"Colonnes attendues : {', '.join(self.column_names())}."
            )
        first_line = {}
        for index, row in enumerate(dataset.dict, start=1):
            key = self.row_key(row)
            if key is None:
                continue
            if key in first_line:
                self.add_row_problem(
                    index,
                    self.key_columns[0],
                    f"« {self.describe_key(row)} » figure déjà ligne {first_line[key] + 1} du fichier.",
                )
            else:
                first_line[key] = index
        self.check_rows(dataset)

    def row_key(self, row):
        values = tuple(str(row.get(name) or "").strip() for name in self.key_columns)
        return values if all(values) else None

    def describe_key(self, row):
        return " / ".join(cell_text(row.get(name)) for name in self.key_columns if cell_text(row.get(name)))

    def check_rows(self, dataset):
        """Checks that need the whole file (overlapping hours); see OpeningHoursResource."""

    def add_row_problem(self, index, column_name, message):
        attribute = next(
            (field.attribute for field in self.fields.values() if field.column_name == column_name), NON_FIELD_ERRORS
        )
        self.row_problems.setdefault(index, {}).setdefault(attribute, []).append(message)

    def import_row(self, row, instance_loader, **kwargs):
        # Past the time limit, the remaining rows are not read; after_import cancels the whole file.
        if self.deadline.expired or not any(str(value or "").strip() for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, row_number=None, **kwargs):
        if row_number in self.row_problems:
            raise ValidationError(self.row_problems[row_number])

    def import_instance(self, instance, row, **kwargs):
        """Check the many-to-many cells too before anything is saved (import-export reads them
        only after saving the record, where a bad value would be an error, not a reason)."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if field.column_name in row and isinstance(field.widget, ManyToManyWidget):
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's French rules (fields and clean()), without the per-row queries of Django's
        foreign key, unique and check constraint validation: uniqueness is already settled (the loader finds
        the existing record, check_file refuses a key repeated in the file), every check
        constraint has its rule in clean(), and the database still enforces them all (an
        IntegrityError cancels the whole import)."""
        errors = dict(import_validation_errors or {})
        # Related records were read from the database by the cell readers: not queried again.
        looked_up = {
            field.attribute
            for field in self.fields.values()
            if isinstance(field.widget, LookupWidget) and not isinstance(field.widget, ManyToManyWidget)
        }
        try:
            instance.full_clean(exclude=looked_up | errors.keys(), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        # django-simple-history would write one version for the save and one for each
        # many-to-many field set afterwards; the import writes one, complete (save_m2m).
        instance.skip_history_when_saving = True
        instance.created_by_import = is_create
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        try:
            super().save_m2m(instance, row, **kwargs)
        finally:
            del instance.skip_history_when_saving
        # The history receiver now records the row's version, many-to-many fields included.
        post_save.send(
            sender=type(instance), instance=instance, created=instance.created_by_import, using=instance._state.db
        )

    def after_import(self, dataset, result, **kwargs):
        self.deadline.check()
        super().after_import(dataset, result, **kwargs)

    def problems(self, result):
        """Every reason the file or its rows were refused, in French, in line order."""
        columns = {field.attribute: field.column_name for field in self.fields.values()}
        found = [Problem(None, None, str(error.error)) for error in result.base_errors]
        for row in result.invalid_rows:
            for attribute, messages in row.error_dict.items():
                column_name = None if attribute == NON_FIELD_ERRORS else columns.get(attribute, attribute)
                found.extend(Problem(row.number + 1, column_name, message) for message in messages)
        for row in result.error_rows:
            found.extend(
                Problem(row.number + 1, None, f"enregistrement impossible ({error.error}).") for error in row.errors
            )
        return sorted(found, key=lambda problem: (problem.line or 0, problem.column or ""))


class StructureResource(DirectoryResource):
    identifiant = column("slug", "identifiant")
    nom = column("name", "nom")
    reseau = column(
        "network",
        "reseau",
        LookupWidget(Network, "slug", "Réseau inconnu", "Indiquez le réseau (par exemple mission-locale)."),
    )
    description = column("description", "description")
    siret = column("siret", "siret", CodeWidget(14))
    site_internet = column("website", "site_internet")
    telephone = column("phone", "telephone", PhoneWidget())
    courriel = column("email", "courriel")
    niveaux = column("levels", "niveaux", LookupListWidget(ServiceLevel, "slug", "Niveau de service inconnu"))
    publics = column("publics", "publics", LookupListWidget(Public, "slug", "Public inconnu"))
    departements_competence = column(
        "competence_departments", "departements_competence", LookupListWidget(Department, "code", "Département inconnu")
    )
    communes_competence = column(
        "competence_communes",
        "communes_competence",
        LookupListWidget(Commune, "insee_code", "Code INSEE inconnu dans la région"),
    )
    statut_label = column("label_status", "statut_label", ChoiceWidget(LabelStatus, LabelStatus.NOT_APPLICABLE))
    label_debut = column("label_start", "label_debut", DateWidget())
    label_fin = column("label_end", "label_fin", DateWidget())
    statut = column("status", "statut", ChoiceWidget(PublicationStatus, default_of(Structure, "status")))
    derniere_verification = column("last_verified_on", "derniere_verification", DateWidget())
    demo = column("is_demo", "demo", BooleanWidget(blank=False))
    source = column("source", "source")

    required_columns = ("identifiant", "nom", "reseau")
    key_columns = ("identifiant",)

    class Meta(DirectoryResource.Meta):
        model = Structure
        import_id_fields = ["identifiant"]
        fields = [
            "identifiant",
            "nom",
            "reseau",
            "description",
            "siret",
            "site_internet",
            "telephone",
            "courriel",
            "niveaux",
            "publics",
            "departements_competence",
            "communes_competence",
            "statut_label",
            "label_debut",
            "label_fin",
            "statut",
            "derniere_verification",
            "demo",
            "source",
        ]

    def get_queryset(self):
        # Existing records are loaded with their relations: comparing an unchanged row costs no query.
        return self.filter_export(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("network").prefetch_related(
            "levels", "publics", "competence_departments", "competence_communes"
        )


class ReceptionPointResource(DirectoryResource):
    identifiant = column("slug", "identifiant")
    structure = column(
        "structure",
        "structure",
        LookupWidget(Structure, "slug", "Structure inconnue", "Indiquez la structure (son identifiant)."),
    )
    nom = column("name", "nom")
    type = column("kind", "type", ChoiceWidget(PointKind, PointKind.MAIN))
    structure_hote = column(
        "host_structure", "structure_hote", LookupWidget(Structure, "slug", "Structure d'accueil inconnue")
    )
    lieu_hote = column("host_name", "lieu_hote")
    adresse = column("address", "adresse")
    complement_adresse = column("address_complement", "complement_adresse")
    code_postal = column("postal_code", "code_postal", CodeWidget(5))
    commune_insee = column("commune", "commune_insee", CommuneWidget(Commune))
    commune = column("commune__name", "commune", readonly=True)
    latitude = column("latitude", "latitude", DecimalDegreesWidget())
    longitude = column("longitude", "longitude", DecimalDegreesWidget())
    precision_position = column("geo_precision", "precision_position", ChoiceWidget(GeoPrecision, GeoPrecision.EXACT))
    telephone = column("phone", "telephone", PhoneWidget())
    courriel = column("email", "courriel")
    sans_rdv = column("walk_in", "sans_rdv", BooleanWidget(blank=default_of(ReceptionPoint, "walk_in")))
    sur_rdv = column("by_appointment", "sur_rdv", BooleanWidget(blank=default_of(ReceptionPoint, "by_appointment")))
    modalites_rdv = column("appointment_details", "modalites_rdv")
    sur_place = column("on_site", "sur_place", BooleanWidget(blank=default_of(ReceptionPoint, "on_site")))
    par_telephone = column("by_phone", "par_telephone", BooleanWidget(blank=default_of(ReceptionPoint, "by_phone")))
    en_visio = column("by_video", "en_visio", BooleanWidget(blank=default_of(ReceptionPoint, "by_video")))
    accessibilite = column("accessibility", "accessibilite", ChoiceWidget(Accessibility, Accessibility.UNKNOWN))
    precisions_accessibilite = column("accessibility_details", "precisions_accessibilite")
    publics = column("publics", "publics", LookupListWidget(Public, "slug", "Public inconnu"))
    niveaux = column("levels", "niveaux", LookupListWidget(ServiceLevel, "slug", "Niveau de service inconnu"))
    publie = column("is_published", "publie", BooleanWidget(blank=default_of(ReceptionPoint, "is_published")))
    derniere_verification = column("last_verified_on", "derniere_verification", DateWidget())
    demo = column("is_demo", "demo", BooleanWidget(blank=False))
    source = column("source", "source")

    required_columns = ("identifiant", "structure", "nom", "code_postal")
    key_columns = ("identifiant",)

    class Meta(DirectoryResource.Meta):
        model = ReceptionPoint
        import_id_fields = ["identifiant"]
        fields = [
            "identifiant",
            "structure",
            "nom",
            "type",
            "structure_hote",
            "lieu_hote",
            "adresse",
            "complement_adresse",
            "code_postal",
            "commune_insee",
            "commune",
            "latitude",
            "longitude",
            "precision_position",
            "telephone",
            "courriel",
            "sans_rdv",
            "sur_rdv",
            "modalites_rdv",
            "sur_place",
            "par_telephone",
            "en_visio",
            "accessibilite",
            "precisions_accessibilite",
            "publics",
            "niveaux",
            "publie",
            "derniere_verification",
            "demo",
            "source",
        ]

    def check_file(self, dataset):
        super().check_file(dataset)
        if not {"commune_insee", "commune"} & set(dataset.headers):
            raise FileProblem(
                "Colonne obligatoire absente : « commune_insee » (code INSEE) ou, à défaut, « commune » (nom)."
            )

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # Without coordinates, the point is placed at its commune, and says so.
            if (instance.latitude is None or instance.longitude is None) and instance.commune_id:
                instance.latitude, instance.longitude = instance.commune.latitude, instance.commune.longitude
                instance.geo_precision = GeoPrecision.COMMUNE

    def get_queryset(self):
        return self.filter_export(super().get_queryset())

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("structure", "host_structure", "commune").prefetch_related("publics", "levels")


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
    fermeture = column("closes", "fermeture", TimeWidget())
    semaines = column("recurrence", "semaines", ChoiceWidget(Recurrence, Recurrence.WEEKLY))
    precision = column("note", "precision")

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
        self.kept_slot_ids, self.points_in_file = set(), set()
        return super().import_data(dataset, **kwargs)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if row_result.object_id is not None:
            self.kept_slot_ids.add(row_result.object_id)
            self.points_in_file.add(self.slot_key(row)[0])

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.removed_slots = []
        if result.has_errors() or result.has_validation_errors():
            return
        slots = OpeningHours.objects.filter(point_id__in=self.points_in_file).select_related("point")
        for slot in slots:
            if slot.pk not in self.kept_slot_ids:
                result.removed_slots.append(f"{slot.point.name} : {slot}")
                slot.delete()
        result.totals[RowResult.IMPORT_TYPE_DELETE] += len(result.removed_slots)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("point").order_by("point__slug", "weekday", "recurrence", "opens")

"""What every import shares: columns named in French, problems reported by line, all or nothing
(see structures/imports/__init__.py)."""

import logging
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import CachedInstanceLoader
from import_export.resources import Diff
from import_export.results import Error, RowResult
from import_export.widgets import ManyToManyWidget

from structures.history import copy_versions
from structures.imports.cells import (
    LookupWidget,
    TextWidget,
    cell_text,
)
from structures.imports.files import header_key
from structures.imports.limits import Deadline, FileProblem
from structures.models.inserts import insert_rows
from structures.signals import changed_by, mark_data_changed
from structures.text import french_date

logger = logging.getLogger(__name__)

# Rows written per statement (and versions per statement) once every row of the file is checked.
BATCH_SIZE = 500
# Rows a dry run shows before and after (the first ones it would create or change): every row is
# checked and counted, but a table of thousands of rows is read by nobody and costs as much to
# compute as the check itself.
PREVIEW_ROWS = 100


def column(attribute, name, widget=None, meaning="", example="", **kwargs):
    """A column of the files; `meaning` (else the model field's French name) and `example` are shown
    on the import page and in the template file (structures/imports/columns.py)."""
    field = Field(attribute=attribute, column_name=name, widget=widget or TextWidget(), **kwargs)
    field.meaning, field.example = meaning, example
    return field


def default_of(model, attribute):
    return model._meta.get_field(attribute).default


class PreviewDiff(Diff):
    """import-export's row diff, for the dry run's preview, from values read before and after the
    row (import-export would deep-copy every record to compare it)."""

    def __init__(self, left, new):
        self.left, self.right, self.new = left, [], new


def database_refusal(error):
    """The French report of a rule that only the database checks (its own message is English)."""
    if isinstance(error, IntegrityError) and "unique" in str(error).lower():
        reason = (
            "une valeur qui doit être unique est déjà prise, par exemple l'identifiant de l'Annuaire de "
            "l'administration d'une autre fiche"
        )
    else:
        reason = "une règle de la base de données n'est pas respectée"
    return f"enregistrement impossible ({reason}) ; rien n'a été importé."


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
    French row reports, and an all-or-nothing apply.

    Every row is read and checked on its own (same French messages as a form); the records are then
    written in batches (bulk_create, bulk_update), with their many-to-many relations and their
    versions in the history written in batches too (docs/adr/0005). A dry run writes nothing."""

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
        use_bulk = True
        batch_size = BATCH_SIZE
        # No deep copy of each record for import-export's diff: the dry run's preview gets its own
        # (PreviewDiff), skip_row compares with the values read before the row.
        skip_diff = True

    def get_import_fields(self):
        # Asked several times per row by import-export; the same for the whole file.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        # The preview of a dry run (the import page's table) shows its first rows before and after.
        self.row_diff = None
        if kwargs.get("dry_run") and self.previewed < PREVIEW_ROWS:
            self.row_diff = PreviewDiff([""] * len(self.get_import_fields()) if new else self.exported(instance), new)
        # What skip_row compares the row with (import-export would deep-copy the whole record).
        self.values_before = (
            {}
            if new
            else {
                field.column_name: field.get_value(instance)
                for field in self.get_import_fields()
                if not isinstance(field.widget, ManyToManyWidget)
            }
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """An unchanged row (every column equal to the record's) is skipped: import-export's rule,
        compared with the values read before the row, and, for many-to-many cells, with the
        relations loaded with the record."""
        if not self._meta.skip_unchanged or import_validation_errors or instance.pk is None:
            return False
        for field in self.get_import_fields():
            if isinstance(field.widget, ManyToManyWidget):
                if field.column_name not in row:
                    continue
                current = {record.pk for record in field.get_value(instance).all()}
                if {record.pk for record in self.row_relations[field.attribute]} != current:
                    return False
            elif field.get_value(instance) != self.values_before[field.column_name]:
                return False
        return True

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
        self.skipped_lines = 0
        self.previewed = 0
        self.deadline = Deadline()
        # The day the versions' reason names (« Créée par l'import de fichier du … »), once per file.
        self.import_day = french_date(timezone.localdate())
        # The many-to-many cells of the rows waiting to be written: {id(instance): {field: records}}.
        self.pending_relations = {}
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
        result.preview_rows = [row for row in result.valid_rows() if row.diff is not None]
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
        # Title rows above the column names (structures/imports/files.py): lines are counted in the file.
        self.skipped_lines = getattr(dataset, "skipped_lines", 0)
        known = set(self.column_names())
        self.check_header_below(dataset, headers, known)
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
                    f"« {self.describe_key(row)} » figure déjà ligne {first_line[key] + 1 + self.skipped_lines} du fichier.",
                )
            else:
                first_line[key] = index
        self.check_rows(dataset)

    def check_header_below(self, dataset, headers, known):
        """Column names on the row under the names (a title cell merged over several columns, with the
        real names below it) would leave those columns unread: the file is refused, saying why."""
        if not len(dataset):
            return
        below = [
            (header_key(cell), header or "(vide)")
            for cell, header in zip(dataset[0], headers, strict=False)
            # A known name under an empty or unknown header: a value equal to a name under its own
            # column (« commune » as a precision) is a value.
            if header_key(cell) in known and header_key(cell) not in headers and header not in known
        ]
        if below:
            line = self.skipped_lines + 2
            names = ", ".join(f"« {name} »" for name, _ in below)
            above = ", ".join(sorted({f"« {header} »" for _, header in below}))
            raise FileProblem(
                f"La ligne {line} contient des noms de colonnes ({names}) sous d'autres en-têtes ({above}) : "
                "sans doute une cellule fusionnée sur plusieurs colonnes. Gardez une seule ligne de noms de "
                "colonnes, un nom par colonne, sans cellule fusionnée."
            )

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

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        """import-export's rule (a column the row does not give leaves its field alone) without the
        debug message it formats for each of them, on every row."""
        if field.attribute and field.column_name in row:
            field.save(instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """Check the many-to-many cells too before anything is saved (import-export reads them
        only after saving the record, where a bad value would be an error, not a reason)."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # The attributes the row gives (the only fields validate_instance checks one by one).
        self.row_attributes = {field.attribute for field in self.get_import_fields() if field.column_name in row}
        # The row's many-to-many cells, read once: compared by skip_row, written with the batch.
        self.row_relations = {}
        for field in self.get_import_fields():
            if field.column_name in row and isinstance(field.widget, ManyToManyWidget):
                try:
                    self.row_relations[field.attribute] = field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's French rules (the fields the row gives, as a form checks its own fields, and
        clean()), without the per-row queries of Django's foreign key, unique and check constraint
        validation: uniqueness is already settled (the loader finds the existing record, check_file
        refuses a key repeated in the file), every check constraint has its rule in clean(), and the
        database still enforces them all (an IntegrityError cancels the whole import)."""
        errors = dict(import_validation_errors or {})
        # Related records were read from the database by the cell readers: not queried again.
        looked_up = {
            field.attribute
            for field in self.fields.values()
            if isinstance(field.widget, LookupWidget) and not isinstance(field.widget, ManyToManyWidget)
        }
        untouched = {field.name for field in instance._meta.fields} - self.row_attributes
        try:
            instance.full_clean(
                exclude=looked_up | untouched | errors.keys(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Queue the record for its batch, prepared as its save() would (derived columns, revision,
        timestamps: bulk writes call no save())."""
        instance._change_reason = f"{'Créée' if is_create else 'Modifiée'} par l'import de fichier du {self.import_day}"
        if hasattr(instance, "sync_derived_fields"):
            instance.sync_derived_fields()
        if hasattr(instance, "count_save"):
            instance.count_save()
        if not is_create:  # bulk_create runs each field's pre_save itself; bulk_update does not
            for field in instance._meta.concrete_fields:
                setattr(instance, field.attname, field.pre_save(instance, False))
        super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        """Remember the row's many-to-many cells (checked in import_instance) for its batch."""
        self.pending_relations[id(instance)] = self.row_relations
        if self.row_diff is not None:
            self.row_diff.right = self.exported(instance, self.row_relations)

    def exported(self, instance, relations=None):
        """The import columns of `instance` as the export writes them; many-to-many cells from
        `relations` when given (the row's, not yet written)."""
        relations = relations or {}
        return [
            field.widget.render(relations[field.attribute]) if field.attribute in relations else field.export(instance)
            for field in self.get_import_fields()
        ]

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        if self.row_diff is not None and row_result.import_type in (
            RowResult.IMPORT_TYPE_NEW,
            RowResult.IMPORT_TYPE_UPDATE,
        ):
            row_result.diff = self.row_diff.as_html()
            self.previewed += 1

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_batch(self.create_instances, True, dry_run, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_batch(self.update_instances, False, dry_run, raise_errors, result)

    def write_batch(self, instances, created, dry_run, raise_errors, result):
        """Write a batch of checked records, their many-to-many relations and their versions; a dry
        run writes nothing."""
        if not instances:
            return
        try:
            if not dry_run:
                # In a savepoint: on PostgreSQL a refused statement would leave the whole
                # transaction unusable for the report that follows.
                with transaction.atomic():
                    self.write_records(instances, created)
        except DatabaseError as error:  # a rule of the database: the whole file is cancelled
            logger.warning("Import refusé par la base de données", exc_info=True)
            self.handle_import_error(result, FileProblem(database_refusal(error)), raise_errors)
        finally:
            for instance in instances:
                self.pending_relations.pop(id(instance), None)
            instances.clear()

    def write_records(self, instances, created):
        model = self._meta.model
        if created:
            model.objects.bulk_create(instances, batch_size=BATCH_SIZE)
        else:
            model.objects.bulk_update(instances, self.bulk_fields(), batch_size=BATCH_SIZE)
            # What save() does after writing, when the model has such a step.
            if hasattr(model, "after_bulk_update"):
                model.after_bulk_update(instances)
        self.write_relations(instances, created)
        copy_versions(model, instances, update=not created)
        # Bulk writes send no signal: what they changed is named here, in the import's transaction,
        # and the data's version is stamped once, at the commit.
        mark_data_changed(**changed_by(instances, created))

    def bulk_fields(self):
        """The columns a bulk update writes: every concrete column but the primary key."""
        return [field.name for field in self._meta.model._meta.concrete_fields if not field.primary_key]

    def write_relations(self, instances, created):
        """The many-to-many relations the rows gave, replacing those of updated records."""
        by_field = {}
        for instance in instances:
            for attribute, records in self.pending_relations.get(id(instance), {}).items():
                by_field.setdefault(attribute, []).append((instance, records))
        for attribute, pairs in by_field.items():
            field = self._meta.model._meta.get_field(attribute)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            if not created:
                through.objects.filter(**{f"{source}_id__in": [instance.pk for instance, _ in pairs]}).delete()
            insert_rows(
                through,
                [through._meta.get_field(source), through._meta.get_field(target)],
                [[instance.pk, record.pk] for instance, records in pairs for record in records],
                batch_size=BATCH_SIZE,
            )

    def after_import(self, dataset, result, **kwargs):
        self.deadline.check()
        super().after_import(dataset, result, **kwargs)

    def problems(self, result):
        """Every reason the file or its rows were refused, in French, in line order."""
        columns = {field.attribute: field.column_name for field in self.fields.values()}
        offset = 1 + getattr(self, "skipped_lines", 0)
        found = [Problem(None, None, str(error.error)) for error in result.base_errors]
        for row in result.invalid_rows:
            for attribute, messages in row.error_dict.items():
                column_name = None if attribute == NON_FIELD_ERRORS else columns.get(attribute, attribute)
                found.extend(Problem(row.number + offset, column_name, message) for message in messages)
        for row in result.error_rows:
            found.extend(
                Problem(row.number + offset, None, f"enregistrement impossible ({error.error}).")
                for error in row.errors
            )
        return sorted(found, key=lambda problem: (problem.line or 0, problem.column or ""))

"""Bulk inserts that cost what they should (issue 23; docs/adr/0005, complements on bulk inserts).

Django's bulk_create compiles every value of every row on its own (a placeholder, a parameter
list, checks for expressions): for the 40-odd columns of a reception point and of its version in
the history, that compilation took more time than the database's own work. Here the rows of new
records are written with one statement per batch, each value prepared by its field as Django
prepares it (`pre_save`, then `get_db_prep_save`, skipped for the values it gives back as they are:
AS_PREPARED). On SQLite, one `INSERT … VALUES … RETURNING` per batch, as Django does; on PostgreSQL,
the ids drawn first from the table's sequence, then the rows sent by `COPY … FROM STDIN` (its
fastest way in, each value written by psycopg's own adapters). Anything else (options, ids given, a
column the database fills, an expression as a value, a database without RETURNING on a bulk insert)
goes through Django's own bulk_create.
"""

from contextlib import nullcontext

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.fields import AutoFieldMixin

# Fields whose preparation for the database gives a value of this Python type back as it is, on
# every database (Django's get_prep_value, then to_python): such values are written without the
# calls, a few hundred thousand for a file of 10,000 points. Exact field classes only: a subclass
# may prepare its values otherwise.
AS_PREPARED = {
    models.CharField: str,
    models.SlugField: str,
    models.EmailField: str,
    models.URLField: str,
    models.TextField: str,
    models.BooleanField: bool,
}


class InsertingQuerySet(models.QuerySet):
    def bulk_create(self, objs, batch_size=None, **options):
        objs = list(objs)
        self._for_write = True
        connection = connections[self.db]
        if options or not objs or not plain_inserts(self.model, connection) or any(obj.pk is not None for obj in objs):
            return super().bulk_create(objs, batch_size=batch_size, **options)
        fields = inserted_fields(self.model)
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        values = [[field.pre_save(obj, True) for field in fields] for obj in objs]
        if any(hasattr(value, "resolve_expression") for row in values for value in row):
            return super().bulk_create(objs, batch_size=batch_size, **options)
        kinds = [AS_PREPARED.get(type(field)) for field in fields]
        rows = [
            [
                value if type(value) is kind else field.get_db_prep_save(value, connection)
                for field, kind, value in zip(fields, kinds, row, strict=True)
            ]
            for row in values
        ]
        for obj, pk in zip(objs, insert_rows(self.model, fields, rows, self.db, batch_size), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = self.db
        return objs


class InsertingModel(models.Model):
    """The base of the history's versions of imported records (simple_history's `bases`): their
    bulk creation goes through InsertingQuerySet too."""

    objects = InsertingQuerySet.as_manager()

    class Meta:
        abstract = True


def inserted_fields(model):
    """The columns an insert writes: all but the id, which the database gives (a model with
    generated columns is left to Django: plain_inserts)."""
    return [field for field in model._meta.concrete_fields if field is not model._meta.pk]


def insert_rows(model, fields, rows, using=DEFAULT_DB_ALIAS, batch_size=None):
    """Write `rows` (values prepared for the database, in the order of `fields`) as new records of
    `model` (one that `plain_inserts` accepts), `batch_size` rows per statement; their new ids, in
    the order of the rows. For rows with no instance to build, such as the many-to-many relations
    of an import."""
    if not rows:
        return []
    connection = connections[using]
    size = connection.ops.bulk_batch_size(fields, rows)
    size = min(batch_size, size) if batch_size else size
    write = copied_rows if connection.vendor == "postgresql" else inserted_rows
    ids = []
    with transaction.atomic(using=using, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            ids += write(cursor, model, fields, rows[start : start + size])
    return ids


def inserted_rows(cursor, model, fields, rows):
    """Write `rows` (prepared values, in the order of `fields`) in one INSERT, one placeholder per
    value; the new ids, in the order of the rows."""
    quote = cursor.db.ops.quote_name
    row = f"({', '.join(['%s'] * len(fields))})"
    cursor.execute(
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES {', '.join([row] * len(rows))} RETURNING {quote(model._meta.pk.column)}",
        [value for values in rows for value in values],
    )
    return [pk for (pk,) in cursor.fetchall()]


def copied_rows(cursor, model, fields, rows):
    """`inserted_rows` on PostgreSQL: the ids drawn from the table's sequence (as the column's
    default would), then the rows with their ids in one `COPY … FROM STDIN`, which goes through
    Django's execute wrappers and query log like any statement, its errors turned into Django's."""
    quote = cursor.db.ops.quote_name
    table, id_column = model._meta.db_table, model._meta.pk.column
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, id_column, len(rows)]
    )
    ids = [pk for (pk,) in cursor.fetchall()]
    columns = ", ".join(quote(column) for column in [id_column, *(field.column for field in fields)])
    statement = f"COPY {quote(table)} ({columns}) FROM STDIN"

    def copy(sql, params, many, context):
        with cursor.db.wrap_database_errors, cursor.cursor.copy(sql) as stream:
            for values in params:
                stream.write_row(values)

    logged = cursor.debug_sql(statement) if hasattr(cursor, "debug_sql") else nullcontext()
    with logged:
        cursor._execute_with_wrappers(
            statement, [[pk, *values] for pk, values in zip(ids, rows, strict=True)], False, copy
        )
    return ids


def plain_inserts(model, connection):
    """Whether the rows of `model` can be written as plain values, the database giving back only
    the new ids."""
    opts = model._meta
    return (
        connection.features.can_return_rows_from_bulk_insert
        and not opts.parents
        and isinstance(opts.pk, AutoFieldMixin)
        and not any(field.generated or field.has_db_default() for field in opts.concrete_fields)
    )

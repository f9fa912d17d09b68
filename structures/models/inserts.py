"""Bulk inserts that cost what they should (issue 23; docs/adr/0005, complement on bulk inserts).

Django's bulk_create compiles every value of every row on its own (a placeholder, a parameter
list, checks for expressions): for the 40-odd columns of a reception point and of its version in
the history, that compilation took more time than the database's own work. Here the rows of new
records are written with one statement per batch, each value prepared by its field as
Django prepares it (`pre_save`, then `get_db_prep_save`), the new ids read back by RETURNING as
Django does. Anything else (options, ids given, a column the database fills, an expression as a
value, a database without RETURNING on a bulk insert) goes through Django's own bulk_create.
"""

from django.db import connections, models, transaction
from django.db.models.fields import AutoFieldMixin


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
        size = connection.ops.bulk_batch_size(fields, objs)
        size = min(batch_size, size) if batch_size else size
        quote = connection.ops.quote_name
        insert = (
            f"INSERT INTO {quote(self.model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
        )
        returning = f" RETURNING {quote(self.model._meta.pk.column)}"
        with transaction.atomic(using=self.db, savepoint=False), connection.cursor() as cursor:
            for start in range(0, len(objs), size):
                rows = [
                    [field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True)]
                    for row in values[start : start + size]
                ]
                rows_sql, params = written_rows(connection, fields, rows)
                cursor.execute(insert + rows_sql + returning, params)
                for obj, (pk,) in zip(objs[start : start + size], cursor.fetchall(), strict=True):
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


def written_rows(connection, fields, rows):
    """The SQL and parameters of `rows` (prepared values, in the order of `fields`): on PostgreSQL one
    array per column, as Django's own PostgreSQL compiler does (a statement short to plan), else one
    placeholder per value."""
    if connection.vendor == "postgresql":
        # The types without their length (varchar[], not varchar(50)[]): nothing is truncated.
        arrays = ", ".join(f"(%s)::{field.db_type(connection).split('(')[0]}[]" for field in fields)
        return f"SELECT * FROM UNNEST({arrays})", [list(column) for column in zip(*rows, strict=True)]
    row = f"({', '.join(['%s'] * len(fields))})"
    return f"VALUES {', '.join([row] * len(rows))}", [value for values in rows for value in values]


def plain_inserts(model, connection):
    """Whether the rows of `model` can be written as plain values, the database giving back only
    the new ids."""
    opts = model._meta
    return (
        connection.features.can_return_rows_from_bulk_insert
        and not opts.parents
        and isinstance(opts.pk, AutoFieldMixin)
        and not any(field.generated or field.has_db_default() for field in opts.concrete_fields)
        # Types PostgreSQL can hold in an array (as Django's own compiler checks).
        and all(
            (field.target_field if field.is_relation else field).get_internal_type() in connection.data_types
            for field in inserted_fields(model)
        )
    )

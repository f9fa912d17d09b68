"""On PostgreSQL, trigram indexes (pg_trgm) on the normalised search columns, so that the
accent-insensitive « contains » and « starts with » searches (LIKE '%…%', LIKE '…%') use an index
instead of reading whole tables. SQLite has no such index and needs none at this size; the
columns and the queries are the same on both databases (docs/adr/0007).

pg_trgm is a « trusted » extension (PostgreSQL 13 and later): the owner of the database may
create it without being a superuser.
"""

from django.db import migrations

INDEXES = [
    ("point_search_text_trgm", "structures_receptionpoint", "search_text"),
    ("structure_search_text_trgm", "structures_structure", "search_text"),
    ("commune_search_name_trgm", "structures_commune", "search_name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0009_data_version"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]

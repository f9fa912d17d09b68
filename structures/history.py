"""The versions of records (django-simple-history) beyond their own row: the publics and levels they
had (many-to-many relations, kept with each version), and, for a point, the changes of its opening
hours and closures made with each version, written in French (« Mardi : 9 h 00 – 12 h 00 ajouté »).
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import timedelta

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.models import is_historic, to_historic

from structures.hours.formats import format_span
from structures.text import french_date

# Records whose versions are copied per statement.
VERSIONS_BATCH = 500


def _by_batches(cursor, statement, params, ids, returning=False):
    """Run `statement` (`params`, then its `IN (%s)` list) for VERSIONS_BATCH of `ids` at a time;
    the rows it returned if `returning`."""
    rows = []
    for start in range(0, len(ids), VERSIONS_BATCH):
        batch = ids[start : start + VERSIONS_BATCH]
        if cursor.db.vendor == "postgresql":  # one array: a statement short to send and to plan
            cursor.execute(statement.replace("IN (%s)", "= ANY(%s)"), [*params, batch])
        else:
            cursor.execute(statement.replace("IN (%s)", f"IN ({', '.join(['%s'] * len(batch))})"), [*params, *batch])
        if returning:
            rows += cursor.fetchall()
    return rows


def _relations(history_model):
    """(field, history model of its rows, column of the record, column of the related item) for each
    many-to-many relation kept with the versions of `history_model`."""
    for field in getattr(history_model, "_history_m2m_fields", ()):
        yield field, getattr(history_model, field.name).model, field.m2m_field_name(), field.m2m_reverse_field_name()


def snapshot_relations(versions, new=False):
    """Keep with each of `versions` (of one model) its record's publics and levels as they are now.
    For versions made without them: bulk loads (bulk_history_create saves no relation) and an admin
    save, whose relations are written after its version. `new`: versions just created, which have
    no relation kept yet."""
    versions = list(versions)
    if not versions:
        return
    history_model = type(versions[0])
    pk_name = history_model.instance_type._meta.pk.attname
    keep_relations(history_model, [(version.pk, getattr(version, pk_name)) for version in versions], new)


def keep_relations(history_model, versions, new=False):
    """`snapshot_relations` for `versions` given as (version id, record id): the rows of each relation
    copied by the database from the record's rows to the version's, VERSIONS_BATCH versions per
    statement."""
    if not versions:
        return
    connection = connections[router.db_for_write(history_model)]
    quote = connection.ops.quote_name
    record_column = quote(history_model._meta.get_field(history_model.instance_type._meta.pk.name).column)
    version_column = quote(history_model._meta.pk.column)
    version_ids = [version_id for version_id, _ in versions]
    for field, rows_model, source, target in _relations(history_model):
        through = field.remote_field.through._meta
        if not new:
            rows_model.objects.filter(history__in=version_ids).delete()
        columns = [quote(rows_model._meta.get_field(name).column) for name in ("id", source, target, "history")]
        copied = ", ".join(f"relation.{quote(through.get_field(name).column)}" for name in ("id", source, target))
        statement = (
            f"INSERT INTO {quote(rows_model._meta.db_table)} ({', '.join(columns)}) "
            f"SELECT {copied}, version.{version_column} FROM {quote(through.db_table)} relation "
            f"INNER JOIN {quote(history_model._meta.db_table)} version "
            f"ON version.{record_column} = relation.{quote(through.get_field(source).column)} "
            f"WHERE version.{version_column} IN (%s)"
        )
        with connection.cursor() as cursor:
            _by_batches(cursor, statement, [], version_ids)


def copy_versions(model, records, update=False):
    """The versions of `records` (of `model`, just written in bulk) with their publics and levels, as
    simple_history's bulk_history_create makes them (the same columns, type « + » or « ~ », user and
    reason), but copied by the database from the records' own rows: one INSERT … SELECT per batch
    instead of a Python instance of 40-odd values per record. Records with reasons or users of their
    own (none in a file import) go through bulk_history_create."""
    records = list(records)
    if not records or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history_model = model.history.model
    reasons = {getattr(record, "_change_reason", "") for record in records}
    if len(reasons) > 1 or any(hasattr(record, "_history_user") for record in records):
        snapshot_relations(model.history.bulk_history_create(records, update=update), new=True)
        return
    connection = connections[router.db_for_write(history_model)]
    quote = connection.ops.quote_name
    meta = history_model._meta
    fields = history_model.tracked_fields
    written = [quote(meta.get_field(field.name).column) for field in fields]
    user = history_model.get_default_history_user(records[0])
    stamps = {
        "history_date": timezone.now(),
        "history_type": "~" if update else "+",
        "history_user": user.pk if user is not None else None,
        "history_change_reason": reasons.pop(),
    }
    stamp_columns = [quote(meta.get_field(name).column) for name in stamps]
    stamp_values = [meta.get_field(name).get_db_prep_save(value, connection) for name, value in stamps.items()]
    pk = model._meta.pk
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(written + stamp_columns)}) "
        f"SELECT {', '.join(quote(field.column) for field in fields)}, {', '.join(['%s'] * len(stamps))} "
        f"FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(pk.column)} IN (%s) RETURNING {quote(meta.pk.column)}, {quote(meta.get_field(pk.name).column)}"
    )
    ids = [pk.get_db_prep_value(record.pk, connection) for record in records]
    with connection.cursor() as cursor:
        versions = _by_batches(cursor, statement, stamp_values, ids, returning=True)
    keep_relations(history_model, versions, new=True)


def delete_versions(versions):
    """Delete versions (a queryset of one history model) with the relations kept with them."""
    for _field, rows_model, _source, _target in _relations(versions.model):
        rows_model.objects.filter(history__in=versions.values("pk")).delete()
    versions.delete()


def relations_of(version):
    """{field name: [ids]}: the publics and levels the record had at `version` (its form's initial
    values when going back to it)."""
    return {
        field.name: [getattr(row, f"{target}_id") for row in rows_model.objects.filter(history=version)]
        for field, rows_model, _source, target in _relations(type(version))
    }


def rows_at(model, point):
    """The rows of `model` (opening hours or closures) of a point; for an older version of the point,
    its rows as they were until the next version: those saved with a version come just after it."""
    if is_historic(point):
        version = to_historic(point)
        following = (
            type(version)
            .objects.filter(id=point.pk, history_date__gt=version.history_date)
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        if following is not None:
            return model.history.as_of(following - timedelta(microseconds=1)).filter(point_id=point.pk)
    return model.objects.filter(point_id=point.pk)


def _slot_text(slot):
    recurrence = "" if slot.recurrence == "weekly" else f" ({slot.get_recurrence_display().lower()})"
    note = f", {slot.note}" if slot.note else ""
    return f"{slot.get_weekday_display()}{recurrence} : {format_span(slot.opens, slot.closes)}{note}"


def _closure_text(closure):
    if closure.starts_on == closure.ends_on:
        when = f"le {french_date(closure.starts_on)}"
    else:
        when = f"du {french_date(closure.starts_on)} au {french_date(closure.ends_on)}"
    hours = f", ouvert {format_span(closure.opens, closure.closes)}" if closure.opens and closure.closes else ""
    return f"Fermeture ou horaires exceptionnels {when}{hours} (« {closure.message} »)"


_WORDS = {"+": "ajouté", "-": "retiré"}
_CLOSURE_WORDS = {"+": "ajoutée", "-": "retirée"}


def _net_changes(items, describe, words, order):
    """The lines of one version's changes of rows, in the rows' order (`order`: their sort key, the
    week's order for hours): a row removed and the same row added back (the week is saved whole)
    cancel out; a row changed in place reads « avant → après »."""
    added, removed, lines = Counter(), Counter(), []
    for item in sorted(items, key=order):
        if item.history_type == "+":
            added[describe(item)] += 1
        elif item.history_type == "-":
            removed[describe(item)] += 1
        else:
            before = item.prev_record
            if before is not None and describe(before) != describe(item):
                lines.append(f"{describe(before)} → {describe(item)}")
    # Counters keep the order in which their texts were first counted.
    lines += [f"{text} {words['-']}" for text in (removed - added).elements()]
    lines += [f"{text} {words['+']}" for text in (added - removed).elements()]
    return lines


def point_rows_changes(point_id, versions, newer=None):
    """{version: [French lines]}: the changes of the point's opening hours and closures made with each
    of its `versions` (all versions of one point, in any order), i.e. between that version and the
    next one (`newer`: the date of the version after the newest of `versions`, if any)."""
    from structures.models import Closure, OpeningHours

    versions = sorted(versions, key=lambda version: version.history_date)
    if not versions:
        return {}
    window = {"point_id": point_id, "history_date__gte": versions[0].history_date}
    if newer is not None:
        window["history_date__lt"] = newer
    dates = [version.history_date for version in versions]
    changes = {version: [] for version in versions}
    for model, describe, words, order in (
        (OpeningHours, _slot_text, _WORDS, lambda slot: (slot.weekday, slot.opens)),
        (Closure, _closure_text, _CLOSURE_WORDS, lambda closure: closure.starts_on),
    ):
        per_version = defaultdict(list)
        for item in model.history.filter(**window):
            # The version it was saved with: the newest one not after it.
            per_version[versions[bisect_right(dates, item.history_date) - 1]].append(item)
        for version, items in per_version.items():
            changes[version].extend(_net_changes(items, describe, words, order))
    return changes


# Bookkeeping columns a person does not need to see change from one version to the next.
UNSHOWN_FIELDS = ["revision", "updated_at", "search_text"]


def shown(value):
    """A value of a version as a person reads it: « oui » / « non », names of publics joined, « vide »."""
    if value in (None, "", []):
        return "vide"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def change_texts(model, change):
    """(French name of the field, old value, new value) of one change between two versions (a
    simple_history ModelChange); the publics and levels by their names."""
    field = model._meta.get_field(change.field)
    old, new = change.old, change.new
    if field.many_to_many:
        target = field.m2m_reverse_field_name()
        names = dict(
            field.related_model.objects.filter(
                pk__in=[_id(row[target]) for row in [*(old or []), *(new or [])]]
            ).values_list("pk", "name")
        )
        old = sorted(names.get(_id(row[target]), "?") for row in old or [])
        new = sorted(names.get(_id(row[target]), "?") for row in new or [])
    elif field.choices and not field.many_to_one:
        labels = dict(field.flatchoices)
        old, new = labels.get(old, old), labels.get(new, new)
    elif field.many_to_one:
        old, new = _related_name(field, old), _related_name(field, new)
    return capfirst(field.verbose_name), shown(old), shown(new)


def _related_name(field, value):
    if value is None or hasattr(value, "pk"):
        return value
    return field.related_model.objects.filter(pk=value).first() or value


def _id(value):
    return getattr(value, "pk", value)

"""The versions of records (django-simple-history) beyond their own row: the publics and levels they
had (many-to-many relations, kept with each version), and, for a point, the changes of its opening
hours and closures made with each version, written in French (« Mardi : 9 h 00 – 12 h 00 ajouté »).
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from datetime import timedelta

from django.utils.text import capfirst
from simple_history.models import is_historic, to_historic

from structures.hours.formats import format_span
from structures.text import french_date


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
    record_ids = {getattr(version, pk_name) for version in versions}
    for field, rows_model, source, target in _relations(history_model):
        related = defaultdict(list)
        pairs = field.remote_field.through.objects.filter(**{f"{source}_id__in": record_ids})
        for row_id, record_id, item_id in pairs.values_list("id", f"{source}_id", f"{target}_id").iterator():
            related[record_id].append((row_id, item_id))
        if not new:
            rows_model.objects.filter(history__in=versions).delete()
        rows_model.objects.bulk_create(
            [
                rows_model(
                    id=row_id, history=version, **{f"{source}_id": getattr(version, pk_name), f"{target}_id": item_id}
                )
                for version in versions
                for row_id, item_id in related[getattr(version, pk_name)]
            ],
            batch_size=1000,
        )


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

"""Points as light records, for the exports that serialize thousands of them (issue 23).

The open-data shapes read a point's attributes: `point.structure.network.slug`, `point.commune.name`,
`point.publics.all()`, `point.opening_hours.all()`… A model instance with its prefetched relations
gives them, at a cost far above the serialisation itself (an instance, a related manager and a
queryset per relation and per point). Here a point is a plain object with the same attributes:

- its own columns, read with `values_list()` from the queryset given (its filters and its order kept);
- its structure and host structure (records too, with their network and relations) and its commune:
  read once per export and shared by all their points;
- its publics, levels, hours and closures: read in one query each per chunk of points, in the
  order their prefetch would give (the target's default ordering, hours by day and time).

    for point in point_records(ReceptionPoint.objects.published().order_by("pk")):
        POINT.serialize(point, context)

The shapes cannot tell a record from an instance read by `ReceptionPointQuerySet.for_open_data()`
(tests/annuaire/test_records.py compares both, field by field, for every shape that reads points).
"""

from itertools import islice

from django.db.models import Q

from structures.models import Closure, Commune, Network, OpeningHours, ReceptionPoint, Structure

CHUNK_SIZE = 2000


class Related(list):
    """Related records, read like a prefetched relation: `.all()`."""

    def all(self):
        return self


class Record:
    """A row of a model's table as an object: one attribute per column (`commune_id`…)."""

    def __init__(self, names, values):
        self.__dict__.update(zip(names, values, strict=True))


def columns(model, exclude=()):
    return [field.attname for field in model._meta.concrete_fields if field.attname not in exclude]


POINT_COLUMNS = columns(ReceptionPoint, exclude={"search_text", "source_values"})
STRUCTURE_COLUMNS = columns(Structure, exclude={"search_text", "source_values"})
# A point's rows in other tables: (attribute, model, order within a point).
POINT_ROWS = (("opening_hours", OpeningHours, ("weekday", "opens")), ("closures", Closure, ("starts_on",)))
POINT_VOCABULARIES = ("publics", "levels")
# What every point shape reads of its structure; data·inclusion asks for its area too.
STRUCTURE_RELATIONS = ("publics", "levels")
AREA = ("competence_departments", "competence_communes", "competence_epcis", "excluded_communes")


def id_condition(column, ids):
    """Rows whose `column` is one of `ids`. Points read in primary-key order come in runs of nearby
    ids, read as a range (an IN list of thousands of values costs more to build than to run);
    points in another order (nearest first) are read by their list."""
    ids = sorted(ids)
    if ids and ids[-1] - ids[0] < 2 * len(ids):
        return {f"{column}__gte": ids[0], f"{column}__lte": ids[-1]}
    return {f"{column}__in": ids}


class ManyToMany:
    """A many-to-many relation `name` of `model`. Its targets (publics, levels, departments…) are
    read once per export: `loaded` holds them by model, for the relations that share them."""

    def __init__(self, model, name, loaded):
        field = model._meta.get_field(name)
        self.name = name
        self.through = field.remote_field.through
        self.source, self.target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        if field.related_model not in loaded:
            loaded[field.related_model] = {target.pk: target for target in field.related_model.objects.all()}
        self.targets = loaded[field.related_model]
        self.rank = {pk: index for index, pk in enumerate(self.targets)}

    def attach(self, records):
        """Each record gets its targets, in their default order."""
        linked = {}
        condition = id_condition(self.source, [record.id for record in records])
        for record_id, target_id in self.through.objects.filter(**condition).values_list(self.source, self.target):
            linked.setdefault(record_id, []).append(target_id)
        for record in records:
            found = sorted(linked.get(record.id, ()), key=self.rank.__getitem__)
            setattr(record, self.name, Related(self.targets[pk] for pk in found))


def attach_rows(points):
    """Each point gets its hours and closures."""
    ids = [point.id for point in points]
    for name, model, order in POINT_ROWS:
        names = columns(model)
        rows = {}
        for row in (
            model.objects.filter(**id_condition("point_id", ids)).order_by("point_id", *order).values_list(*names)
        ):
            record = Record(names, row)
            rows.setdefault(record.point_id, []).append(record)
        for point in points:
            setattr(point, name, Related(rows.get(point.id, ())))


def structure_records(queryset, relations, loaded):
    """The structures of `queryset` by id, as records with their network and `relations`."""
    networks = {network.pk: network for network in Network.objects.all()}
    structures = [Record(STRUCTURE_COLUMNS, row) for row in queryset.values_list(*STRUCTURE_COLUMNS)]
    for structure in structures:
        structure.network = networks[structure.network_id]
    for name in relations:
        ManyToMany(Structure, name, loaded).attach(structures)
    return {structure.id: structure for structure in structures}


def point_records(queryset, structure_relations=(), chunk_size=CHUNK_SIZE):
    """The points of `queryset`, in its order, as records the open-data shapes read like instances;
    their structures have `structure_relations` besides their publics and levels."""
    rows, loaded = queryset.order_by(), {}
    structures = structure_records(
        Structure.objects.filter(Q(pk__in=rows.values("structure_id")) | Q(pk__in=rows.values("host_structure_id"))),
        STRUCTURE_RELATIONS + tuple(structure_relations),
        loaded,
    )
    communes = {commune.pk: commune for commune in Commune.objects.filter(pk__in=rows.values("commune_id"))}
    vocabularies = [ManyToMany(ReceptionPoint, name, loaded) for name in POINT_VOCABULARIES]
    points = queryset.prefetch_related(None).values_list(*POINT_COLUMNS).iterator(chunk_size=chunk_size)
    while chunk := [Record(POINT_COLUMNS, row) for row in islice(points, chunk_size)]:
        for point in chunk:
            point.structure = structures[point.structure_id]
            point.host_structure = structures.get(point.host_structure_id)
            point.commune = communes[point.commune_id]
        for vocabulary in vocabularies:
            vocabulary.attach(chunk)
        attach_rows(chunk)
        yield from chunk

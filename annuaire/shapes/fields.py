"""A published shape is an ordered list of fields; each field says, once, its name, its type, its
description and how its value is read. From that one declaration come the JSON answers, the CSV
columns, the OpenAPI schema and the tables of the documentation page (docs/adr/0010).

    POINT.serialize(point, context)  # a dict, in the declared order
    POINT.columns                    # the CSV header
    POINT.schema("Un lieu d'accueil publié.")
    POINT.documentation()            # rows of /donnees/
"""

from dataclasses import dataclass, field, replace
from operator import attrgetter
from types import SimpleNamespace
from typing import Any

from django.urls import reverse
from django.utils import timezone


def context(request=None, today=None, **extra):
    """What getters may read besides the record: the request (absolute addresses), today's date
    (hours), whatever a shape needs that the record does not carry, and `memo`, where a getter keeps
    what all the records of one answer share (an export asks for thousands)."""
    return SimpleNamespace(request=request, today=today or timezone.localdate(), memo={}, **extra)


def absolute(request, name, *args):
    return request.build_absolute_uri(reverse(name, args=args))


# A slug that no record has, put in an address to find where the record's slug goes.
SLUG_MARK = "slug-mark--"


def page_address(context, name, slug):
    """The full address of a record's page: the route is reversed once per context, then the slug
    put in its place (a slug needs no quoting). The context gives either the request or an
    `absolute` function that turns a path into a full address."""
    key = ("page address", name)
    if key not in context.memo:
        make_absolute = context.request.build_absolute_uri if context.request else context.absolute
        context.memo[key] = make_absolute(reverse(name, args=[SLUG_MARK])).split(SLUG_MARK)
    prefix, suffix = context.memo[key]
    return f"{prefix}{slug}{suffix}"


def iso_date(value):
    return value.isoformat() if value else None


def iso_datetime(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    get: Any
    nullable: bool = False
    # JSON Schema keywords of the value (enum, pattern, format, minimum…), of the items for a list.
    constraints: dict = field(default_factory=dict)
    # A field that is left out when this says so (data·inclusion places without an address).
    present: Any = None

    def schema(self):
        kind = [self.type, "null"] if self.nullable else self.type
        if self.type == "array":
            return {"type": kind, "description": self.description, "items": dict(self.constraints)}
        return {"type": kind, "description": self.description, **self.constraints}


def _reader(source, get, nullable):
    if get is not None:
        return get
    read = attrgetter(source)
    if nullable:
        return lambda record, context: read(record) or None
    return lambda record, context: read(record)


def _field(kind, name, description, source=None, get=None, nullable=False, **constraints):
    return Field(name, kind, description, _reader(source or name, get, nullable), nullable, constraints)


def text(name, description, source=None, get=None, nullable=False, **constraints):
    return _field("string", name, description, source, get, nullable, **constraints)


def integer(name, description, source=None, get=None, nullable=False, **constraints):
    return _field("integer", name, description, source, get, nullable, **constraints)


def number(name, description, source=None, get=None, nullable=False, **constraints):
    return _field("number", name, description, source, get, nullable, **constraints)


def boolean(name, description, source=None, get=None, nullable=False):
    return _field("boolean", name, description, source, get, nullable)


def listing(name, description, get, nullable=False, item="string", **constraints):
    return Field(name, "array", description, get, nullable, {"type": item, **constraints})


def day(name, description, source=None, nullable=True):
    read = attrgetter(source or name)
    return Field(
        name, "string", description, lambda record, context: iso_date(read(record)), nullable, {"format": "date"}
    )


def moment(name, description, source=None):
    read = attrgetter(source or name)
    return Field(name, "string", description, lambda record, context: iso_datetime(read(record)), False, {"format": "date-time"})  # fmt: skip


def address(name, description, get, nullable=False):
    return Field(name, "string", description, get, nullable, {"format": "uri"})


def link(name, description, route, filter_name=None):
    """The address of the record's page on the site (by its slug), or, with `filter_name`, of an
    API listing filtered on the record."""
    if filter_name:
        return address(name, description, lambda record, context: f"{absolute(context.request, route)}?{filter_name}={record.slug}")  # fmt: skip
    return address(name, description, lambda record, context: page_address(context, route, record.slug))


def related(name, description, relation, attribute, item="string", **constraints):
    """The sorted `attribute` of the records linked by `relation` (prefetched)."""

    def get(record, context):
        return sorted(getattr(linked, attribute) for linked in getattr(record, relation).all())

    return listing(name, description, get, item=item, **constraints)


class Shape:
    """An ordered list of fields, with what is produced from it."""

    def __init__(self, description, *fields):
        self.description = description
        self.fields = fields

    @property
    def columns(self):
        return [field.name for field in self.fields]

    def serialize(self, record, context):
        return {
            field.name: field.get(record, context)
            for field in self.fields
            if field.present is None or field.present(record, context)
        }

    def schema(self, description=None):
        """An object whose declared fields are all there (null when unknown) and the only ones."""
        return {
            "type": "object",
            "description": self.description if description is None else description,
            "properties": {field.name: field.schema() for field in self.fields},
            "required": [field.name for field in self.fields if field.present is None],
            "additionalProperties": False,
        }

    def without(self, *names, description=None):
        kept = [field for field in self.fields if field.name not in names]
        return Shape(self.description if description is None else description, *kept)

    def with_fields(self, *fields, description=None):
        return Shape(self.description if description is None else description, *self.fields, *fields)

    def of(self, read, present):
        """The same fields, read from `read(record)` and present only when `present(record)`."""
        fields = [
            replace(
                field,
                get=lambda record, context, get=field.get: get(read(record), context),
                present=lambda record, context: present(record),
            )
            for field in self.fields
        ]
        return Shape(self.description, *fields)

    def documentation(self):
        """(name, type in words, may be empty, description, allowed values) of each field."""
        return [
            (field.name, type_label(field.schema()), field.nullable, field.description, allowed_values(field.schema()))
            for field in self.fields
        ]


TYPE_LABELS = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "boolean": "vrai / faux",
    "array": "liste",
}
LIST_LABELS = {"string": "liste de textes", "integer": "liste de nombres entiers", "number": "liste de nombres"}
FORMAT_LABELS = {"date": "date (AAAA-MM-JJ)", "date-time": "date et heure (ISO 8601)", "uri": "adresse web"}


def type_label(schema):
    """The type of a JSON Schema value in words, for the documentation page."""
    kinds = schema.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    main = next(kind for kind in kinds if kind != "null")
    if main == "array":
        return LIST_LABELS[schema["items"].get("type", "string")]
    return FORMAT_LABELS.get(schema.get("format"), TYPE_LABELS[main])


def allowed_values(schema):
    values = schema.get("enum") or schema.get("items", {}).get("enum") or []
    return [str(value) for value in values]

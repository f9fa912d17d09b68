"""The query parameters of /api/v1/, read from the forms and filter sets that validate them.

A parameter is declared once, as a form field (or a filter): its name, its allowed values, its
limits and its description (the field's `help_text`, else its label). The OpenAPI document and the
tables of /donnees/ are written from that field, so they cannot promise what the code refuses.
"""

from django import forms

from annuaire.filters import PointFilterSet, StructureFilterSet, YesField
from annuaire.forms import SearchForm
from annuaire.mapping import MapForm
from annuaire.opendata import CsvForm, ListingForm


def form_fields(form_class):
    return dict(form_class.base_fields)


def filter_fields(filterset_class):
    return {name: declared.field for name, declared in filterset_class.base_filters.items()}


WHERE = form_fields(SearchForm)
POINT_FILTERS = filter_fields(PointFilterSet)
STRUCTURE_FILTERS = filter_fields(StructureFilterSet)
LISTING = form_fields(ListingForm)
CSV = form_fields(CsvForm)
MAP = form_fields(MapForm)


def _limits(field):
    limits = {}
    for keyword, attribute in (("minimum", "min_value"), ("maximum", "max_value")):
        if getattr(field, attribute, None) is not None:
            limits[keyword] = getattr(field, attribute)
    return limits


def value_schema(field):
    """The JSON Schema of the values the field accepts."""
    if isinstance(field, YesField):
        return {"type": "string", "enum": ["1"]}
    if isinstance(field, forms.ChoiceField):
        values = [value for value, _ in field.choices if value != ""]
        if isinstance(field, forms.TypedChoiceField) and field.coerce is int:
            return {"type": "integer", "enum": [int(value) for value in values]}
        return {"type": "string", "enum": [str(value) for value in values]}
    if isinstance(field, forms.FloatField):  # before IntegerField, its parent class
        return {"type": "number", **_limits(field)}
    if isinstance(field, forms.IntegerField):
        return {"type": "integer", **_limits(field)}
    if isinstance(field, forms.RegexField):
        return {"type": "string", "pattern": field.regex.pattern}
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def description(field):
    if isinstance(field, YesField):
        return f"{field.help_text or field.label} : « 1 » pour ne garder que ces lieux."
    text = str(field.help_text or field.label or "")
    return text if text.endswith(".") else f"{text}."


def openapi_parameters(*groups):
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "description": description(field),
            "schema": value_schema(field),
        }  # fmt: skip
        for group in groups
        for name, field in group.items()
    ]


def documentation(*groups):
    """(name, description, allowed values) of each parameter, for /donnees/."""
    return [
        (parameter["name"], parameter["description"], [str(value) for value in parameter["schema"].get("enum", [])])
        for parameter in openapi_parameters(*groups)
    ]


# The parameters of each kind of answer, in the order of the documentation. Exports take every
# point at once: no page.
PLACE = {name: field for name, field in WHERE.items() if name != "page"}
POINT_PAGE = (WHERE, POINT_FILTERS, LISTING)
POINT_EXPORT = (PLACE, POINT_FILTERS)
POINT_GEOJSON = (*POINT_EXPORT, MAP)
STRUCTURE_PAGE = (STRUCTURE_FILTERS, LISTING)
STRUCTURE_EXPORT = (STRUCTURE_FILTERS,)

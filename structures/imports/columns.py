"""What each column of an import file means, generated from the import definitions themselves (the
resources of records.py and hours.py, their cell readers and their models' French field names): the
table of the import page, the boxes of the export page and the template files to download
(structures/admin_io.py)."""

from dataclasses import dataclass

import tablib
from django.utils.text import capfirst


@dataclass(frozen=True)
class ColumnDoc:
    name: str
    meaning: str
    required: bool
    values: str
    example: str


def meaning(resource, field):
    """What the column of `field` holds, in French: its own words, else its model field's name."""
    if getattr(field, "meaning", ""):
        return field.meaning
    model = resource._meta.model
    model_field = model._meta.get_field(field.attribute.split("__")[0])
    text = capfirst(str(model_field.verbose_name))
    if field.attribute.endswith("__name"):
        text += " (son nom, à l'export seulement : lu pour trouver la commune sans code INSEE)"
    if model_field.help_text:
        text += f". {model_field.help_text}"
    return text


def describe(resource_class):
    """The columns of `resource_class`'s files, in their order."""
    resource = resource_class()
    columns = []
    for field in (resource.fields[name] for name in resource._meta.fields):
        widget = field.widget
        example = getattr(field, "example", "") or getattr(widget, "example", "")
        values = getattr(widget, "values", "texte")
        columns.append(
            ColumnDoc(
                name=field.column_name,
                meaning=meaning(resource, field),
                required=field.column_name in resource.required_columns,
                values=values,
                example=str(example),
            )
        )
    return columns


def template_dataset(resource_class):
    """A file with the columns' names and one example row: what to fill in."""
    columns = describe(resource_class)
    dataset = tablib.Dataset(headers=[column.name for column in columns])
    dataset.append([column.example for column in columns])
    return dataset

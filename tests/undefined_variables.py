"""Undefined template variables fail the tests.

Django writes `string_if_invalid` where a template reads a variable that does not exist, and by
default that is an empty string: a misspelt name shows nothing and no test notices. In the test
settings it is this object: in one of the project's own templates (templates/, the apps'
templates/), reading an undefined variable raises; in a library's templates (the admin,
django-import-export), whose optional variables are left undefined on purpose, it stays empty.
`{% if %}` and `{% for %}` never consult it: only what is printed or passed on is checked.
"""

import sys
from pathlib import Path

from django.template import TemplateSyntaxError

ROOT = Path(__file__).resolve().parent.parent
PROJECT_TEMPLATE_DIRS = tuple(
    str(ROOT / folder) + "/" for folder in ("templates", "annuaire", "structures", "spro_site")
)


def _template_of_the_node_being_rendered():
    """The file of the template node (a {{ variable }}, a tag) that is being rendered."""
    frame = sys._getframe(2)
    while frame is not None:
        node = frame.f_locals.get("self")
        origin = getattr(node, "origin", None)
        if origin is not None and hasattr(node, "render_annotated"):
            return origin.name
        frame = frame.f_back
    return None


class UndefinedVariable(str):
    def __new__(cls):
        return super().__new__(cls, "%s")

    def __mod__(self, name):
        template = _template_of_the_node_being_rendered()
        if template and str(template).startswith(PROJECT_TEMPLATE_DIRS):
            raise TemplateSyntaxError(f"Variable de gabarit indéfinie : « {name} » dans {template}")
        return ""

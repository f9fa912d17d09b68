"""The suite's guard against undefined template variables (tests/undefined_variables.py) works."""

import pytest
from django.template import Context, Template, TemplateSyntaxError, engines
from django.template.base import Origin

from tests.undefined_variables import ROOT

ENGINE = engines["django"].engine


def render(text, path):
    return Template(text, origin=Origin(name=str(path)), engine=ENGINE).render(Context({"known": "connu"}))


def test_a_project_template_printing_an_undefined_variable_fails():
    with pytest.raises(TemplateSyntaxError, match="« unknown » dans .*templates/annuaire/essai.html"):
        render("{{ known }} {{ unknown }}", ROOT / "templates" / "annuaire" / "essai.html")


def test_conditions_and_defined_variables_are_not_reported():
    path = ROOT / "templates" / "annuaire" / "essai.html"
    assert render("{% if unknown %}oui{% endif %}{{ known }}", path) == "connu"


def test_a_library_template_keeps_its_optional_variables_empty():
    path = ROOT / ".venv" / "lib" / "django" / "contrib" / "admin" / "templates" / "admin" / "essai.html"
    assert render("{{ known }}[{{ unknown }}]", path) == "connu[]"

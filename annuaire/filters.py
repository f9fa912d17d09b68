"""Filters of the public search, shared by the results page and the JSON/GeoJSON API.

Parameter names are French and stable (they appear in shared URLs and in open data). Choices come
from the reference vocabularies in code, so rendering the form costs no query, and an unknown value
is refused with a French message rather than silently ignored.
"""

from typing import NamedTuple

import django_filters
from django import forms

from structures import reference
from structures.enums import Circle, PointKind
from structures.text import normalize

RECEPTION_MODES = [
    ("sur-place", "Sur place"),
    ("telephone", "Par téléphone"),
    ("visio", "En visioconférence"),
]
RECEPTION_MODE_FIELDS = {"sur-place": "on_site", "telephone": "by_phone", "visio": "by_video"}
LEVEL_CHOICES = [(str(level), f"Niveau {level} — {name.lower()}") for level, name in reference.LEVEL_NAMES.items()]


def unknown(what):
    return {"invalid_choice": f"{what} inconnu : « %(value)s »."}


YES_VALUES = ("1", "on", "oui", "true")
NO_VALUES = ("", "0", "non", "false", "off")


class YesField(forms.BooleanField):
    """A checkbox in an address: « 1 » (« on », « oui ») or nothing; any other value is refused
    with a French message rather than read as yes."""

    def to_python(self, value):
        if value in (True, False):
            return value
        text = str(value or "").strip().lower()
        if text in YES_VALUES:
            return True
        if text in NO_VALUES:
            return False
        raise forms.ValidationError(
            "Valeur inconnue pour « %(label)s » : « %(value)s ». Utilisez 1 pour n'afficher que ces lieux.",
            code="invalid",
            params={"label": self.label, "value": str(value)[:30]},
        )


class YesCheckbox(forms.CheckboxInput):
    """Hands the value of the address to YesField as written (Django's checkbox would turn any
    text into True)."""

    def __init__(self):
        super().__init__(check_test=lambda value: value is True or str(value).lower() in YES_VALUES)

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class YesFilter(django_filters.BooleanFilter):
    """A checkbox: « 1 » (or « oui ») keeps only the matching points; absent means no filter."""

    field_class = YesField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", YesCheckbox())
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, True) if value else qs


class Vocabulary(NamedTuple):
    """The values a filter accepts, and how they are named: the same for points and structures."""

    label: str
    choices: list
    empty_label: str
    help_text: str = ""
    noun: str = ""  # in « … inconnu », when not the label


DEPARTMENT = Vocabulary(
    "Département",
    [(code, f"{name} ({code})") for code, name, _ in reference.DEPARTMENTS],
    "Tous les départements",
    "Code du département.",
)
PUBLIC = Vocabulary(
    "Public", [(slug, name) for slug, name, _ in reference.PUBLICS], "Tous les publics", "Public accueilli."
)
LEVEL = Vocabulary("Niveau de service", LEVEL_CHOICES, "Tous les niveaux")
CIRCLE = Vocabulary(
    "Cercle du SPRO", [(str(value), label) for value, label in Circle.choices], "Tous les cercles", noun="Cercle"
)
NETWORK = Vocabulary(
    "Réseau",
    [(network[0], network[1]) for network in reference.NETWORKS],
    "Tous les réseaux",
    "Identifiant du réseau.",
)
KIND = Vocabulary("Type de lieu", PointKind.choices, "Tous les types")
MODE = Vocabulary("Mode d'accueil", RECEPTION_MODES, "Tous les modes")


def choice_filter(vocabulary, **where):
    """A filter on a vocabulary; an unknown value is refused with a French message."""
    return django_filters.ChoiceFilter(
        label=vocabulary.label,
        choices=vocabulary.choices,
        empty_label=vocabulary.empty_label,
        help_text=vocabulary.help_text,
        error_messages=unknown(vocabulary.noun or vocabulary.label),
        **where,
    )


class PointFilterSet(django_filters.FilterSet):
    departement = choice_filter(DEPARTMENT, field_name="commune__department")
    public = choice_filter(PUBLIC, method="filter_public")
    niveau = choice_filter(LEVEL, method="filter_level")
    cercle = choice_filter(CIRCLE, field_name="structure__network__circle")
    reseau = choice_filter(NETWORK, field_name="structure__network__slug")
    type = choice_filter(KIND, field_name="kind")
    mode = choice_filter(MODE, method="filter_mode")
    structure = django_filters.CharFilter(
        label="Structure",
        help_text="Identifiant d'une structure.",
        field_name="structure__slug",
        widget=forms.HiddenInput,
        max_length=220,
    )
    sans_rdv = YesFilter(label="Sans rendez-vous", field_name="walk_in", help_text="Accueil sans rendez-vous")
    accessible = YesFilter(label="Accessible en fauteuil roulant", method="filter_accessible")
    ouvert = YesFilter(
        label="Ouvert maintenant", method="filter_open_now", help_text="Ouvert maintenant (heure de Paris)"
    )
    competent = YesFilter(
        label="Seulement les structures compétentes pour ma commune",
        method="filter_competent",
        help_text="Structures compétentes pour la commune cherchée (sa Mission Locale, son CIO, son agence France Travail…)",
    )

    def filter_public(self, queryset, name, value):
        return queryset.serving_public(value)

    def filter_level(self, queryset, name, value):
        return queryset.offering_level(int(value))

    def filter_mode(self, queryset, name, value):
        return queryset.filter(**{RECEPTION_MODE_FIELDS[value]: True})

    # django-filter calls method filters with False too (an unchecked box): no filter then.
    def filter_accessible(self, queryset, name, value):
        return queryset.filter(accessibility="accessible") if value else queryset

    def filter_competent(self, queryset, name, value):
        """Applied by the search, which knows the commune (annuaire.search.run_search)."""
        return queryset

    def filter_open_now(self, queryset, name, value):
        return queryset.open_at() if value else queryset

    @property
    def active_filters(self):
        """(label, value label) of each filter in use, for the summary read by screen readers."""
        if not self.is_bound or not self.is_valid():
            return []
        active = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", False):
                continue
            field = self.form.fields[name]
            choices = dict(getattr(field, "choices", []))
            shown = choices.get(value, choices.get(str(value), "")) if choices else ""
            active.append((field.label, shown))
        return active


class StructureFilterSet(django_filters.FilterSet):
    """Filters of the structures listing of the API: the point filters that make sense for a
    structure, with the same names and values."""

    q = django_filters.CharFilter(
        label="Nom", method="filter_name", max_length=100, help_text="Mots du nom de la structure."
    )
    departement = choice_filter(DEPARTMENT, method="filter_department")
    public = choice_filter(PUBLIC, method="filter_public")
    niveau = choice_filter(LEVEL, field_name="levels__level")
    cercle = choice_filter(CIRCLE, field_name="network__circle")
    reseau = choice_filter(NETWORK, field_name="network__slug")

    def filter_name(self, queryset, name, value):
        return queryset.matching(normalize(value).split())

    def filter_department(self, queryset, name, value):
        return queryset.competent_in_department(value)

    def filter_public(self, queryset, name, value):
        return queryset.serving_public(value)

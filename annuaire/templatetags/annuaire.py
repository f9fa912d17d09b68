import json

import phonenumbers
from django import template
from django.templatetags.static import static
from django.utils.html import format_html

from structures import reference, text
from structures.validators import format_french_phone, parse_french_phone

register = template.Library()


@register.filter
def tel_href(value):
    """« 04 72 00 00 00 » → « tel:+33472000000 » (the form phones dial reliably)."""
    number = parse_french_phone(value)
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# The symbols of static/img/icons.svg: one file, cached by the browser, for every icon of every page.
ICONS = frozenset({"phone", "directions", "clock", "pin", "wheelchair", "print"})


@register.simple_tag
def icon(name):
    """An icon drawn from the site's own sprite, beside words that say the same (hidden from screen
    readers)."""
    if name not in ICONS:
        raise ValueError(f"Unknown icon: {name}")
    return format_html(
        '<svg class="icon" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        static("img/icons.svg"),
        name,
    )


@register.filter
def directions_url(point):
    """Directions to a point on OpenStreetMap (a link the person follows; the site calls nobody)."""
    return f"https://www.openstreetmap.org/directions?to={point.latitude:f}%2C{point.longitude:f}"


@register.filter
def phone(value):
    return format_french_phone(value)


@register.filter
def date_fr(value):
    """1 January 2025 → « 1er janvier 2025 », as French is written."""
    return text.french_date(value) if value else ""


@register.filter
def plural_fr(count, forms):
    """{{ n|plural_fr:"lieu,lieux" }}: French takes the singular for 0 and 1."""
    return text.plural_fr(count, *forms.split(","))


@register.filter(name="de")
def de_filter(name):
    """{{ commune.name|de }}: « de Lyon », « d'Annecy », « du Puy-en-Velay » (structures.text.de)."""
    return text.de(str(name))


@register.filter
def de_la(name):
    """{{ structure.name|de_la }}: « de la Mission Locale de Lyon », « du CIO de Vienne », « de France
    Travail Lyon » (structures.text.de_la)."""
    return text.de_la(name)


@register.filter(name="a")
def a_filter(name):
    """{{ commune.name|a }}: « à Lyon », « au Puy-en-Velay », « aux Abrets » (structures.text.a)."""
    return text.a(str(name))


@register.filter
def pres_de(name):
    """{{ commune.name|pres_de }}: « près de Lyon », « près d'Annecy » (structures.text.near)."""
    return text.near(str(name))


@register.filter
def network_abbr(network):
    """{{ network|network_abbr }}: its short name, an acronym with what it stands for
    (« <abbr title="Centre d'information et d'orientation">CIO</abbr> »)."""
    if network.expansion:
        return format_html('<abbr title="{}">{}</abbr>', network.expansion, network.short_name)
    return network.short_name or network.name


@register.simple_tag
def basemap_communes():
    """The communes' outlines of the basemap, one file per department (static/basemap/SOURCES.md):
    a JSON object of their addresses by department code, for basemap.js, which loads only the
    departments a map shows."""
    return json.dumps(
        {
            code: static(f"basemap/communes/ara-communes-{code}-ign2018.topojson")
            for code, _, _ in reference.DEPARTMENTS
        },
        separators=(",", ":"),
    )

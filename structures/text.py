"""Text normalisation shared by stored search columns and user queries.

Search must behave the same on SQLite and PostgreSQL (docs/adr/0002): rather than rely on
database functions (unaccent exists only on PostgreSQL), names are normalised in Python into a
column, and the user's query is normalised the same way before comparison.
"""

import re
import unicodedata

from django.utils.text import slugify

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Abbreviations of place names, as written on signs and in addresses.
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def normalize(text):
    """Lowercase, strip accents, turn hyphens, apostrophes and punctuation into single spaces,
    and expand « St »/« Ste » to « saint »/« sainte ».

    >>> normalize("St-Étienne")
    'saint etienne'
    >>> normalize("L'Haÿ-les-Roses — Œuvre")
    'l hay les roses oeuvre'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    words = _NOT_ALNUM.sub(" ", text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


_VOWELS = tuple("AEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŒaeiouyàâäéèêëîïôöùûüœ")


def de(name):
    """« de » before a name, as French writes it: « d'Annecy », « du Puy-en-Velay » (Le),
    « des Abrets » (Les), « de la Tour-du-Pin », « de l'Isle-d'Abeau », « de Lyon ».

    >>> [de(name) for name in ("Annecy", "Le Puy-en-Velay", "Les Abrets", "La Tour-du-Pin", "L'Isle-d'Abeau", "Lyon")]
    ["d'Annecy", 'du Puy-en-Velay', 'des Abrets', 'de la Tour-du-Pin', "de l'Isle-d'Abeau", 'de Lyon']
    """
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name.startswith("La "):
        return f"de la {name[3:]}"
    if name.startswith(("L'", "L’")):
        return f"de l'{name[2:]}"
    if name.startswith(_VOWELS):
        return f"d'{name}"
    return f"de {name}"


def plural_fr(count, singular, plural):
    """French takes the singular for 0 and 1: plural_fr(0, "lieu", "lieux") == "lieu"."""
    return singular if abs(int(count)) < 2 else plural


MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def french_date(value):
    """1 January 2025 → « 1er janvier 2025 », as French is written."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


class SlugRegistry:
    """URL slugs not yet taken (`taken`: those already in the database): « cio-de-vienne », then
    « cio-de-vienne-2 »."""

    def __init__(self, taken=()):
        self.used = set(taken)

    def make(self, text):
        base = slugify(text)[:200] or "lieu"
        slug, counter = base, 2
        while slug in self.used:
            slug, counter = f"{base}-{counter}", counter + 1
        self.used.add(slug)
        return slug

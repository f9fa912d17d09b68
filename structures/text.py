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


_VOWELS = tuple("AEIOUÀÂÄÉÈÊËÎÏÔÖÙÛÜŒaeiouàâäéèêëîïôöùûüœ")
# First words whose h is « aspiré »: French does not elide before them (« de Haute-Rivoire »,
# « le Hameau »); before the others it does (« d'Hauteville-Lompnes », « d'Heyrieux »).
_H_ASPIRE = {"haut", "haute", "hautes", "hauts", "hameau", "halle", "halles", "hêtre", "houx", "hutte", "hérisson"}
# « Le » and « Les » at the start of a name merge with « de » and « à » (« du Puy-en-Velay », « aux
# Abrets »); « La » and « L' » stay, with their capital when they belong to the name (« de La
# Tour-du-Pin », « à L'Isle-d'Abeau »: French typography), lowercase when added (« de la Haute-Loire »).
_MERGING_ARTICLES = [("les ", "des ", "aux "), ("le ", "du ", "au ")]


def elides(name):
    """True when French drops the vowel of « de », « le », « que » before `name`: a vowel, a mute h,
    a y before a consonant (« d'Yssingeaux » but « de Yenne »)."""
    if not name:
        return False
    first = name[0]
    if first in "Hh":
        word = re.split(r"[\s'’-]", name, maxsplit=1)[0].lower()
        return word not in _H_ASPIRE
    if first in "Yy":
        return len(name) > 1 and not name[1].startswith(_VOWELS)
    return name.startswith(_VOWELS)


def _contracted(name, column):
    lowered = name.lower()
    for article, *forms in _MERGING_ARTICLES:
        if lowered.startswith(article) and len(name) > len(article):
            return f"{forms[column]}{name[len(article) :]}"
    return None


def de(name):
    """« de » before a name, as French writes it: « d'Annecy », « du Puy-en-Velay » (Le),
    « des Abrets » (Les), « de La Tour-du-Pin », « de L'Isle-d'Abeau », « de Lyon »; the same
    before a name given with its article (« la Haute-Loire » → « de la Haute-Loire »).

    >>> [de(name) for name in ("Annecy", "Le Puy-en-Velay", "Les Abrets", "La Tour-du-Pin", "L'Isle-d'Abeau", "Lyon")]
    ["d'Annecy", 'du Puy-en-Velay', 'des Abrets', 'de La Tour-du-Pin', "de L'Isle-d'Abeau", 'de Lyon']
    """
    name = str(name)
    return _contracted(name, 0) or (f"d'{name}" if elides(name) else f"de {name}")


def a(name):
    """« à » before a name: « à Lyon », « au Puy-en-Velay », « aux Abrets », « à La Tour-du-Pin »,
    « à L'Isle-d'Abeau »."""
    name = str(name)
    return _contracted(name, 1) or f"à {name}"


def near(name):
    """« près de » before a name: « près de Lyon », « près d'Annecy », « près du Puy-en-Velay »."""
    return f"près {de(name)}"


# Names of structures and places that start with a common noun take its article after « de »
# (« de la Mission Locale de Lyon », « du CIO de Vienne », « de l'Espace emploi »); a proper name
# does not (« de France Travail Lyon », « de Cap emploi Ain », « d'Avenir Jeunes »). The gender of
# the nouns and acronyms that start the names of the SPRO's structures and places, lowercase.
_ORGANISATION_NOUNS = {
    "f": {
        "agence",
        "antenne",
        "association",
        "boutique",
        "chambre",
        "cité",
        "cma",
        "cci",
        "communauté",
        "délégation",
        "direction",
        "école",
        "fédération",
        "maison",
        "mairie",
        "médiathèque",
        "mife",
        "mission",
        "mjc",
        "ml",
        "mlj",
        "permanence",
        "plateforme",
        "région",
        "structure",
        "université",
        "ville",
        "apec",
    },
    "m": {
        "atelier",
        "bij",
        "bureau",
        "carrefour",
        "centre",
        "cfa",
        "cidff",
        "cio",
        "club",
        "collège",
        "comité",
        "conseil",
        "crij",
        "département",
        "espace",
        "forum",
        "foyer",
        "greta",
        "groupement",
        "guichet",
        "institut",
        "lieu",
        "lycée",
        "pij",
        "point",
        "relais",
        "réseau",
        "service",
        "siège",
        "suio",
        "scuio",
    },
}
_ORGANISATION_GENDER = {noun: gender for gender, nouns in _ORGANISATION_NOUNS.items() for noun in nouns}


def de_la(name):
    """« de » before the name of a structure or a place, with the article of its first word when
    that is a common noun: « de la Mission Locale de Lyon », « du Centre d'information et
    d'orientation », « de l'Espace 2m », « de France Travail Lyon », « du Puy-en-Velay »."""
    name = str(name)
    first = re.split(r"[\s'’()-]", name, maxsplit=1)[0].lower()
    gender = _ORGANISATION_GENDER.get(first)
    if gender is None:
        return de(name)
    if elides(name):
        return f"de l'{name}"
    return f"de la {name}" if gender == "f" else f"du {name}"


# The departments of the region with their article (« la Haute-Loire », « l'Ain », « le Cantal »).
_DEPARTMENT_ARTICLES = {"m": "le ", "f": "la "}


def with_article(name, gender):
    """A name that takes an article (departments): « le Cantal », « la Drôme », « l'Ain »."""
    return f"l'{name}" if elides(name) else f"{_DEPARTMENT_ARTICLES[gender]}{name}"


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

"""The words of a query that are not a commune's name: fillers of sentences and addresses, CEDEX,
postal codes, Lyon districts, departments in their usual forms, and the names of networks."""

import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

from structures.reference import DEPARTMENT_NAMES, NETWORK_ALIASES
from structures.text import normalize

# Words that say nothing of the place: sentences, addresses (normalised forms).
FILLER_WORDS = frozenset((
    "je", "j", "cherche", "recherche", "trouver", "voudrais", "veux", "besoin", "aide", "un", "une",
    "des", "du", "de", "d", "a", "au", "aux", "en", "pour", "vers", "pres", "proche", "autour",
    "alentours", "environs", "dans", "sur", "sous", "chez", "mon", "ma", "mes", "ville", "commune",
    "secteur", "region", "orientation", "conseil", "conseiller", "accueil", "information",
    "informations", "emploi", "formation", "rendez", "vous", "rdv", "bonjour", "svp", "merci", "ou",
    "quel", "quelle", "adresse", "numero", "tel", "telephone", "et",
))  # fmt: skip
STREET_WORDS = frozenset((
    "rue", "r", "avenue", "av", "ave", "bd", "boulevard", "place", "pl", "chemin", "che", "route",
    "rte", "allee", "impasse", "imp", "quai", "cours", "square", "passage", "montee", "lieu", "dit",
    "residence", "res", "batiment", "bat", "zone", "za", "zi", "zac", "parc", "rond", "point",
    "faubourg", "fg", "bis", "ter", "esplanade", "promenade", "sentier",
))  # fmt: skip
DEPARTMENT_WORDS = {"departement", "dept", "dpt", "dep", "depart", "dpmt"}
CEDEX = re.compile(r"\bcedex(?: \d{1,2})?\b")
POSTAL_CODE = re.compile(r"\b(\d{5})\b")
GLUED_NUMBER = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
# « lyon 5 », « lyon 5e », « lyon 05 », « lyon 5 eme », « lyon 5e arrondissement », « lyon 1er »
DISTRICT = re.compile(r"^(?P<city>lyon) 0?(?P<number>[1-9])(?: (?:e|er|eme|ieme|em|me|arr|arrondissement))*$")
DEPARTMENT_BY_NAME = {normalize(name): code for code, name in DEPARTMENT_NAMES.items()}
NETWORK_BY_ALIAS = sorted(
    ((normalize(alias), slug) for slug, aliases in NETWORK_ALIASES.items() for alias in aliases),
    key=lambda item: -len(item[0]),
)


ALIAS_WORDS = sorted({word for alias, _ in NETWORK_BY_ALIAS for word in alias.split() if len(word) > 3})


def take_network(text, place_words=frozenset()):
    """(text without the network's words, network slug or ""). A word one letter away from a
    word of a network's name (« mision locale ») counts, unless it is a word of a commune's name."""
    padded = f" {text} "
    for alias, slug in NETWORK_BY_ALIAS:
        if f" {alias} " in padded:
            return " ".join(padded.replace(f" {alias} ", " ", 1).split()), slug
    corrected = []
    for word in text.split():
        if len(word) > 3 and word not in place_words:
            match = process.extractOne(word, ALIAS_WORDS, scorer=OSA.distance, score_cutoff=1)
            word = match[0] if match else word
        corrected.append(word)
    if corrected != text.split():
        rest, slug = take_network(" ".join(corrected))
        if slug:
            return rest, slug
    return text, ""


def take_department(words):
    """A department written in one of its usual forms: (code, words left) or (None, words)."""
    tokens = words.split()
    codes = [
        token for token in tokens if token in DEPARTMENT_NAMES or (len(token) == 1 and f"0{token}" in DEPARTMENT_NAMES)
    ]
    rest = [token for token in tokens if token not in DEPARTMENT_WORDS]
    said_department = len(rest) < len(tokens)
    # « dept 38 », « 38 », « département 7 »
    if len(rest) == 1 and codes and (said_department or len(tokens) == 1):
        code = rest[0].zfill(2)
        if code in DEPARTMENT_NAMES:
            return code, ""
    # « Haute Loire (43) », « isère 38 », « département de la Loire », « Puy de Dome »
    name_part = " ".join(token for token in rest if token not in codes and token not in ("de", "la", "l", "du"))
    name_code = DEPARTMENT_BY_NAME.get(name_part) or DEPARTMENT_BY_NAME.get(
        " ".join(token for token in rest if token not in codes)
    )
    if name_code and (not codes or name_code in codes or f"0{codes[0]}" == name_code):
        return name_code, ""
    if said_department and name_part in DEPARTMENT_BY_NAME:
        return DEPARTMENT_BY_NAME[name_part], ""
    return None, words


def strip_fillers(words):
    tokens = [token for token in words.split() if not token.isdigit() or len(token) == 5]
    while tokens and tokens[0] in FILLER_WORDS:
        tokens.pop(0)
    while tokens and tokens[-1] in FILLER_WORDS:
        tokens.pop()
    return " ".join(tokens)


def district(index, words):
    match = DISTRICT.match(words)
    if not match:
        return None
    number = int(match["number"])
    suffix = "er" if number == 1 else "e"
    codes = index.by_name.get(f"{match['city']} {number}{suffix} arrondissement", [])
    return index.communes[codes[0]] if codes else None

"""From what a person typed to a place: the one resolver of the results page, the API, the
commune suggestions and the orientation helper (docs/adr/0009).

    resolution = resolve("ml vienne")  # → Vienne (38), network filter « mission-locale »

What people type on a phone is read in this order:
1. « CEDEX » and its number are dropped (« 42007 Saint-Étienne Cedex 1 »);
2. network names, acronyms and former names (« pôle emploi », « PIJ », « ML ») become the
   network filter (structures.reference.NETWORK_ALIASES);
3. a five-digit code is a postal code; one that is no postal code of the region is a CEDEX code
   (the commune named with it decides, else its department) or a place outside the region;
4. departments in their usual forms (« dept 38 », « Haute Loire (43) », « Puy de Dome »);
5. what remains is a commune: its name (articles optional both ways), a district of Lyon
   (« Lyon 5e », « lyon5 »), a former commune that merged into a « commune nouvelle »; then
   the same with one or two letters wrong, missing, doubled or swapped (rapidfuzz, on the words of
   the gazetteer); in an address or a sentence, the words that name a commune, the rightmost first;
6. a commune of another region is answered honestly;
7. else the words are looked for in the names of structures and places (spelling corrected against
   the words of those names).

The gazetteer lives in memory (a few thousand names), built once per process and per version of
the data (structures.models.DataVersion). Nothing here depends on the database engine.
"""

import bisect
import csv
import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from rapidfuzz import process
from rapidfuzz.distance import OSA

from structures.models import Commune, DataVersion, FormerCommune, ReceptionPoint
from structures.reference import DEPARTMENT_NAMES, NETWORK_ALIASES, PREFECTURES
from structures.text import de, normalize

CANDIDATES_SHOWN = 12
OUTSIDE_COMMUNES_CSV = Path(settings.BASE_DIR) / "fixtures" / "communes-hors-region.csv"
ARTICLES = ("le ", "la ", "les ", "l ")
# A big town whose name starts like a village's exact name comes first when it is this many times
# more populated (« Clermont » → Clermont-Ferrand, the village of Clermont offered).
TOWN_OVER_VILLAGE = 50
# Words that say nothing of the place: sentences, addresses (normalised forms).
FILLER_WORDS = frozenset(
    [
        "je",
        "j",
        "cherche",
        "recherche",
        "trouver",
        "voudrais",
        "veux",
        "besoin",
        "aide",
        "un",
        "une",
        "des",
        "du",
        "de",
        "d",
        "a",
        "au",
        "aux",
        "en",
        "pour",
        "vers",
        "pres",
        "proche",
        "autour",
        "alentours",
        "environs",
        "dans",
        "sur",
        "sous",
        "chez",
        "mon",
        "ma",
        "mes",
        "ville",
        "commune",
        "secteur",
        "region",
        "orientation",
        "conseil",
        "conseiller",
        "accueil",
        "information",
        "informations",
        "emploi",
        "formation",
        "rendez",
        "vous",
        "rdv",
        "bonjour",
        "svp",
        "merci",
        "ou",
        "quel",
        "quelle",
        "adresse",
        "numero",
        "tel",
        "telephone",
        "et",
    ]
)
STREET_WORDS = frozenset(
    [
        "rue",
        "r",
        "avenue",
        "av",
        "ave",
        "bd",
        "boulevard",
        "place",
        "pl",
        "chemin",
        "che",
        "route",
        "rte",
        "allee",
        "impasse",
        "imp",
        "quai",
        "cours",
        "square",
        "passage",
        "montee",
        "lieu",
        "dit",
        "residence",
        "res",
        "batiment",
        "bat",
        "zone",
        "za",
        "zi",
        "zac",
        "parc",
        "rond",
        "point",
        "faubourg",
        "fg",
        "bis",
        "ter",
        "esplanade",
        "promenade",
        "sentier",
    ]
)
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


@dataclass(frozen=True)
class Place:
    kind: str  # "commune", "departement" or "position"
    name: str
    latitude: float
    longitude: float
    insee_code: str | None = None
    department: str | None = None
    postal_code: str = ""
    # The former commune the person named (« Lancrans »), when it led here.
    former_name: str = ""

    @property
    def label(self):
        if self.kind == "departement":
            return f"{self.name} ({self.department})"
        if self.kind == "position":
            return self.name
        if self.former_name:
            return f"{self.former_name} (commune {de(self.name)}, {self.postal_code})"
        return f"{self.name} ({self.postal_code})"

    def as_json(self):
        return {
            "kind": self.kind,
            "name": self.name,
            "insee_code": self.insee_code,
            "department": self.department,
            "latitude": self.latitude,
            "longitude": self.longitude,
        }


@dataclass(frozen=True)
class OutsidePlace:
    """A commune or postal code of France outside the region."""

    name: str
    department: str
    region: str

    def as_json(self):
        return {"name": self.name, "department": self.department, "region": self.region}


@dataclass
class Resolution:
    place: Place | None = None
    candidates: list = field(default_factory=list)
    ambiguous: bool = False
    # Normalised words to look for in structure and place names, when the query is not a place.
    name_words: list = field(default_factory=list)
    message: str = ""
    # The network the words named (slug), applied as a filter, and the words left for the place.
    network: str = ""
    place_text: str = ""
    # Sentences that say how the query was read, when it was not read literally.
    understood: list = field(default_factory=list)
    # A place of France outside the region: the page says so.
    outside: OutsidePlace | None = None
    # Nothing was recognised: the page offers these, never a silent guess.
    unresolved: bool = False


# --- The gazetteer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    insee_code: str
    name: str
    search_name: str
    department: str
    postal_codes: tuple
    latitude: float
    longitude: float
    population: int
    kind: str

    def place(self, postal_code=None, former_name=""):
        code = postal_code if postal_code in self.postal_codes else self.postal_codes[0]
        return Place(
            kind="commune",
            name=self.name,
            latitude=self.latitude,
            longitude=self.longitude,
            insee_code=self.insee_code,
            department=self.department,
            postal_code=code,
            former_name=former_name,
        )


def without_article(name):
    for article in ARTICLES:
        if name.startswith(article):
            return name[len(article) :]
    return name


class Gazetteer:
    """Every name of the region's communes and former communes, and the words of the names of
    structures and places, in memory."""

    def __init__(self):
        self.communes = {}
        self.by_name = {}  # normalised name (and without its article) → [insee codes]
        self.former = {}  # normalised former name → [(former name, current insee code)]
        self.by_postal_code = {}
        for row in Commune.objects.values_list(
            "insee_code",
            "name",
            "search_name",
            "department_id",
            "postal_codes",
            "latitude",
            "longitude",
            "population",
            "kind",
        ):
            entry = Entry(*row[:4], tuple(row[4].split()), *row[5:])
            self.communes[entry.insee_code] = entry
            for key in {entry.search_name, without_article(entry.search_name)}:
                self.by_name.setdefault(key, []).append(entry.insee_code)
            for code in entry.postal_codes:
                self.by_postal_code.setdefault(code, []).append(entry.insee_code)
        for name, search_name, insee_code in FormerCommune.objects.values_list("name", "search_name", "commune_id"):
            if search_name in self.by_name:  # the former chef-lieu that gave the commune its name
                continue
            for key in {search_name, without_article(search_name)}:
                self.former.setdefault(key, []).append((name, insee_code))
        self.sorted_names = sorted(set(self.by_name) | set(self.former))
        self.place_words = sorted({word for name in self.sorted_names for word in name.split() if len(word) > 2})
        texts = ReceptionPoint.objects.published().values_list("search_text", flat=True).distinct()
        self.name_words = sorted({word for text in texts.iterator() for word in text.split() if len(word) > 2})
        self.place_word_set = frozenset(self.place_words)
        self._name_word_set = set(self.name_words)

    def entries(self, codes):
        return [self.communes[code] for code in codes]

    def exact(self, words):
        """[(entry, former name)] named exactly so, the most populated first."""
        found = [(entry, "") for entry in self.entries(self.by_name.get(words, []))]
        found += [(self.communes[code], name) for name, code in self.former.get(words, [])]
        return sorted(found, key=lambda item: -item[0].population)

    def prefixed(self, words, limit=3000):
        """[(entry, former name)] whose name starts with these letters (« st julien en g »), the
        most populated first."""
        start = bisect.bisect_left(self.sorted_names, words)
        found = []
        for name in self.sorted_names[start : start + limit]:
            if not name.startswith(words):
                break
            if name == words:
                continue
            found += [(entry, "") for entry in self.entries(self.by_name.get(name, []))]
            found += [(self.communes[code], former) for former, code in self.former.get(name, [])]
        unique = {(entry.insee_code, former): (entry, former) for entry, former in found}
        return sorted(unique.values(), key=lambda item: -item[0].population)

    def containing(self, words):
        """[(entry, former name)] whose name holds these words after its first, most populated first."""
        found = {}
        for name in self.sorted_names:
            if f" {words}" in name:
                for entry in self.entries(self.by_name.get(name, [])):
                    found.setdefault((entry.insee_code, ""), (entry, ""))
                for former, code in self.former.get(name, []):
                    found.setdefault((code, former), (self.communes[code], former))
        return sorted(found.values(), key=lambda item: -item[0].population)

    def corrections(self, word, vocabulary="place"):
        """The closest words of the vocabulary for a word it does not hold: one edit for a short
        word, two for a long one (a letter wrong, missing, doubled, or two swapped)."""
        words, known = (
            (self.place_words, self.place_word_set) if vocabulary == "place" else (self.name_words, self._name_word_set)
        )
        if word in known or len(word) < 4 or word.isdigit():
            return [word]
        limit = 1 if len(word) < 8 else 2
        matches = process.extract(word, words, scorer=OSA.distance, score_cutoff=limit, limit=8)
        if not matches:
            return []
        best = min(distance for _, distance, _ in matches)
        return [candidate for candidate, distance, _ in matches if distance == best]


_built = {"serial": None, "gazetteer": None}
_lock = threading.Lock()


def gazetteer():
    """The gazetteer of the current data version, built at most once per version and process."""
    serial = DataVersion.current().serial
    if _built["serial"] != serial or _built["gazetteer"] is None:
        with _lock:
            if _built["serial"] != serial or _built["gazetteer"] is None:
                _built["gazetteer"], _built["serial"] = Gazetteer(), serial
    return _built["gazetteer"]


@cache
def outside_region():
    """Communes of France outside the region, by normalised name and by postal code (static data:
    read once per process from the project's fixture)."""
    by_name, by_postal_code = {}, {}
    with open(OUTSIDE_COMMUNES_CSV, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            place = OutsidePlace(row["name"], row["department_name"], row["region_name"])
            name = normalize(row["name"])
            for key in {name, without_article(name)}:
                by_name.setdefault(key, []).append((place, row))
            for code in row["postal_codes"].split():
                by_postal_code.setdefault(code, place)
    return by_name, by_postal_code


# --- Reading the query ---------------------------------------------------------------------------


def department_place(code):
    prefecture = Commune.objects.get(pk=PREFECTURES[code])
    return Place(
        kind="departement",
        name=DEPARTMENT_NAMES[code],
        latitude=prefecture.latitude,
        longitude=prefecture.longitude,
        department=code,
    )


def position_place(latitude, longitude):
    return Place(kind="position", name="Votre position", latitude=latitude, longitude=longitude)


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


class Reader:
    """Reads one query against the gazetteer; `resolution` holds what it understood."""

    def __init__(self, index, query, position):
        self.index = index
        self.query = query
        self.position = position
        self.resolution = Resolution()

    def understood(self, sentence):
        self.resolution.understood.append(sentence)

    # Places found for a text, best first: [(entry, former name, how)]

    def find(self, words, correct=True):
        """The communes these words name: exactly, by their start, then with spelling corrected."""
        if not words:
            return [], ""
        found = district(self.index, words)
        if found:
            return [(found, "", "exact")], ""
        for variant in dict.fromkeys([words, without_article(words)]):
            exact = self.index.exact(variant)
            prefixed = [item for item in self.index.prefixed(variant) if item not in exact]
            if exact or prefixed:
                return self.rank(exact, prefixed), ""
        if not correct:
            return [], ""
        return self.corrected(words)

    def rank(self, exact, prefixed):
        ranked = [(entry, former, "exact") for entry, former in exact] + [
            (entry, former, "prefix") for entry, former in prefixed
        ]
        if exact and prefixed:
            town, village = prefixed[0][0], exact[0][0]
            if town.population >= TOWN_OVER_VILLAGE * max(village.population, 1) and town.population >= 10_000:
                ranked.insert(0, ranked.pop(len(exact)))
                self.resolution.ambiguous = True
        return ranked

    def corrected(self, words):
        """Each unknown word replaced by its closest spellings; (matches, corrected text)."""
        options = [self.index.corrections(word) for word in words.split()]
        if not all(options):
            return [], ""
        found, texts = [], []
        for combination in _combinations(options):
            text = " ".join(combination)
            if text == words:
                continue
            exact = self.index.exact(text)
            prefixed = [item for item in self.index.prefixed(text) if item not in exact]
            matches = [(entry, former, "corrected") for entry, former in exact + prefixed]
            if matches:
                found.append(matches)
                texts.append(text)
        if not found:
            return [], ""
        if len(found) > 1:
            # Several spellings as close: offered, never guessed, unless one names a commune far
            # more populated than the others (« anecy »: Annecy rather than Ancy).
            found.sort(key=lambda matches: -matches[0][0].population)
            first, second = found[0][0][0].population, found[1][0][0].population
            if first >= TOWN_OVER_VILLAGE * max(second, 1):
                self.resolution.ambiguous = True
            else:
                self.resolution.unresolved = True
        merged = {}
        for matches in found:
            for entry, former, how in matches:
                merged.setdefault((entry.insee_code, former), (entry, former, how))
        return sorted(merged.values(), key=lambda item: -item[0].population), texts[0]

    def windows(self, words, correct):
        """In an address or a sentence: the longest run of words that names a commune, the
        rightmost first (the commune ends an address)."""
        tokens = [token for token in words.split() if token not in STREET_WORDS and not token.isdigit()]
        for size in range(min(len(tokens), 6), 0, -1):
            for start in range(len(tokens) - size, -1, -1):
                run = tokens[start : start + size]
                if run[0] in FILLER_WORDS or run[-1] in FILLER_WORDS:
                    continue
                text = " ".join(run)
                if correct:
                    found, corrected = self.corrected(text)
                else:
                    found, corrected = [(e, f, "exact") for e, f in self.index.exact(text)], ""
                if found:
                    return found, corrected
        return [], ""

    def commune_for(self, words):
        """(matches, corrected text): the whole text (without fillers), as written then with its
        spelling corrected; then runs of its words, likewise."""
        texts = list(dict.fromkeys([words, strip_fillers(words)]))
        for correct in (False, True):
            for text in texts:
                found, corrected = self.find(text, correct=correct)
                if found:
                    return found, corrected
        for correct in (False, True):
            found, corrected = self.windows(strip_fillers(words), correct=correct)
            if found:
                return found, corrected
        return [], ""

    def read(self):
        resolution = self.resolution
        text = normalize(self.query)
        if not text:
            resolution.place = position_place(*self.position) if self.position else None
            return resolution
        text, cedex = CEDEX.sub(" ", text), bool(CEDEX.search(text))
        text = " ".join(text.split())
        text, resolution.network = take_network(text, self.index.place_word_set)
        text = " ".join(GLUED_NUMBER.sub(" ", text).split()) if DISTRICT.match(GLUED_NUMBER.sub(" ", text)) else text
        resolution.place_text = text
        codes = POSTAL_CODE.findall(text)
        words = " ".join(POSTAL_CODE.sub(" ", text).split())
        if codes:
            return self.with_postal_code(codes[0], words, cedex)
        if not words:
            # Only a network (« mission locale »): nearest to the position, else the whole region.
            resolution.place = position_place(*self.position) if self.position else None
            return resolution
        department, rest = take_department(words)
        if department and not self.index.exact(words):
            resolution.place = department_place(department)
            return resolution
        if words.isdigit():
            resolution.message = f"Le département « {words} » n'est pas en Auvergne-Rhône-Alpes."
            return resolution
        return self.by_name(words)

    def by_name(self, words):
        resolution = self.resolution
        department = DEPARTMENT_BY_NAME.get(words)
        found, corrected = self.commune_for(words)
        exact = [item for item in found if item[2] == "exact"]
        if department and not exact:
            resolution.place = department_place(department)
            resolution.candidates = [entry.place(former_name=former) for entry, former, _ in found[:CANDIDATES_SHOWN]]
            return resolution
        outside = outside_region()[0].get(words) or outside_region()[0].get(strip_fillers(words))
        if outside and not exact and not any(item[2] == "prefix" for item in found):
            return self.outside(outside[0][0])
        if found:
            return self.choose(found, corrected)
        # Not a commune: words of a structure's or a place's name, spelling corrected; communes
        # whose name holds the words (« etienne » → Saint-Étienne) are offered as well.
        resolution.candidates = [
            entry.place(former_name=former) for entry, former in self.index.containing(words)[:CANDIDATES_SHOWN]
        ]
        name_words = []
        for word in strip_fillers(words).split() or words.split():
            spellings = self.index.corrections(word, vocabulary="name")
            name_words.append(spellings[0] if len(spellings) == 1 else word)
        if name_words != strip_fillers(words).split():
            self.understood(f"Nous avons cherché « {' '.join(name_words)} » dans les noms des structures.")
        resolution.name_words = name_words
        resolution.place = position_place(*self.position) if self.position else None
        return resolution

    def choose(self, found, corrected):
        resolution = self.resolution
        places = [entry.place(former_name=former) for entry, former, _ in found]
        if resolution.unresolved:
            resolution.candidates = places[:CANDIDATES_SHOWN]
            return resolution
        best, how = places[0], found[0][2]
        resolution.place = best
        resolution.candidates = places[1 : CANDIDATES_SHOWN + 1]
        exact = [item for item in found if item[2] == "exact"]
        resolution.ambiguous = resolution.ambiguous or (len(exact) > 1 and how == "exact")
        if not exact and how == "prefix" and len(found) > 1:
            resolution.ambiguous = len({entry.search_name for entry, _, _ in found}) > 1 and not any(
                entry.search_name == found[0][0].search_name for entry, _, _ in found[1:2]
            )
        if best.former_name:
            self.understood(
                f"{best.former_name} fait partie de la commune de {best.name} depuis la fusion des communes."
            )
        elif how == "corrected" or (how == "prefix" and not resolution.ambiguous):
            self.understood(f"Nous avons compris « {best.name} ».")
        return resolution

    def with_postal_code(self, code, words, cedex):
        resolution = self.resolution
        index = self.index
        in_region = index.entries(index.by_postal_code.get(code, []))
        if in_region:
            named = []
            if words:
                found, _ = (
                    self.find(words) if not DISTRICT.match(words) else ([(district(index, words), "", "exact")], "")
                )
                named = [item for item in found if item[0] and code in item[0].postal_codes]
            if named:
                # « 69007 Lyon »: the arrondissement that code names, rather than the whole city.
                named.sort(key=lambda item: item[0].kind != "arrondissement")
                entry, former, _ = named[0]
                resolution.place = entry.place(code, former_name=former)
                return resolution
            # A Lyon postal code names one arrondissement: prefer it to the whole city.
            in_region.sort(key=lambda entry: (entry.kind != "arrondissement", -entry.population, entry.name))
            resolution.place = in_region[0].place(code)
            resolution.candidates = [entry.place(code) for entry in in_region[1:CANDIDATES_SHOWN]]
            return resolution
        outside = outside_region()[1].get(code)
        if outside and code[:2] not in DEPARTMENT_NAMES:
            return self.outside(outside)
        if code[:2] in DEPARTMENT_NAMES:
            # A CEDEX code (« 38043 »), or a code that does not exist: the commune named with it, else
            # its department.
            if words:
                found, _ = self.commune_for(words)
                if found:
                    entry, former, _ = found[0]
                    resolution.place = entry.place(former_name=former)
                    self.understood(
                        f"Le code {code} n'est pas un code postal de commune (code CEDEX ?) : "
                        f"nous avons cherché autour de {entry.name}."
                    )
                    return resolution
            resolution.place = department_place(code[:2])
            kind = "un code CEDEX" if cedex else "le code d'un service (CEDEX) ou un code inconnu"
            self.understood(
                f"Le code {code} est {kind} : nous avons cherché dans le département "
                f"{resolution.place.label}. Indiquez votre commune pour voir les lieux les plus proches."
            )
            return resolution
        resolution.message = f"Aucune commune de France n'a le code postal {code}."
        return resolution

    def outside(self, place):
        self.resolution.outside = place
        self.resolution.message = (
            f"{place.name} ({place.department}) est en {place.region} : cet annuaire couvre la région "
            "Auvergne-Rhône-Alpes."
        )
        return self.resolution


def _combinations(options, limit=12):
    combinations = [[]]
    for choices in options:
        combinations = [previous + [choice] for previous in combinations for choice in choices][:limit]
    return combinations


# « Saint-Priest (07000) », as the suggestions write a commune: the postal code settles homonyms.
NAME_WITH_POSTAL_CODE = re.compile(r"^(?P<name>.*\D)\s*\(?(?P<code>\d{5})\)?\s*$")


def resolve(query, commune_code=None, position=None):
    """Turn the person's input into a place (or a network and a place, or words to look for in
    names, or a reason why not)."""
    if commune_code:
        commune = Commune.objects.filter(pk=commune_code).first()
        if commune is None:
            return Resolution(message=f"Aucune commune de la région n'a le code « {commune_code} ».")
        entry = gazetteer().communes.get(commune.insee_code)
        return Resolution(place=entry.place())
    return Reader(gazetteer(), query or "", position).read()


def commune_place(commune):
    """The place of a Commune record."""
    return gazetteer().communes[commune.insee_code].place()

"""The gazetteer in memory: every name of the region's communes and former communes, their postal
codes, the words of these names and of the names of published places; and the communes of the
other regions. Built once per process and per version of the data; the words of the places' names,
read from every published place, once per version for all processes (`name_vocabulary`), as soon
as the data changes."""

import bisect
import csv
import math
import threading
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path

from django.conf import settings
from rapidfuzz import process
from rapidfuzz.distance import OSA

from annuaire.caching import version_tag
from annuaire.places.types import OutsidePlace, Place
from spro_site.cache import get_or_compute, shared_or_local
from structures.enums import CommuneKind
from structures.models import Commune, FormerCommune, ReceptionPoint
from structures.signals import current_data_version
from structures.text import normalize

OUTSIDE_COMMUNES_CSV = Path(settings.BASE_DIR) / "fixtures" / "communes-hors-region.csv"
ARTICLES = ("le ", "la ", "les ", "l ")


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
    epci: str | None

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
            epci=self.epci,
        )


def without_article(name):
    for article in ARTICLES:
        if name.startswith(article):
            return name[len(article) :]
    return name


class Gazetteer:
    """Every name of the region's communes and former communes, and the words of the names of
    structures and places, in memory."""

    def __init__(self, version=None):
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
            "epci_id",
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
        self.name_words = name_vocabulary(version or current_data_version())
        self.place_word_set = frozenset(self.place_words)
        self._name_word_set = set(self.name_words)

    def commune_near(self, latitude, longitude):
        """The commune whose reference point is nearest to a position: the commune a person is in,
        most of the time (near a border, possibly its neighbour)."""
        if not hasattr(self, "_towns"):
            self._towns = [entry for entry in self.communes.values() if entry.kind == CommuneKind.COMMUNE]
        squeeze = math.cos(math.radians(latitude)) ** 2
        return min(
            self._towns,
            key=lambda entry: (entry.latitude - latitude) ** 2 + squeeze * (entry.longitude - longitude) ** 2,
        )

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


# The words of the places' names change with the data only; shared by every process for a version.
VOCABULARY_SECONDS = 24 * 3600


def read_name_words():
    """The words (three letters or more) of the search text of every published place."""
    texts = ReceptionPoint.objects.published().values_list("search_text", flat=True).iterator(chunk_size=5000)
    words = set()
    # One split per thousand texts: far faster than one per text, in bounded memory.
    while chunk := list(islice(texts, 1000)):
        words.update(" ".join(chunk).split())
    return sorted(word for word in words if len(word) > 2)


def vocabulary_key(version):
    return f"gazetteer-words:{version_tag(version)}"


def name_vocabulary(version):
    """The words of the places' names under the data version `version`: read once for all the
    app's processes (about 0.3 s at demo scale 100, where there are 113,700 names for 1,021 words)."""
    return get_or_compute(vocabulary_key(version), read_name_words, VOCABULARY_SECONDS)


def read_names_ahead(sender, version, **kwargs):
    """When the data changes (structures.signals.data_changed): the words of the new version, before
    any search needs them."""
    shared_or_local("set", vocabulary_key(version), read_name_words(), VOCABULARY_SECONDS)


_built = {"serial": None, "gazetteer": None}
_lock = threading.Lock()


def gazetteer():
    """The gazetteer of the current data version, built at most once per version and process."""
    version = current_data_version()
    serial = version.serial
    if _built["serial"] != serial or _built["gazetteer"] is None:
        with _lock:
            if _built["serial"] != serial or _built["gazetteer"] is None:
                built = Gazetteer(version)
                built.serial = serial
                _built["gazetteer"], _built["serial"] = built, serial
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

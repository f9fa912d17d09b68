"""Reading one query against the gazetteer (see annuaire.places for the order of reading)."""

from annuaire.places.gazetteer import gazetteer, outside_region, without_article
from annuaire.places.types import Place, Resolution
from annuaire.places.words import (
    CEDEX,
    DEPARTMENT_BY_NAME,
    DISTRICT,
    FILLER_WORDS,
    GLUED_NUMBER,
    POSTAL_CODE,
    STREET_WORDS,
    district,
    strip_fillers,
    take_department,
    take_network,
)
from structures.models import Commune
from structures.reference import DEPARTMENT_NAMES, PREFECTURES
from structures.text import de, normalize

CANDIDATES_SHOWN = 12
# A big town whose name starts like a village's exact name comes first when it is this many times
# more populated (« Clermont » → Clermont-Ferrand, the village of Clermont offered).
TOWN_OVER_VILLAGE = 50


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
            resolution = self.choose(found, corrected)
            if outside and not exact and resolution.place:
                # « Nantes »: the city is elsewhere; the commune of the region whose name starts so
                # (Nantes-en-Ratier) is shown, and the page says so.
                place = outside[0][0]
                resolution.understood = [
                    f"{place.name} ({place.department}) est {place.in_region}, hors de la région : "
                    f"voici les lieux proches de {resolution.place.name} ({resolution.place.postal_code})."
                ]
            return resolution
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
                        f"nous avons cherché autour {de(entry.name)}."
                    )
                    return resolution
            resolution.place = department_place(code[:2])
            kind = "un code CEDEX" if cedex else "le code d'un service (CEDEX) ou un code inconnu"
            self.understood(
                f"Le code {code} est {kind} : nous avons cherché dans "
                f"{resolution.place.in_sentence}. Indiquez votre commune pour voir les lieux les plus proches."
            )
            return resolution
        resolution.message = f"Aucune commune de France n'a le code postal {code}."
        return resolution

    def outside(self, place):
        self.resolution.outside = place
        self.resolution.message = (
            f"{place.name} ({place.department}) est {place.in_region} : cet annuaire couvre la région "
            "Auvergne-Rhône-Alpes."
        )
        return self.resolution


def _combinations(options, limit=12):
    combinations = [[]]
    for choices in options:
        combinations = [previous + [choice] for previous in combinations for choice in choices][:limit]
    return combinations


def resolve(query, commune_code=None, position=None):
    """Turn the person's input into a place (or a network and a place, or words to look for in
    names, or a reason why not)."""
    if commune_code:
        commune = Commune.objects.filter(pk=commune_code).first()
        if commune is None:
            return Resolution(message=f"Aucune commune de la région n'a le code « {commune_code} ».")
        index = gazetteer()
        entry = index.communes.get(commune.insee_code)
        return Resolution(place=entry.place(), commune=entry.place(), serial=index.serial)
    index = gazetteer()
    resolution = Reader(index, query or "", position).read()
    resolution.serial = index.serial
    place = resolution.place
    if place is not None and place.kind == "commune":
        resolution.commune = place
    elif place is not None and place.kind == "position":
        resolution.commune = index.commune_near(place.latitude, place.longitude).place()
    return resolution

"""What the resolver answers: a place, a place outside the region, and how the query was read."""

from dataclasses import dataclass, field

from structures.geo import great_circle_km
from structures.models.territory import city_code_of
from structures.reference import DEPARTMENT_WITH_ARTICLE
from structures.text import de, near

# French says « en Bretagne » but « dans le Grand Est », « à La Réunion »: the regions and
# territories (fixtures/communes-hors-region.csv) that do not take « en ».
REGION_PREPOSITIONS = {
    "Grand Est": "dans le",
    "Hauts-de-France": "dans les",
    "Pays de la Loire": "dans les",
    "La Réunion": "à",
    "Mayotte": "à",
    "Saint-Barthélemy": "à",
    "Saint-Martin": "à",
    "Saint-Pierre-et-Miquelon": "à",
    "Wallis et Futuna": "à",
    "Île de Clipperton": "sur l'",
    "Terres australes et antarctiques françaises": "dans les",
}


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
    # Its intercommunality (a commune), for the structures competent for it.
    epci: str | None = None

    @property
    def city_code(self):
        """The commune an arrondissement belongs to (Lyon for Lyon 3e), else itself."""
        return city_code_of(self.insee_code) if self.insee_code else self.insee_code

    @property
    def label(self):
        if self.kind == "departement":
            return f"{self.name} ({self.department})"
        if self.kind == "position":
            return self.name
        if self.former_name:
            return f"{self.former_name} (commune {de(self.name)}, {self.postal_code})"
        return f"{self.name} ({self.postal_code})"

    @property
    def measures_distance(self):
        """A commune or a position is where the person is: distances from it mean something. A
        department's reference point (its prefecture) is not: its results are listed by commune."""
        return self.kind != "departement"

    def distance_km(self, latitude, longitude):
        """The distance from the place to a point, or None where it would mean nothing."""
        return great_circle_km(self.latitude, self.longitude, latitude, longitude) if self.measures_distance else None

    @property
    def in_sentence(self):
        """The place inside a sentence: « Vienne (38200) », « la Haute-Loire (43) », « votre position »."""
        if self.kind == "departement":
            return f"{DEPARTMENT_WITH_ARTICLE.get(self.department, self.name)} ({self.department})"
        if self.kind == "position":
            return "votre position"
        return self.label

    @property
    def of(self):
        """« de Vienne (38200) », « d'Annecy (74000) », « de la Haute-Loire (43) », « de votre position »."""
        return de(self.in_sentence)

    @property
    def near(self):
        """« près de Vienne (38200) », « près du Puy-en-Velay (43000) », « près de votre position »."""
        return near(self.in_sentence)


@dataclass(frozen=True)
class OutsidePlace:
    """A commune or postal code of France outside the region."""

    name: str
    department: str
    region: str

    @property
    def in_region(self):
        """« en Bretagne », « dans les Hauts-de-France », « à La Réunion »: as French says it."""
        preposition = REGION_PREPOSITIONS.get(self.region, "en")
        if preposition.endswith("'"):
            return f"{preposition}{self.region[0].lower()}{self.region[1:]}"
        return f"{preposition} {self.region}"


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
    # The commune the structures competent for the person are looked for: the place itself, or
    # for a position the commune whose reference point is nearest.
    commune: Place | None = None
    # The version of the data it was read against (structures.models.DataVersion.serial).
    serial: int | None = None


# --- The gazetteer -------------------------------------------------------------------------------

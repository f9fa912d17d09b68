"""Deterministic demo data set at the real scale of the SPRO in Auvergne-Rhône-Alpes (2024).

DEMO DATA, NOT OFFICIAL DATA. Where fixtures/ holds real names and seats (the 61 Missions
Locales, the France Travail agencies and relais), they are used and each record names its
source; everything else is synthetic, placed by the population share of the departments
(fixtures/README.md). Synthetic places have no street address (an invented one could pass for a
real one), phone numbers come from the range ARCEP reserves for fiction (04 65 71 xx xx) and
e-mail addresses use the reserved domain « demo.example ».

The builder only computes plain specs; structures.demo.writer saves them.
"""

import csv
import json
import math
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.utils.text import slugify

from structures.enums import Accessibility, GeoPrecision, LabelStatus, PointKind, Recurrence
from structures.geo import great_circle_km
from structures.imports.dila import DILA_NETWORKS, dila_name, first_phone, ml_site_name
from structures.models.territory import city_code_of
from structures.reference import DEPARTMENT_NAMES, PREFECTURES
from structures.text import SlugRegistry, de, normalize
from structures.validators import format_french_phone

SEED = 84  # INSEE code of the region
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
MISSIONS_LOCALES_CSV = FIXTURES / "spro-ara-missions-locales-2023.csv"
FRANCE_TRAVAIL_CSV = FIXTURES / "spro-ara-france-travail-agences-2019.csv"
FRANCE_TRAVAIL_NAMES_CSV = FIXTURES / "ref-ara-france-travail-agences-2023-names.csv"
DILA_2019_CSV = FIXTURES / "spro-ara-annuaire-administration-2019.csv"

SOURCE_SYNTHETIC = "Donnée de démonstration fictive, générée pour l'exemple."
SOURCE_MISSIONS_LOCALES = (
    "Démonstration. Nom et commune du siège réels : référentiel i-milo de septembre 2023 "
    "(SocialGouv/pass-emploi-api, licence MIT), code {code}. Lieux, horaires et contacts fictifs."
)
SOURCE_FRANCE_TRAVAIL = (
    "Démonstration. Nom, adresse et position réels en novembre 2019 : référentiel des agences "
    "Pôle emploi (gip-inclusion/les-emplois), réf. {code}, à revérifier. Horaires et contacts fictifs."
)
SOURCE_FRANCE_TRAVAIL_RELAIS = (
    "Démonstration. Nom réel en décembre 2023 (SocialGouv/pass-emploi-api, licence MIT), "
    "réf. {code}. Position au centre de la commune ; horaires et contacts fictifs."
)

SOURCE_DILA_2019 = (
    "Annuaire de l'administration (DILA, service-public.fr), base de données locales telle qu'exportée "
    "en 2019, Licence Ouverte 2.0, réf. {code}. Position au centre de la commune."
)
# The date of that export (fixtures/README.md).
DILA_2019_DATE = date(2019, 10, 22)

# Target counts at scale 1, from the SPRO's 2024 figures and fixtures/README.md (estimates for
# the networks that have no open list). Info Jeunes structures make up the rest up to 544.
TOTAL_STRUCTURES = 544
MISSION_LOCALE_POINTS = 575
CAP_EMPLOI_ANTENNAS = 12
AVENIR_ACTIFS_SITES = 12
AVENIR_ACTIFS_PERMANENCES = 48

ACADEMIES = {
    "Lyon": ("01", "42", "69"),
    "Grenoble": ("07", "26", "38", "73", "74"),
    "Clermont-Ferrand": ("03", "15", "43", "63"),
}
UNIVERSITIES = [
    ("Université Claude Bernard Lyon 1", ["69266", "69123"]),
    ("Université Lumière Lyon 2", ["69029", "69123"]),
    ("Université Jean Moulin Lyon 3", ["69123"]),
    ("Université Jean Monnet Saint-Étienne", ["42218", "42187"]),
    ("Université Grenoble Alpes", ["38421", "26362"]),
    ("Université Savoie Mont Blanc", ["73137", "74010"]),
    ("Université Clermont Auvergne", ["63113"]),
]
# France Travail « relais » of the 2023 list: source label → commune name in its department.
FRANCE_TRAVAIL_RELAIS_COMMUNES = {
    "MIRIBEL": "Miribel",
    "MONTLUCON NORD": "Montluçon",
    "RPE VARENNES": "Varennes-sur-Allier",
    "MAURIAC": "Mauriac",
    "NYONS": "Nyons",
    "SAINT MARCELLIN": "Saint-Marcellin",
    "RPE YSSINGEAUX": "Yssingeaux",
    "AMBERT": "Ambert",
    "SAINT ELOY": "Saint-Éloy-les-Mines",
    "SAIN BEL": "Sain-Bel",
    "CHAMONIX": "Chamonix-Mont-Blanc",
    "SAINT JULIEN EN GENEVOIS": "Saint-Julien-en-Genevois",
}
# Circle 3: (network, name pattern, commune INSEE code, label start, label end). Labels are granted
# after the Region's calls for applications (twice a year) for three years; those ending before
# November 2026 have expired and must not appear on the public site.
LABELLED_STRUCTURES = [
    ("collectivite", "Ville de Belleville-en-Beaujolais — Point information emploi", "69019", "2024-07-01"),
    ("collectivite", "Ville de Vaulx-en-Velin — Maison de l'emploi", "69256", "2025-01-01"),
    ("collectivite", "Communauté de communes du Pays de Gex — Espace emploi", "01173", "2023-07-01"),
    ("collectivite", "Ville de Riom — Point information jeunesse et emploi", "63300", "2022-07-01"),
    ("mife", "MIFE de l'Ain", "01053", "2024-01-01"),
    ("mife", "MIFE Loire Sud", "42218", "2025-07-01"),
    ("mife", "MIFE de l'Isère", "38185", "2022-01-01"),
    ("mife", "MIFE Auvergne", "63113", "2024-07-01"),
    ("cidff", "CIDFF de l'Ain", "01053", "2024-01-01"),
    ("cidff", "CIDFF de l'Allier", "03185", "2025-01-01"),
    ("cidff", "CIDFF de l'Ardèche", "07186", "2024-07-01"),
    ("cidff", "CIDFF du Cantal", "15014", "2026-01-01"),
    ("cidff", "CIDFF de la Drôme", "26362", "2023-07-01"),
    ("cidff", "CIDFF de l'Isère", "38185", "2025-07-01"),
    ("cidff", "CIDFF de la Loire", "42218", "2024-01-01"),
    ("cidff", "CIDFF de la Haute-Loire", "43157", "2026-07-01"),
    ("cidff", "CIDFF du Puy-de-Dôme", "63113", "2022-07-01"),
    ("cidff", "CIDFF du Rhône", "69123", "2025-01-01"),
    ("cidff", "CIDFF de la Savoie", "73065", "2024-07-01"),
    ("cidff", "CIDFF de la Haute-Savoie", "74010", "2025-07-01"),
    ("association", "Association Tremplin Emploi Bugey", "01004", "2025-01-01"),
    ("association", "Association Passerelles Vercors", "26281", "2024-01-01"),
    ("association", "Association Avenir Quartiers Nord", "38185", "2026-01-01"),
    ("association", "Association Horizons Forez", "42147", "2023-07-01"),
    ("association", "Association Chemins d'Avenir du Velay", "43157", "2025-07-01"),
    ("association", "Association Cap Métiers Combrailles", "63300", "2024-07-01"),
    ("association", "Association Trait d'Union Maurienne", "73248", "2022-01-01"),
    ("association", "Association Boussole Chablais", "74281", "2026-01-01"),
]
LABEL_YEARS = 3

NETWORK_DEFAULTS = {
    # network slug: (publics, levels)
    "cio": (["scolaires", "etudiants", "jeunes-16-25", "tout-public"], [1, 2]),
    "scuio": (["etudiants", "scolaires"], [1, 2]),
    "info-jeunes": (["jeunes-16-25", "scolaires", "etudiants"], [1]),
    "france-travail": (["demandeurs-emploi", "tout-public"], [1, 2]),
    "cap-emploi": (["handicap", "demandeurs-emploi", "salaries-prive"], [1, 2]),
    "apec": (["cadres", "etudiants"], [1, 2]),
    "mission-locale": (["jeunes-16-25"], [1, 2]),
    "avenir-actifs": (["salaries-prive", "independants"], [2]),
    "cma": (["independants", "jeunes-16-25", "tout-public"], [1]),
    "cci": (["independants", "jeunes-16-25", "tout-public"], [1]),
    "chambre-agriculture": (["tout-public", "jeunes-16-25"], [1]),
    "mife": (["tout-public", "salaries-prive", "demandeurs-emploi"], [1, 2]),
    "cidff": (["femmes-familles", "demandeurs-emploi"], [1, 2]),
    "association": (["tout-public", "jeunes-16-25", "demandeurs-emploi"], [1]),
    "collectivite": (["tout-public"], [1]),
}
DESCRIPTIONS = {
    "cio": "Centre public et gratuit de l'Éducation nationale. Des psychologues de l'Éducation nationale "
    "y informent et conseillent élèves, étudiants, parents et jeunes sortis du système scolaire ({academy}).",
    "scuio": "Le service d'orientation de l'université accueille lycéens, étudiants et adultes en reprise "
    "d'études : choix de formation, réorientation, stages et insertion professionnelle.",
    "info-jeunes": "Lieu d'accueil anonyme et gratuit, sans rendez-vous : documentation et conseils sur les "
    "métiers, les formations, les jobs, le logement, la mobilité et l'engagement.",
    "france-travail": "Agence de France Travail : inscription, accompagnement vers l'emploi, formation et "
    "conseil en évolution professionnelle.",
    "cap-emploi": "Cap Emploi accompagne les personnes en situation de handicap dans leur recherche d'emploi, "
    "leur maintien dans l'emploi et leur évolution professionnelle.",
    "apec": "L'Apec conseille les cadres et les jeunes diplômés : évolution professionnelle, recherche "
    "d'emploi, mobilité. Entretiens sur place, par téléphone ou en visioconférence.",
    "mission-locale": "La Mission Locale accompagne les jeunes de 16 à 25 ans sortis de l'école dans leur "
    "accès à l'emploi, à la formation, au logement, à la santé et à la mobilité.",
    "avenir-actifs": "Opérateur régional du conseil en évolution professionnelle (CEP) pour les salariés du "
    "privé, les intérimaires et les indépendants : un service gratuit et confidentiel.",
    "cma": "La chambre de métiers et de l'artisanat informe sur les métiers de l'artisanat, "
    "l'apprentissage, la création et la reprise d'entreprise artisanale.",
    "cci": "La chambre de commerce et d'industrie informe les porteurs de projet, les apprentis et les "
    "entreprises : création d'entreprise, apprentissage, formation.",
    "chambre-agriculture": "La chambre d'agriculture informe sur les métiers agricoles, les formations et "
    "l'installation en agriculture.",
    "mife": "Structure labellisée par la Région : information de tout public sur la formation, l'emploi, "
    "la validation des acquis de l'expérience et le bilan de compétences.",
    "cidff": "Structure labellisée par la Région : accès aux droits, à l'emploi et à la formation "
    "des femmes et des familles.",
    "association": "Association labellisée par la Région pour accueillir, informer et orienter son public "
    "sur les métiers, les formations et l'emploi.",
    "collectivite": "Service d'une collectivité labellisé par la Région pour accueillir et informer les "
    "habitants sur l'emploi, la formation et l'orientation.",
}

# --- Opening hours templates: (weekday, opens, closes, note) ---------------------------------

WEEKDAYS = range(5)


def _office_hours(morning=("09:00", "12:00"), afternoon=("13:30", "17:00"), days=WEEKDAYS, closed_mornings=()):
    slots = []
    for day in days:
        if day not in closed_mornings:
            slots.append((day, *morning, ""))
        if afternoon:
            slots.append((day, *afternoon, ""))
    return slots


# (weeks of the month, note) of the permanences' single weekly slot.
PERMANENCE_RHYTHMS = [
    (Recurrence.WEEKLY, ""),
    (Recurrence.FIRST_AND_THIRD, ""),
    (Recurrence.SECOND_AND_FOURTH, ""),
    (Recurrence.FIRST, ""),
    (Recurrence.WEEKLY, "Sur rendez-vous uniquement"),
]
HOSTS = ["Mairie", "Espace France Services", "Centre social", "Maison des services"]


@dataclass(frozen=True)
class Place:
    insee_code: str
    name: str
    department: str
    postal_code: str
    latitude: float
    longitude: float
    population: int
    postal_codes: tuple = ()
    search_key: str = ""
    epci: str = ""


@dataclass
class StructureSpec:
    slug: str
    name: str
    network: str
    description: str
    publics: list
    levels: list
    departments: list = field(default_factory=list)
    epcis: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    label_status: str = LabelStatus.NOT_APPLICABLE
    label_start: date | None = None
    label_end: date | None = None
    phone: str = ""
    email: str = ""
    website: str = ""
    last_verified_on: date | None = None
    source: str = SOURCE_SYNTHETIC
    source_date: date | None = None


@dataclass
class PointSpec:
    slug: str
    structure: str
    name: str
    kind: str
    commune: str
    postal_code: str
    latitude: float
    longitude: float
    hours: list
    geo_precision: str = GeoPrecision.COMMUNE
    address: str = ""
    address_complement: str = ""
    host_name: str = ""
    host_structure: str = ""
    phone: str = ""
    email: str = ""
    walk_in: bool = False
    by_appointment: bool = True
    appointment_details: str = ""
    on_site: bool = True
    by_phone: bool = False
    by_video: bool = False
    accessibility: str = Accessibility.UNKNOWN
    accessibility_details: str = ""
    closures: list = field(default_factory=list)
    is_published: bool = True
    last_verified_on: date | None = None
    source: str = SOURCE_SYNTHETIC
    source_date: date | None = None
    # A real record's id in the State's directory: an import of its live version finds it.
    dila_id: str = ""


@dataclass(frozen=True)
class RealRecord:
    """A local service of the State's directory (2019), placed in a commune of the gazetteer."""

    code: str
    network: str
    name: str
    address: str
    postal_code: str
    phone: str
    website: str
    place: Place

    @property
    def source(self):
        return SOURCE_DILA_2019.format(code=self.code)


_SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "aux", "au", "d", "l", "a"}
_STREET_WORDS = {"rue", "avenue", "boulevard", "place", "chemin", "route", "allee", "allée", "impasse", "quai"}
_ACRONYMS = {"ML", "MLJ", "ASI", "CEP", "MLOBG", "ZI", "ZA", "ZAC", "RN", "RD", "BP"}


def tidy_case(text):
    """Turn an all-capitals or all-lowercase source label into normal French capitalisation.

    Labels already in mixed case are the source's own writing and are kept as they are.
    """
    if any(char.islower() for char in text) and any(char.isupper() for char in text):
        return text
    words = []
    for position, word in enumerate(re.split(r"(\s+|-|')", text.lower())):
        if word.upper() in _ACRONYMS:
            words.append(word.upper())
        elif position > 0 and (word in _SMALL_WORDS or word in _STREET_WORDS):
            words.append(word)
        else:
            words.append(word[:1].upper() + word[1:])
    return "".join(words)


def allocate(total, weights, minimum=0, capacity=None):
    """Split `total` between keys in proportion to `weights` (largest remainder method).

    With `capacity`, no key gets more than its capacity; the surplus goes to the others.
    """
    keys = sorted(weights)
    capacity = capacity or {}
    shares = dict.fromkeys(keys, minimum)
    open_keys = [key for key in keys if shares[key] < capacity.get(key, total)]
    while True:
        remaining = total - sum(shares.values())
        weight_sum = sum(weights[key] for key in open_keys)
        if remaining <= 0 or not open_keys or weight_sum <= 0:
            return shares
        quotas = {key: remaining * weights[key] / weight_sum for key in open_keys}
        for key in open_keys:
            shares[key] += int(quotas[key])
        leftover = total - sum(shares.values())
        for key in sorted(open_keys, key=lambda k: (-(quotas[k] - int(quotas[k])), k))[:leftover]:
            shares[key] += 1
        over = [key for key in open_keys if shares[key] > capacity.get(key, total)]
        if not over:
            return shares
        for key in over:
            shares[key] = capacity[key]
        open_keys = [key for key in open_keys if shares[key] < capacity.get(key, total)]


def _distance(place, other):
    return great_circle_km(place.latitude, place.longitude, other.latitude, other.longitude)


class DemoBuilder:
    """Compute the demo data set from the gazetteer, deterministically for a given seed."""

    def __init__(self, places, seed=SEED, former_communes=None):
        self.rng = random.Random(seed)
        self.places = {place.insee_code: place for place in places}
        self.by_department = defaultdict(list)
        for place in sorted(places, key=lambda p: p.insee_code):
            self.by_department[place.department].append(place)
        self.by_name = {(place.department, place.search_key): place for place in places}
        self.population = {code: sum(p.population for p in items) for code, items in self.by_department.items()}
        self.structure_slugs = SlugRegistry()
        self.point_slugs = SlugRegistry()
        self.phone_counter = 0
        self.structures = []
        self.points = []
        # A former commune's code → the current commune's (points are placed in communes).
        self.current_code = former_communes or {}
        self.real = self.read_real_records()

    # --- helpers ---

    def place(self, insee_code):
        return self.places[insee_code]

    def sample(self, candidates, count, weight):
        """Weighted sample without replacement (Efraimidis–Spirakis), deterministic for the seed."""
        keyed = []
        for candidate in candidates:
            w = weight(candidate)
            if w > 0:
                keyed.append((self.rng.random() ** (1.0 / w), candidate.insee_code, candidate))
        keyed.sort(key=lambda item: (-item[0], item[1]))
        return [candidate for _, _, candidate in keyed[:count]]

    def fictional_phone(self):
        self.phone_counter = (self.phone_counter + 1) % 10000
        number = self.phone_counter
        return f"04 65 71 {number // 100:02d} {number % 100:02d}"

    def near(self, place):
        """A position at the commune's reference point with a small offset (a few hundred metres)."""
        return (
            round(place.latitude + self.rng.uniform(-0.004, 0.004), 6),
            round(place.longitude + self.rng.uniform(-0.005, 0.005), 6),
        )

    def verified_date(self):
        """A last-verified date between January 2025 and October 2026: some records are stale."""
        return date(2025, 1, 2) + timedelta(days=self.rng.randrange(0, 660))

    def accessibility(self):
        roll = self.rng.random()
        if roll < 0.68:
            details = self.rng.choice(
                [
                    "Entrée de plain-pied.",
                    "Accès par une rampe, ascenseur jusqu'à l'accueil.",
                    "Entrée de plain-pied, place de stationnement réservée devant le bâtiment.",
                ]
            )
            return Accessibility.ACCESSIBLE, details
        if roll < 0.80:
            return Accessibility.NOT_ACCESSIBLE, self.rng.choice(
                ["Bureaux à l'étage sans ascenseur.", "Trois marches à l'entrée, pas de rampe."]
            )
        return Accessibility.UNKNOWN, ""

    def add_structure(self, name, network, **extra):
        publics, levels = NETWORK_DEFAULTS[network]
        values = {
            "description": DESCRIPTIONS[network],
            "email": f"{slugify(name)[:40].strip('-')}@demo.example",
            "last_verified_on": self.verified_date(),
        }
        values.update(extra)
        spec = StructureSpec(
            slug=self.structure_slugs.make(name),
            name=name,
            network=network,
            publics=list(publics),
            levels=list(levels),
            **values,
        )
        self.structures.append(spec)
        return spec

    # --- real records of the State's directory (2019) ---

    def read_real_records(self):
        """The 2019 records of fixtures/spro-ara-annuaire-administration-2019.csv by network, placed
        in their commune by INSEE code (a former commune's leads to the commune it joined, an
        arrondissement's to its city), else by name in their department; a record whose commune
        cannot be found is left out."""
        records = defaultdict(list)
        with open(DILA_2019_CSV, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = city_code_of(row["insee_code"])
                code = self.current_code.get(code, code)
                place = self.places.get(code) or self.by_name.get((row["department_code"], normalize(row["commune"])))
                if place is None:
                    continue
                network = DILA_NETWORKS[row["dila_type"]]
                records[network].append(
                    RealRecord(
                        code=row["dila_id"],
                        network=network,
                        name=dila_name(row["name"]),
                        address=row["address"].strip(),
                        postal_code=row["postal_code"].strip(),
                        phone=format_french_phone(first_phone(row["phone"])),
                        website=row["website"].strip(),
                        place=place,
                    )
                )
        return records

    def add_real_structure(self, record, network=None, **extra):
        """A structure as the directory names it: its source and date, never verified since."""
        name = extra.pop("name", record.name)
        values = {
            "website": record.website,
            "email": "",
            "last_verified_on": None,
            "source": record.source,
            "source_date": DILA_2019_DATE,
        }
        values.update(extra)
        return self.add_structure(name, network or record.network, **values)

    def add_real_point(self, structure, record, kind, name=None):
        """A point as the directory gives it: name, address, phone; at its commune's position
        (approximate), with no invented hours, accessibility or reception modes."""
        place = record.place
        # A CEDEX code is the mail's, not the commune's: the commune's own postal code is shown.
        postal_code = record.postal_code if record.postal_code in place.postal_codes else place.postal_code
        return self.add_point(
            structure,
            name or record.name,
            place,
            kind,
            [],
            address=record.address,
            postal_code=postal_code,
            latitude=place.latitude,
            longitude=place.longitude,
            geo_precision=GeoPrecision.COMMUNE,
            phone=record.phone,
            accessibility=Accessibility.UNKNOWN,
            accessibility_details="",
            # Unknown: the safe advice, to call first (a point received on site must say how).
            walk_in=False,
            by_appointment=True,
            appointment_details="Modalités d'accueil non renseignées : appelez avant de vous déplacer.",
            last_verified_on=None,
            source=record.source,
            source_date=DILA_2019_DATE,
            dila_id=record.code,
        )

    def add_point(self, structure, name, place, kind, hours, **extra):
        accessibility, accessibility_details = self.accessibility()
        if "latitude" not in extra:
            extra["latitude"], extra["longitude"] = self.near(place)
        values = {
            "phone": self.fictional_phone(),
            "accessibility": accessibility,
            "accessibility_details": accessibility_details,
            "last_verified_on": self.verified_date(),
            "postal_code": place.postal_code,
        }
        values.update(extra)
        spec = PointSpec(
            slug=self.point_slugs.make(f"{name} {place.name}" if place.name not in name else name),
            structure=structure.slug,
            name=name,
            kind=kind,
            commune=place.insee_code,
            hours=hours,
            **values,
        )
        self.points.append(spec)
        return spec

    def permanence_hours(self):
        day = self.rng.choice([0, 1, 2, 3, 4])
        morning = self.rng.random() < 0.6
        opens, closes = ("09:00", "12:00") if morning else ("13:30", "16:30")
        recurrence, note = self.rng.choice(PERMANENCE_RHYTHMS)
        return [(day, opens, closes, note, recurrence)]

    # --- networks ---

    def build(self):
        self.build_missions_locales()
        self.build_france_travail()
        self.build_cio()
        self.build_scuio()
        self.build_cap_emploi()
        self.build_apec()
        self.build_avenir_actifs()
        self.build_chambers()
        self.build_labelled()
        self.build_info_jeunes()
        self.add_closures()
        self.unpublish_a_few()
        return self.structures, self.points

    def place_named(self, department, name):
        return self.by_name[(department, normalize(name))]

    def share_intercommunalities(self, seats):
        """Share the region between the structures of `seats` ((structure, seat place) pairs), as
        Missions Locales, CIO sectors and France Travail agencies are: every commune gets exactly
        one competent structure. An intercommunality holding one seat goes to it whole; one holding
        several (a metropolis) is split commune by commune between them, nearest seat first; one
        holding none goes whole to the structure nearest to its most populous commune, preferably
        in its department. Returns the communes of each structure (by slug)."""
        members, seats_in = defaultdict(list), defaultdict(list)
        for place in self.places.values():
            members[place.epci].append(place)
        for structure, seat in seats:
            seats_in[seat.epci].append((structure, seat))
        areas = defaultdict(list)
        for epci, places in sorted(members.items()):
            local = seats_in.get(epci)
            if local and len(local) > 1:
                for place in places:
                    structure, _ = min(local, key=lambda item: _distance(place, item[1]))
                    structure.communes.append(place.insee_code)
                    areas[structure.slug].append(place)
                continue
            if local:
                structure = local[0][0]
            else:
                main = max(places, key=lambda place: (place.population, place.insee_code))
                nearby = [item for item in seats if item[1].department == main.department] or seats
                structure, _ = min(nearby, key=lambda item: _distance(main, item[1]))
            if epci:
                structure.epcis.append(epci)
            else:  # a commune without intercommunality (none in 2026) is named on its own
                structure.communes.extend(place.insee_code for place in places)
            areas[structure.slug].extend(places)
        return areas

    def towns(self, department, minimum_population=0):
        return [p for p in self.by_department[department] if p.population >= minimum_population]

    def build_missions_locales(self):
        with open(MISSIONS_LOCALES_CSV, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        seats = []
        for row in rows:
            name = tidy_case(re.sub(r"^\d{2}-", "", row["name"]).strip())
            seat = self.place(row["insee_code"])
            code = row["source_id"].removeprefix("imilo:")
            structure = self.add_structure(name, "mission-locale", source=SOURCE_MISSIONS_LOCALES.format(code=code))
            seats.append((structure, seat))
        areas = self.share_intercommunalities(seats)
        # The sites of the State's directory join the Mission Locale competent for their commune.
        competent = {place.insee_code: structure for structure, _ in seats for place in areas[structure.slug]}
        real_sites = defaultdict(list)
        for record in self.real["mission-locale"]:
            real_sites[competent[record.place.insee_code].slug].append(record)
        real_mains = {
            structure.slug: next((r for r in real_sites[structure.slug] if r.place == seat), None)
            for structure, seat in seats
        }
        total_communes = sum(len(a) for a in areas.values())
        total_population = sum(p.population for a in areas.values() for p in a)
        weights = {
            structure.slug: 0.5 * len(areas[structure.slug]) / total_communes
            + 0.5 * sum(p.population for p in areas[structure.slug]) / total_population
            for structure, _ in seats
        }
        taken = {slug: {seat.insee_code} | {r.place.insee_code for r in real_sites[slug]} for slug in real_sites}
        capacity = {
            structure.slug: len(areas[structure.slug]) - len(taken.get(structure.slug, {seat.insee_code}))
            for structure, seat in seats
        }
        invented_mains = sum(1 for record in real_mains.values() if record is None)
        extra_points = allocate(
            MISSION_LOCALE_POINTS - len(self.real["mission-locale"]) - invented_mains, weights, capacity=capacity
        )
        for structure, seat in seats:
            main = real_mains[structure.slug]
            if main:
                self.add_real_point(structure, main, PointKind.MAIN, name=ml_site_name(main.name))
            else:
                self.add_point(
                    structure,
                    f"{structure.name} — accueil principal",
                    seat,
                    PointKind.MAIN,
                    _office_hours(afternoon=("13:30", "17:30"), closed_mornings=(0,)),
                    walk_in=True,
                    by_appointment=True,
                    by_phone=True,
                    appointment_details="Premier accueil sans rendez-vous, puis rendez-vous avec votre conseiller.",
                )
            for record in real_sites[structure.slug]:
                if record is not main:
                    self.add_real_point(structure, record, PointKind.BRANCH, name=ml_site_name(record.name))
            used = taken.get(structure.slug, {seat.insee_code})
            candidates = [p for p in areas[structure.slug] if p.insee_code not in used]
            chosen = self.sample(candidates, extra_points[structure.slug], lambda p: math.sqrt(max(p.population, 150)))
            for place in chosen:
                if place.population >= 8000:
                    self.add_point(
                        structure,
                        f"{structure.name} — antenne {de(place.name)}",
                        place,
                        PointKind.BRANCH,
                        _office_hours(afternoon=("13:30", "17:00"), days=self.rng.sample(range(5), 3)),
                        walk_in=self.rng.random() < 0.5,
                    )
                else:
                    host = self.rng.choice(HOSTS)
                    self.add_point(
                        structure,
                        f"{structure.name} — permanence {de(place.name)}",
                        place,
                        PointKind.PERMANENCE,
                        self.permanence_hours(),
                        host_name=f"{host} {de(place.name)}",
                        appointment_details="Prendre rendez-vous auprès de l'accueil principal de la Mission Locale.",
                    )

    def build_france_travail(self):
        with open(FRANCE_TRAVAIL_CSV, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        agencies = []
        for row in rows:
            place = self.place(row["insee_code"])
            name = f"France Travail {agency_label(row['name'], place)}"
            structure = self.add_structure(
                name, "france-travail", source=SOURCE_FRANCE_TRAVAIL.format(code=row["source_id"]), email=""
            )
            extra = json.loads(row["extra"] or "{}")
            # A few agencies give a CEDEX code; the commune's own postal code is the one to show.
            postal_code = row["postal_code"] if row["postal_code"] in place.postal_codes else place.postal_code
            hours = [(day, "08:30", "12:30", "Sans rendez-vous") for day in WEEKDAYS]
            hours += [(day, "13:00", "16:30", "Sur rendez-vous") for day in (0, 1, 2, 3)]
            self.add_point(
                structure,
                name,
                place,
                PointKind.MAIN,
                hours,
                address=tidy_case(row["address"]),
                address_complement=tidy_case(extra.get("address_complement", "")),
                postal_code=postal_code,
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                geo_precision=GeoPrecision.EXACT,
                walk_in=True,
                by_phone=True,
                by_video=True,
                appointment_details="Rendez-vous depuis votre espace personnel ou à l'accueil.",
                source=structure.source,
            )
            agencies.append((structure, place))
        self.share_intercommunalities(agencies)
        with open(FRANCE_TRAVAIL_NAMES_CSV, encoding="utf-8", newline="") as handle:
            relais = [row for row in csv.DictReader(handle) if row["site_kind"] == "relais"]
        for row in relais:
            label = row["name"].removeprefix("Relai Pôle emploi ").strip()
            place = self.place_named(row["department_code"], FRANCE_TRAVAIL_RELAIS_COMMUNES[label])
            structure, _ = min(
                ((s, p) for s, p in agencies if p.department == place.department),
                key=lambda item: great_circle_km(place.latitude, place.longitude, item[1].latitude, item[1].longitude),
            )
            self.add_point(
                structure,
                f"Relais France Travail {de(place.name)}",
                place,
                PointKind.BRANCH,
                [(day, "09:00", "12:00", "") for day in (1, 3)],
                walk_in=True,
                source=SOURCE_FRANCE_TRAVAIL_RELAIS.format(code=row["source_id"]),
            )

    def build_cio(self):
        """The CIO of the State's directory, each with its sector (whole intercommunalities)."""
        academy_of = {dep: academy for academy, deps in ACADEMIES.items() for dep in deps}
        seats = []
        for record in self.real["cio"]:
            academy = f"académie de {academy_of[record.place.department]}"
            structure = self.add_real_structure(record, description=DESCRIPTIONS["cio"].format(academy=academy))
            self.add_real_point(structure, record, PointKind.MAIN)
            seats.append((structure, record.place))
        self.share_intercommunalities(seats)

    def build_scuio(self):
        """The universities' guidance services of the State's directory; an invented one for the
        universities of a department the directory has none for."""
        real_departments = set()
        for record in self.real["scuio"]:
            structure = self.add_real_structure(record, departments=[record.place.department])
            self.add_real_point(structure, record, PointKind.MAIN)
            real_departments.add(record.place.department)
        for university, communes in UNIVERSITIES:
            first = self.place(communes[0])
            if first.department in real_departments:
                continue
            name = f"Service d'orientation de l'{university}"
            structure = self.add_structure(
                name, "scuio", departments=sorted({self.place(c).department for c in communes})
            )
            for position, insee in enumerate(communes):
                place = self.place(insee)
                label = "campus principal" if position == 0 else f"campus {de(place.name)}"
                self.add_point(
                    structure,
                    f"{name} — {label}",
                    place,
                    PointKind.MAIN if place == first else PointKind.BRANCH,
                    _office_hours(morning=("09:00", "12:00"), afternoon=("13:30", "16:30")),
                    walk_in=True,
                    by_video=True,
                )

    def build_cap_emploi(self):
        antennas = allocate(CAP_EMPLOI_ANTENNAS, self.population)
        for department in sorted(PREFECTURES):
            seat = self.place(PREFECTURES[department])
            structure = self.add_structure(
                f"Cap Emploi {DEPARTMENT_NAMES[department]}",
                "cap-emploi",
                departments=[department],
            )
            structure.phone = self.fictional_phone()
            hours = _office_hours(afternoon=("13:30", "17:00"), days=range(5))
            self.add_point(structure, structure.name, seat, PointKind.MAIN, hours, by_phone=True, by_video=True)
            others = [p for p in self.towns(department, 8000) if p.insee_code != seat.insee_code]
            for place in self.sample(others, antennas[department], lambda p: p.population):
                self.add_point(
                    structure,
                    f"{structure.name} — antenne {de(place.name)}",
                    place,
                    PointKind.BRANCH,
                    [(day, "09:00", "12:00", "") for day in (1, 3)] + [(1, "13:30", "16:30", "")],
                    by_phone=True,
                )

    def build_apec(self):
        """One regional structure; its centres are those of the State's directory."""
        structure = self.add_structure("Apec Auvergne-Rhône-Alpes", "apec", departments=sorted(PREFECTURES))
        for position, record in enumerate(self.real["apec"]):
            self.add_real_point(structure, record, PointKind.MAIN if position == 0 else PointKind.BRANCH)

    def build_avenir_actifs(self):
        structure = self.add_structure(
            "Avenir Actifs Auvergne-Rhône-Alpes", "avenir-actifs", departments=sorted(PREFECTURES)
        )
        sites = {}
        for department in sorted(PREFECTURES):
            place = self.place(PREFECTURES[department])
            sites[department] = self.add_point(
                structure,
                f"Avenir Actifs — {place.name}",
                place,
                PointKind.MAIN if department == "69" else PointKind.BRANCH,
                _office_hours(morning=("09:00", "12:30"), afternoon=("13:30", "17:30")),
                by_phone=True,
                by_video=True,
                appointment_details="Sur rendez-vous, sur place, par téléphone ou en visioconférence.",
            )
        permanences = allocate(AVENIR_ACTIFS_PERMANENCES, self.population, minimum=2)
        for department in sorted(permanences):
            towns = [p for p in self.towns(department, 3000) if p.insee_code != PREFECTURES[department]]
            for place in self.sample(towns, permanences[department], lambda p: math.sqrt(p.population)):
                self.add_point(
                    structure,
                    f"Avenir Actifs — permanence {de(place.name)}",
                    place,
                    PointKind.PERMANENCE,
                    self.permanence_hours(),
                    host_name=f"Mairie {de(place.name)}",
                    by_phone=True,
                    by_video=True,
                    appointment_details="Sur rendez-vous uniquement, par téléphone ou en ligne.",
                )

    def build_chambers(self):
        """The consular chambers of the State's directory: one structure per department, a point per
        site of the directory."""
        for network in ("cma", "cci", "chambre-agriculture"):
            by_department = defaultdict(list)
            for record in self.real[network]:
                by_department[record.place.department].append(record)
            for department in sorted(by_department):
                records = by_department[department]
                structure = self.add_real_structure(records[0], departments=[department])
                for position, record in enumerate(records):
                    self.add_real_point(structure, record, PointKind.MAIN if position == 0 else PointKind.BRANCH)

    def build_labelled(self):
        """Circle 3. A CIDFF of the State's directory keeps its real name, address and phone; its
        label's dates, like every other labelled structure here, are invented."""
        real_cidff = {record.place.department: record for record in self.real["cidff"]}
        for network, name, insee, start in LABELLED_STRUCTURES:
            place = self.place(insee)
            label_start = date.fromisoformat(start)
            label_end = label_start.replace(year=label_start.year + LABEL_YEARS) - timedelta(days=1)
            label = {"label_status": LabelStatus.GRANTED, "label_start": label_start, "label_end": label_end}
            record = real_cidff.get(place.department) if network == "cidff" else None
            if record:
                source = f"{record.source} Dates du label inventées pour la démonstration."
                structure = self.add_real_structure(
                    record, departments=[record.place.department], source=source, **label
                )
                self.add_real_point(structure, record, PointKind.MAIN)
                continue
            structure = self.add_structure(name, network, departments=[place.department], **label)
            self.add_point(
                structure,
                name,
                place,
                PointKind.MAIN,
                _office_hours(afternoon=("14:00", "17:30"), days=(0, 1, 3, 4)),
                walk_in=True,
            )
        # Two labelled structures also hold a permanence in a neighbouring town.
        for structure in [s for s in self.structures if s.network == "cidff"][:2]:
            department = structure.departments[0]
            towns = [p for p in self.towns(department, 5000) if p.insee_code != PREFECTURES[department]]
            for place in self.sample(towns, 1, lambda p: p.population):
                self.add_point(
                    structure,
                    f"{structure.name} — permanence {de(place.name)}",
                    place,
                    PointKind.PERMANENCE,
                    self.permanence_hours(),
                    host_name=f"Mairie {de(place.name)}",
                )

    def build_info_jeunes(self):
        """The Info Jeunes of the State's directory, then invented ones in other towns up to the
        SPRO's number of structures."""
        real_communes = set()
        for record in self.real["info-jeunes"]:
            structure = self.add_real_structure(record, communes=[record.place.insee_code])
            self.add_real_point(structure, record, PointKind.MAIN)
            real_communes.add(record.place.insee_code)
        count = TOTAL_STRUCTURES - len(self.structures)
        per_department = allocate(count, self.population, minimum=2)
        for department in sorted(per_department):
            towns = [p for p in self.towns(department, 1500) if p.insee_code not in real_communes]
            for place in self.sample(towns, per_department[department], lambda p: p.population**0.8):
                kind = "Bureau Information Jeunesse" if place.population >= 20000 else "Point Information Jeunesse"
                structure = self.add_structure(f"{kind} {de(place.name)}", "info-jeunes", communes=[place.insee_code])
                hours = [(day, "13:30", "18:00", "") for day in (1, 2, 3, 4)]
                hours.append((2, "10:00", "12:00", ""))
                if place.population >= 20000:
                    hours.append((5, "10:00", "12:30", ""))
                self.add_point(
                    structure,
                    structure.name,
                    place,
                    PointKind.MAIN,
                    hours,
                    walk_in=True,
                    by_appointment=False,
                    appointment_details="Sans rendez-vous, accueil anonyme.",
                )

    def add_closures(self):
        """A few end-of-year closures and reduced summer hours, as staff would record them (on
        invented places only: nothing is invented about a real record)."""
        invented = [spec for spec in self.points if spec.source_date is None]
        for spec in invented[::37]:
            spec.closures.append(
                (date(2026, 12, 24), date(2027, 1, 1), "Fermé du 24 décembre au 1er janvier inclus.", None, None)
            )
        for spec in invented[5::97]:
            spec.closures.append(
                (date(2027, 7, 19), date(2027, 8, 20), "Horaires d'été : ouvert de 9 h à 12 h.", "09:00", "12:00")
            )

    def unpublish_a_few(self):
        """Some points are still being checked by Region staff and are not public yet."""
        for spec in self.points[11::151]:
            spec.is_published = False


def agency_label(source_name, place):
    """« ST FLOUR » in Saint-Flour → « Saint-Flour »; « BOURG EN BRESSE PARME » → « Bourg-en-Bresse Parme ».

    When the source label starts with the commune's name, that part is replaced by the official
    name (accents, hyphens); the rest is kept in normal capitalisation.
    """
    tokens = re.findall(r"[^\W_]+", source_name)
    commune_tokens = place.search_key.split()
    if normalize(" ".join(tokens[: len(commune_tokens)])) == place.search_key:
        rest = " ".join(tokens[len(commune_tokens) :])
        return f"{place.name} {tidy_case(rest)}".strip()
    return tidy_case(source_name)

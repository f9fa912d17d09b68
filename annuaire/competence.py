"""Who is competent for a commune (docs/adr/0011).

Many SPRO networks divide the region between their structures: a young person goes to the Mission
Locale of their commune, a pupil to the CIO of their sector, a job seeker to the France Travail
agency of their commune, a person with a disability to the Cap emploi of their department. Which
networks do is data (Network.territory); a structure's area is its departments, intercommunalities
and communes, without the communes taken out (Structure.objects.competent_for).

    competence = competence_for(place)   # one query
    competence.of(point)                 # True, False (covers other communes) or None (no sectors)
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from spro_site.cache import get_or_compute
from structures.geo import great_circle_km
from structures.hours import opening_state
from structures.models import Network, ReceptionPoint, Structure

MISSION_LOCALE = "mission-locale"
# Who is competent changes with the data (the key holds its version) and with the day (labels).
CACHE_SECONDS = 3600


@dataclass
class Competence:
    commune: object  # annuaire.places.Place
    structures: list = field(default_factory=list)
    # Structures of networks with sectors whose area is recorded: one that is not competent for
    # the commune covers other communes.
    sectored: set = field(default_factory=set)

    @cached_property
    def ids(self):
        return {structure.pk for structure in self.structures}

    def of(self, point):
        """Whether the point's structure is competent for the commune: True; False when its network
        has sectors and it covers other communes; None when its network receives anyone."""
        if point.structure_id in self.ids:
            return True
        return False if point.structure_id in self.sectored else None

    def badge(self, point):
        if point.structure.network.slug == MISSION_LOCALE:
            return "Votre Mission Locale"
        return f"Compétent pour {self.commune.name}"

    def by_network(self):
        """[(network, [structures])] in the order of the networks."""
        networks = {}
        for structure in self.structures:
            networks.setdefault(structure.network, []).append(structure)
        order = Network._meta.ordering  # the networks' own order, as everywhere on the site
        return sorted(networks.items(), key=lambda item: [getattr(item[0], name) for name in order])

    @cached_property
    def mission_locale(self):
        return next((s for s in self.structures if s.network.slug == MISSION_LOCALE), None)


def read_competence(commune):
    """(competent structures, ids of the structures with sectors whose area is recorded), in one
    query: every published structure of a network with sectors that has an area, with whether it
    is competent for the commune."""
    through = (Structure.competence_departments.through, Structure.competence_epcis.through, Structure.competence_communes.through)  # fmt: skip
    has_area = Q()
    for model in through:
        has_area |= Exists(model.objects.filter(structure_id=OuterRef("pk")))
    competent = Structure.objects.competent_for(commune).values("pk")
    rows = (
        Structure.objects.published()
        .territorial()
        .filter(has_area)
        .annotate(is_competent=Exists(competent.filter(pk=OuterRef("pk"))))
        .select_related("network")
        .order_by("name")
    )
    structures, sectored = [], set()
    for structure in rows:
        sectored.add(structure.pk)
        if structure.is_competent:
            structures.append(structure)
    return structures, sectored


def competence_for(commune, serial=None):
    """Who is competent for `commune` (a place of the search, or None): one query, or none when
    the answer for this version of the data (`serial`) is in the cache."""
    if commune is None:
        return None
    if serial is None:
        return Competence(commune, *read_competence(commune))
    key = f"competence:{serial}:{timezone.localdate().isoformat()}:{commune.insee_code}"
    return Competence(commune, *get_or_compute(key, lambda: read_competence(commune), CACHE_SECONDS))


@dataclass
class CompetentPlace:
    """A competent structure and its published point nearest to the commune's centre."""

    network: object
    structure: Structure
    point: ReceptionPoint | None
    distance_km: float | None
    opening: object
    distance: str = ""  # in words, for the page

    @property
    def phone(self):
        return (self.point.phone if self.point else "") or self.structure.phone


def competent_places(commune):
    """Network by network, the structures competent for `commune` (a Commune) and their nearest
    published point: the commune page and its API twin. Four queries."""
    competence = competence_for(commune)
    points = (
        ReceptionPoint.objects.published()
        .filter(structure_id__in=competence.ids)
        .for_results()
        .by_distance(commune.latitude, commune.longitude)
    )
    nearest = {}
    for point in points:
        nearest.setdefault(point.structure_id, point)
    places = []
    for network, structures in competence.by_network():
        for structure in structures:
            point = nearest.get(structure.pk)
            distance = (
                great_circle_km(commune.latitude, commune.longitude, point.latitude, point.longitude) if point else None
            )
            opening = opening_state(point.opening_hours.all(), point.closures.all()) if point else None
            places.append(CompetentPlace(network, structure, point, distance, opening))
    return competence, places

"""How the networks with sectors cover the region: the communes that no structure of a network
covers, and those that two or more cover (back-office dashboard). Computed in memory from the
areas of competence (five queries per network), the rule of Structure.objects.competent_for."""

from collections import defaultdict
from dataclasses import dataclass, field

from structures.enums import CommuneKind, Territory
from structures.models import Commune, Network, Structure


@dataclass
class Coverage:
    network: Network
    uncovered: list = field(default_factory=list)  # communes
    twice: list = field(default_factory=list)  # (commune, [structures])


def _links(relation, column, structures):
    through = getattr(Structure, relation).through
    links = defaultdict(set)
    for structure_id, key in through.objects.filter(structure__in=structures).values_list("structure_id", column):
        links[key].add(structure_id)
    return links


def coverage(network, communes=None):
    """The communes of the region that no published structure of `network` covers, or several do."""
    structures = {s.pk: s for s in Structure.objects.published().filter(network=network).order_by("name")}
    by_department = _links("competence_departments", "department_id", structures)
    by_epci = _links("competence_epcis", "epci_id", structures)
    by_commune = _links("competence_communes", "commune_id", structures)
    excluded = _links("excluded_communes", "commune_id", structures)
    if communes is None:
        communes = list(Commune.objects.filter(kind=CommuneKind.COMMUNE).order_by("name"))
    result = Coverage(network)
    for commune in communes:
        covering = by_department[commune.department_id] | by_epci[commune.epci_id] | by_commune[commune.pk]
        covering -= excluded[commune.pk]
        if not covering:
            result.uncovered.append(commune)
        elif len(covering) > 1:
            result.twice.append((commune, sorted((structures[pk] for pk in covering), key=lambda s: s.name)))
    return result


def coverage_by_network():
    """Coverage of every network divided by commune (Mission Locale, CIO, France Travail…)."""
    communes = list(Commune.objects.filter(kind=CommuneKind.COMMUNE).order_by("name"))
    return [coverage(network, communes) for network in Network.objects.filter(territory=Territory.COMMUNE)]

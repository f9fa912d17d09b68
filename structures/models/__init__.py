"""Domain model of the SPRO directory: territories, networks, structures, reception points.

Names in code are English; everything a user reads (verbose names, choices, messages) is French.
Invariants that the database can hold are constraints in Meta; the others live in clean().
"""

from structures.models.base import DataVersion, TimeStampedModel, Version, stale_q
from structures.models.hours import Closure, OpeningHours
from structures.models.point import ReceptionPoint, ReceptionPointQuerySet
from structures.models.reports import ErrorReport, StaffProfile
from structures.models.structure import Structure, StructureQuerySet, effective, every_word
from structures.models.territory import Commune, Department, Epci, FormerCommune
from structures.models.vocabularies import Network, Public, ServiceLevel

__all__ = [
    "Closure",
    "Commune",
    "DataVersion",
    "Department",
    "Epci",
    "ErrorReport",
    "FormerCommune",
    "Network",
    "OpeningHours",
    "Public",
    "ReceptionPoint",
    "ReceptionPointQuerySet",
    "ServiceLevel",
    "StaffProfile",
    "Structure",
    "StructureQuerySet",
    "TimeStampedModel",
    "Version",
    "effective",
    "every_word",
    "stale_q",
]

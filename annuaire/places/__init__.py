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

from annuaire.places.gazetteer import gazetteer
from annuaire.places.reader import CANDIDATES_SHOWN, department_place, position_place, resolve
from annuaire.places.types import OutsidePlace, Place, Resolution

__all__ = [
    "CANDIDATES_SHOWN",
    "OutsidePlace",
    "Place",
    "Resolution",
    "department_place",
    "gazetteer",
    "position_place",
    "resolve",
]

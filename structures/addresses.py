"""A reception point's position from its address, through the national address service (Base Adresse
Nationale, geocoding of the Géoplateforme or api-adresse.data.gouv.fr), only when ADDRESS_API_URL is
configured: without it, no request leaves the site and staff place points on the map.

The service is asked for numbered addresses (a building's position: « exact »); only those of the
point's commune (or of the arrondissements of its city) near the commune's reference point are
proposed, so a homonym in another department is never put forward.

One GET with a short timeout and a JSON answer: the standard library's urllib does it, so the
project does not take an HTTP client dependency for it.
"""

import json
from dataclasses import dataclass
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings

from structures.enums import CommuneKind
from structures.geo import MAX_DISTANCE_FROM_COMMUNE_KM, great_circle_km
from structures.models import Commune
from structures.validators import is_inside_region

TIMEOUT_SECONDS = 4
ASKED = 10
PROPOSED = 5
UNREACHABLE = (
    "Le service national des adresses ne répond pas. Placez le lieu en cliquant sur la carte, "
    "ou réessayez dans quelques minutes."
)


class AddressServiceError(Exception):
    """The service could not be asked or did not answer as documented: a French message for staff."""


@dataclass(frozen=True)
class Address:
    label: str
    latitude: float
    longitude: float


def is_configured():
    return bool(settings.ADDRESS_API_URL)


def same_city_codes(commune):
    """The INSEE codes an address of this commune may carry: its own, and for a city with
    arrondissements (Lyon, Marseille, Paris), the city's and its arrondissements'."""
    city = commune.city_code
    arrondissements = Commune.objects.filter(kind=CommuneKind.ARRONDISSEMENT, department_id=commune.department_id)
    return {commune.insee_code, city} | {other.insee_code for other in arrondissements if other.city_code == city}


def search_addresses(query, commune):
    """Numbered addresses matching `query` in `commune`, at most PROPOSED, best first."""
    params = urlencode({"q": f"{query} {commune.name}", "type": "housenumber", "limit": ASKED})
    url = f"{settings.ADDRESS_API_URL}?{params}"
    try:
        with urlopen(Request(url, headers={"Accept": "application/json"}), timeout=TIMEOUT_SECONDS) as response:
            data = json.load(response)
        features = data["features"]
    except (URLError, OSError, ValueError, KeyError, TypeError) as error:
        raise AddressServiceError(UNREACHABLE) from error
    codes = same_city_codes(commune)
    found = []
    for feature in features:
        try:
            longitude, latitude = (float(value) for value in feature["geometry"]["coordinates"][:2])
            properties = feature["properties"]
            label, citycode = str(properties["label"]), str(properties.get("citycode", ""))
        except (KeyError, TypeError, ValueError):
            continue
        near = great_circle_km(commune.latitude, commune.longitude, latitude, longitude) <= MAX_DISTANCE_FROM_COMMUNE_KM
        if citycode in codes and near and is_inside_region(latitude, longitude):
            found.append(Address(label, round(latitude, 6), round(longitude, 6)))
    return found[:PROPOSED]

"""Field validators with plain French messages."""

import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone
from stdnum.fr import siret

# Rough bounding box of Auvergne-Rhône-Alpes (WGS84), with a small margin. The precise test
# for a reception point is its distance to the commune it is attached to (see ReceptionPoint.clean).
REGION_BOUNDS = {"min_lat": 44.05, "max_lat": 46.85, "min_lon": 2.0, "max_lon": 7.25}

_POSTAL_CODE = re.compile(r"^\d{5}$")
# A commune's INSEE code: five digits, or 2A/2B and three digits (Corsica). The one pattern of the
# model, the search form, the API and the OpenAPI document.
INSEE_CODE_PATTERN = r"^(?:\d{5}|2[AB]\d{3})$"
_INSEE_CODE = re.compile(INSEE_CODE_PATTERN)


def is_postal_code(value):
    return bool(_POSTAL_CODE.match(value or ""))


def validate_postal_code(value):
    if not is_postal_code(value):
        raise ValidationError("Le code postal doit comporter exactement 5 chiffres.", code="postal_code")


def is_insee_code(value):
    return bool(_INSEE_CODE.match(value or ""))


def validate_insee_code(value):
    if not _INSEE_CODE.match(value or ""):
        raise ValidationError("Le code INSEE doit comporter 5 caractères (ex. : 42218).", code="insee_code")


FRANCE_CALLING_CODE = 33


# A number written the usual way, ten digits from the trunk 0, in pairs or not (« 04 72 00 00 00 »,
# « 04.72.00.00.00 », « 0472000000 »): its digits are the number itself, as phonenumbers.parse
# reads them (its slow part); its validity is still phonenumbers' to say.
_NATIONAL_NUMBER = re.compile(r"0[1-9](?:[ .-]?\d\d){4}")
_SEPARATORS = str.maketrans("", "", " .-")


@functools.lru_cache(maxsize=4096)
def parse_french_phone(value):
    """Return the phonenumbers object for a valid number of metropolitan France, or None: a
    foreign number (« +41 22 … », « 0041 … ») is not a number of the region's structures.
    Remembered: an import reads each number twice (its cell, then the model's rule); the object
    returned is only read, never changed."""
    if value and _NATIONAL_NUMBER.fullmatch(value):
        number = phonenumbers.PhoneNumber(
            country_code=FRANCE_CALLING_CODE, national_number=int(value[1:].translate(_SEPARATORS))
        )
    else:
        try:
            number = phonenumbers.parse(value or "", "FR")
        except phonenumbers.NumberParseException:
            return None
    if number.country_code != FRANCE_CALLING_CODE or not phonenumbers.is_valid_number(number):
        return None
    return number


def format_french_phone(value):
    """« 0472000000 » → « 04 72 00 00 00 »; other values are returned unchanged."""
    number = parse_french_phone(value)
    if number is None:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def validate_french_phone(value):
    if parse_french_phone(value) is None:
        raise ValidationError(
            "Ce numéro de téléphone n'est pas un numéro français valide (ex. : 04 72 00 00 00).",
            code="phone",
        )


def is_inside_region(latitude, longitude):
    return (
        REGION_BOUNDS["min_lat"] <= latitude <= REGION_BOUNDS["max_lat"]
        and REGION_BOUNDS["min_lon"] <= longitude <= REGION_BOUNDS["max_lon"]
    )


def validate_siret(value):
    """14 digits whose checksum (Luhn, or La Poste's rule for its establishments) is right."""
    if not siret.is_valid(value or ""):
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide : il compte 14 chiffres, sans espace, et sa clé doit être "
            "juste (vérifiez-le sur annuaire-entreprises.data.gouv.fr).",
            code="siret",
        )


def validate_not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError("Cette date est dans le futur : indiquez le jour où la fiche a été vérifiée.")

"""What search engines read: schema.org JSON-LD, and the QR code printed on a place's page."""

import json

import phonenumbers
import segno
from django.utils.safestring import mark_safe

from structures.hours import opening_hours_specification
from structures.validators import parse_french_phone

# Characters that must not appear raw inside a <script> element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def point_json_ld(point, url, slots):
    """A GovernmentOffice (schema.org) for a reception point, with its weekly hours."""
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "name": point.name,
        "url": url,
        "isAccessibleForFree": True,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": point.address,
            "postalCode": point.postal_code,
            "addressLocality": point.commune.name,
            "addressRegion": "Auvergne-Rhône-Alpes",
            "addressCountry": "FR",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": point.latitude, "longitude": point.longitude},
        "parentOrganization": {"@type": "Organization", "name": point.structure.name},
        "openingHoursSpecification": opening_hours_specification(slots),
    }
    number = parse_french_phone(point.phone)
    if number is not None:
        data["telephone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if point.email:
        data["email"] = point.email
    if not point.address:
        del data["address"]["streetAddress"]
    # Safe: the characters that could close the <script> element are escaped.
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_ESCAPES))


def qr_code_svg(url):
    """An inline SVG QR code of the page's address, for the printed page."""
    # Safe: segno writes the SVG and escapes the title.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, title=f"Code QR de {url}"))

import phonenumbers
from django import template

from structures.validators import format_french_phone, parse_french_phone

register = template.Library()


@register.filter
def tel_href(value):
    """« 04 72 00 00 00 » → « tel:+33472000000 » (the form phones dial reliably)."""
    number = parse_french_phone(value)
    if number is None:
        return ""
    return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@register.filter
def phone(value):
    return format_french_phone(value)

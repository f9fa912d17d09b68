"""A place's weekly hours in schema.org's form, for the JSON-LD that search engines read."""

from structures.enums import Recurrence
from structures.hours.formats import clock

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def opening_hours_specification(slots):
    """Only the slots held every week: « 1er et 3e mardi » has no schema.org equivalent."""
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[slot.weekday]}",
            "opens": clock(slot.opens),
            "closes": clock(slot.closes),
        }
        for slot in slots
        if slot.recurrence == Recurrence.WEEKLY
    ]

"""Opening hours, in one package: the rules (open now, today's hours, next opening), their SQL
twin, the overlap rule of the admin and the import, and the forms they are written in (French
text, OpenStreetMap's opening_hours, schema.org)."""

from structures.hours.formats import clock, clock_span, format_time
from structures.hours.osm import osm_opening_hours
from structures.hours.overlap import overlap_message, overlapping_pairs, slots_overlap
from structures.hours.rules import (
    DaySchedule,
    OpeningState,
    Slot,
    day_schedule,
    is_public_holiday,
    opening_state,
    public_holiday_name,
    recurrences_on,
)
from structures.hours.schema_org import opening_hours_specification

__all__ = [
    "DaySchedule",
    "OpeningState",
    "Slot",
    "clock",
    "clock_span",
    "day_schedule",
    "format_time",
    "is_public_holiday",
    "opening_hours_specification",
    "opening_state",
    "osm_opening_hours",
    "overlap_message",
    "overlapping_pairs",
    "public_holiday_name",
    "recurrences_on",
    "slots_overlap",
]

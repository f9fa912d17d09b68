"""How times of day are written and read: one place for each form.

format_time(time(9, 0))            → « 9 h 00 » (what people read, as French public services write)
format_span(time(9), time(12))     → « 9 h 00 – 12 h 00 » (a time range, as the back office's week shows it)
clock(time(9, 0))                  → « 09:00 » (open-data formats: OpenStreetMap, schema.org, files)
clock_span(time(9), time(12))      → « 09:00–12:00 » (back-office messages)
parse_time("9h30")                 → time(9, 30), or None (« 9 », « 9 h », « 09:30 », « 9:30:00 »…)
parse_span("9 h – 12 h 30")        → (time(9), time(12, 30)), or None
"""

import datetime
import re

_TIME = re.compile(r"^(\d{1,2})\s*(?:[:h]\s*(\d{2})?)?(?::\d{2})?$")
# Between the two times of a range: a dash of any kind, « à », or « a ».
_SPAN = re.compile(r"^(.+?)\s*(?:-|–|—|à|a)\s*(.+)$")


def format_time(value):
    return f"{value.hour} h {value.minute:02d}"


def clock(value):
    return f"{value:%H:%M}" if value else ""


def clock_span(opens, closes):
    return f"{clock(opens)}–{clock(closes)}"


def format_span(opens, closes):
    return f"{format_time(opens)} – {format_time(closes)}"


def parse_time(text):
    match = _TIME.match((text or "").strip().lower())
    if match:
        hours, minutes = int(match[1]), int(match[2] or 0)
        if hours < 24 and minutes < 60:
            return datetime.time(hours, minutes)
    return None


def parse_span(text):
    match = _SPAN.match((text or "").strip().lower())
    if not match:
        return None
    opens, closes = parse_time(match[1]), parse_time(match[2])
    return (opens, closes) if opens is not None and closes is not None else None

"""How times of day are written: one place for each form.

format_time(time(9, 0))            → « 9 h 00 » (what people read, as French public services write)
clock(time(9, 0))                  → « 09:00 » (open-data formats: OpenStreetMap, schema.org, files)
clock_span(time(9), time(12))      → « 09:00–12:00 » (back-office messages)
"""


def format_time(value):
    return f"{value.hour} h {value.minute:02d}"


def clock(value):
    return f"{value:%H:%M}" if value else ""


def clock_span(opens, closes):
    return f"{clock(opens)}–{clock(closes)}"

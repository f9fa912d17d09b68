"""Opening hours in OpenStreetMap's `opening_hours` syntax, the format of the data·inclusion schema.

    osm_opening_hours(point.opening_hours.all(), point.closures.all(), today)
    → "Mo-Fr 09:00-12:00,14:00-17:00, Tu[1,3] 14:00-16:00; PH off; 2026 Dec 24-2027 Jan 01 off"

It says what structures.hours.rules computes, rule for rule: weekly slots (consecutive days with the
same hours written as one range), slots of some weeks of the month as additional rules (`Tu[1,3]`,
`Fr[-1]`), public holidays closed, then exceptional hours and closures that have not ended, which
override everything before them (a full closure last, as it wins over exceptional hours).
https://wiki.openstreetmap.org/wiki/Key:opening_hours/specification
"""

from datetime import timedelta

from structures.enums import Recurrence
from structures.hours.formats import clock

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
NTH = {
    Recurrence.FIRST_AND_THIRD: "[1,3]",
    Recurrence.SECOND_AND_FOURTH: "[2,4]",
    Recurrence.FIRST: "[1]",
    Recurrence.LAST: "[-1]",
}


def _span(opens, closes):
    return f"{clock(opens)}-{clock(closes)}"


def _spans(slots):
    return ",".join(_span(opens, closes) for opens, closes in sorted(slots))


def _date(day):
    return f"{day.year} {MONTHS[day.month - 1]} {day.day:02d}"


def _date_range(starts_on, ends_on):
    if starts_on == ends_on:
        return _date(starts_on)
    if starts_on.year == ends_on.year:
        return f"{_date(starts_on)}-{MONTHS[ends_on.month - 1]} {ends_on.day:02d}"
    return f"{_date(starts_on)}-{_date(ends_on)}"


def _weekly_rules(by_day):
    """« Mo-Fr 09:00-12:00 »: consecutive days with the same hours share one rule."""
    rules, day = [], 0
    while day < 7:
        if not by_day.get(day):
            day += 1
            continue
        end = day
        while end + 1 < 7 and by_day.get(end + 1) == by_day[day]:
            end += 1
        days = DAYS[day] if end == day else f"{DAYS[day]}{',' if end == day + 1 else '-'}{DAYS[end]}"
        rules.append(f"{days} {_spans(by_day[day])}")
        day = end + 1
    return rules


def current_closures(closures, today):
    """The closures and exceptional hours that have not ended: those the expression says."""
    return [closure for closure in closures if closure.ends_on >= today]


def osm_valid_until(closures, today):
    """The first day on which the expression written `today` may differ (a closure has ended), or
    None while nothing is due to end: what is stored of it is written again from that day."""
    ends = [closure.ends_on for closure in current_closures(closures, today)]
    return min(ends) + timedelta(days=1) if ends else None


def osm_opening_hours(slots, closures, today):
    """The expression for a point's slots and closures; None when no usual hours are known."""
    weekly, monthly = {}, {}
    for slot in slots:
        span = (slot.opens, slot.closes)
        if slot.recurrence == Recurrence.WEEKLY:
            weekly.setdefault(slot.weekday, set()).add(span)
        else:
            monthly.setdefault((slot.weekday, slot.recurrence), set()).add(span)
    if not weekly and not monthly:
        return None
    by_day = {day: tuple(sorted(spans)) for day, spans in weekly.items()}
    usual = _weekly_rules(by_day)
    # Additional rules (« , »): they add to the hours of the same day instead of replacing them.
    additional = [
        f"{DAYS[day]}{NTH[recurrence]} {_spans(spans)}"
        for (day, recurrence), spans in sorted(monthly.items(), key=lambda item: (item[0][0], str(item[0][1])))
    ]
    rules = ["; ".join(usual)] if usual else []
    expression = ", ".join(rules + additional)
    sections = [expression, "PH off"]
    current = current_closures(closures, today)
    current.sort(key=lambda closure: (closure.opens is None, closure.starts_on, closure.ends_on))
    for closure in current:
        hours = "off" if closure.opens is None else _span(closure.opens, closure.closes)
        sections.append(f"{_date_range(closure.starts_on, closure.ends_on)} {hours}")
    return "; ".join(sections)

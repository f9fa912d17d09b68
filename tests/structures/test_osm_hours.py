"""Opening hours in OpenStreetMap syntax: the expressions parse with an independent implementation
of the format (opening-hours-py) and say « open » exactly when structures.hours does."""

import zoneinfo
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opening_hours import OpeningHours as OsmHours

from structures.enums import Recurrence
from structures.hours import opening_state, osm_opening_hours

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TODAY = date(2026, 11, 23)


def slot(weekday, opens, closes, recurrence=Recurrence.WEEKLY):
    return SimpleNamespace(
        weekday=weekday,
        opens=time.fromisoformat(opens),
        closes=time.fromisoformat(closes),
        recurrence=recurrence,
        note="",
    )


def closure(starts_on, ends_on, opens=None, closes=None):
    return SimpleNamespace(
        starts_on=starts_on,
        ends_on=ends_on,
        opens=time.fromisoformat(opens) if opens else None,
        closes=time.fromisoformat(closes) if closes else None,
        message="Fermeture exceptionnelle",
    )


WEEKDAYS_AND_AFTERNOONS = [slot(day, "09:00", "12:00") for day in range(5)] + [
    slot(day, "13:30", "17:00") for day in range(4)
]


@pytest.mark.parametrize(
    ("slots", "closures", "expected"),
    [
        ([], [], None),
        (WEEKDAYS_AND_AFTERNOONS, [], "Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00; PH off"),
        ([slot(0, "09:00", "12:00"), slot(1, "09:00", "12:00")], [], "Mo,Tu 09:00-12:00; PH off"),
        (
            [slot(2, "14:00", "17:00", Recurrence.FIRST_AND_THIRD), slot(4, "09:00", "12:00", Recurrence.LAST)],
            [],
            "We[1,3] 14:00-17:00, Fr[-1] 09:00-12:00; PH off",
        ),
        (
            [slot(0, "09:00", "12:00")],
            [
                closure(date(2026, 12, 24), date(2027, 1, 1)),
                closure(date(2026, 12, 1), date(2026, 12, 3), "10:00", "11:00"),
                closure(date(2026, 1, 1), date(2026, 1, 2)),  # over: left out
            ],
            "Mo 09:00-12:00; PH off; 2026 Dec 01-Dec 03 10:00-11:00; 2026 Dec 24-2027 Jan 01 off",
        ),
    ],
)
def test_expressions(slots, closures, expected):
    assert osm_opening_hours(slots, closures, TODAY) == expected


TIMES = st.sampled_from(["08:00", "08:30", "09:00", "12:00", "13:30", "14:00", "17:00", "18:30"])


@st.composite
def schedules(draw):
    """Slots that do not overlap within a day of a given rhythm, and a few closures."""
    slots = []
    for weekday in draw(st.sets(st.integers(0, 6), max_size=7)):
        recurrence = draw(st.sampled_from(list(Recurrence)))
        bounds = sorted(draw(st.sets(TIMES, min_size=2, max_size=4)))
        for opens, closes in zip(bounds[::2], bounds[1::2], strict=False):
            slots.append(slot(weekday, opens, closes, recurrence))
    closures = []
    for _ in range(draw(st.integers(0, 2))):
        start = TODAY + timedelta(days=draw(st.integers(0, 40)))
        end = start + timedelta(days=draw(st.integers(0, 10)))
        hours = draw(st.sampled_from([None, ("10:00", "11:30")]))
        closures.append(closure(start, end, *(hours or ())))
    return slots, closures


@settings(max_examples=1000, deadline=None)
# Moments every half hour over 45 days from TODAY: Christmas and New Year's Day included.
@given(schedule=schedules(), half_hours=st.lists(st.integers(0, 45 * 48), min_size=5, max_size=5))
def test_osm_expression_agrees_with_our_opening_rules(schedule, half_hours):
    slots, closures = schedule
    expression = osm_opening_hours(slots, closures, TODAY)
    if expression is None:
        assert slots == []
        return
    osm = OsmHours(expression, country="FR")
    for offset in half_hours:
        moment = datetime.combine(TODAY, time(0, 15), tzinfo=PARIS) + timedelta(minutes=30 * offset)
        ours = opening_state(slots, closures, moment).is_open
        assert osm.is_open(moment.replace(tzinfo=None)) == ours, (expression, moment)

"""Periods in which no opening state can change (structures/hours/periods.py)."""

import datetime
import zoneinfo

import pytest

from structures.hours.periods import boundary_times, period_of
from tests.structures.factories import ReceptionPointFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NINE, NOON, HALF_PAST_ONE, FIVE = (datetime.time(9), datetime.time(12), datetime.time(13, 30), datetime.time(17))


@pytest.mark.parametrize(
    ("local", "period"),
    [
        ((2026, 11, 30, 0, 0), "2026-11-30T00:00:00"),
        ((2026, 11, 30, 8, 59, 59), "2026-11-30T00:00:00"),
        ((2026, 11, 30, 9, 0), "2026-11-30T09:00:00"),
        ((2026, 11, 30, 11, 59, 59), "2026-11-30T09:00:00"),
        ((2026, 11, 30, 12, 0), "2026-11-30T12:00:00"),
        ((2026, 11, 30, 13, 30), "2026-11-30T13:30:00"),
        ((2026, 11, 30, 23, 59), "2026-11-30T17:00:00"),
        ((2026, 12, 1, 0, 0, 1), "2026-12-01T00:00:00"),
    ],
)
def test_a_period_runs_from_one_opening_or_closing_time_to_the_next(local, period):
    moment = datetime.datetime(*local, tzinfo=PARIS)
    assert period_of(moment, [NINE, NOON, HALF_PAST_ONE, FIVE]) == period


def test_the_period_is_read_in_paris_time():
    # 8 h 30 UTC is 9 h 30 in Paris in winter.
    moment = datetime.datetime(2026, 11, 30, 8, 30, tzinfo=datetime.UTC)
    assert period_of(moment, [NINE, NOON]) == "2026-11-30T09:00:00"


@pytest.mark.django_db
def test_the_boundaries_are_every_opening_and_closing_time_once(django_assert_num_queries):
    ReceptionPointFactory(hours=[(0, "09:00", "12:00"), (0, "13:30", "17:00")])
    ReceptionPointFactory(hours=[(1, "09:00", "12:00"), (2, "08:30", "12:00")])
    with django_assert_num_queries(1):
        assert boundary_times() == [datetime.time(8, 30), NINE, NOON, HALF_PAST_ONE, FIVE]

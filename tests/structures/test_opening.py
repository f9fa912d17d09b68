"""Opening hours: dated situations in Europe/Paris time, in Python and in SQL."""

import datetime
import zoneinfo
from datetime import date, time

import pytest
from django.db import connection

from structures.enums import Recurrence
from structures.hours import day_schedule, format_time, is_public_holiday, opening_state, recurrences_on
from structures.models import OpeningHours, ReceptionPoint
from tests.structures.factories import ClosureFactory, ReceptionPointFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def point():
    """Monday to Friday 9:00–12:00 and 13:30–17:00; Saturday 9:00–12:00 on the 1st and 3rd
    Saturday of the month; closed on Sunday; closed over Christmas; summer hours in August."""
    point = ReceptionPointFactory()
    for day in range(5):
        OpeningHours.objects.create(point=point, weekday=day, opens=time(9), closes=time(12))
        OpeningHours.objects.create(point=point, weekday=day, opens=time(13, 30), closes=time(17))
    OpeningHours.objects.create(
        point=point, weekday=5, opens=time(9), closes=time(12), recurrence=Recurrence.FIRST_AND_THIRD
    )
    ClosureFactory(point=point, starts_on=date(2026, 12, 24), ends_on=date(2027, 1, 1), message="Fermé pour les fêtes.")
    ClosureFactory(
        point=point,
        starts_on=date(2027, 8, 2),
        ends_on=date(2027, 8, 20),
        message="Horaires d'été.",
        opens=time(9),
        closes=time(12, 30),
    )
    return point


SITUATIONS = [
    # (moment, open?, label)
    (at(2026, 11, 24, 10, 0), True, "Ouvert jusqu'à 12 h 00"),
    (at(2026, 11, 24, 12, 0), False, "Fermé — ouvre aujourd'hui à 13 h 30"),  # noon closure
    (at(2026, 11, 24, 12, 45), False, "Fermé — ouvre aujourd'hui à 13 h 30"),
    (at(2026, 11, 24, 13, 30), True, "Ouvert jusqu'à 17 h 00"),
    (at(2026, 11, 24, 17, 0), False, "Fermé — ouvre demain à 9 h 00"),  # closing time is closed
    (at(2026, 11, 24, 8, 59), False, "Fermé — ouvre aujourd'hui à 9 h 00"),
    (at(2026, 11, 27, 18, 0), False, "Fermé — ouvre lundi à 9 h 00"),  # Friday evening; Saturday 28 is the 4th
    (at(2026, 11, 28, 10, 0), False, "Fermé — ouvre lundi à 9 h 00"),  # 4th Saturday: not open
    (at(2026, 11, 21, 10, 0), True, "Ouvert jusqu'à 12 h 00"),  # 3rd Saturday
    (at(2026, 11, 29, 10, 0), False, "Fermé — ouvre demain à 9 h 00"),  # Sunday
    (at(2026, 11, 11, 10, 0), False, "Fermé — ouvre demain à 9 h 00"),  # Armistice, a Wednesday
    # Christmas closure until 1 January; Saturday 2 January 2027 is the 1st Saturday of the month.
    (at(2026, 12, 28, 10, 0), False, "Fermé — ouvre samedi à 9 h 00"),
    (at(2026, 12, 18, 17, 30), False, "Fermé — ouvre demain à 9 h 00"),  # Saturday 19 December: 3rd Saturday
    (at(2026, 12, 23, 17, 30), False, "Fermé — ouvre le 2 janvier à 9 h 00"),
    (at(2027, 8, 3, 11, 0), True, "Ouvert jusqu'à 12 h 30"),  # summer hours
    (at(2027, 8, 3, 14, 0), False, "Fermé — ouvre demain à 9 h 00"),  # summer: no afternoon
    (at(2027, 3, 29, 10, 0), False, "Fermé — ouvre demain à 9 h 00"),  # Easter Monday 2027
    (at(2026, 3, 29, 10, 0), False, "Fermé — ouvre demain à 9 h 00"),  # Sunday of the switch to summer time
    (at(2026, 3, 30, 9, 30), True, "Ouvert jusqu'à 12 h 00"),  # Monday after the switch: 9:30 local
    (at(2026, 10, 26, 16, 59), True, "Ouvert jusqu'à 17 h 00"),  # Monday after the switch to winter time
]


@pytest.mark.parametrize(("moment", "is_open", "label"), SITUATIONS)
def test_opening_state(point, moment, is_open, label):
    state = opening_state(point.opening_hours.all(), point.closures.all(), moment)
    assert (state.is_open, state.label) == (is_open, label)


@pytest.mark.parametrize(("moment", "is_open", "label"), SITUATIONS)
def test_sql_agrees_with_python(point, moment, is_open, label):
    assert ReceptionPoint.objects.open_at(moment).filter(pk=point.pk).exists() is is_open


def test_utc_moment_is_read_in_paris_time(point):
    # 8:30 UTC is 9:30 in Paris in November (UTC+1) and 10:30 in July (UTC+2).
    november = datetime.datetime(2026, 11, 24, 7, 30, tzinfo=datetime.UTC)
    assert opening_state(point.opening_hours.all(), [], november).label == "Fermé — ouvre aujourd'hui à 9 h 00"
    later = datetime.datetime(2026, 11, 24, 8, 30, tzinfo=datetime.UTC)
    assert opening_state(point.opening_hours.all(), [], later).is_open


def test_today_schedule_and_exception_message(point):
    state = opening_state(point.opening_hours.all(), point.closures.all(), at(2026, 12, 28, 10, 0))
    assert str(state.today) == "Fermé"
    assert state.today.exception == "Fermé pour les fêtes."
    state = opening_state(point.opening_hours.all(), point.closures.all(), at(2026, 11, 24, 10, 0))
    assert str(state.today) == "9 h 00 – 12 h 00, 13 h 30 – 17 h 00"
    state = opening_state(point.opening_hours.all(), point.closures.all(), at(2026, 11, 11, 10, 0))
    assert state.today.exception == "Jour férié (Armistice)"


def test_exceptional_hours_open_a_public_holiday(point):
    ClosureFactory(
        point=point, starts_on=date(2027, 5, 8), ends_on=date(2027, 5, 8), message="Ouverture exceptionnelle.",
        opens=time(10), closes=time(12),
    )  # fmt: skip
    moment = at(2027, 5, 8, 11, 0)  # 8 mai, a Saturday
    assert opening_state(point.opening_hours.all(), point.closures.all(), moment).is_open
    assert ReceptionPoint.objects.open_at(moment).filter(pk=point.pk).exists()


def test_never_open_has_no_next_opening():
    point = ReceptionPointFactory()
    state = opening_state([], [], at(2026, 11, 24, 10, 0))
    assert (state.is_open, state.next_opening) == (False, None)
    assert not ReceptionPoint.objects.open_at(at(2026, 11, 24, 10, 0)).filter(pk=point.pk).exists()


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), True),
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 5, 14), True),  # Ascension
        (date(2026, 5, 25), True),  # Whit Monday
        (date(2026, 7, 14), True),
        (date(2026, 11, 1), True),
        (date(2026, 11, 2), False),
        (date(2027, 3, 29), True),  # Easter Monday 2027
        (date(2027, 3, 30), False),
    ],
)
def test_public_holidays_are_computed(day, expected):
    assert is_public_holiday(day) is expected


@pytest.mark.parametrize(
    ("day", "recurrences"),
    [
        (date(2026, 11, 7), {Recurrence.WEEKLY, Recurrence.FIRST, Recurrence.FIRST_AND_THIRD}),
        (date(2026, 11, 14), {Recurrence.WEEKLY, Recurrence.SECOND_AND_FOURTH}),
        (date(2026, 11, 21), {Recurrence.WEEKLY, Recurrence.FIRST_AND_THIRD}),
        (date(2026, 11, 28), {Recurrence.WEEKLY, Recurrence.SECOND_AND_FOURTH, Recurrence.LAST}),
        (date(2026, 11, 30), {Recurrence.WEEKLY, Recurrence.LAST}),  # 5th Monday
    ],
)
def test_weeks_of_the_month(day, recurrences):
    assert set(recurrences_on(day)) == recurrences


def test_format_time():
    assert (format_time(time(9)), format_time(time(13, 30))) == ("9 h 00", "13 h 30")


def test_place_without_hours_says_so():
    state = opening_state([], [], at(2026, 11, 24, 10, 0))
    assert (state.known, state.label) == (False, "Horaires non renseignés")


def test_two_exceptional_openings_on_the_same_day_are_both_kept():
    """Found by the OpenStreetMap agreement test: two exceptional-hours periods covering one day
    made the slots unsortable."""
    from types import SimpleNamespace

    def exceptional(opens, closes):
        return SimpleNamespace(
            starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 3), opens=time(*opens), closes=time(*closes),
            message="Horaires exceptionnels",
        )  # fmt: skip

    schedule = day_schedule(date(2026, 12, 2), [], [exceptional((14, 0), (16, 0)), exceptional((9, 0), (11, 0))])
    assert [(slot.opens, slot.closes) for slot in schedule.slots] == [(time(9), time(11)), (time(14), time(16))]


def test_open_now_after_analyze():
    """With the planner's statistics filled (the demo loader runs ANALYZE), a place open only in the
    afternoon is not « open » in the morning: SQLite 3.40 answered wrongly a multi-value IN on the
    slots' index followed by a range on their opening time."""
    afternoon = ReceptionPointFactory()
    OpeningHours.objects.create(point=afternoon, weekday=1, opens=time(14), closes=time(17))
    others = ReceptionPointFactory.create_batch(30)
    OpeningHours.objects.bulk_create(
        OpeningHours(point=other, weekday=day, opens=time(9), closes=time(12)) for other in others for day in range(5)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # Tuesday 24 November 2026 is the 4th Tuesday: weekly, 2nd-and-4th and last-of-the-month slots apply.
    assert not ReceptionPoint.objects.open_at(at(2026, 11, 24, 10, 0)).filter(pk=afternoon.pk).exists()
    assert ReceptionPoint.objects.open_at(at(2026, 11, 24, 15, 0)).filter(pk=afternoon.pk).exists()
    assert ReceptionPoint.objects.open_at(at(2026, 11, 24, 10, 0)).filter(pk=others[0].pk).exists()

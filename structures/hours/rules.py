"""Opening hours: is a place open at a given moment, what are its hours today, when does it open next.

Times are wall-clock times in Europe/Paris (settings.TIME_ZONE): a slot « 9 h 00 – 12 h 00 » means
9 to 12 local time whatever the season. Rules, in order:
1. a temporary closure covering the day closes the place all day;
2. exceptional hours covering the day replace the usual hours;
3. French public holidays are closed, unless exceptional hours say otherwise (rule 2);
4. otherwise the usual weekly slots of that weekday apply, for the weeks of the month they cover
   (« 1er et 3e mardi du mois »…).

The SQL twin of `is_open` is structures.hours.sql.open_at (ReceptionPointQuerySet.open_at); both
use `recurrences_on()` and `is_public_holiday()` so they cannot disagree.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from structures.enums import Recurrence, Weekday
from structures.hours.formats import format_time
from structures.text import MONTHS

# Monthly rhythms repeat within five weeks; look a little further for the next opening.
NEXT_OPENING_HORIZON_DAYS = 40
DAY_NAMES = dict(Weekday.choices)


@lru_cache(maxsize=32)
def _holidays(year):
    return holidays.country_holidays("FR", years=year, language="fr")


def is_public_holiday(day):
    return day in _holidays(day.year)


def public_holiday_name(day):
    return _holidays(day.year).get(day, "")


def recurrences_on(day):
    """The recurrences whose weeks include `day` (for its own weekday)."""
    nth = (day.day - 1) // 7 + 1
    last = (day + timedelta(days=7)).month != day.month
    matching = [Recurrence.WEEKLY]
    if nth in (1, 3):
        matching.append(Recurrence.FIRST_AND_THIRD)
    if nth in (2, 4):
        matching.append(Recurrence.SECOND_AND_FOURTH)
    if nth == 1:
        matching.append(Recurrence.FIRST)
    if last:
        matching.append(Recurrence.LAST)
    return matching


@dataclass(frozen=True)
class Slot:
    opens: time
    closes: time
    note: str = ""

    def __str__(self):
        return f"{format_time(self.opens)} – {format_time(self.closes)}"

    def contains(self, moment_time):
        return self.opens <= moment_time < self.closes


@dataclass(frozen=True)
class DaySchedule:
    day: date
    slots: list = field(default_factory=list)
    # Why the usual hours do not apply: a closure's or exceptional hours' message, or a holiday.
    exception: str = ""

    def __str__(self):
        return ", ".join(str(slot) for slot in self.slots) if self.slots else "Fermé"


def day_schedule(day, hours, closures):
    """The slots that apply on `day`, given a point's OpeningHours and Closure rows."""
    exceptional = [closure for closure in closures if closure.starts_on <= day <= closure.ends_on]
    full_closure = next((closure for closure in exceptional if closure.opens is None), None)
    if full_closure:
        return DaySchedule(day, [], full_closure.message)
    if exceptional:
        slots = sorted(
            {Slot(closure.opens, closure.closes, closure.message) for closure in exceptional},
            key=lambda slot: (slot.opens, slot.closes),
        )
        return DaySchedule(day, slots, exceptional[0].message)
    if is_public_holiday(day):
        return DaySchedule(day, [], f"Jour férié ({public_holiday_name(day)})")
    recurrences = recurrences_on(day)
    slots = sorted(
        (
            Slot(slot.opens, slot.closes, slot.note)
            for slot in hours
            if slot.weekday == day.weekday() and slot.recurrence in recurrences
        ),
        key=lambda slot: slot.opens,
    )
    return DaySchedule(day, slots)


@dataclass(frozen=True)
class OpeningState:
    moment: datetime
    today: DaySchedule
    current: Slot | None
    next_opening: datetime | None
    # False when no usual hours are recorded for the place at all.
    known: bool = True

    @property
    def is_open(self):
        return self.current is not None

    @property
    def label(self):
        """« Ouvert jusqu'à 17 h 00 », « Fermé — ouvre mardi à 9 h 00 »…"""
        if self.current:
            return f"Ouvert jusqu'à {format_time(self.current.closes)}"
        if not self.known:
            return "Horaires non renseignés"
        if self.next_opening is None:
            return "Fermé"
        return f"Fermé — ouvre {self._when(self.next_opening)} à {format_time(self.next_opening.time())}"

    def _when(self, opening):
        days = (opening.date() - self.moment.date()).days
        if days == 0:
            return "aujourd'hui"
        if days == 1:
            return "demain"
        if days < 7:
            return DAY_NAMES[opening.weekday()].lower()
        day_label = "1er" if opening.day == 1 else str(opening.day)
        return f"le {day_label} {MONTHS[opening.month - 1]}"


def opening_state(hours, closures, moment=None):
    """Opening state of a point at `moment` (now by default), in Europe/Paris time."""
    moment = timezone.localtime(moment)
    hours, closures = list(hours), list(closures)
    today = day_schedule(moment.date(), hours, closures)
    current = next((slot for slot in today.slots if slot.contains(moment.time())), None)
    next_opening = None
    if current is None:
        next_opening = _next_opening(moment, today, hours, closures)
    return OpeningState(moment, today, current, next_opening, known=bool(hours))


def _next_opening(moment, today, hours, closures):
    later_today = [slot for slot in today.slots if slot.opens > moment.time()]
    if later_today:
        return _aware(moment.date(), later_today[0].opens)
    for offset in range(1, NEXT_OPENING_HORIZON_DAYS + 1):
        day = moment.date() + timedelta(days=offset)
        schedule = day_schedule(day, hours, closures)
        if schedule.slots:
            return _aware(day, schedule.slots[0].opens)
    return None


def _aware(day, wall_time):
    return timezone.make_aware(datetime.combine(day, wall_time))

"""« Open now » in SQL: the twin of structures.hours.rules.opening_state, for filtering points.

ReceptionPoint.objects.open_at(moment)  # uses open_at_condition()
"""

from django.db.models import Exists
from django.utils import timezone

from structures.enums import Recurrence
from structures.hours.rules import is_public_holiday, recurrences_on


def open_at_condition(moment, closures, slots):
    """The condition « open at `moment` » on points, given the queryset of each point's closures
    and of its weekly slots (both already tied to the outer point)."""
    moment = timezone.localtime(moment)
    day, wall_time = moment.date(), moment.time()
    closures = closures.filter(starts_on__lte=day, ends_on__gte=day)
    closed_all_day = Exists(closures.filter(opens__isnull=True))
    open_exceptionally = Exists(closures.filter(opens__lte=wall_time, closes__gt=wall_time))
    if is_public_holiday(day):
        return ~closed_all_day & open_exceptionally
    # The recurrences that do not apply today are excluded, rather than those that apply
    # selected: SQLite 3.40 (Debian 12) answers wrongly, once ANALYZE has run, a multi-value IN
    # on the slots' unique index (point, weekday, recurrence, opens) followed by a range on
    # `opens` (tests/structures/test_opening.py, test_open_now_after_analyze).
    other_recurrences = [value for value in Recurrence.values if value not in recurrences_on(day)]
    usual = Exists(
        slots.filter(weekday=day.weekday(), opens__lte=wall_time, closes__gt=wall_time).exclude(
            recurrence__in=other_recurrences
        )
    )
    return ~closed_all_day & (open_exceptionally | (~Exists(closures) & usual))

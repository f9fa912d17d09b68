"""Periods in which no opening state can change.

What « Ouvert jusqu'à 17 h 00 », « Fermé — ouvre demain à 9 h 00 » and the « ouvert maintenant »
filter say depends only on the date and on where the time of day falls among the opening and
closing times of the places (a slot holds `opens <= t < closes`, structures.hours.rules.Slot, and
its SQL twin). Between two consecutive such times of the whole directory, every page says the
same: the shared page cache keys pages on that period rather than on the minute
(annuaire/caching.py), so a page is computed again when something it says can change, not 1,440
times a day.
"""

import bisect
from datetime import time

from django.utils import timezone

from structures.models import Closure, OpeningHours


def boundary_times():
    """Every opening and closing time of the usual and exceptional hours, sorted (a few dozen at
    most: people open at 8 h 30, 9 h, 13 h 30…)."""
    columns = [
        model.objects.order_by().values_list(field, flat=True)
        for model in (OpeningHours, Closure)
        for field in ("opens", "closes")
    ]
    # One query: a UNION removes the duplicates.
    return sorted(moment for moment in columns[0].union(*columns[1:]).order_by() if moment is not None)


def period_of(moment, boundaries):
    """« 2026-11-30T13:30:00 »: the date of `moment` (local time) and the start of its period, the
    latest of `boundaries` at or before its time of day (midnight before the first)."""
    moment = timezone.localtime(moment)
    index = bisect.bisect_right(boundaries, moment.time())
    start = boundaries[index - 1] if index else time(0)
    return f"{moment.date().isoformat()}T{start.isoformat()}"

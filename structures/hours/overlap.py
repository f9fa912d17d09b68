"""When two opening slots of a place overlap: the one rule of the admin form and of the import."""

from structures.enums import Recurrence, Weekday
from structures.hours.formats import clock_span

# The weeks of the month (1st to 5th occurrence of the weekday) that each recurrence covers; the
# last occurrence is the 4th or the 5th.
WEEKS_OF_MONTH = {
    Recurrence.WEEKLY: {1, 2, 3, 4, 5},
    Recurrence.FIRST_AND_THIRD: {1, 3},
    Recurrence.SECOND_AND_FOURTH: {2, 4},
    Recurrence.FIRST: {1},
    Recurrence.LAST: {4, 5},
}


def slots_overlap(first, second):
    """Whether two slots (weekday, recurrence, opens, closes) can be open at the same moment: same
    weekday, weeks in common, and one opens before the other closes. The one rule of the admin
    form and of the import."""
    (day_a, weeks_a, opens_a, closes_a), (day_b, weeks_b, opens_b, closes_b) = first, second
    return (
        day_a == day_b
        and bool(WEEKS_OF_MONTH[Recurrence(weeks_a)] & WEEKS_OF_MONTH[Recurrence(weeks_b)])
        and opens_a < closes_b
        and opens_b < closes_a
    )


def overlapping_pairs(slots):
    """(i, j) index pairs, i < j, of the slots that overlap (every pair is compared)."""
    return [(i, j) for i in range(len(slots)) for j in range(i + 1, len(slots)) if slots_overlap(slots[i], slots[j])]


def overlap_message(first, second):
    """« Deux créneaux du mardi se chevauchent : 09:00–12:00 et 10:00–11:00. » for two slots
    (weekday, recurrence, opens, closes)."""
    earlier, later = sorted([first, second], key=lambda slot: slot[2])
    day = Weekday(earlier[0]).label.lower()
    return f"Deux créneaux du {day} se chevauchent : {clock_span(*earlier[2:])} et {clock_span(*later[2:])}."

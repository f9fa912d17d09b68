"""The week of a point's opening hours, edited as a person thinks of it: one line per day, each with its
time ranges typed « 9 h – 12 h », the weeks they apply to (every week, « 1er et 3e du mois »…) and a
note; « Fermé » per day. Plain fields with labels that work without JavaScript; static/js/admin_week.js
adds « Copier le lundi sur les jours ouvrés » and a live preview of the public text and of the
OpenStreetMap form (hours_preview(), from the same functions as the public page).

The week is read from and written to the OpeningHours rows, and checked with the overlap rule of the
import (structures/hours/overlap.py).
"""

from dataclasses import dataclass

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from structures.enums import Recurrence, Weekday
from structures.history import rows_at
from structures.hours import osm_opening_hours, overlap_message, overlapping_pairs
from structures.hours.formats import format_span, parse_span
from structures.models import OpeningHours

# Ranges shown per day (more when a day already has more).
RANGES_PER_DAY = 3


@dataclass
class Range:
    text: str = ""
    weeks: str = Recurrence.WEEKLY
    note: str = ""


def slots_of(point):
    """A point's slots (weekday, recurrence, opens, closes, note), in the week's order; for an older
    version of the point (the history's « revenir à cette version »), its slots at that time."""
    if point is None or point.pk is None:
        return []
    return sorted(
        (slot.weekday, slot.recurrence, slot.opens, slot.closes, slot.note) for slot in rows_at(OpeningHours, point)
    )


def slot_rows(slots, point=None):
    """Unsaved OpeningHours of `slots`: what the public page's hours table and the OpenStreetMap form read."""
    return [
        OpeningHours(point=point, weekday=day, recurrence=weeks, opens=opens, closes=closes, note=note)
        for day, weeks, opens, closes, note in sorted(slots, key=lambda slot: (slot[0], slot[2]))
    ]


def preview(slots):
    """The public text of a week and its OpenStreetMap form, from the functions of the public page."""
    rows = slot_rows(slots)
    return {
        "html": render_to_string("annuaire/includes/hours_table.html", {"slots": rows, "today_weekday": None}),
        "osm": osm_opening_hours(rows, [], timezone.localdate()) or "",
    }


class WeekWidget(forms.Widget):
    template_name = "admin/structures/widgets/week.html"

    def __init__(self, ranges=RANGES_PER_DAY, attrs=None):
        super().__init__(attrs)
        self.ranges = ranges

    def days(self, value):
        """Each day with its ranges, from slots (a saved week) or from the submitted fields (a week with
        mistakes, shown again as typed)."""
        typed = isinstance(value, dict)
        days = []
        for day in Weekday:
            if typed:
                closed, ranges = value[day.value]["closed"], [Range(**item) for item in value[day.value]["ranges"]]
            else:
                own = [slot for slot in (value or []) if slot[0] == day.value]
                closed = not own
                ranges = [Range(format_span(opens, closes), str(weeks), note) for _, weeks, opens, closes, note in own]
            ranges += [Range() for _ in range(self.ranges - len(ranges))]
            days.append({"value": day.value, "label": day.label, "closed": closed, "ranges": ranges})
        return days

    def id_for_label(self, id_):
        return None  # the week is many fields, each with its own label

    def format_value(self, value):
        return value  # slots, or the fields as typed: days() reads both

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            days=self.days(value),
            weeks=Recurrence.choices,
            preview=preview(value) if isinstance(value, list) else None,
            preview_url=reverse("admin:structures_receptionpoint_hours_preview"),
        )
        return context

    def value_from_datadict(self, data, files, name):
        if self.value_omitted_from_data(data, files, name):
            return None  # a form without the week leaves the hours as they are
        week = {}
        for day in Weekday:
            prefix = f"{name}_{day.value}"
            ranges = []
            index = 0
            while f"{prefix}_{index}_range" in data:
                ranges.append(
                    {
                        "text": data.get(f"{prefix}_{index}_range", "").strip()[:40],
                        "weeks": data.get(f"{prefix}_{index}_weeks", Recurrence.WEEKLY),
                        "note": data.get(f"{prefix}_{index}_note", "").strip(),
                    }
                )
                index += 1
            week[day.value] = {"closed": f"{prefix}_closed" in data, "ranges": ranges}
        return week

    def value_omitted_from_data(self, data, files, name):
        return not any(key.startswith(f"{name}_") for key in data)


class WeekField(forms.Field):
    """The week: cleaned to the list of slots (weekday, recurrence, opens, closes, note)."""

    widget = WeekWidget

    def to_python(self, value):
        if value is None:
            return None
        if not isinstance(value, dict):
            return list(value)
        slots, errors = [], []
        for day in Weekday:
            entry = value.get(day.value, {"closed": True, "ranges": []})
            if entry["closed"]:
                if any(item["text"] for item in entry["ranges"]):
                    errors.append(
                        f"{day.label} : « Fermé » est coché mais une plage est remplie ; "
                        "décochez « Fermé » ou videz la plage."
                    )
                continue
            for number, item in enumerate(entry["ranges"], start=1):
                if not item["text"]:
                    continue
                where = f"{day.label}, plage {number}"
                span = parse_span(item["text"])
                if span is None:
                    errors.append(
                        f"{where} : « {item['text']} » n'est pas une plage horaire ; écrivez-la par exemple « 9 h – 12 h »."
                    )
                    continue
                opens, closes = span
                if opens >= closes:
                    errors.append(f"{where} : l'heure d'ouverture doit précéder l'heure de fermeture.")
                    continue
                if item["weeks"] not in Recurrence.values:
                    errors.append(f"{where} : choisissez les semaines concernées dans la liste.")
                    continue
                if len(item["note"]) > 150:
                    errors.append(f"{where} : la précision est trop longue (150 caractères au plus).")
                    continue
                slots.append((day.value, item["weeks"], opens, closes, item["note"]))
        keys = [slot[:4] for slot in slots]
        errors += [overlap_message(keys[i], keys[j]) for i, j in overlapping_pairs(keys)]
        if errors:
            raise forms.ValidationError(errors)
        return slots

    def has_changed(self, initial, data):
        if data is None:
            return False
        try:
            return sorted(self.to_python(data)) != sorted(initial or [])
        except forms.ValidationError:
            return True

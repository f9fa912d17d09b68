"""Admin form rules that span several rows (a point and its opening slots), in plain French."""

from django import forms

from structures.enums import PointKind, Recurrence, Weekday


def overlapping_slots(slots):
    """Pairs of slots of the same day and the same weeks that overlap (one closes after the other opens)."""
    found = []
    by_day = {}
    for slot in slots:
        by_day.setdefault(slot["weekday"], []).append(slot)
    for day_slots in by_day.values():
        day_slots.sort(key=lambda slot: slot["opens"])
        for earlier, later in zip(day_slots, day_slots[1:], strict=False):
            same_weeks = Recurrence.WEEKLY in (earlier["recurrence"], later["recurrence"]) or (
                earlier["recurrence"] == later["recurrence"]
            )
            if same_weeks and later["opens"] < earlier["closes"]:
                found.append((earlier, later))
    return found


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        slots = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("opens")
            and form.cleaned_data.get("closes")
        ]  # fmt: skip
        errors = []
        for earlier, later in overlapping_slots(slots):
            day = Weekday(earlier["weekday"]).label.lower()
            errors.append(
                f"Deux créneaux du {day} se chevauchent : {earlier['opens']:%H:%M}–{earlier['closes']:%H:%M} "
                f"et {later['opens']:%H:%M}–{later['closes']:%H:%M}."
            )
        if self.instance.kind == PointKind.PERMANENCE and not slots:
            errors.append("Une permanence doit avoir au moins un créneau : indiquez quand elle se tient.")
        if errors:
            raise forms.ValidationError(errors)

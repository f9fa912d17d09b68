"""Admin form rules that span several rows (a point and its opening slots), in plain French."""

from django import forms

from structures.enums import PointKind, Weekday
from structures.opening import overlapping_pairs


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
        keys = [(slot["weekday"], slot["recurrence"], slot["opens"], slot["closes"]) for slot in slots]
        for i, j in overlapping_pairs(keys):
            earlier, later = sorted([slots[i], slots[j]], key=lambda slot: slot["opens"])
            day = Weekday(earlier["weekday"]).label.lower()
            errors.append(
                f"Deux créneaux du {day} se chevauchent : {earlier['opens']:%H:%M}–{earlier['closes']:%H:%M} "
                f"et {later['opens']:%H:%M}–{later['closes']:%H:%M}."
            )
        if self.instance.kind == PointKind.PERMANENCE and not slots:
            errors.append("Une permanence doit avoir au moins un créneau : indiquez quand elle se tient.")
        if errors:
            raise forms.ValidationError(errors)

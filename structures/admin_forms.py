"""Admin form rules that span several rows (a point and its opening slots), in plain French."""

from django import forms

from structures.enums import PointKind
from structures.hours import overlap_message, overlapping_pairs


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
        errors = [overlap_message(keys[i], keys[j]) for i, j in overlapping_pairs(keys)]
        if self.instance.kind == PointKind.PERMANENCE and not slots:
            errors.append("Une permanence doit avoir au moins un créneau : indiquez quand elle se tient.")
        if errors:
            raise forms.ValidationError(errors)

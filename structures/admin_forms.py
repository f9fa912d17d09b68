"""Admin form rules that span several rows (a point and its opening slots), in plain French."""

from django import forms

from structures.enums import PointKind
from structures.hours import overlap_message, overlapping_pairs


class LabelledRowsFormSet(forms.BaseInlineFormSet):
    """A table of rows (a tabular inline) whose every field says which column and which row it is:
    « Jour, ligne 2 », for screen readers, where the table shows the name once, in its header."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = f"ligne {index + 1}" if index is not None else "nouvelle ligne"
        for field in form.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside the admin's related-object wrapper
            if not widget.is_hidden:
                widget.attrs["aria-label"] = f"{field.label or 'Supprimer'}, {row}"


class OpeningHoursFormSet(LabelledRowsFormSet):
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

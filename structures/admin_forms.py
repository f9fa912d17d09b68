"""Admin form rules that span several rows (a point and its opening slots), in plain French."""

from django import forms

from structures.admin_week import RANGES_PER_DAY, WeekField, slots_of
from structures.enums import PointKind


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


class ReceptionPointAdminForm(forms.ModelForm):
    """The point's form, with its week of opening hours (structures/admin_week.py) in place of one row
    per slot; ReceptionPointAdmin.save_related() writes the week."""

    week = WeekField(label="Horaires de la semaine", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slots = slots_of(self.instance)
        self.initial["week"] = slots
        per_day = max([RANGES_PER_DAY, *(sum(1 for slot in slots if slot[0] == day) + 1 for day in range(7))])
        self.fields["week"].widget.ranges = per_day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == PointKind.PERMANENCE and cleaned.get("week") == []:
            self.add_error("week", "Une permanence doit avoir au moins un créneau : indiquez quand elle se tient.")
        return cleaned

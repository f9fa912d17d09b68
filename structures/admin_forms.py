"""Admin form rules that span several rows (a point and its opening slots), in plain French."""

from django import forms
from django.utils import timezone
from simple_history.models import is_historic, to_historic

from structures.admin_week import RANGES_PER_DAY, WeekField, slots_of
from structures.enums import PointKind
from structures.history import UNSHOWN_FIELDS, change_texts, relations_of, snapshot_relations
from structures.text import french_date


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


class RevisionCheckedForm(forms.ModelForm):
    """A record's form that knows the revision it was opened at: saving it after someone else saved
    the record is refused, with what they changed (optimistic locking, Provenance.revision)."""

    revision_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if is_historic(self.instance):
            # Going back to an older version: it is saved on top of the record's current revision.
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("revision", flat=True)
            self.instance.revision = current[0] if current else self.instance.revision
            # …with the publics and levels of that version, not today's.
            relations = relations_of(to_historic(self.instance))
            self.initial.update({name: ids for name, ids in relations.items() if name in self.fields})
        self.initial["revision_seen"] = self.instance.revision

    def _save_m2m(self):
        """The publics and levels belong to the version just saved (one save, one version), rather than
        to a version of their own for each list changed."""
        self.instance.skip_history_when_saving = True
        try:
            super()._save_m2m()
        finally:
            del self.instance.skip_history_when_saving
        latest = self.instance.history.first()
        if latest is not None:
            snapshot_relations([latest])

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("revision_seen")
        if self.instance.pk is None or seen is None:
            return cleaned
        # Locked until this save commits (PostgreSQL): two forms sent at once cannot both pass.
        current = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("revision", flat=True)
        )
        if current and current[0] != seen:
            raise forms.ValidationError(changed_since(self.instance, seen))
        return cleaned


def changed_since(record, seen):
    """« Quelqu'un a enregistré cette fiche… » with each field changed since revision `seen`."""
    versions = list(record.history.filter(revision__gte=seen).order_by("history_date"))
    latest = versions[-1] if versions else None
    who = ""
    if latest is not None:
        author = (
            latest.history_user.get_full_name() or latest.history_user.get_username() if latest.history_user else ""
        )
        moment = timezone.localtime(latest.history_date)
        who = f" ({author + ', ' if author else ''}le {french_date(moment.date())} à {moment:%H h %M})"
    changes = []
    if len(versions) >= 2:
        delta = versions[-1].diff_against(versions[0], excluded_fields=UNSHOWN_FIELDS)
        for change in delta.changes:
            label, old, new = change_texts(type(record), change)
            changes.append(f"{label} : « {old} » → « {new} »")
    detail = (" Changements : " + " ; ".join(changes) + ".") if changes else ""
    return (
        f"Quelqu'un a enregistré cette fiche depuis que vous l'avez ouverte{who}.{detail} Vos modifications n'ont "
        "pas été enregistrées : rechargez la fiche pour partir de sa version actuelle, puis refaites-les."
    )


class ReceptionPointAdminForm(RevisionCheckedForm):
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

"""The history pages of the back office: each version says who, when, why and what changed, in French,
with the publics and levels by their names and, for a point, the changes of its hours and closures."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from structures.history import UNSHOWN_FIELDS, change_texts, point_rows_changes


class FrenchChangesHelper(HistoricalRecordContextHelper):
    def context_for_delta_changes(self, delta):
        changes = []
        for change in delta.changes:
            if change.field in UNSHOWN_FIELDS:
                continue
            field, old, new = change_texts(self.model, change)
            changes.append({"field": field, "old": old, "new": new})
        return changes


class VersionedAdmin(SimpleHistoryAdmin):
    """A record's admin with its history in French (templates/simple_history/)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version, to read; going back to it (a POST) only for those who may change the record:
        django-simple-history lets anyone who may view the record send it. Going back is one
        transaction, like the admin's own saves: the record, its hours, closures, publics and levels
        together, the revision check locking the record until then."""
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(self.model.history.model, **{"id": object_id, "history_id": version_id})
        with transaction.atomic():
            return super().history_form_view(
                request, object_id, version_id, {**(extra_context or {}), "version": version}
            )

    def history_view_title(self, request, obj):
        return f"Historique de « {obj} »"

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return f"Une version de « {obj} »"
        return f"Revenir à une version de « {obj} »"

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchChangesHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        for record, lines in self.related_changes(list(historical_records)).items():
            record.history_related_changes = lines

    def related_changes(self, records):
        """{version: [French lines]} of changes made with each version to rows kept apart (none here)."""
        return {}


class PointVersionsAdmin(VersionedAdmin):
    """A point's history also says what changed in its opening hours and closures with each version."""

    def related_changes(self, records):
        if not records:
            return {}
        point_id = records[0].id
        newest = max(records, key=lambda record: record.history_date)
        newer = (
            self.model.history.filter(id=point_id, history_date__gt=newest.history_date)
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        return point_rows_changes(point_id, records, newer)

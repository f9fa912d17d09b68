"""Admin of the directory: every model listed, searched and filtered, in French.

Structures, points and hours also have import and export buttons (structures/admin_io.py).
"""

import json
from dataclasses import asdict
from functools import partial

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from simple_history.models import is_historic

from structures import addresses, admin_accounts  # noqa: F401  (accounts, roles and login lockouts)
from structures.admin_actions import (
    duplicate_points,
    mark_verified,
    place_at_commune,
    publish_points,
    publish_structures,
    unpublish_points,
    unpublish_structures,
)
from structures.admin_dila import dila_import_view
from structures.admin_filters import CompletenessFilter, LabelFilter, PointVerificationFilter, StaleFilter
from structures.admin_forms import LabelledRowsFormSet, ReceptionPointAdminForm, RevisionCheckedForm
from structures.admin_history import PointVersionsAdmin, VersionedAdmin
from structures.admin_io import DirectoryImportExportMixin
from structures.admin_week import preview, slot_rows
from structures.dashboard import verification_queue
from structures.history import rows_at
from structures.imports import OpeningHoursResource, ReceptionPointResource, StructureResource
from structures.models import (
    Closure,
    Commune,
    Department,
    ErrorReport,
    Network,
    OpeningHours,
    Public,
    ReceptionPoint,
    ServiceLevel,
    Structure,
    every_word,
)
from structures.text import de, normalize, plural_fr
from structures.validators import is_insee_code


class VerifiedOnSaveMixin:
    """« Enregistrer et marquer comme vérifiée aujourd'hui » on a record's form: a person confirms that
    nothing changed (or saves their corrections) and the record is verified, in one step."""

    change_form_template = "admin/structures/change_form_verified.html"
    VERIFIED = "_verifiee"
    # The queue's address, on a record opened from it (structures/dashboard.py).
    QUEUE = "file"

    def save_model(self, request, obj, form, change):
        if change and self.VERIFIED in request.POST:
            obj.last_verified_on = timezone.localdate()
            obj.last_verified_by = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if self.VERIFIED in request.POST:
            self.message_user(request, f"« {obj} » est enregistrée et vérifiée aujourd'hui.", messages.SUCCESS)
            # Opened from the verification queue: back to it, for the next one.
            back = request.GET.get(self.QUEUE)
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(back)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)


class NormalizedSearchMixin:
    """Search that ignores case, accents, hyphens and « St »/« Saint », via a normalised column."""

    normalized_search_field = None

    def get_search_results(self, request, queryset, search_term):
        matches, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        words = normalize(search_term).split()
        if words and self.normalized_search_field:
            matches |= queryset.filter(every_word(self.normalized_search_field, words))
        return matches, may_have_duplicates


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Commune)
class CommuneAdmin(NormalizedSearchMixin, admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_codes", "department", "population", "kind"]
    list_filter = ["department", "kind"]
    search_fields = ["name", "insee_code", "postal_codes"]
    normalized_search_field = "search_name"
    list_select_related = ["department"]
    show_full_result_count = False


@admin.register(Public)
class PublicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    search_fields = ["name", "slug"]


@admin.register(ServiceLevel)
class ServiceLevelAdmin(admin.ModelAdmin):
    list_display = ["level", "name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "circle", "slug"]
    list_filter = ["circle"]
    search_fields = ["name", "short_name", "slug"]


class TabularInline(admin.TabularInline):
    """Tables of rows whose fields and headers are all named (structures.admin_forms.LabelledRowsFormSet)."""

    template = "admin/structures/edit_inline/tabular.html"
    formset = LabelledRowsFormSet


class ReceptionPointInline(TabularInline):
    model = ReceptionPoint
    fk_name = "structure"
    fields = ["name", "kind", "commune", "postal_code", "is_published", "last_verified_on"]
    raw_id_fields = ["commune"]
    extra = 0
    show_change_link = True


@admin.register(Structure)
class StructureAdmin(VerifiedOnSaveMixin, NormalizedSearchMixin, DirectoryImportExportMixin, VersionedAdmin):
    resource_classes = [StructureResource]
    form = RevisionCheckedForm
    list_display = ["name", "network", "circle", "status", "label_status", "label_end", "last_verified_on", "is_demo"]
    list_filter = [
        "network__circle",
        "network",
        "status",
        LabelFilter,
        StaleFilter,
        "competence_departments",
        "is_demo",
    ]
    actions = [mark_verified, publish_structures, unpublish_structures]
    search_fields = ["name", "siret"]
    normalized_search_field = "search_text"
    list_select_related = ["network"]
    filter_horizontal = ["levels", "publics", "competence_departments", "competence_epcis"]
    raw_id_fields = ["competence_communes", "excluded_communes"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at", "last_verified_by", "area_map"]
    inlines = [ReceptionPointInline]

    class Media:
        css = {"all": ["leaflet/leaflet.css", "css/basemap.css", "css/admin_map.css"]}
        js = ["leaflet/leaflet.js", "vendor/topojson-client-3.1.0.min.js", "js/basemap.js", "js/admin_area_map.js"]

    @admin.display(description="communes du secteur")
    def area_map(self, structure):
        """The communes the area of competence gives, counted, listed and drawn on a map."""
        if not structure.pk:
            return "Enregistrez la structure pour voir les communes de son secteur."
        communes = list(structure.area_communes().order_by("name").values_list("name", "latitude", "longitude"))
        if not communes:
            return "Aucune commune : la structure n'a pas de secteur (elle reçoit tout le monde)."
        count = len(communes)
        return format_html(
            "<p><strong>{} {}</strong> (départements, intercommunalités et communes ci-dessus, sans les communes "
            "retirées).</p>"
            '<div class="js-area-map admin-area-map" data-communes="{}" data-tiles-url="{}" '
            'data-tiles-attribution="{}" {}></div>'
            "<details><summary>La liste</summary><p>{}</p></details>",
            count,
            plural_fr(count, "commune", "communes"),
            json.dumps([[round(lat, 4), round(lon, 4), name] for name, lat, lon in communes], ensure_ascii=False),
            settings.MAP_TILES_URL,
            settings.MAP_TILES_ATTRIBUTION,
            render_to_string("annuaire/includes/basemap_attributes.html"),
            ", ".join(name for name, _, _ in communes),
        )

    fieldsets = [
        (None, {"fields": ["name", "slug", "network", "description", "siret", "revision_seen"]}),
        ("Contact", {"fields": ["website", "phone", "email"]}),
        ("Offre de service", {"fields": ["levels", "publics"]}),
        (
            "Territoire de compétence",
            {
                "description": "Le secteur est la réunion des départements, des intercommunalités et des communes "
                "indiqués, sans les communes retirées. Laissez tout vide pour une structure qui reçoit tout le monde.",
                "fields": [
                    "competence_departments",
                    "competence_epcis",
                    "competence_communes",
                    "excluded_communes",
                    "area_map",
                ],
            },
        ),
        ("Label régional (cercle 3)", {"fields": ["label_status", "label_start", "label_end"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
                    "last_verified_on",
                    "last_verified_by",
                    "is_demo",
                    "source",
                    "source_date",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    @admin.display(description="cercle", ordering="network__circle")
    def circle(self, obj):
        return obj.network.circle


class ClosureInline(TabularInline):
    model = Closure
    extra = 0


@admin.register(ReceptionPoint)
class ReceptionPointAdmin(VerifiedOnSaveMixin, NormalizedSearchMixin, DirectoryImportExportMixin, PointVersionsAdmin):
    resource_classes = [ReceptionPointResource]
    change_list_template = "admin/structures/receptionpoint_change_list.html"
    list_display = ["name", "structure", "kind", "commune", "postal_code", "is_published", "last_verified_on"]
    list_filter = [
        "structure__network__circle",
        "structure__network",
        "commune__department",
        "kind",
        "is_published",
        PointVerificationFilter,
        CompletenessFilter,
        "walk_in",
        "accessibility",
        "is_demo",
    ]
    actions = [mark_verified, publish_points, unpublish_points, duplicate_points, place_at_commune]
    search_fields = ["name", "postal_code", "commune__name"]
    normalized_search_field = "search_text"
    list_select_related = ["structure", "commune"]
    raw_id_fields = ["structure", "host_structure", "commune"]
    filter_horizontal = ["publics", "levels"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "created_at",
        "updated_at",
        "last_verified_by",
        "position_map",
        "source_changed_on",
        "source_change",
    ]
    form = ReceptionPointAdminForm
    inlines = [ClosureInline]

    class Media:
        css = {"all": ["leaflet/leaflet.css", "css/basemap.css", "css/admin_map.css"]}
        js = [
            "leaflet/leaflet.js",
            "vendor/topojson-client-3.1.0.min.js",
            "js/basemap.js",
            "js/admin_map.js",
            "js/admin_week.js",
        ]

    @admin.display(description="placer sur la carte")
    def position_map(self, point):
        """A map to click or drag the position on the site's basemap (or the configured tiles), with the
        commune's outline; with ADDRESS_API_URL, a search of the address (structures/addresses.py)."""
        return format_html(
            '<div class="js-admin-map" data-tiles-url="{}" data-tiles-attribution="{}" data-placing-url="{}" '
            'data-region-lat="{}" data-region-lon="{}" data-region-zoom="{}" {}></div>'
            '<p><button type="button" class="button js-commune-position">Position de la commune</button> '
            "Cliquez sur la carte ou déplacez le repère à l'intérieur du contour de la commune : la latitude et "
            "la longitude sont remplies et la position est notée exacte. « Position de la commune » la note "
            "approximative.</p>{}",
            settings.MAP_TILES_URL,
            settings.MAP_TILES_ATTRIBUTION,
            reverse("admin:structures_receptionpoint_placing"),
            settings.MAP_REGION_VIEW["latitude"],
            settings.MAP_REGION_VIEW["longitude"],
            settings.MAP_REGION_VIEW["zoom"],
            render_to_string("annuaire/includes/basemap_attributes.html"),
            render_to_string("admin/structures/includes/address_search.html") if addresses.is_configured() else "",
        )

    def get_urls(self):
        placing = path(
            "placer/", self.admin_site.admin_view(self.placing_view), name="structures_receptionpoint_placing"
        )
        queue = path(
            "a-verifier/",
            self.admin_site.admin_view(partial(verification_queue, self)),
            name="structures_receptionpoint_queue",
        )
        dila = path(
            "import-annuaire/",
            self.admin_site.admin_view(partial(dila_import_view, self)),
            name="structures_receptionpoint_dila_import",
        )
        hours_preview = path(
            "apercu-horaires/",
            self.admin_site.admin_view(self.hours_preview_view),
            name="structures_receptionpoint_hours_preview",
        )
        return [placing, queue, dila, hours_preview, *super().get_urls()]

    def hours_preview_view(self, request):
        """The public text and the OpenStreetMap form of a week being edited (static/js/admin_week.js)."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        field = ReceptionPointAdminForm.base_fields["week"]
        try:
            slots = field.clean(field.widget.value_from_datadict(request.GET, None, "week"))
        except ValidationError as error:
            return JsonResponse({"errors": error.messages, "html": "", "osm": ""})
        return JsonResponse({"errors": [], **preview(slots)})

    def save_model(self, request, obj, form, change):
        """The point, its week of hours, and, when going back to an older version (the history's
        « revenir à cette version », which has no closures' rows), its closures of that time: all in
        the admin's one transaction."""
        super().save_model(request, obj, form, change)
        week = form.cleaned_data.get("week")
        current = sorted(
            (slot.weekday, slot.recurrence, slot.opens, slot.closes, slot.note) for slot in obj.opening_hours.all()
        )
        if week is not None and sorted(week) != current:
            # The whole week is replaced: each removed and added slot has its version in the history.
            for slot in obj.opening_hours.all():
                slot.delete()
            for slot in slot_rows(week, obj):
                slot.save()
        if is_historic(obj):
            then = list(rows_at(Closure, obj))
            for closure in obj.closures.all():
                closure.delete()
            for closure in then:
                closure.pk = None
                closure.save()

    def placing_view(self, request):
        """For the placing map: the commune's reference point and the code of its outline on the
        basemap; with ADDRESS_API_URL and `q`, the numbered addresses of the commune matching `q`."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        code = request.GET.get("commune", "").strip()
        commune = Commune.objects.filter(insee_code=code).first() if is_insee_code(code) else None
        if commune is None:
            return JsonResponse({"error": "Choisissez d'abord la commune du lieu."}, status=400)
        answer = {
            "name": commune.name,
            "latitude": commune.latitude,
            "longitude": commune.longitude,
            "outline": commune.city_code,
            "addresses": [],
        }
        query = " ".join(request.GET.get("q", "").split())[:200]
        if not query or not addresses.is_configured():
            return JsonResponse(answer)
        try:
            found = addresses.search_addresses(query, commune)
        except addresses.AddressServiceError as error:
            return JsonResponse(answer | {"error": str(error)}, status=503)
        answer["addresses"] = [asdict(address) for address in found]
        if not found:
            answer["error"] = (
                f"Aucune adresse numérotée {de(commune.name)} ne correspond à « {query} ». Vérifiez le numéro et "
                "la rue, ou cliquez sur la carte."
            )
        return JsonResponse(answer)

    fieldsets = [
        (None, {"fields": ["structure", "name", "slug", "kind", "host_structure", "host_name", "revision_seen"]}),
        (
            "Adresse et position",
            {
                "fields": [
                    "address",
                    "address_complement",
                    "postal_code",
                    "commune",
                    "latitude",
                    "longitude",
                    "geo_precision",
                    "position_map",
                ]
            },
        ),
        ("Contact", {"fields": ["phone", "email"]}),
        ("Horaires d'ouverture", {"fields": ["week"]}),
        (
            "Modalités d'accueil",
            {"fields": ["on_site", "by_phone", "by_video", "walk_in", "by_appointment", "appointment_details"]},
        ),
        ("Accessibilité", {"fields": ["accessibility", "accessibility_details"]}),
        ("Publics et niveaux propres au lieu", {"fields": ["publics", "levels"]}),
        (
            "Publication",
            {
                "fields": [
                    "is_published",
                    "last_verified_on",
                    "is_demo",
                    "source",
                    "source_date",
                    "dila_id",
                    "source_changed_on",
                    "source_change",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]


@admin.register(OpeningHours)
class OpeningHoursAdmin(DirectoryImportExportMixin, VersionedAdmin):
    resource_classes = [OpeningHoursResource]
    list_display = ["point", "weekday", "opens", "closes", "note"]
    list_filter = ["weekday", "point__commune__department"]
    search_fields = ["point__name", "note"]
    list_select_related = ["point"]
    raw_id_fields = ["point"]


@admin.register(Closure)
class ClosureAdmin(VersionedAdmin):
    list_display = ["point", "starts_on", "ends_on", "message"]
    list_filter = ["starts_on", "point__commune__department"]
    search_fields = ["point__name", "message"]
    list_select_related = ["point"]
    raw_id_fields = ["point"]
    date_hierarchy = "starts_on"


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "status", "point_link", "department", "message_start", "public_page"]
    list_filter = ["status", "point__commune__department", "point__structure__network"]
    search_fields = ["message", "point__name"]
    list_select_related = ["point__commune"]
    raw_id_fields = ["point"]
    readonly_fields = ["point_link", "public_page", "message", "created_at"]
    fields = ["point_link", "public_page", "message", "created_at", "status"]
    actions = ["mark_in_progress", "mark_handled"]

    @admin.display(description="message")
    def message_start(self, report):
        return report.message[:80]

    @admin.display(description="lieu d'accueil", ordering="point__name")
    def point_link(self, report):
        url = reverse("admin:structures_receptionpoint_change", args=[report.point_id])
        return format_html('<a href="{}">{}</a>', url, report.point.name)

    @admin.display(description="département", ordering="point__commune__department")
    def department(self, report):
        return report.point.commune.department_id

    @admin.display(description="fiche publique")
    def public_page(self, report):
        return format_html(
            '<a href="{}">Voir la fiche publique<span class="visually-hidden"> de {}</span></a>',
            report.point.get_absolute_url(),
            report.point.name,
        )

    def _mark(self, request, queryset, status, label):
        updated = queryset.update(status=status)
        self.message_user(
            request, f"{updated} {plural_fr(updated, 'signalement marqué', 'signalements marqués')} « {label} »."
        )

    @admin.action(description="Marquer « en cours »")
    def mark_in_progress(self, request, queryset):
        self._mark(request, queryset, ErrorReport.Status.IN_PROGRESS, "en cours")

    @admin.action(description="Marquer comme traités")
    def mark_handled(self, request, queryset):
        self._mark(request, queryset, ErrorReport.Status.HANDLED, "traité")

"""The back office dashboard: what the directory holds, and what needs attention."""

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import reverse

from structures.admin_filters import QUEUE_REASONS
from structures.coverage import coverage_by_network
from structures.enums import Circle
from structures.models import Department, ErrorReport, Network, ReceptionPoint, Structure

POINTS = "admin:structures_receptionpoint_changelist"
STRUCTURES = "admin:structures_structure_changelist"
QUEUE = "admin:structures_receptionpoint_queue"
QUEUE_PAGE_SIZE = 50
QUEUE_REASONS_CHOICES = [(value, label) for value, label, _ in QUEUE_REASONS]


# A staff account with no role (no group) sees nothing of the directory, the dashboard included.
@permission_required(["structures.view_structure", "structures.view_receptionpoint"], raise_exception=True)
def dashboard(request):
    points = ReceptionPoint.objects.all()
    published = Q(is_published=True)
    by_department = {
        row["commune__department"]: row
        for row in points.values("commune__department").annotate(
            total=Count("pk"), published=Count("pk", filter=published)
        )
    }
    departments = [
        (department, by_department.get(department.code, {"total": 0, "published": 0}))
        for department in Department.objects.all()
    ]
    networks = Network.objects.annotate(
        structure_count=Count("structures", distinct=True),
        point_count=Count("structures__points", distinct=True),
    )
    circles = [
        (
            label,
            sum(n.structure_count for n in networks if n.circle == value),
            sum(n.point_count for n in networks if n.circle == value),
        )
        for value, label in Circle.choices
    ]
    points_url, structures_url = reverse(POINTS), reverse(STRUCTURES)
    queue_url = reverse(QUEUE)
    attention = [
        (
            "Lieux à vérifier (jamais vérifiés, vérifiés il y a plus d'un an ou modifiés à la source)",
            points.to_verify().count(),
            queue_url,
        ),
        (
            "Lieux modifiés à la source depuis leur dernière vérification",
            points.changed_at_source().count(),
            f"{queue_url}?motif=source",
        ),
        ("Lieux non vérifiés depuis plus de 12 mois", points.stale().count(), f"{points_url}?verification=ancienne"),
        (
            "Structures non vérifiées depuis plus de 12 mois",
            Structure.objects.stale().count(),
            f"{structures_url}?verification=ancienne",
        ),
        ("Lieux sans téléphone", points.without_phone().count(), f"{points_url}?completude=sans-telephone"),
        ("Lieux sans horaires", points.without_hours().count(), f"{points_url}?completude=sans-horaires"),
        (
            "Lieux sans information d'accessibilité",
            points.without_accessibility().count(),
            f"{points_url}?completude=sans-accessibilite",
        ),
        (
            "Lieux positionnés au centre de leur commune",
            points.commune_precision().count(),
            f"{points_url}?completude=position-commune",
        ),
        (
            "Labels expirés ou retirés (structures masquées)",
            Structure.objects.label_expired().count(),
            f"{structures_url}?label=expire",
        ),
        (
            "Signalements d'erreur à traiter",
            ErrorReport.objects.filter(status=ErrorReport.Status.NEW).count(),
            f"{reverse('admin:structures_errorreport_changelist')}?status__exact=new",
        ),
    ]
    expiring = Structure.objects.label_expiring().select_related("network").order_by("label_end")
    context = {
        **admin.site.each_context(request),
        "title": "Tableau de bord de l'annuaire",
        "departments": departments,
        "networks": networks,
        "circles": circles,
        "attention": attention,
        "expiring": expiring,
        "expiring_url": f"{structures_url}?label=expire-bientot",
        "coverages": coverage_by_network(),
        "totals": {
            "structures": Structure.objects.count(),
            "points": points.count(),
            "published": points.filter(published).count(),
        },
    }
    return render(request, "admin/dashboard.html", context)


class QueueForm(forms.Form):
    """The verification queue's choices: a department, a network, a reason."""

    departement = forms.ModelChoiceField(
        Department.objects.all(), label="Département", required=False, empty_label="Tous", to_field_name="code"
    )
    reseau = forms.ModelChoiceField(
        Network.objects.all(), label="Réseau", required=False, empty_label="Tous", to_field_name="slug"
    )
    motif = forms.ChoiceField(label="Motif", required=False, choices=[("", "Tous"), *QUEUE_REASONS_CHOICES])


def queue_counts(points, key):
    """{key value: {reason: count}} for the points to verify, one grouped query per reason."""
    counts = {}
    for reason, _, method in QUEUE_REASONS:
        for row in getattr(points, method)().values(key).annotate(count=Count("pk")):
            counts.setdefault(row[key], {})[reason] = row["count"]
    return counts


def verification_queue(model_admin, request):
    """The points to verify, per department and network: open each, confirm or correct it in one step
    (« Enregistrer et marquer comme vérifiée aujourd'hui » brings back here)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = QueueForm(request.GET or None)
    choices = form.cleaned_data if form.is_valid() else {}
    queue = ReceptionPoint.objects.all()
    if choices.get("departement"):
        queue = queue.filter(commune__department=choices["departement"])
    if choices.get("reseau"):
        queue = queue.filter(structure__network=choices["reseau"])
    reason = choices.get("motif")
    method = {value: method for value, _, method in QUEUE_REASONS}.get(reason, "to_verify")
    listed = (
        getattr(queue, method)().select_related("structure__network", "commune").order_by("commune__department", "name")
    )
    page = Paginator(listed, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    by_department = queue_counts(ReceptionPoint.objects.all(), "commune__department")
    by_network = queue_counts(ReceptionPoint.objects.all(), "structure__network__slug")
    values = [value for value, _, _ in QUEUE_REASONS]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Lieux à vérifier",
        "form": form,
        "page": page,
        "total": page.paginator.count,
        "filtered": any(choices.values()),
        "here": request.get_full_path(),
        "reasons": QUEUE_REASONS,
        "departments": [
            (
                department,
                department.code,
                [(value, by_department.get(department.code, {}).get(value, 0)) for value in values],
            )
            for department in Department.objects.all()
        ],
        "networks": [
            (network, network.slug, [(value, by_network.get(network.slug, {}).get(value, 0)) for value in values])
            for network in Network.objects.all()
        ],
    }
    return TemplateResponse(request, "admin/structures/verification_queue.html", context)

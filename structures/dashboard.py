"""The back office dashboard: what the directory holds, and what needs attention."""

from django.contrib import admin
from django.contrib.auth.decorators import permission_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse

from structures.coverage import coverage_by_network
from structures.enums import Circle
from structures.models import Department, ErrorReport, Network, ReceptionPoint, Structure

POINTS = "admin:structures_receptionpoint_changelist"
STRUCTURES = "admin:structures_structure_changelist"


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
    attention = [
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

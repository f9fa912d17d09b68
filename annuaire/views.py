from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from annuaire.reports import ErrorReportForm, rate_limited
from annuaire.search import distance_label, row_queryset, run_search, to_rows
from annuaire.structured_data import point_json_ld, qr_code_svg
from structures.models import Department, ErrorReport, Network, ReceptionPoint, Structure, great_circle_km

NEARBY_KM = 20
NEARBY_SHOWN = 6


def home(request):
    points = ReceptionPoint.objects.published()
    figures = {
        "structures": Structure.objects.published().count(),
        "points": points.count(),
        "communes": points.values("commune").distinct().count(),
        "departments": points.values("commune__department").distinct().count(),
    }
    return render(request, "annuaire/home.html", {"figures": figures})


def search(request):
    outcome = run_search(request.GET)
    geojson_url = reverse("annuaire:api-points-geojson")
    if request.GET:
        geojson_url += "?" + request.GET.urlencode()
    context = {"outcome": outcome, "geojson_url": geojson_url}
    return render(request, "annuaire/search.html", context, status=400 if outcome.errors else 200)


def point_detail(request, slug):
    point = get_object_or_404(
        row_queryset(ReceptionPoint.objects.published()).select_related("host_structure"), slug=slug
    )
    row = to_rows([point], None)[0]
    published = ReceptionPoint.objects.published()
    siblings = published.filter(structure=point.structure_id).exclude(pk=point.pk).select_related("commune")
    # For advisers: the nearest places of other structures, one per structure.
    nearby, seen = [], {point.structure_id}
    candidates = (
        published.exclude(structure=point.structure_id)
        .within(point.latitude, point.longitude, NEARBY_KM)
        .by_distance(point.latitude, point.longitude)
        .select_related("structure__network", "commune")[:40]
    )
    for other in candidates:
        if other.structure_id not in seen and len(nearby) < NEARBY_SHOWN:
            seen.add(other.structure_id)
            distance = great_circle_km(point.latitude, point.longitude, other.latitude, other.longitude)
            nearby.append((other, distance_label(distance)))
    url = request.build_absolute_uri(point.get_absolute_url())
    slots = list(point.opening_hours.all())
    context = {
        "point": point,
        "url": url,
        "json_ld": point_json_ld(point, url, slots),
        "qr_code": qr_code_svg(url),
        "row": row,
        "slots": slots,
        # Closures and exceptional hours still to come, shown before the usual hours.
        "closures": [closure for closure in point.closures.all() if closure.ends_on >= row.opening.moment.date()],
        "publics": point.effective("publics"),
        "levels": point.effective("levels"),
        "siblings": siblings[:50],
        "nearby": nearby,
    }
    return render(request, "annuaire/point_detail.html", context)


def structure_detail(request, slug):
    structure = get_object_or_404(
        Structure.objects.published()
        .select_related("network")
        .prefetch_related(
            "publics",
            "levels",
            "competence_departments",
            Prefetch("points", queryset=ReceptionPoint.objects.published().select_related("commune")),
        ),
        slug=slug,
    )
    communes = structure.competence_communes.order_by("name").values_list("name", flat=True)
    geojson_url = f"{reverse('annuaire:api-points-geojson')}?structure={structure.slug}"
    return render(
        request,
        "annuaire/structure_detail.html",
        {
            "structure": structure,
            "points": structure.points.all(),
            "communes": list(communes),
            "geojson_url": geojson_url,
        },
    )


def network_detail(request, slug):
    network = get_object_or_404(Network, slug=slug)
    points = ReceptionPoint.objects.published().filter(structure__network=network)
    by_department = dict(
        points.values_list("commune__department")
        .annotate(count=Count("pk"))
        .values_list("commune__department", "count")
    )
    departments = [(department, by_department.get(department.code, 0)) for department in Department.objects.all()]
    structures = (
        Structure.objects.published()
        .filter(network=network)
        # The structures are published: their points are public when published themselves.
        .annotate(point_count=Count("points", filter=Q(points__is_published=True)))
        .order_by("name")
    )
    return render(
        request,
        "annuaire/network_detail.html",
        {
            "network": network,
            "departments": departments,
            "structures": structures,
            "total": sum(by_department.values()),
        },
    )


def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("annuaire:sitemap"))
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /api/", "Allow: /", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# No CSRF token: public pages set no cookie at all, and this anonymous form changes nobody's
# data; it is protected by its signed timestamp, its honeypot and a rate limit (annuaire.reports).
@csrf_exempt
def report_error(request, slug):
    point = get_object_or_404(ReceptionPoint.objects.published().select_related("commune"), slug=slug)
    if request.method == "POST":
        form = ErrorReportForm(request.POST)
        if form.is_valid():
            if rate_limited(request):
                return render(request, "annuaire/report_error.html", {"point": point, "limited": True}, status=429)
            if not form.is_spam:
                ErrorReport.objects.create(point=point, message=form.cleaned_data["message"])
            return redirect("annuaire:report-error-thanks", slug=point.slug)
        status = 400
    else:
        form, status = ErrorReportForm(), 200
    return render(request, "annuaire/report_error.html", {"point": point, "form": form}, status=status)


def report_error_thanks(request, slug):
    point = get_object_or_404(ReceptionPoint.objects.published(), slug=slug)
    return render(request, "annuaire/report_error_thanks.html", {"point": point})

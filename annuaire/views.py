from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from annuaire.search import run_search, to_rows
from structures.models import ReceptionPoint, Structure


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
        ReceptionPoint.objects.published().select_related("structure__network", "commune", "host_structure"),
        slug=slug,
    )
    row = to_rows([point], None)[0]
    days = sorted(point.opening_hours.all(), key=lambda slot: (slot.weekday, slot.opens))
    return render(request, "annuaire/point_detail.html", {"point": point, "row": row, "slots": days})

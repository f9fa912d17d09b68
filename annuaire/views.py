from django.shortcuts import render

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

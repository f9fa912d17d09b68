"""Content pages: short, plain French."""

from django.conf import settings
from django.shortcuts import render

from structures.enums import Circle
from structures.models import Network
from structures.reference import CIRCLE_EXPLANATIONS


def spro(request):
    circles = [(label, CIRCLE_EXPLANATIONS[value]) for value, label in Circle.choices]
    return render(request, "pages/spro.html", {"circles": circles})


def networks(request):
    by_circle = {value: [] for value in Circle.values}
    for network in Network.objects.all():
        by_circle[network.circle].append(network)
    circles = [(label, CIRCLE_EXPLANATIONS[value], by_circle[value]) for value, label in Circle.choices]
    return render(request, "pages/networks.html", {"circles": circles})


def accessibility(request):
    return render(request, "pages/accessibility.html")


def legal(request):
    return render(request, "pages/legal.html", {"hosting_notice": settings.HOSTING_NOTICE})


def privacy(request):
    return render(request, "pages/privacy.html")


def data(request):
    return render(request, "pages/data.html")

"""Content pages: short, plain French."""

from django.conf import settings
from django.shortcuts import render

from annuaire import data_inclusion, openapi
from annuaire.opendata import rate_label
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
    return render(request, "pages/accessibility.html", {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL})


def legal(request):
    return render(
        request,
        "pages/legal.html",
        {"hosting_notice": settings.HOSTING_NOTICE, "publication_director": settings.PUBLICATION_DIRECTOR},
    )


def privacy(request):
    return render(request, "pages/privacy.html")


def data(request):
    return render(request, "pages/data.html")


def open_data(request):
    """/donnees/: what the open data holds, its licence, how fresh it is, and how to use the API."""
    examples = {
        name: request.build_absolute_uri(path)
        for name, path in {
            "near": "/api/v1/lieux?q=Aurillac&rayon=50",
            "listing": "/api/v1/lieux?reseau=mission-locale&par_page=100",
            "geojson": "/api/v1/lieux.geojson",
            "geojson_department": "/api/v1/lieux.geojson?departement=15",
            "csv": "/api/v1/lieux.csv",
            "csv_excel": "/api/v1/lieux.csv?separateur=point-virgule",
            "csv_filtered": "/api/v1/lieux.csv?public=jeunes-16-25&departement=63&separateur=point-virgule",
            "point": "/api/v1/lieux/{id}",
            "structures": "/api/v1/structures?cercle=3",
            "structures_csv": "/api/v1/structures.csv?separateur=point-virgule",
            "networks": "/api/v1/reseaux",
            "openapi": "/api/v1/openapi.json",
            "di_structures": "/api/v1/data-inclusion/structures.json",
            "di_services": "/api/v1/data-inclusion/services.json",
        }.items()
    }
    context = openapi.documentation() | {
        "examples": examples,
        "rate_limit": rate_label(settings.API_RATE_LIMIT),
        "export_rate_limit": rate_label(settings.API_EXPORT_RATE_LIMIT),
        "max_age_minutes": settings.API_MAX_AGE // 60,
        "di_publics": data_inclusion.publics_table(),
        "di_networks": data_inclusion.networks_table(),
        "di_levels": data_inclusion.LEVELS,
    }
    return render(request, "pages/open_data.html", context)

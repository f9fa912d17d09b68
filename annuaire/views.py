from functools import partial, wraps

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from annuaire.competence import competent_places
from annuaire.helper import FAR_KM, FIRST_LEVEL, QUESTIONS, SEVERAL, recommend
from annuaire.helper_forms import HelperForm
from annuaire.reports import ErrorReportForm, rate_limited
from annuaire.search import add_remote_options, distance_label, run_search, to_rows
from annuaire.structured_data import point_json_ld, qr_code_svg
from structures.enums import CommuneKind
from structures.models import Commune, Department, ErrorReport, Network, ReceptionPoint, Structure
from structures.notifications import notify_new_report
from structures.validators import is_insee_code

NEARBY_KM = 20
NEARBY_SHOWN = 6
# A point page lists this many of its structure's other points (folded); the structure's page has them all.
SIBLINGS_SHOWN = 50


def home(request):
    points = ReceptionPoint.objects.published()
    figures = {
        "structures": Structure.objects.published().count(),
        "points": points.count(),
        "communes": points.values("commune").distinct().count(),
        "departments": points.values("commune__department").distinct().count(),
    }
    return render(request, "annuaire/home.html", {"figures": figures})


def map_page(view):
    """A page with a map: when a tile server is configured, it is told which site asks for tiles
    (OpenStreetMap's servers refuse requests without a referrer); the rest of the site keeps
    « same-origin »."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if settings.MAP_TILES_URL:
            response["Referrer-Policy"] = "strict-origin-when-cross-origin"
        return response

    return wrapper


@map_page
def search(request):
    outcome = run_search(request.GET).paginate()
    # The map shows every result, whatever the page of the list.
    params = request.GET.copy()
    params.pop("page", None)
    geojson_url = reverse("annuaire:map-points") + (f"?{params.urlencode()}" if params else "")
    context = {"outcome": outcome, "geojson_url": geojson_url}
    return render(request, "annuaire/search.html", context, status=400 if outcome.errors else 200)


# What a structure's area of competence reads (Structure.area_sentence).
AREA_RELATIONS = [
    "structure__competence_departments",
    "structure__competence_epcis",
    "structure__competence_communes",
    "structure__excluded_communes",
]


def area_context(structure):
    """What annuaire/includes/area.html shows: the sentence of the area of competence and, for a
    network with sectors only, the list of its communes (one query)."""
    communes = []
    if structure.network.territory:
        communes = list(structure.area_communes().order_by("name").values_list("name", flat=True))
    return {"area": structure.area_sentence(), "communes": communes}


def elsewhere(structure, insee_code):
    """The commune of the search, when the structure has sectors and does not cover it."""
    if not structure.network.territory or not is_insee_code(insee_code):
        return None
    commune = Commune.objects.filter(insee_code=insee_code).select_related("epci").first()
    if commune is None or Structure.objects.filter(pk=structure.pk).competent_for(commune).exists():
        return None
    return commune


@map_page
def point_detail(request, slug):
    point = get_object_or_404(
        ReceptionPoint.objects.published()
        .for_results()
        .select_related("host_structure")
        .prefetch_related(*AREA_RELATIONS),
        slug=slug,
    )
    row = to_rows([point], None)[0]
    published = ReceptionPoint.objects.published()
    siblings = published.filter(structure=point.structure_id).exclude(pk=point.pk).select_related("commune")
    nearby = [
        (other, distance_label(distance))
        for other, distance in published.nearby_other_structures(point, NEARBY_KM, NEARBY_SHOWN)
    ]
    shown_siblings = list(siblings[:SIBLINGS_SHOWN])
    siblings_count = siblings.count() if len(shown_siblings) == SIBLINGS_SHOWN else len(shown_siblings)
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
        "siblings": shown_siblings,
        "siblings_count": siblings_count,
        "nearby": nearby,
        **area_context(point.structure),
        # Reached from a search in a commune its structure does not cover: said at the top.
        "elsewhere": elsewhere(point.structure, request.GET.get("commune", "")),
    }
    return render(request, "annuaire/point_detail.html", context)


@map_page
def structure_detail(request, slug):
    structure = get_object_or_404(
        Structure.objects.published()
        .select_related("network")
        .prefetch_related(
            "publics",
            "levels",
            "competence_departments",
            "competence_epcis",
            "competence_communes",
            "excluded_communes",
            Prefetch("points", queryset=ReceptionPoint.objects.published().select_related("commune")),
        ),
        slug=slug,
    )
    geojson_url = f"{reverse('annuaire:map-points')}?structure={structure.slug}"
    return render(
        request,
        "annuaire/structure_detail.html",
        {
            "structure": structure,
            "points": structure.points.all(),
            **area_context(structure),
            "geojson_url": geojson_url,
        },
    )


def commune_detail(request, insee_code):
    """« Qui est compétent pour ma commune ? »: network by network, the structure a person of the
    commune depends on, and its nearest place."""
    commune = get_object_or_404(
        Commune.objects.select_related("department", "epci"), insee_code=insee_code, kind=CommuneKind.COMMUNE
    )
    competence, places = competent_places(commune)
    for place in places:
        place.distance = distance_label(place.distance_km)
    return render(request, "annuaire/commune_detail.html", {"commune": commune, "places": places})


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
    # The back office is not named here: its address is configuration (ADMIN_URL), and its pages
    # ask search engines not to index them.
    lines = ["User-agent: *", "Disallow: /api/", "Allow: /", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# No CSRF token: public pages set no cookie at all, and this anonymous form changes nobody's
# data; it is protected by its signed timestamp, its honeypot and a rate limit (annuaire.reports).
@csrf_exempt
def report_error(request, slug):
    point = get_object_or_404(ReceptionPoint.objects.published().select_related("commune"), slug=slug)
    if request.method == "POST":
        form = ErrorReportForm(request.POST)
        if form.is_valid() and not form.use_token():
            form.add_error(
                "jeton", "Ce formulaire a déjà été envoyé : rechargez la page pour faire un autre signalement."
            )
        if form.is_valid():
            if rate_limited(request):
                # Not sent: the typed text stays in a new form, to send again later.
                form = ErrorReportForm(initial={"message": form.cleaned_data["message"]})
                context = {"point": point, "form": form, "error_messages": [], "limited": True}
                return render(request, "annuaire/report_error.html", context, status=429)
            if not form.is_spam:
                report = ErrorReport.objects.create(point=point, message=form.cleaned_data["message"])
                transaction.on_commit(partial(notify_new_report, report))
            return redirect("annuaire:report-error-thanks", slug=point.slug)
        status = 400
    else:
        form, status = ErrorReportForm(), 200
    error_messages = [message for messages in form.errors.values() for message in messages]
    context = {"point": point, "form": form, "error_messages": error_messages, "limited": False}
    return render(request, "annuaire/report_error.html", context, status=status)


def report_error_thanks(request, slug):
    point = get_object_or_404(ReceptionPoint.objects.published(), slug=slug)
    return render(request, "annuaire/report_error_thanks.html", {"point": point})


def helper(request):
    """« Quelle structure pour moi ? »: one question per screen, then the networks that fit and their
    nearest places. Answers live in the address only: nothing is stored, no cookie is set."""
    form = HelperForm(request.GET)
    if not form.is_valid():
        errors = [message for messages in form.errors.values() for message in messages]
        return render(request, "annuaire/helper_question.html", helper_question(1, {}, errors), status=400)
    answers = form.answers()
    first_missing = next((index for index, (name, _, _) in enumerate(QUESTIONS, 1) if not answers[name]), None)
    step = form.cleaned_data["etape"] or first_missing or len(QUESTIONS) + 1
    errors = []
    if first_missing and step > first_missing:
        step, errors = first_missing, ["Choisissez une réponse pour continuer."]
    if step <= len(QUESTIONS):
        return render(request, "annuaire/helper_question.html", helper_question(step, answers, errors))
    return render(request, "annuaire/helper_result.html", helper_result(request, answers))


def helper_question(step, answers, errors):
    name, question, choices = QUESTIONS[step - 1]
    current = answers.get(name) or ()
    return {
        "step": step,
        "steps": len(QUESTIONS),
        "name": name,
        "question": question,
        "choices": choices,
        "several": SEVERAL.get(name, ""),
        "current": current if name in SEVERAL else {current},
        "kept": [(key, value) for key, value in answer_pairs(answers) if key != name],
        "answers": answers,
        "errors": errors,
    }


def answer_pairs(answers):
    """(name, value) of every answer given, as they travel in the address (one per value)."""
    pairs = []
    for name, _, choices in QUESTIONS:
        given = answers.get(name)
        values = given if name in SEVERAL else {given}
        pairs += [(name, value) for value, _ in choices if value in (values or ())]
    return pairs


def helper_result(request, answers):
    recommendations = recommend(answers)
    networks = Network.objects.in_bulk([r.network for r in recommendations if r.network], field_name="slug")
    place_query = request.GET.get("q", "")[:100]
    position = {key: request.GET[key] for key in ("lat", "lon") if request.GET.get(key)}
    blocks, place_errors = [], []
    for recommendation in recommendations:
        network = networks.get(recommendation.network)
        block = {
            "recommendation": recommendation,
            "network": network,
            "rows": [],
            "search_url": "",
            "competent": [],
            "commune": None,
            "far": False,
            "remote": [],
        }
        search = {"reseau": network.slug} if network else recommendation.places
        if search and (place_query or position):
            params = QueryDict(mutable=True)
            params.update({"q": place_query, **search, "rayon": "50", **position})
            outcome = run_search(params).paginate()
            place_errors = place_errors or outcome.errors
            block["rows"] = outcome.rows[:3] or outcome.nearest_anyway[:3]
            if network and network.territory and outcome.competence:
                # A network with sectors: the structure of the person's commune, and why.
                block["commune"] = outcome.competence.commune
                block["competent"] = [s for s in outcome.competence.structures if s.network_id == network.pk]
            block["count"] = outcome.count
            block["search_url"] = f"{reverse('annuaire:search')}?{params.urlencode()}"
            if outcome.ready and outcome.place is not None and outcome.place.measures_distance:
                add_remote_first(block, outcome)
        blocks.append(block)
    summary = [
        (name, question, answer_text(name, answers[name], choices), step)
        for step, (name, question, choices) in enumerate(QUESTIONS, 1)
    ]
    return {
        "answers": answers,
        "answer_pairs": answer_pairs(answers),
        "blocks": blocks,
        "summary": summary,
        "first_level": FIRST_LEVEL,
        "place_query": place_query,
        "position": position,
        "place_errors": place_errors,
    }


def answer_text(name, given, choices):
    """An answer as the person chose it; several are joined: « Je suis salarié … et Je suis en situation de handicap »."""
    if name not in SEVERAL:
        return dict(choices).get(given, "")
    labels = [label for value, label in choices if value in given]
    return " ; ".join(labels)


def add_remote_first(block, outcome):
    """Where the nearest fitting place is far (or there is none), the structures that advise by
    phone or video come first in the block."""
    nearest = block["rows"][0].distance_km if block["rows"] else None
    block["far"] = nearest is None or nearest > FAR_KM
    if block["far"]:
        if not outcome.remote_options:
            add_remote_options(outcome, outcome.filtered, outcome.place.department)
        block["remote"] = outcome.remote_options

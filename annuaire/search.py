"""The public search: from what a person typed (or their position) to the nearest reception points.

    outcome = run_search(request.GET).paginate()

A query is resolved to a place (a commune, a postal code's commune, a department, the person's
position) or, failing that, read as the name of a structure or a place. Results are the published
points that pass the filters, nearest first, 20 to a page.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Q

from annuaire.competence import competence_for
from annuaire.filters import PointFilterSet
from annuaire.forms import RADIUS_CHOICES, SearchForm
from annuaire.places import Resolution, resolve
from structures.hours import opening_state
from structures.models import Network, ReceptionPoint, ReceptionPointQuerySet
from structures.nearest import COUNT_CAP

PAGE_SIZE = 20
# « Everywhere »: more than the largest distance between two points of the region.
UNLIMITED_KM = 1000
NEAREST_ANYWAY = 5
REMOTE_OPTIONS = 6


def distance_label(distance_km):
    """« à moins de 100 m », « à 400 m », « à 3,2 km »."""
    if distance_km is None:
        return ""
    if distance_km < 0.1:
        return "à moins de 100 m"
    if distance_km < 1:
        return f"à {round(distance_km * 1000, -2):.0f} m"
    return f"à {distance_km:.1f} km".replace(".", ",")


@dataclass
class ResultRow:
    point: ReceptionPoint
    distance_km: float | None
    opening: object
    # Competent for the searched commune (True), of a network with sectors that covers other
    # communes (False), or neither (None); and what the card says of it.
    competent: bool | None = None
    badge: str = ""

    @property
    def distance_label(self):
        return distance_label(self.distance_km)


@dataclass
class SearchOutcome:
    form: SearchForm
    filterset: PointFilterSet
    errors: list = field(default_factory=list)
    resolution: Resolution = field(default_factory=Resolution)
    radius_km: int = 20
    page: object = None
    rows: list = field(default_factory=list)
    count: int = 0
    count_capped: bool = False
    nearest_anyway: list = field(default_factory=list)
    remote_options: list = field(default_factory=list)
    wider_radius: int | None = None
    searched: bool = False
    # Every result, unordered and unpaginated: what the map shows.
    scope: object = None
    # The filtered points before the radius, and the radius searched (unlimited without a place).
    filtered: object = None
    search_radius_km: int = UNLIMITED_KM
    # The network named in the words (« mission locale vienne »), applied as a filter.
    network: object = None
    # No point of the region passes the filters, whatever the distance.
    nothing_anywhere: bool = False

    # The search ran to its end (no error, something to look for): it can be paginated.
    ready: bool = False

    @property
    def place(self):
        return self.resolution.place

    @cached_property
    def competence(self):
        """Who is competent for the searched commune (annuaire.competence), when there is one: one
        query, made only by what uses it (the list and the API, not the map)."""
        return competence_for(self.resolution.commune, self.resolution.serial)

    def results(self, rows=None):
        """The results to paginate: nearest first around a place, else in a stable order."""
        page = self.form.cleaned_data["page"]
        if self.place is None:
            return self.filtered.order_by("structure__name", "kind", "name", "pk")
        if not self.place.measures_distance:
            # A department's results are listed by commune (its prefecture is nobody's position).
            points = self.filtered
            if rows:
                ids = self.filtered.prefetch_related(None).values("pk")
                points = rows(ReceptionPoint.objects.filter(pk__in=ids))
            return points.order_by("commune__name", "structure__name", "kind", "name", "pk")
        # The points of the structures competent for the commune come first (then by distance).
        first = Q(structure_id__in=self.competence.ids) if self.competence and self.competence.ids else None
        return self.filtered.nearest(
            self.place.latitude,
            self.place.longitude,
            self.search_radius_km,
            rows=rows,
            cap=count_cap(page),
            first=first,
        )

    def paginate(self):
        """Fetch the requested page of the public list, and the ways out when it is empty."""
        if not self.ready or not paginate_results(
            self, self.results(rows=ReceptionPointQuerySet.for_results), self.form.cleaned_data["page"]
        ):
            return self
        self.rows = to_rows(self.page.object_list if self.page else [], self.place, self.competence)
        if self.count == 0:
            add_way_out(self, self.filtered, self.place)
        return self

    def _query(self, **changes):
        params = self.form.data.copy()
        params.pop("page", None)
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
        return params.urlencode()

    @property
    def without_filters_query(self):
        """The same search (place, position, radius) without any filter, nor the network named in
        the words."""
        changes = dict.fromkeys(self.filterset.base_filters)
        if self.network:
            changes["q"] = self.resolution.place_text
        return self._query(**changes)

    @property
    def without_network_query(self):
        """The same search without the network that the words named."""
        return self._query(q=self.resolution.place_text)

    @property
    def box_value(self):
        """What the search box shows: what was typed, else the commune chosen from a list."""
        typed = self.form.data.get("q", "")
        if typed or self.place is None or self.place.kind == "position":
            return typed
        return self.place.name


def to_rows(points, place, competence=None):
    rows = []
    for point in points:
        distance = place.distance_km(point.latitude, point.longitude) if place else None
        opening = opening_state(point.opening_hours.all(), point.closures.all())
        row = ResultRow(point, distance, opening)
        if competence is not None:
            row.competent = competence.of(point)
            row.badge = competence.badge(point) if row.competent else ""
        rows.append(row)
    return rows


def run_search(params):
    """Validate the parameters, resolve the place, filter: a SearchOutcome, read-only, that the
    views paginate themselves (`outcome.paginate()` for the public pages)."""
    form = SearchForm(params)
    base = ReceptionPoint.objects.published().for_results()
    filterset = PointFilterSet(params, queryset=base)
    outcome = SearchOutcome(form=form, filterset=filterset)
    form_valid, filters_valid = form.is_valid(), filterset.is_valid()
    if not form_valid:
        outcome.errors += [message for messages in form.errors.values() for message in messages]
    if not filters_valid:
        outcome.errors += [message for messages in filterset.errors.values() for message in messages]
    if outcome.errors:
        return outcome
    data = form.cleaned_data
    outcome.radius_km = data["rayon"]
    outcome.searched = bool(data["q"] or data["commune"] or form.position or filterset.active_filters)
    if not outcome.searched:
        outcome.scope = filterset.qs
        return outcome
    outcome.resolution = resolution = resolve(data["q"], data["commune"], form.position)
    if resolution.outside:
        # Another region: said plainly, with what serves everyone (includes/outside_region.html).
        outcome.scope = outcome.filtered = filterset.qs.none()
        add_remote_options(outcome, filterset.qs, None)
        return outcome
    if resolution.message:
        outcome.errors.append(resolution.message)
        return outcome

    queryset, place = filterset.qs, resolution.place
    if resolution.network and not filterset.form.cleaned_data.get("reseau"):
        # « mission locale vienne »: the network named in the words is a filter, shown and removable.
        queryset = queryset.filter(structure__network__slug=resolution.network)
        outcome.network = Network.objects.filter(slug=resolution.network).first()
    if resolution.unresolved or (data["q"] and place is None and not resolution.name_words and not resolution.network):
        # Nothing recognised for sure: choices are offered, never a silent guess.
        outcome.scope = outcome.filtered = queryset.none()
        add_remote_options(outcome, filterset.qs, None)
        return outcome
    if filterset.form.cleaned_data.get("competent"):
        if outcome.competence is None:
            outcome.errors.append(
                "Pour ne garder que les structures compétentes pour votre commune, indiquez votre commune."
            )
            return outcome
        queryset = queryset.filter(structure_id__in=outcome.competence.ids)
    queryset = queryset.matching(resolution.name_words)
    if place is not None and place.kind == "departement":
        queryset = queryset.filter(commune__department=place.department)
    radius = (
        UNLIMITED_KM if place is None or place.kind == "departement" or resolution.name_words else outcome.radius_km
    )
    outcome.scope = queryset if place is None else queryset.within(place.latitude, place.longitude, radius)
    outcome.filtered, outcome.search_radius_km = queryset, radius
    outcome.ready = True
    return outcome


def count_cap(page_number):
    """How far to count for this page: COUNT_CAP, or one page beyond the one asked for."""
    return max(COUNT_CAP, (page_number + 1) * PAGE_SIZE)


def paginate_results(outcome, results, number):
    """Fill the outcome's page and counts; False (with an error) for a page beyond the last."""
    paginator = Paginator(results, PAGE_SIZE)
    outcome.count = paginator.count
    outcome.count_capped = getattr(results, "count_capped", False)
    try:
        outcome.page = paginator.page(number)
    except EmptyPage:
        if outcome.count:
            outcome.errors.append(f"Cette page n'existe pas : il y a {paginator.num_pages} page(s) de résultats.")
            return False
        outcome.page = None
    return True


def add_way_out(outcome, queryset, place):
    """No result: never a dead end. A larger radius and the nearest points anyway when the filters
    leave some in the region; else say so (the page offers to remove them); and what can be done
    at a distance."""
    outcome.nothing_anywhere = not queryset.exists()
    department = place.department if place else None
    if place is not None and not outcome.nothing_anywhere:
        larger = [radius for radius, _ in RADIUS_CHOICES if radius > outcome.radius_km]
        outcome.wider_radius = larger[0] if larger else None
        nearest = queryset.nearest(
            place.latitude, place.longitude, UNLIMITED_KM, rows=ReceptionPointQuerySet.for_results
        )[:NEAREST_ANYWAY]
        outcome.nearest_anyway = to_rows(nearest, place)
        department = department or (nearest[0].commune.department_id if nearest else None)
    add_remote_options(outcome, queryset if not outcome.nothing_anywhere else outcome.filterset.queryset, department)


def add_remote_options(outcome, queryset, department):
    """Structures that advise by phone or video: in the department when there is one."""
    remote = queryset.filter(Q(by_phone=True) | Q(by_video=True))
    if department:
        remote = remote.filter(structure__competence_departments=department)
    options, seen = [], set()
    for point in remote.prefetch_related(None).order_by("structure__network__position", "structure__name")[:60]:
        if point.structure_id not in seen:
            seen.add(point.structure_id)
            options.append(point)
        if len(options) == REMOTE_OPTIONS:
            break
    outcome.remote_options = options

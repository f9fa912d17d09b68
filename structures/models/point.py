"""Reception points (« lieux d'accueil ») and the queries the public site makes on them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, Case, Count, Exists, F, Max, Min, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import Floor
from django.urls import reverse
from simple_history.models import HistoricalRecords

from structures.enums import (
    Accessibility,
    GeoPrecision,
    PointKind,
)
from structures.geo import (
    MAX_BANDS_SEARCHED,
    MAX_DISTANCE_FROM_COMMUNE_KM,
    bounding_box,
    chord_for_km,
    great_circle_km,
    grid_cell_degrees,
    lat_band,
    squared_chord,
    unit_vector,
)
from structures.hours.sql import open_at_condition
from structures.models.base import Provenance, TimeStampedModel, import_export_permissions, stale_q
from structures.models.hours import Closure, OpeningHours
from structures.models.inserts import InsertingModel
from structures.models.structure import DirectoryQuerySet, Structure, effective
from structures.models.territory import Commune
from structures.models.vocabularies import Public, ServiceLevel
from structures.nearest import COUNT_CAP, NearestResults
from structures.text import french_date, normalize
from structures.validators import (
    is_inside_region,
    is_postal_code,
    validate_french_phone,
    validate_postal_code,
)


def search_text(name, structure_name):
    """What the search matches a point on: its name and its structure's, normalised (structures.text)."""
    return normalize(f"{name} {structure_name}")[:500]


class ReceptionPointQuerySet(DirectoryQuerySet):
    def nearest(self, latitude, longitude, radius_km, rows=None, cap=COUNT_CAP, first=None):
        """These points, nearest first within `radius_km`, as a lazy sequence to paginate
        (structures/nearest.py); `rows` adds what each result fetches with it; the points matching
        `first` (a condition) come before the others."""
        return NearestResults(self, latitude, longitude, radius_km, rows=rows, cap=cap, first=first)

    def published(self):
        """Points the public may see: published, of a structure the public may see."""
        return self.filter(is_published=True, structure__in=Structure.objects.published())

    def without_phone(self):
        return self.filter(phone="")

    def without_hours(self):
        return self.filter(~Exists(OpeningHours.objects.filter(point_id=OuterRef("pk"))))

    def without_accessibility(self):
        return self.filter(accessibility=Accessibility.UNKNOWN)

    def commune_precision(self):
        return self.filter(geo_precision=GeoPrecision.COMMUNE)

    def changed_at_source(self):
        """Changed at (or gone from) the State's directory since a person last verified them."""
        return self.filter(source_changed_on__isnull=False).filter(
            Q(last_verified_on__isnull=True) | Q(last_verified_on__lte=F("source_changed_on"))
        )

    def to_verify(self):
        """The verification queue: never verified, verified more than a year ago, or changed at the source."""
        return self.filter(Q(pk__in=self.changed_at_source().values("pk")) | stale_q())

    def incomplete(self):
        """No phone, no hours, no accessibility information, or only the commune's position."""
        return self.filter(
            Q(phone="")
            | ~Exists(OpeningHours.objects.filter(point_id=OuterRef("pk")))
            | Q(accessibility=Accessibility.UNKNOWN)
            | Q(geo_precision=GeoPrecision.COMMUNE)
        )

    def within(self, latitude, longitude, radius_km):
        """Points at most `radius_km` away (great-circle distance).

        The bounding box uses the latitude/longitude indexes; only the rows inside it get the exact
        test, done on unit-sphere coordinates with arithmetic that SQLite and PostgreSQL compute alike.
        """
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
        box = self.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))
        bands = range(lat_band(min_lat), lat_band(max_lat) + 1)
        if len(bands) <= MAX_BANDS_SEARCHED:
            box = box.filter(lat_band__in=list(bands))
        return box.alias(squared_chord=squared_chord(latitude, longitude)).filter(
            squared_chord__lte=chord_for_km(radius_km) ** 2
        )

    def in_box(self, west, south, east, north):
        """Points inside a rectangle of the map (degrees), on the latitude/longitude indexes."""
        return self.filter(latitude__range=(south, north), longitude__range=(west, east))

    def grid_clusters(self, zoom):
        """One row per cell of the map's clustering grid at `zoom` (structures.geo.grid_cell_degrees)
        holding some of these points: how many, their mean position, their extent, and the smallest
        id (the point itself when the cell holds one). A GROUP BY in SQL: the rows returned depend on
        the cells shown, not on the number of points."""
        height, width = grid_cell_degrees(zoom)
        return (
            self.order_by()
            .annotate(cell_y=Floor(F("latitude") / Value(height)), cell_x=Floor(F("longitude") / Value(width)))
            .values("cell_y", "cell_x")
            .annotate(
                count=Count("pk"),
                mean_latitude=Avg("latitude"),
                mean_longitude=Avg("longitude"),
                south=Min("latitude"),
                north=Max("latitude"),
                west=Min("longitude"),
                east=Max("longitude"),
                first_id=Min("pk"),
            )
        )

    def by_distance(self, latitude, longitude, first=None):
        """Nearest first (those matching the condition `first` before the others); ties broken by
        id so that pages never overlap."""
        order = [squared_chord(latitude, longitude).asc(), "pk"]
        if first is not None:
            order.insert(0, Case(When(first, then=Value(0)), default=Value(1)))
        return self.order_by(*order)

    def serving_public(self, slug):
        """Points serving a public: the point's own publics when it has any, else its structure's.
        A place open to everyone (« tout public ») serves every public."""
        slugs = [slug, "tout-public"]
        own = ReceptionPoint.publics.through.objects.filter(receptionpoint_id=OuterRef("pk"))
        inherited = Structure.publics.through.objects.filter(structure_id=OuterRef("structure_id"))
        return self.filter(
            Exists(own.filter(public__slug__in=slugs))
            | (~Exists(own) & Exists(inherited.filter(public__slug__in=slugs)))
        )

    def offering_level(self, level):
        """Points offering a level of service: the point's own levels when it has any, else its structure's."""
        own = ReceptionPoint.levels.through.objects.filter(receptionpoint_id=OuterRef("pk"))
        inherited = Structure.levels.through.objects.filter(structure_id=OuterRef("structure_id"))
        return self.filter(
            Exists(own.filter(servicelevel__level=level))
            | (~Exists(own) & Exists(inherited.filter(servicelevel__level=level)))
        )

    def for_results(self):
        """What a result of the public pages shows: structure, network, commune, hours and
        closures, in 3 queries whatever the number of points."""
        return self.select_related("structure__network", "commune").prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch("closures", queryset=Closure.objects.order_by("starts_on")),
        )

    def for_open_data(self):
        """What a point's open-data shape reads (annuaire.shapes.directory.POINT), in a fixed number
        of queries whatever the number of points."""
        return (
            self.prefetch_related(None)
            .for_results()
            .select_related("host_structure")
            .prefetch_related("publics", "levels", "structure__publics", "structure__levels")
        )

    def nearby_other_structures(self, point, radius_km, count):
        """For advisers: the nearest points of other structures than `point`'s, one per structure,
        nearest first, with their distance in km."""
        candidates = (
            self.exclude(structure=point.structure_id)
            .within(point.latitude, point.longitude, radius_km)
            .by_distance(point.latitude, point.longitude)
            .select_related("structure__network", "commune")[: count * 7]
        )
        nearby, seen = [], set()
        for other in candidates:
            if other.structure_id not in seen and len(nearby) < count:
                seen.add(other.structure_id)
                nearby.append(
                    (other, great_circle_km(point.latitude, point.longitude, other.latitude, other.longitude))
                )
        return nearby

    def sync_search_text(self):
        """Write again the search text of these points from their structure's current name (after
        a structure is renamed: its points are found by its new name, no longer by the old one)."""
        points = (
            self.order_by()
            .select_related("structure")
            .only("pk", "name", "search_text", "structure", "structure__name")
        )
        changed = []
        for point in points:
            text = search_text(point.name, point.structure.name)
            if text != point.search_text:
                point.search_text = text
                changed.append(point)
        self.model.objects.bulk_update(changed, ["search_text"], batch_size=500)
        return len(changed)

    def open_at(self, moment=None):
        """Points open at `moment` (now by default), by the rules of structures.hours."""
        closures = Closure.objects.filter(point_id=OuterRef("pk"))
        slots = OpeningHours.objects.filter(point_id=OuterRef("pk"))
        return self.filter(open_at_condition(moment, closures, slots))


class ReceptionPoint(Provenance, TimeStampedModel):
    """A place where the public is received (« lieu d'accueil »)."""

    structure = models.ForeignKey(Structure, verbose_name="structure", on_delete=models.CASCADE, related_name="points")
    name = models.CharField("nom du lieu", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=220, unique=True)
    search_text = models.CharField("texte normalisé pour la recherche", max_length=500, editable=False)
    kind = models.CharField("type de lieu", max_length=20, choices=PointKind, default=PointKind.MAIN)
    host_structure = models.ForeignKey(
        Structure,
        verbose_name="structure qui accueille la permanence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_points",
    )
    host_name = models.CharField(
        "lieu qui accueille la permanence",
        max_length=200,
        blank=True,
        help_text="Par exemple « Mairie » ou « Espace France Services », quand l'hôte n'est pas une structure du SPRO.",
    )
    address = models.CharField(
        "adresse",
        max_length=250,
        blank=True,
        help_text="Numéro et voie. Laisser vide plutôt que d'inventer une adresse.",
    )
    address_complement = models.CharField("complément d'adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, validators=[validate_postal_code])
    commune = models.ForeignKey(
        Commune, verbose_name="commune", on_delete=models.PROTECT, related_name="reception_points"
    )
    latitude = models.FloatField("latitude", validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField("longitude", validators=[MinValueValidator(-180), MaxValueValidator(180)])
    # Derived from latitude/longitude by sync_derived_fields(); see unit_vector().
    unit_x = models.FloatField(editable=False, default=0)
    unit_y = models.FloatField(editable=False, default=0)
    unit_z = models.FloatField(editable=False, default=0)
    # Latitude band of the point: with the (lat_band, longitude) index, a circle is searched with a
    # few short index range scans (one per band) instead of a scan of a whole band of the region.
    lat_band = models.IntegerField(editable=False, default=0)
    geo_precision = models.CharField(
        "précision de la position", max_length=20, choices=GeoPrecision, default=GeoPrecision.COMMUNE
    )
    phone = models.CharField("téléphone", max_length=20, blank=True, validators=[validate_french_phone])
    email = models.EmailField("adresse électronique", blank=True)
    walk_in = models.BooleanField("accueil sans rendez-vous", default=False)
    by_appointment = models.BooleanField("accueil sur rendez-vous", default=True)
    appointment_details = models.CharField("comment prendre rendez-vous", max_length=300, blank=True)
    on_site = models.BooleanField("accueil sur place", default=True)
    by_phone = models.BooleanField("entretien par téléphone", default=False)
    by_video = models.BooleanField("entretien en visioconférence", default=False)
    accessibility = models.CharField(
        "accessibilité", max_length=20, choices=Accessibility, default=Accessibility.UNKNOWN
    )
    accessibility_details = models.CharField("précisions sur l'accessibilité", max_length=300, blank=True)
    publics = models.ManyToManyField(
        Public,
        verbose_name="publics propres au lieu",
        related_name="points",
        blank=True,
        help_text="À renseigner seulement s'ils diffèrent de ceux de la structure.",
    )
    levels = models.ManyToManyField(
        ServiceLevel,
        verbose_name="niveaux de service propres au lieu",
        related_name="points",
        blank=True,
        help_text="À renseigner seulement s'ils diffèrent de ceux de la structure.",
    )
    is_published = models.BooleanField("publié", default=False)
    # The record's identity in the State's directory (structures/imports/dila.py): what its next
    # import matches, and what it last said (to tell the source's changes from the Region's edits).
    dila_id = models.CharField(
        "identifiant dans l'Annuaire de l'administration",
        max_length=64,
        blank=True,
        help_text="Rempli par l'import de l'Annuaire de l'administration, qui retrouve ainsi la fiche la fois suivante.",
    )
    source_values = models.JSONField("dernières valeurs de la source", default=dict, blank=True, editable=False)
    source_changed_on = models.DateField("modifiée à la source le", null=True, blank=True, editable=False)
    source_change = models.CharField("changement à la source", max_length=300, blank=True, editable=False)

    objects = ReceptionPointQuerySet.as_manager()
    history = HistoricalRecords(
        bases=[InsertingModel],
        excluded_fields=["search_text", "unit_x", "unit_y", "unit_z", "lat_band", "source_values"],
        m2m_fields=[publics, levels],
    )

    class Meta:
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        permissions = import_export_permissions("receptionpoint", "lieux d'accueil")
        ordering = ["name"]
        indexes = [
            # The distance index: a circle is a few range scans on (lat_band, longitude). The other
            # columns make it covering, so counting and ranking the points of a dense area, with
            # the usual filters, reads the index alone (benchmarks/bench_search.py).
            models.Index(
                fields=[
                    "lat_band",
                    "longitude",
                    "latitude",
                    "unit_x",
                    "unit_y",
                    "unit_z",
                    "is_published",
                    "structure",
                    "commune",
                    "kind",
                    "walk_in",
                    "accessibility",
                    "on_site",
                    "by_phone",
                    "by_video",
                ],
                name="point_distance_idx",
            ),
            models.Index(fields=["latitude", "longitude"], name="point_lat_lon_idx"),
            # The published points of structures; with their position, it covers the map's count of
            # the whole directory by cells (grid_clusters), which then reads the index alone.
            models.Index(
                fields=["is_published", "structure", "latitude", "longitude"], name="point_published_position_idx"
            ),
            models.Index(fields=["search_text"], name="point_search_text_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dila_id"], condition=~Q(dila_id=""), name="point_dila_id_unique"),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90), name="point_latitude_in_range"),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180), name="point_longitude_in_range"
            ),
            models.CheckConstraint(
                condition=Q(on_site=True) | Q(by_phone=True) | Q(by_video=True),
                name="point_has_reception_mode",
            ),
            models.CheckConstraint(
                condition=Q(on_site=False) | Q(walk_in=True) | Q(by_appointment=True),
                name="point_on_site_walk_in_or_appointment",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.sync_derived_fields()
        super().save(*args, **kwargs)

    @property
    def is_changed_at_source(self):
        """ReceptionPointQuerySet.changed_at_source(), for one point."""
        return self.source_changed_on is not None and (
            self.last_verified_on is None or self.last_verified_on <= self.source_changed_on
        )

    @property
    def verification_reason(self):
        """Why the point is in the verification queue, in French ("" when it is not)."""
        if self.is_changed_at_source:
            return f"Modifiée à la source le {french_date(self.source_changed_on)} : {self.source_change}"
        if self.last_verified_on is None:
            return "Jamais vérifiée"
        if self.is_stale:
            return f"Vérifiée le {french_date(self.last_verified_on)}, il y a plus d'un an"
        return ""

    @property
    def is_approximate(self):
        """Placed at its commune's reference point only: drawn as a ring, said in words."""
        return self.geo_precision == GeoPrecision.COMMUNE

    def get_absolute_url(self):
        return reverse("annuaire:point", args=[self.slug])

    def effective(self, vocabulary):
        """The point's own publics (or levels) when it has any, else its structure's; one query."""
        model = {"publics": Public, "levels": ServiceLevel}[vocabulary]
        through = getattr(ReceptionPoint, vocabulary).through
        own = Exists(
            through.objects.filter(receptionpoint_id=self.pk, **{f"{model._meta.model_name}_id": OuterRef("pk")})
        )
        rows = list(model.objects.filter(Q(points=self) | Q(structures=self.structure_id)).annotate(own=own).distinct())
        # Without own rows, those of the query are the structure's.
        return effective([row for row in rows if row.own], rows)

    def sync_derived_fields(self, structure_name=None):
        """Fill the columns derived from other fields. Bulk paths (bulk_create, update) skip
        save() and must call this themselves."""
        if structure_name is None:
            structure_name = self.structure.name if self.structure_id else ""
        self.search_text = search_text(self.name, structure_name)
        self.unit_x, self.unit_y, self.unit_z = unit_vector(self.latitude, self.longitude)
        self.lat_band = lat_band(self.latitude)

    def clean(self):
        super().clean()
        errors = {}
        commune = self.commune if self.commune_id else None
        # A malformed postal code is already reported by its field's validator.
        if commune and is_postal_code(self.postal_code) and self.postal_code not in commune.postal_code_list:
            errors["postal_code"] = (
                f"Le code postal {self.postal_code} ne correspond pas à la commune {commune.name} "
                f"(codes possibles : {', '.join(commune.postal_code_list)})."
            )
        if self.latitude is not None and self.longitude is not None:
            if not is_inside_region(self.latitude, self.longitude):
                errors["latitude"] = "Cette position est en dehors de la région Auvergne-Rhône-Alpes."
            elif commune is not None:
                distance = great_circle_km(self.latitude, self.longitude, commune.latitude, commune.longitude)
                if distance > MAX_DISTANCE_FROM_COMMUNE_KM:
                    errors["latitude"] = (
                        f"Cette position est à {distance:.0f} km de {commune.name} : "
                        "vérifiez la commune ou les coordonnées."
                    )
        if self.kind == PointKind.PERMANENCE and not (self.host_structure_id or self.host_name):
            errors["host_name"] = "Indiquez où se tient la permanence (structure ou lieu qui l'accueille)."
        if not (self.on_site or self.by_phone or self.by_video):
            errors["on_site"] = (
                "Choisissez au moins un mode d'accueil : sur place, par téléphone ou en visioconférence."
            )
        elif self.on_site and not (self.walk_in or self.by_appointment):
            errors["walk_in"] = (
                "Pour un accueil sur place, précisez « sans rendez-vous », « sur rendez-vous » ou les deux."
            )
        if errors:
            raise ValidationError(errors)

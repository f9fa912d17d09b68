"""Domain model of the SPRO directory: territories, networks, structures, reception points.

Names in code are English; everything a user reads (verbose names, choices, messages) is French.
Invariants that the database can hold are constraints in Meta; the others live in clean().
"""

import math
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, FloatField, OuterRef, Q, Value
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from structures.enums import (
    Accessibility,
    Circle,
    CommuneKind,
    GeoPrecision,
    LabelStatus,
    PointKind,
    PublicationStatus,
    Recurrence,
    Weekday,
)
from structures.nearest import COUNT_CAP, NearestResults
from structures.opening import is_public_holiday, recurrences_on
from structures.reference import CIRCLE_EXPLANATIONS
from structures.text import normalize
from structures.validators import (
    is_inside_region,
    is_postal_code,
    validate_french_phone,
    validate_insee_code,
    validate_not_in_future,
    validate_postal_code,
    validate_siret,
)

# A reception point placed farther than this from its commune's reference point is refused:
# the largest communes of the region are well under this size.
MAX_DISTANCE_FROM_COMMUNE_KM = 20
EARTH_RADIUS_KM = 6371.0088
# Height of the latitude bands of the 2-D distance index (about 5.6 km); see ReceptionPoint.lat_band.
LAT_BAND_DEGREES = 0.05
# Beyond this many bands, a plain range on latitude is cheaper than one index seek per band.
MAX_BANDS_SEARCHED = 40
# Back office: a record not verified for a year is stale; a label ending within 60 days needs renewal.
STALE_AFTER_DAYS = 365
LABEL_WARNING_DAYS = 60


def lat_band(latitude):
    return math.floor(latitude / LAT_BAND_DEGREES)


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def unit_vector(latitude, longitude):
    """The point on the unit sphere for a WGS84 position.

    The straight-line (chord) distance between two such points grows with the great-circle
    distance, so SQL can sort and filter by exact distance with plain arithmetic, the same on
    SQLite and PostgreSQL, without trigonometric functions (docs/adr/0001).
    """
    phi, lam = math.radians(latitude), math.radians(longitude)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def chord_for_km(distance_km):
    """Chord length on the unit sphere for a great-circle distance."""
    return 2 * math.sin(min(distance_km, math.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM))


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class Version(NamedTuple):
    serial: int
    changed_at: datetime


class DataVersion(models.Model):
    """When the public data last changed (one row): what open data's ETag and Last-Modified come
    from. Written by structures.signals.mark_data_changed(), never by hand."""

    changed_at = models.DateTimeField("dernière modification des données publiques")
    # Counts the changes: cached pages are keyed on it, not on the time, which two app servers
    # whose clocks differ could write out of order (or twice the same).
    serial = models.PositiveBigIntegerField("numéro de version", default=0)

    class Meta:
        verbose_name = "version des données"
        verbose_name_plural = "version des données"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="data_version_single_row")]

    def __str__(self):
        return f"Données modifiées le {timezone.localtime(self.changed_at):%d/%m/%Y à %H:%M:%S}"

    @classmethod
    def stamp(cls):
        now = timezone.now()
        if not cls.objects.filter(pk=1).update(changed_at=now, serial=F("serial") + 1):
            cls.objects.update_or_create(pk=1, defaults={"changed_at": now, "serial": 1})

    @classmethod
    def current(cls):
        """(serial, time) of the last change; (0, 2000-01-01) when nothing was ever recorded."""
        row = cls.objects.filter(pk=1).values_list("serial", "changed_at").first()
        return Version(*row) if row else Version(0, datetime(2000, 1, 1, tzinfo=UTC))


# --- Territories -----------------------------------------------------------------------------


class Department(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)
    prefecture = models.ForeignKey(
        "Commune",
        verbose_name="préfecture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Point de référence quand on cherche tout un département.",
    )

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """A commune (or a municipal arrondissement of Lyon) of the region: the offline gazetteer."""

    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True, validators=[validate_insee_code])
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField("nom normalisé pour la recherche", max_length=100, editable=False)
    department = models.ForeignKey(
        Department, verbose_name="département", on_delete=models.PROTECT, related_name="communes"
    )
    postal_codes = models.CharField(
        "codes postaux",
        max_length=100,
        help_text="Tous les codes postaux de la commune, séparés par des espaces.",
    )
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    population = models.PositiveIntegerField("population", default=0)
    kind = models.CharField("type", max_length=20, choices=CommuneKind, default=CommuneKind.COMMUNE)

    class Meta:
        verbose_name = "commune"
        verbose_name_plural = "communes"
        ordering = ["name", "insee_code"]
        indexes = [
            models.Index(fields=["search_name"], name="commune_search_name_idx"),
            models.Index(fields=["latitude", "longitude"], name="commune_lat_lon_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90) & Q(longitude__gte=-180, longitude__lte=180),
                name="commune_coordinates_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.department_id})"

    def save(self, *args, **kwargs):
        self.search_name = normalize(self.name)
        super().save(*args, **kwargs)

    @property
    def postal_code_list(self):
        return self.postal_codes.split()


class FormerCommune(models.Model):
    """A former commune that lives on as a « commune déléguée » or « commune associée » of a
    current one: people still write its name, which leads to the current commune."""

    class Kind(models.TextChoices):
        DELEGATED = "deleguee", "commune déléguée"
        ASSOCIATED = "associee", "commune associée"

    code = models.CharField("code INSEE", max_length=5, validators=[validate_insee_code])
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField("nom normalisé pour la recherche", max_length=100, editable=False)
    kind = models.CharField("type", max_length=10, choices=Kind)
    commune = models.ForeignKey(
        Commune, verbose_name="commune actuelle", on_delete=models.CASCADE, related_name="former_communes"
    )

    class Meta:
        verbose_name = "ancienne commune"
        verbose_name_plural = "anciennes communes"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["code", "name"], name="former_commune_code_name_unique")]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()} de {self.commune.name})"

    def save(self, *args, **kwargs):
        self.search_name = normalize(self.name)
        super().save(*args, **kwargs)


# --- Vocabularies ----------------------------------------------------------------------------


class Public(models.Model):
    """Audience served (« public »): a controlled vocabulary with stable slugs."""

    slug = models.SlugField("identifiant stable", max_length=50, unique=True)
    name = models.CharField("nom", max_length=100, unique=True)
    description = models.TextField("description", blank=True)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "public"
        verbose_name_plural = "publics"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ServiceLevel(models.Model):
    """Level of service of the SPRO: 1 = reception and information, 2 = personalised advice."""

    slug = models.SlugField("identifiant stable", max_length=50, unique=True)
    level = models.PositiveSmallIntegerField("niveau", unique=True)
    name = models.CharField("nom", max_length=100, unique=True)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "niveau de service"
        verbose_name_plural = "niveaux de service"
        ordering = ["level"]

    def __str__(self):
        return f"Niveau {self.level} — {self.name}"


class Network(models.Model):
    """A network of structures (CIO, Mission Locale, France Travail…), in one SPRO circle."""

    slug = models.SlugField("identifiant stable", max_length=50, unique=True)
    name = models.CharField("nom", max_length=150, unique=True)
    short_name = models.CharField("nom court", max_length=50, blank=True)
    circle = models.PositiveSmallIntegerField("cercle", choices=Circle)
    audience = models.TextField(
        "qui est accueilli",
        help_text="Phrase courte, en langage simple, affichée au public et utilisée par l'aide au choix.",
    )
    website = models.URLField("site national", blank=True)
    position = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    class Meta:
        verbose_name = "réseau"
        verbose_name_plural = "réseaux"
        ordering = ["circle", "position", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(circle__in=Circle.values), name="network_circle_valid"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("annuaire:network", args=[self.slug])

    @property
    def circle_explanation(self):
        return CIRCLE_EXPLANATIONS[self.circle]


# --- Structures ------------------------------------------------------------------------------


def effective(own, inherited):
    """A point's own publics (or levels) when it has any, else its structure's: the one rule of the
    pages, the API and the open data (its SQL twin is ReceptionPointQuerySet.serving_public)."""
    return list(own) or list(inherited)


def every_word(field, words):
    """A condition: the normalised column `field` holds each of the normalised `words` (the one
    « every word matches » rule of the public search, the API and the admin)."""
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition


class StructureQuerySet(models.QuerySet):
    def published(self):
        """Structures the public may see: published, and for circle 3 a label still in force.

        A circle-3 structure joins the SPRO by a label granted by the Region for a fixed period;
        once the label has ended, or was withdrawn, the structure leaves the public site.
        """
        today = timezone.localdate()
        label_in_force = Q(label_status=LabelStatus.GRANTED, label_start__lte=today, label_end__gte=today)
        return self.filter(status=PublicationStatus.PUBLISHED).filter(
            ~Q(network__circle=Circle.LABELLED) | label_in_force
        )

    def demo(self):
        return self.filter(is_demo=True)

    def label_valid(self):
        """Circle-3 structures whose label is in force for more than LABEL_WARNING_DAYS."""
        today = timezone.localdate()
        return self.filter(
            label_status=LabelStatus.GRANTED,
            label_start__lte=today,
            label_end__gt=today + timedelta(days=LABEL_WARNING_DAYS),
        )

    def label_expiring(self):
        """Labels in force that end within LABEL_WARNING_DAYS: time to renew them."""
        today = timezone.localdate()
        return self.filter(
            label_status=LabelStatus.GRANTED,
            label_start__lte=today,
            label_end__gte=today,
            label_end__lte=today + timedelta(days=LABEL_WARNING_DAYS),
        )

    def label_expired(self):
        """Labels that ended, or were withdrawn: these structures are hidden from the public."""
        today = timezone.localdate()
        return self.filter(
            Q(label_status=LabelStatus.GRANTED, label_end__lt=today) | Q(label_status=LabelStatus.WITHDRAWN)
        )

    def stale(self):
        return self.filter(stale_q())


def stale_q():
    """Not verified for more than STALE_AFTER_DAYS (or never)."""
    limit = timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)
    return Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=limit)


class Structure(TimeStampedModel):
    """A member structure of the SPRO (« structure membre »)."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=220, unique=True)
    search_text = models.CharField("texte normalisé pour la recherche", max_length=250, editable=False)
    network = models.ForeignKey(Network, verbose_name="réseau", on_delete=models.PROTECT, related_name="structures")
    description = models.TextField("description", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    website = models.URLField("site internet", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True, validators=[validate_french_phone])
    email = models.EmailField("adresse électronique", blank=True)
    levels = models.ManyToManyField(
        ServiceLevel, verbose_name="niveaux de service", related_name="structures", blank=True
    )
    publics = models.ManyToManyField(Public, verbose_name="publics", related_name="structures", blank=True)
    competence_departments = models.ManyToManyField(
        Department,
        verbose_name="départements de compétence",
        related_name="competent_structures",
        blank=True,
    )
    competence_communes = models.ManyToManyField(
        Commune,
        verbose_name="communes de compétence",
        related_name="competent_structures",
        blank=True,
        help_text="Par exemple, les communes couvertes par une Mission Locale.",
    )
    label_status = models.CharField(
        "statut du label régional", max_length=20, choices=LabelStatus, default=LabelStatus.NOT_APPLICABLE
    )
    label_start = models.DateField("label accordé le", null=True, blank=True)
    label_end = models.DateField("label valable jusqu'au", null=True, blank=True)
    status = models.CharField(
        "statut de publication", max_length=20, choices=PublicationStatus, default=PublicationStatus.DRAFT
    )
    last_verified_on = models.DateField(
        "dernière vérification le", null=True, blank=True, validators=[validate_not_in_future]
    )
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifiée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(
        "donnée de démonstration",
        default=False,
        help_text="Fiche fictive ou d'illustration, pas une donnée officielle.",
    )
    source = models.CharField("source de la donnée", max_length=300, blank=True)

    objects = StructureQuerySet.as_manager()
    # Who changed what and when, with the previous values (restorable from the admin).
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=[levels, publics])

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        # Import and export are rights of their own (structures/roles.py).
        permissions = [
            ("import_structure", "Peut importer des structures"),
            ("export_structure", "Peut exporter des structures"),
        ]
        ordering = ["name"]
        indexes = [
            models.Index(fields=["search_text"], name="structure_search_text_idx"),
            models.Index(fields=["status", "network"], name="structure_status_network_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(label_start__isnull=True)
                | Q(label_end__isnull=True)
                | Q(label_end__gte=models.F("label_start")),
                name="structure_label_end_after_start",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = normalize(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("annuaire:structure", args=[self.slug])

    def clean(self):
        super().clean()
        if self.label_start and self.label_end and self.label_end < self.label_start:
            raise ValidationError({"label_end": "La fin du label doit venir après la date de son attribution."})
        network = self.network if self.network_id else None
        if network is None:
            return
        if network.circle == Circle.LABELLED:
            if self.label_status == LabelStatus.NOT_APPLICABLE:
                raise ValidationError(
                    {"label_status": "Une structure du cercle 3 doit avoir un statut de label régional."}
                )
            if self.label_status == LabelStatus.GRANTED and not (self.label_start and self.label_end):
                raise ValidationError(
                    "Une structure labellisée doit avoir une date d'attribution et une date de fin de label."
                )
        elif self.label_status != LabelStatus.NOT_APPLICABLE:
            raise ValidationError({"label_status": "Seules les structures du cercle 3 sont labellisées par la Région."})


# --- Reception points ------------------------------------------------------------------------


def bounding_box(latitude, longitude, radius_km):
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains the circle of `radius_km`."""
    delta_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    widest = min(89.9, abs(latitude) + delta_lat)
    delta_lon = min(180.0, delta_lat / math.cos(math.radians(widest)))
    return latitude - delta_lat, latitude + delta_lat, longitude - delta_lon, longitude + delta_lon


def _squared_chord(latitude, longitude):
    x, y, z = unit_vector(latitude, longitude)
    dx, dy, dz = F("unit_x") - Value(x), F("unit_y") - Value(y), F("unit_z") - Value(z)
    return models.ExpressionWrapper(dx * dx + dy * dy + dz * dz, output_field=FloatField())


class ReceptionPointQuerySet(models.QuerySet):
    def nearest(self, latitude, longitude, radius_km, rows=None, cap=COUNT_CAP):
        """These points, nearest first within `radius_km`, as a lazy sequence to paginate
        (structures/nearest.py); `rows` adds what each result fetches with it."""
        return NearestResults(self, latitude, longitude, radius_km, rows=rows, cap=cap)

    def published(self):
        """Points the public may see: published, of a structure the public may see."""
        return self.filter(is_published=True, structure__in=Structure.objects.published())

    def demo(self):
        return self.filter(is_demo=True)

    def stale(self):
        return self.filter(stale_q())

    def without_phone(self):
        return self.filter(phone="")

    def without_hours(self):
        return self.filter(~Exists(OpeningHours.objects.filter(point_id=OuterRef("pk"))))

    def without_accessibility(self):
        return self.filter(accessibility=Accessibility.UNKNOWN)

    def commune_precision(self):
        return self.filter(geo_precision=GeoPrecision.COMMUNE)

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
        return box.alias(squared_chord=_squared_chord(latitude, longitude)).filter(
            squared_chord__lte=chord_for_km(radius_km) ** 2
        )

    def by_distance(self, latitude, longitude):
        """Nearest first; ties broken by id so that pages never overlap."""
        return self.order_by(_squared_chord(latitude, longitude).asc(), "pk")

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

    def open_at(self, moment=None):
        """Points open at `moment` (now by default), by the rules of structures.opening."""
        moment = timezone.localtime(moment)
        day, wall_time = moment.date(), moment.time()
        closures = Closure.objects.filter(point_id=OuterRef("pk"), starts_on__lte=day, ends_on__gte=day)
        closed_all_day = Exists(closures.filter(opens__isnull=True))
        open_exceptionally = Exists(closures.filter(opens__lte=wall_time, closes__gt=wall_time))
        if is_public_holiday(day):
            return self.filter(~closed_all_day & open_exceptionally)
        # The recurrences that do not apply today are excluded, rather than those that apply
        # selected: SQLite 3.40 (Debian 12) answers wrongly, once ANALYZE has run, a multi-value IN
        # on the slots' unique index (point, weekday, recurrence, opens) followed by a range on
        # `opens` (tests/structures/test_opening.py, test_open_now_after_analyze).
        other_recurrences = [value for value in Recurrence.values if value not in recurrences_on(day)]
        usual = Exists(
            OpeningHours.objects.filter(
                point_id=OuterRef("pk"),
                weekday=day.weekday(),
                opens__lte=wall_time,
                closes__gt=wall_time,
            ).exclude(recurrence__in=other_recurrences)
        )
        return self.filter(~closed_all_day & (open_exceptionally | (~Exists(closures) & usual)))


class ReceptionPoint(TimeStampedModel):
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
    last_verified_on = models.DateField(
        "dernière vérification le", null=True, blank=True, validators=[validate_not_in_future]
    )
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="vérifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(
        "donnée de démonstration",
        default=False,
        help_text="Fiche fictive ou d'illustration, pas une donnée officielle.",
    )
    source = models.CharField("source de la donnée", max_length=300, blank=True)

    objects = ReceptionPointQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "unit_x", "unit_y", "unit_z", "lat_band"])

    class Meta:
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        # Import and export are rights of their own (structures/roles.py).
        permissions = [
            ("import_receptionpoint", "Peut importer des lieux d'accueil"),
            ("export_receptionpoint", "Peut exporter des lieux d'accueil"),
        ]
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
            models.Index(fields=["is_published", "structure"], name="point_published_structure_idx"),
            models.Index(fields=["search_text"], name="point_search_text_idx"),
        ]
        constraints = [
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
        self.search_text = normalize(f"{self.name} {structure_name}")[:500]
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


class OpeningHours(models.Model):
    """One opening slot of a reception point; a day may have several (morning, afternoon)."""

    point = models.ForeignKey(
        ReceptionPoint, verbose_name="lieu d'accueil", on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday)
    opens = models.TimeField("ouvre à")
    closes = models.TimeField("ferme à")
    recurrence = models.CharField("semaines concernées", max_length=20, choices=Recurrence, default=Recurrence.WEEKLY)
    note = models.CharField(
        "précision", max_length=150, blank=True, help_text="Par exemple « sur rendez-vous uniquement »."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "créneau d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        # Import and export are rights of their own (structures/roles.py).
        permissions = [
            ("import_openinghours", "Peut importer des horaires d'ouverture"),
            ("export_openinghours", "Peut exporter des horaires d'ouverture"),
        ]
        ordering = ["point", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_valid"),
            models.UniqueConstraint(fields=["point", "weekday", "recurrence", "opens"], name="hours_unique_slot_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": "L'heure de fermeture doit être après l'heure d'ouverture."})


class Closure(models.Model):
    """A temporary closure, or exceptional hours, of a reception point over a date range."""

    point = models.ForeignKey(
        ReceptionPoint, verbose_name="lieu d'accueil", on_delete=models.CASCADE, related_name="closures"
    )
    starts_on = models.DateField("du")
    ends_on = models.DateField("au (inclus)")
    message = models.CharField(
        "message au public", max_length=200, help_text="Par exemple « Fermé du 22 décembre au 2 janvier »."
    )
    opens = models.TimeField(
        "ouvre exceptionnellement à", null=True, blank=True, help_text="Laisser vide si le lieu est fermé."
    )
    closes = models.TimeField("ferme exceptionnellement à", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "fermeture ou horaires exceptionnels"
        verbose_name_plural = "fermetures et horaires exceptionnels"
        ordering = ["point", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="closure_ends_after_start"),
            models.CheckConstraint(
                condition=Q(opens__isnull=True, closes__isnull=True)
                | Q(opens__isnull=False, closes__isnull=False, opens__lt=models.F("closes")),
                name="closure_exceptional_hours_valid",
            ),
        ]

    def __str__(self):
        return self.message

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "La date de fin doit être le même jour ou après la date de début."
        if (self.opens is None) != (self.closes is None):
            errors["closes"] = "Pour des horaires exceptionnels, indiquez l'heure d'ouverture et l'heure de fermeture."
        elif self.opens is not None and self.opens >= self.closes:
            errors["closes"] = "L'heure de fermeture doit être après l'heure d'ouverture."
        if errors:
            raise ValidationError(errors)


class ErrorReport(models.Model):
    """« Signaler une erreur »: an anonymous report about a point, for Region staff.

    Nothing identifies the person: no name, no e-mail, no IP address is stored.
    """

    class Status(models.TextChoices):
        NEW = "new", "À traiter"
        HANDLED = "handled", "Traité"
        DISMISSED = "dismissed", "Sans suite"

    point = models.ForeignKey(
        ReceptionPoint, verbose_name="lieu d'accueil", on_delete=models.CASCADE, related_name="error_reports"
    )
    message = models.TextField("ce qui est inexact", max_length=1000)
    status = models.CharField("suite donnée", max_length=20, choices=Status, default=Status.NEW)
    created_at = models.DateTimeField("reçu le", auto_now_add=True)

    class Meta:
        verbose_name = "signalement d'erreur"
        verbose_name_plural = "signalements d'erreur"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Signalement sur {self.point} ({self.created_at:%d/%m/%Y})"

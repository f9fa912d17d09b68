"""Domain model of the SPRO directory: territories, networks, structures, reception points.

Names in code are English; everything a user reads (verbose names, choices, messages) is French.
Invariants that the database can hold are constraints in Meta; the others live in clean().
"""

import math

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from structures.enums import (
    Accessibility,
    Circle,
    CommuneKind,
    GeoPrecision,
    LabelStatus,
    PointKind,
    PublicationStatus,
    Weekday,
)
from structures.text import normalize
from structures.validators import (
    is_inside_region,
    validate_french_phone,
    validate_insee_code,
    validate_postal_code,
)

# A reception point placed farther than this from its commune's reference point is refused:
# the largest communes of the region are well under this size.
MAX_DISTANCE_FROM_COMMUNE_KM = 20
EARTH_RADIUS_KM = 6371.0088


def great_circle_km(lat1, lon1, lat2, lon2):
    """Haversine distance in kilometres between two WGS84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


# --- Territories -----------------------------------------------------------------------------


class Department(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d'URL", max_length=100, unique=True)

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


# --- Structures ------------------------------------------------------------------------------


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


class Structure(TimeStampedModel):
    """A member structure of the SPRO (« structure membre »)."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=220, unique=True)
    search_text = models.CharField("texte normalisé pour la recherche", max_length=250, editable=False)
    network = models.ForeignKey(Network, verbose_name="réseau", on_delete=models.PROTECT, related_name="structures")
    description = models.TextField("description", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
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
    last_verified_on = models.DateField("dernière vérification le", null=True, blank=True)
    is_demo = models.BooleanField(
        "donnée de démonstration",
        default=False,
        help_text="Fiche fictive ou d'illustration, pas une donnée officielle.",
    )
    source = models.CharField("source de la donnée", max_length=300, blank=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
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

    def clean(self):
        super().clean()
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

    @property
    def label_in_force(self):
        """True when the circle-3 label is granted and today lies within its dates."""
        if self.label_status != LabelStatus.GRANTED or not (self.label_start and self.label_end):
            return False
        return self.label_start <= timezone.localdate() <= self.label_end


# --- Reception points ------------------------------------------------------------------------


class ReceptionPointQuerySet(models.QuerySet):
    def published(self):
        """Points the public may see: published, of a structure the public may see."""
        return self.filter(is_published=True, structure__in=Structure.objects.published())

    def demo(self):
        return self.filter(is_demo=True)


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
    last_verified_on = models.DateField("dernière vérification le", null=True, blank=True)
    is_demo = models.BooleanField(
        "donnée de démonstration",
        default=False,
        help_text="Fiche fictive ou d'illustration, pas une donnée officielle.",
    )
    source = models.CharField("source de la donnée", max_length=300, blank=True)

    objects = ReceptionPointQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu d'accueil"
        verbose_name_plural = "lieux d'accueil"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="point_lat_lon_idx"),
            models.Index(fields=["longitude", "latitude"], name="point_lon_lat_idx"),
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
        self.search_text = self.build_search_text()
        super().save(*args, **kwargs)

    def build_search_text(self):
        structure_name = self.structure.name if self.structure_id else ""
        return normalize(f"{self.name} {structure_name}")[:500]

    def clean(self):
        super().clean()
        errors = {}
        commune = self.commune if self.commune_id else None
        if commune and self.postal_code and self.postal_code not in commune.postal_code_list:
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
    note = models.CharField(
        "précision", max_length=150, blank=True, help_text="Par exemple « 1er et 3e mardi du mois »."
    )

    class Meta:
        verbose_name = "créneau d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        ordering = ["point", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_valid"),
            models.UniqueConstraint(fields=["point", "weekday", "opens"], name="hours_unique_slot_start"),
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

    @property
    def is_full_closure(self):
        return self.opens is None

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

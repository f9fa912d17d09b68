"""The territory: the region's departments, communes and former communes."""

from django.db import models
from django.db.models import Q

from structures.enums import (
    CommuneKind,
)
from structures.text import normalize
from structures.validators import (
    validate_insee_code,
)

# The arrondissements of the region's city that has them (Lyon, 69381 to 69389), by code prefix.
CITY_OF_ARRONDISSEMENTS = {"6938": "69123"}


def city_code_of(insee_code):
    """The INSEE code of the city an arrondissement's code belongs to (« 69383 » → « 69123 »), else
    the code itself."""
    return CITY_OF_ARRONDISSEMENTS.get(insee_code[:4], insee_code)


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


class Epci(models.Model):
    """An intercommunality (« EPCI à fiscalité propre »): a Mission Locale or a CIO usually serves
    whole ones."""

    code = models.CharField("numéro SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=10)

    class Meta:
        verbose_name = "intercommunalité"
        verbose_name_plural = "intercommunalités"
        ordering = ["name"]

    def __str__(self):
        return self.name


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
    epci = models.ForeignKey(
        Epci,
        verbose_name="intercommunalité",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communes",
    )

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
    def city_code(self):
        """The commune an arrondissement belongs to (Lyon for Lyon 3e), else itself: areas of
        competence name the city."""
        return city_code_of(self.insee_code)

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

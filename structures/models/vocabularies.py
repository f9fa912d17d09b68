"""The controlled vocabularies: publics, levels of service, networks."""

import re

from django.db import models
from django.db.models import Q
from django.urls import reverse

from structures.enums import Circle, Territory
from structures.reference import CIRCLE_EXPLANATIONS


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
    territory = models.CharField(
        "secteurs",
        max_length=20,
        choices=Territory,
        default=Territory.NONE,
        blank=True,
        help_text="Un réseau à secteurs envoie chaque personne à la structure compétente pour sa commune.",
    )

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
    def expansion(self):
        """What the short name stands for, when it is an acronym (« CIO » → « Centre d'information et
        d'orientation »); empty when the short name says it all (« France Travail »)."""
        short = self.short_name or self.name
        acronym = short.isupper() or f"({short})" in self.name
        if short == self.name or not acronym:
            return ""
        return re.sub(rf"\s*\({re.escape(short)}\)$", "", self.name)

    @property
    def circle_explanation(self):
        return CIRCLE_EXPLANATIONS[self.circle]

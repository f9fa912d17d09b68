"""A reception point's weekly opening slots, and its closures or exceptional hours."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from structures.enums import Recurrence, Weekday
from structures.hours.formats import clock_span
from structures.models.base import import_export_permissions
from structures.models.inserts import InsertingModel, InsertingQuerySet


class OpeningHours(models.Model):
    """One opening slot of a reception point; a day may have several (morning, afternoon)."""

    point = models.ForeignKey(
        "structures.ReceptionPoint",
        verbose_name="lieu d'accueil",
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday)
    opens = models.TimeField("ouvre à")
    closes = models.TimeField("ferme à")
    recurrence = models.CharField("semaines concernées", max_length=20, choices=Recurrence, default=Recurrence.WEEKLY)
    note = models.CharField(
        "précision", max_length=150, blank=True, help_text="Par exemple « sur rendez-vous uniquement »."
    )
    objects = InsertingQuerySet.as_manager()
    history = HistoricalRecords(bases=[InsertingModel])

    class Meta:
        verbose_name = "créneau d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        permissions = import_export_permissions("openinghours", "horaires d'ouverture")
        ordering = ["point", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="hours_weekday_valid"),
            models.UniqueConstraint(fields=["point", "weekday", "recurrence", "opens"], name="hours_unique_slot_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {clock_span(self.opens, self.closes)}"

    def clean(self):
        super().clean()
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": "L'heure de fermeture doit être après l'heure d'ouverture."})


class Closure(models.Model):
    """A temporary closure, or exceptional hours, of a reception point over a date range."""

    point = models.ForeignKey(
        "structures.ReceptionPoint", verbose_name="lieu d'accueil", on_delete=models.CASCADE, related_name="closures"
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

"""What every record shares: timestamps, provenance, rights, and the version of the public data."""

from datetime import UTC, datetime
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from structures.validators import validate_not_in_future


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class Provenance(models.Model):
    """Where a record comes from and who last checked it (structures and reception points)."""

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

    class Meta:
        abstract = True


def import_export_permissions(model_name, things):
    """Import and export are rights of their own (structures/roles.py)."""
    return [
        (f"import_{model_name}", f"Peut importer des {things}"),
        (f"export_{model_name}", f"Peut exporter des {things}"),
    ]


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

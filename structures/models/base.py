"""What every record shares: timestamps, and the version of the public data."""

from datetime import UTC, datetime
from typing import NamedTuple

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


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

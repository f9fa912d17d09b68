"""What every record shares: timestamps, provenance, rights, and the version of the public data."""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from structures.text import french_date
from structures.validators import validate_not_in_future

# A record not verified for a year is stale: the back office lists it, its public page says so.
STALE_AFTER_DAYS = 365


def stale_limit():
    """The oldest verification date that is not stale, today (Europe/Paris)."""
    return timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)


def stale_q():
    """Not verified for more than STALE_AFTER_DAYS (or never): Provenance.is_stale in SQL."""
    return Q(last_verified_on__isnull=True) | Q(last_verified_on__lt=stale_limit())


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
        help_text=(
            "Fiche du jeu de démonstration, remplacée quand on le recharge : inventée, ou reprise d'une source "
            "publique datée (date de la source remplie) pour l'illustration. Pas une fiche tenue par la Région."
        ),
    )
    source = models.CharField("source de la donnée", max_length=300, blank=True)
    source_date = models.DateField(
        "date de la source",
        null=True,
        blank=True,
        validators=[validate_not_in_future],
        help_text="Quand la source a publié ces informations (par exemple l'export de 2019 de l'Annuaire de l'administration).",
    )

    # Counts the saves: a form sent from an older revision is refused (structures/admin_forms.py),
    # instead of silently overwriting what someone else saved meanwhile.
    revision = models.PositiveIntegerField("révision", default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.count_save()
        if not self._state.adding and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)

    def count_save(self):
        """One more revision for a record already saved (save(), and the imports' bulk writes)."""
        if not self._state.adding:
            self.revision += 1

    @property
    def is_stale(self):
        """Not verified for more than STALE_AFTER_DAYS, or never: the public page says so (its SQL twin
        is stale_q(), for the back office's lists)."""
        return self.last_verified_on is None or self.last_verified_on < stale_limit()

    @property
    def is_fictional(self):
        """Invented for the demonstration: a demo record without a dated real source."""
        return self.is_demo and self.source_date is None

    @property
    def provenance(self):
        """Where the information comes from and when it was last checked, in words, for the public."""
        if self.is_fictional:
            return "Donnée de démonstration fictive : ne vous déplacez pas et n'appelez pas sur la foi de cette fiche."
        source = f"Source : {self.source}" if self.source else "Source non renseignée"
        if self.last_verified_on:
            return f"{source}. Vérifiée par la Région le {french_date(self.last_verified_on)}."
        if self.source_date:
            return f"{source}, données de {self.source_date.year}, non vérifiées depuis."
        return f"{source}, non vérifiée par la Région."


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

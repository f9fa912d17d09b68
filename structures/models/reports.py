"""What the public reports about a reception point, and who on the Region's staff hears of it."""

from django.conf import settings
from django.db import models


class ErrorReport(models.Model):
    """« Signaler une erreur »: an anonymous report about a point, for Region staff.

    Nothing identifies the person: no name, no e-mail, no IP address is stored.
    """

    class Status(models.TextChoices):
        NEW = "new", "Nouveau"
        IN_PROGRESS = "in_progress", "En cours"
        HANDLED = "handled", "Traité"
        DISMISSED = "dismissed", "Sans suite"

    point = models.ForeignKey(
        "structures.ReceptionPoint",
        verbose_name="lieu d'accueil",
        on_delete=models.CASCADE,
        related_name="error_reports",
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


class StaffProfile(models.Model):
    """What a back-office account follows: the departments whose error reports it is told of, by e-mail."""

    class ReportEmails(models.TextChoices):
        IMMEDIATE = "immediate", "Un courriel à chaque signalement"
        DAILY = "daily", "Un résumé par jour"
        NONE = "none", "Aucun courriel"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="compte", on_delete=models.CASCADE, related_name="staff_profile"
    )
    departments = models.ManyToManyField(
        "structures.Department",
        verbose_name="départements suivis",
        related_name="followers",
        blank=True,
        help_text="Les signalements d'erreur sur les lieux de ces départements sont envoyés à l'adresse du compte.",
    )
    report_emails = models.CharField(
        "courriels des signalements", max_length=20, choices=ReportEmails, default=ReportEmails.IMMEDIATE
    )

    class Meta:
        verbose_name = "suivi des signalements"
        verbose_name_plural = "suivi des signalements"

    def __str__(self):
        return f"Suivi des signalements de {self.user}"

"""What the public reports about a reception point."""

from django.db import models


class ErrorReport(models.Model):
    """« Signaler une erreur »: an anonymous report about a point, for Region staff.

    Nothing identifies the person: no name, no e-mail, no IP address is stored.
    """

    class Status(models.TextChoices):
        NEW = "new", "À traiter"
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

"""What the API stores to answer faster: each published point's lines of the open-data exports
(annuaire.export_rows, docs/adr/0017)."""

from django.db import models
from django.db.models import F, Q


class ExportGeneration(models.Model):
    """One row: raised when a change may touch any point (a network, a vocabulary, a bulk import).
    A stored line is current only if written in the current generation."""

    value = models.PositiveBigIntegerField(default=1)

    class Meta:
        verbose_name = "génération des lignes d'export"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="export_generation_single_row")]

    def __str__(self):
        return f"Génération {self.value}"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("value", flat=True).first() or 1

    @classmethod
    def advance(cls):
        if not cls.objects.filter(pk=1).update(value=F("value") + 1):
            cls.objects.create(pk=1, value=2)


class ExportRow(models.Model):
    """A point's line in each full export, as its shapes write it (the site's address left as a mark).

    A point's change marks its line (generation 0), its deletion deletes it, in the same
    transaction (annuaire.export_rows.mark_rows). No constraint in the database: a line marked while
    its point's hours are deleted with it would otherwise stop the point's deletion.
    """

    point = models.OneToOneField(
        "structures.ReceptionPoint",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="export_row",
    )
    # 0: to write again (the point, its hours or its structure changed).
    generation = models.PositiveBigIntegerField(default=0)
    # The code that wrote it (annuaire.export_rows.FORM): new code writes every line again.
    form = models.CharField(max_length=16, blank=True)
    # Written again from that day (a closure it mentions has ended).
    valid_until = models.DateField(null=True, blank=True)
    # Drawn again each time the lines are written: a kept part of an export holding this point is
    # taken again only if its line has the same revision (annuaire/export_parts.py).
    revision = models.BigIntegerField(default=0)
    csv = models.TextField(blank=True)
    feature = models.TextField(blank=True)
    services = models.TextField(blank=True)

    class Meta:
        verbose_name = "ligne d'export"
        verbose_name_plural = "lignes d'export"
        indexes = [
            # The search for lines to write again (annuaire.export_rows.out_of_date) and the
            # revisions of an export's lines (annuaire.export_parts) read this index only, not the
            # lines (at scale 100 on PostgreSQL: 0.2 s → 0.07 s).
            models.Index(fields=["point", "generation", "form", "valid_until", "revision"], name="exportrow_state"),
        ]

    def __str__(self):
        return f"Lignes d'export du lieu {self.point_id}"

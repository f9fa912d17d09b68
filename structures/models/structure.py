"""Member structures of the SPRO (« structures membres »), and the rules shared by their points."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from structures.enums import (
    Circle,
    CommuneKind,
    LabelStatus,
    PublicationStatus,
    Territory,
)
from structures.models.base import Provenance, TimeStampedModel, import_export_permissions, stale_limit, stale_q
from structures.models.inserts import InsertingModel, InsertingQuerySet
from structures.models.territory import Commune, Department, Epci
from structures.models.vocabularies import Network, Public, ServiceLevel
from structures.reference import DEPARTMENT_OF
from structures.text import normalize, plural_fr
from structures.validators import (
    validate_french_phone,
    validate_siret,
)

# Back office: a label ending within 60 days needs renewal.
LABEL_WARNING_DAYS = 60


def effective(own, inherited):
    """A point's own publics (or levels) when it has any, else its structure's: the one rule of the
    pages, the API and the open data (its SQL twin is ReceptionPointQuerySet.serving_public)."""
    return list(own) or list(inherited)


def every_word(field, words):
    """A condition: the normalised column `field` holds each of the normalised `words` (the one
    « every word matches » rule of the public search, the API and the admin)."""
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition


class DirectoryQuerySet(InsertingQuerySet):
    """What structures and reception points are both asked: their words, their provenance (and
    their bulk inserts: InsertingQuerySet)."""

    def matching(self, words):
        """Records whose normalised name (and commune, for a point) holds every one of `words`."""
        return self.filter(every_word("search_text", words))

    def demo(self):
        return self.filter(is_demo=True)

    def stale(self):
        return self.filter(stale_q())

    def recently_verified(self):
        return self.exclude(stale_q())

    def never_verified(self):
        return self.filter(last_verified_on__isnull=True)

    def verified_long_ago(self):
        """Verified once, more than a year ago (stale, but not never verified)."""
        return self.filter(last_verified_on__lt=stale_limit())


class StructureQuerySet(DirectoryQuerySet):
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

    def label_valid(self):
        """Circle-3 structures whose label is in force for more than LABEL_WARNING_DAYS."""
        today = timezone.localdate()
        return self.filter(
            label_status=LabelStatus.GRANTED,
            label_start__lte=today,
            label_end__gt=today + timedelta(days=LABEL_WARNING_DAYS),
        )

    def label_expiring(self):
        """Labels in force that end within LABEL_WARNING_DAYS: time to renew them."""
        today = timezone.localdate()
        return self.filter(
            label_status=LabelStatus.GRANTED,
            label_start__lte=today,
            label_end__gte=today,
            label_end__lte=today + timedelta(days=LABEL_WARNING_DAYS),
        )

    def label_expired(self):
        """Labels that ended, or were withdrawn: these structures are hidden from the public."""
        today = timezone.localdate()
        return self.filter(
            Q(label_status=LabelStatus.GRANTED, label_end__lt=today) | Q(label_status=LabelStatus.WITHDRAWN)
        )

    def not_labelled(self):
        """Circles 1 and 2: members by law, without a label."""
        return self.exclude(network__circle=Circle.LABELLED)

    def serving_public(self, slug):
        """Structures serving a public; a structure open to everyone (« tout public ») serves every public."""
        return self.filter(publics__slug__in=[slug, "tout-public"]).distinct()

    def competent_for(self, commune):
        """Structures whose area of competence holds `commune` (an INSEE code or a Commune): named
        one by one, through its intercommunality or through its department, and not taken out."""
        if isinstance(commune, str):
            commune = Commune.objects.get(pk=commune)
        if isinstance(commune, Commune):
            code, department, epci = commune.pk, commune.department_id, commune.epci_id
        else:  # a place of the search (annuaire.places.Place)
            code, department, epci = commune.insee_code, commune.department, commune.epci
        codes = {code, commune.city_code}
        area = Q(competence_communes__in=codes) | Q(competence_departments=department)
        if epci:
            area |= Q(competence_epcis=epci)
        excluded = self.model.excluded_communes.through.objects.filter(
            structure_id=OuterRef("pk"), commune_id__in=codes
        )
        return self.filter(pk__in=self.model.objects.filter(area).values("pk")).exclude(Exists(excluded))

    def territorial(self):
        """Structures of the networks that divide the region between them (Network.territory)."""
        return self.exclude(network__territory=Territory.NONE)

    def competent_in_department(self, code):
        """Competent for the department, or with a published point there."""
        points = self.model._meta.get_field("points").related_model.objects.published()
        points = points.filter(structure_id=OuterRef("pk"), commune__department=code)
        return self.filter(Q(competence_departments=code) | Exists(points)).distinct()


class Structure(Provenance, TimeStampedModel):
    """A member structure of the SPRO (« structure membre »)."""

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant d'URL", max_length=220, unique=True)
    search_text = models.CharField("texte normalisé pour la recherche", max_length=250, editable=False)
    network = models.ForeignKey(Network, verbose_name="réseau", on_delete=models.PROTECT, related_name="structures")
    description = models.TextField("description", blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
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
        help_text="Communes couvertes une à une, en plus des départements et des intercommunalités.",
    )
    competence_epcis = models.ManyToManyField(
        Epci,
        verbose_name="intercommunalités de compétence",
        related_name="competent_structures",
        blank=True,
        help_text="Le secteur d'une Mission Locale ou d'un CIO est le plus souvent un ensemble d'intercommunalités.",
    )
    excluded_communes = models.ManyToManyField(
        Commune,
        verbose_name="communes retirées du secteur",
        related_name="excluding_structures",
        blank=True,
        help_text="Communes d'un département ou d'une intercommunalité ci-dessus que la structure ne couvre pas.",
    )
    label_status = models.CharField(
        "statut du label régional", max_length=20, choices=LabelStatus, default=LabelStatus.NOT_APPLICABLE
    )
    label_start = models.DateField("label accordé le", null=True, blank=True)
    label_end = models.DateField("label valable jusqu'au", null=True, blank=True)
    status = models.CharField(
        "statut de publication", max_length=20, choices=PublicationStatus, default=PublicationStatus.DRAFT
    )

    objects = StructureQuerySet.as_manager()
    # Who changed what and when, with the previous values (restorable from the admin).
    # Its publics, levels and area of competence are kept with each version (structures.history).
    history = HistoricalRecords(
        bases=[InsertingModel],
        excluded_fields=["search_text"],
        m2m_fields=[
            levels,
            publics,
            competence_departments,
            competence_epcis,
            competence_communes,
            excluded_communes,
        ],
    )

    class Meta:
        verbose_name = "structure"
        verbose_name_plural = "structures"
        permissions = import_export_permissions("structure", "structures")
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

    def area_sentence(self):
        """The area of competence in words (« le département de l'Isère (38) », « les
        intercommunalités CA Vienne Condrieu, CC Entre Bièvre et Rhône et 2 autres communes »);
        empty without an area. Departments, intercommunalities and communes prefetched."""
        departments = sorted(department.code for department in self.competence_departments.all())
        epcis = sorted(epci.name for epci in self.competence_epcis.all())
        communes, excluded = len(self.competence_communes.all()), len(self.excluded_communes.all())
        parts = []
        if len(departments) == len(DEPARTMENT_OF):
            parts.append("toute la région Auvergne-Rhône-Alpes")
        elif departments:
            named = ", ".join(f"{DEPARTMENT_OF[code]} ({code})" for code in departments)
            parts.append(f"{plural_fr(len(departments), 'le département', 'les départements')} {named}")
        if epcis:
            parts.append(f"{plural_fr(len(epcis), "l'intercommunalité", 'les intercommunalités')} {', '.join(epcis)}")
        if communes:
            parts.append(
                f"{communes} {plural_fr(communes, 'autre commune', 'autres communes')}"
                if parts
                else f"{communes} {plural_fr(communes, 'commune', 'communes')}"
            )
        sentence = " et ".join(parts)
        if sentence and excluded:
            sentence += f", sauf {excluded} {plural_fr(excluded, 'commune', 'communes')}"
        return sentence

    def area_communes(self):
        """The communes of the area of competence: those of its departments and intercommunalities,
        and those named, without those taken out (Lyon's arrondissements go with Lyon)."""
        area = (
            Q(department__in=self.competence_departments.all())
            | Q(epci__in=self.competence_epcis.all())
            | Q(pk__in=self.competence_communes.all())
        )
        return Commune.objects.filter(area, kind=CommuneKind.COMMUNE).exclude(pk__in=self.excluded_communes.all())

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, *args, **kwargs):
        structure = super().from_db(*args, **kwargs)
        # The name as read: a renamed structure's points get their search text again (save()).
        structure._loaded_name = structure.__dict__.get("name")
        return structure

    @property
    def is_renamed(self):
        """Its name changed since it was read from the database."""
        return not self._state.adding and getattr(self, "_loaded_name", self.name) != self.name

    def save(self, *args, **kwargs):
        renamed = self.is_renamed
        self.sync_derived_fields()
        super().save(*args, **kwargs)
        if renamed:
            Structure.renamed([self])

    @classmethod
    def after_bulk_update(cls, structures):
        """What save() does after writing, for structures written in bulk (imports)."""
        renamed = [structure for structure in structures if structure.is_renamed]
        if renamed:
            cls.renamed(renamed)

    @classmethod
    def renamed(cls, structures):
        """After `structures` were renamed (saved, or written in bulk by an import): their points'
        search text follows, and the name read becomes the new one."""
        points = cls._meta.get_field("points").related_model.objects
        points.filter(structure__in=[structure.pk for structure in structures]).sync_search_text()
        for structure in structures:
            structure._loaded_name = structure.name

    def sync_derived_fields(self):
        """Fill the columns derived from other fields (bulk paths skip save() and call this)."""
        self.search_text = normalize(self.name)

    def get_absolute_url(self):
        return reverse("annuaire:structure", args=[self.slug])

    def clean(self):
        super().clean()
        if self.label_start and self.label_end and self.label_end < self.label_start:
            raise ValidationError({"label_end": "La fin du label doit venir après la date de son attribution."})
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

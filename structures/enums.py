"""Controlled values of the domain, with the French labels users read."""

from django.db import models


class Circle(models.IntegerChoices):
    STATE = 1, "Cercle 1 — services publics de l'État"
    CEP_AND_CHAMBERS = 2, "Cercle 2 — opérateurs du conseil en évolution professionnelle et chambres consulaires"
    LABELLED = 3, "Cercle 3 — structures labellisées par la Région"


class CommuneKind(models.TextChoices):
    """Lyon, Marseille and Paris also list their arrondissements, which people type as communes."""

    COMMUNE = "commune", "Commune"
    ARRONDISSEMENT = "arrondissement", "Arrondissement municipal"


class PublicationStatus(models.TextChoices):
    """Only a published record is on the public site; an archived one is kept for its history."""

    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    ARCHIVED = "archived", "Archivée"


class LabelStatus(models.TextChoices):
    """Circle 3 only: the Region's label, granted for a fixed period after a call for applications."""

    NOT_APPLICABLE = "not_applicable", "Sans objet (cercles 1 et 2)"
    CANDIDATE = "candidate", "Candidature en cours"
    GRANTED = "granted", "Labellisée"
    WITHDRAWN = "withdrawn", "Label retiré"


class PointKind(models.TextChoices):
    """A permanence is held at set times in someone else's premises; a mobile point travels."""

    MAIN = "main", "Site principal"
    BRANCH = "branch", "Antenne"
    PERMANENCE = "permanence", "Permanence"
    MOBILE = "mobile", "Point d'accueil mobile"


class GeoPrecision(models.TextChoices):
    """Whether the position is the place's own, or only its commune's (shown as approximate)."""

    EXACT = "exact", "Position exacte du lieu"
    COMMUNE = "commune", "Position approximative (centre de la commune)"


class Accessibility(models.TextChoices):
    """Wheelchair access, as the structure declares it."""

    ACCESSIBLE = "accessible", "Accessible en fauteuil roulant"
    NOT_ACCESSIBLE = "not_accessible", "Non accessible en fauteuil roulant"
    UNKNOWN = "unknown", "Accessibilité non renseignée"


class Territory(models.TextChoices):
    """How a network divides the region between its structures: a person goes to the one competent
    for their commune (Mission Locale, CIO, France Travail) or their department (Cap emploi, the
    chambers); the others receive anyone."""

    NONE = "", "Ouvert à tous, sans secteur"
    COMMUNE = "commune", "Par commune (secteurs de communes ou d'intercommunalités)"
    DEPARTMENT = "departement", "Par département"


class Weekday(models.IntegerChoices):
    """Numbered like Python's date.weekday(): Monday is 0."""

    MONDAY = 0, "Lundi"
    TUESDAY = 1, "Mardi"
    WEDNESDAY = 2, "Mercredi"
    THURSDAY = 3, "Jeudi"
    FRIDAY = 4, "Vendredi"
    SATURDAY = 5, "Samedi"
    SUNDAY = 6, "Dimanche"


class Recurrence(models.TextChoices):
    """Which weeks of the month an opening slot applies to."""

    WEEKLY = "weekly", "Chaque semaine"
    FIRST_AND_THIRD = "first_third", "1er et 3e du mois"
    SECOND_AND_FOURTH = "second_fourth", "2e et 4e du mois"
    FIRST = "first", "1er du mois"
    LAST = "last", "Dernier du mois"

"""Factories for the domain models.

The reference data (departments, networks, publics, levels, communes) is loaded once per test
database (tests/conftest.py), so factories point at real rows instead of inventing them:

    point = ReceptionPointFactory(commune_insee="42218")            # a point in Saint-Étienne
    structure = StructureFactory(network_slug="cidff", labelled=True)  # circle 3, label in force
    ReceptionPointFactory(structure__unpublished=True)              # hidden from the public
"""

from datetime import date, time, timedelta

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from structures.enums import Accessibility, GeoPrecision, LabelStatus, PointKind, PublicationStatus
from structures.models import (
    Closure,
    Commune,
    ErrorReport,
    Network,
    OpeningHours,
    Public,
    ReceptionPoint,
    ServiceLevel,
    Structure,
)


def set_vocabularies(instance, create, publics=None, levels=None):
    if not create:
        return
    if publics is not None:
        instance.publics.set(Public.objects.filter(slug__in=publics))
    if levels is not None:
        instance.levels.set(ServiceLevel.objects.filter(level__in=levels))


class WithVocabulariesFactory(factory.django.DjangoModelFactory):
    """publics=[slugs] and levels=[numbers] set the many-to-many vocabularies after creation."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def publics(self, create, extracted, **kwargs):
        set_vocabularies(self, create, publics=extracted)

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        set_vocabularies(self, create, levels=extracted)


class StructureFactory(WithVocabulariesFactory):
    class Meta:
        model = Structure

    class Params:
        network_slug = "mission-locale"
        unpublished = factory.Trait(status=PublicationStatus.DRAFT)
        labelled = factory.Trait(
            network_slug="association",
            label_status=LabelStatus.GRANTED,
            label_start=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=365)),
            label_end=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365)),
        )
        label_expired = factory.Trait(
            network_slug="association",
            label_status=LabelStatus.GRANTED,
            label_start=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3 * 365)),
            label_end=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
        )

    name = factory.Sequence(lambda n: f"Structure de test n° {n}")
    slug = factory.Sequence(lambda n: f"structure-de-test-{n}")
    network = factory.LazyAttribute(lambda o: Network.objects.get(slug=o.network_slug))
    status = PublicationStatus.PUBLISHED


class ReceptionPointFactory(WithVocabulariesFactory):
    """publics/levels here are the point's own, when they differ from its structure's."""

    class Meta:
        model = ReceptionPoint

    class Params:
        commune_insee = "42218"

    structure = factory.SubFactory(StructureFactory)
    name = factory.Sequence(lambda n: f"Lieu de test n° {n}")
    slug = factory.Sequence(lambda n: f"lieu-de-test-{n}")
    kind = PointKind.MAIN
    commune = factory.LazyAttribute(lambda o: Commune.objects.get(insee_code=o.commune_insee))
    postal_code = factory.LazyAttribute(lambda o: o.commune.postal_code_list[0])
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    geo_precision = GeoPrecision.COMMUNE
    walk_in = True
    by_appointment = True
    accessibility = Accessibility.ACCESSIBLE
    is_published = True

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        """ReceptionPointFactory(hours=[(1, "09:00", "12:00")]): weekly slots."""
        if create and extracted:
            for weekday, opens, closes in extracted:
                OpeningHours.objects.create(
                    point=self, weekday=weekday, opens=time.fromisoformat(opens), closes=time.fromisoformat(closes)
                )


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    point = factory.SubFactory(ReceptionPointFactory)
    weekday = 0
    opens = time(9, 0)
    closes = time(12, 0)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    point = factory.SubFactory(ReceptionPointFactory)
    starts_on = date(2026, 12, 24)
    ends_on = date(2027, 1, 1)
    message = "Fermé du 24 décembre au 1er janvier."


class ErrorReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ErrorReport

    point = factory.SubFactory(ReceptionPointFactory)
    message = "Les horaires ont changé."


STAFF_PASSWORD = "mot-de-passe-de-test-1234"


def staff_member(group_name, username):
    """A back-office account in one role (group) of structures/roles.py."""
    user = User.objects.create_user(username, password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def bulk_points(prefix, positions, commune_insee="69123", network="mission-locale"):
    """Many published points of one new structure, one per (latitude, longitude), created at once;
    their slugs are « <prefix>-000 », « <prefix>-001 »…"""
    structure = StructureFactory(name=f"Structure {prefix}", network_slug=network)
    commune = Commune.objects.get(insee_code=commune_insee)
    points = [
        ReceptionPoint(
            structure=structure,
            name=f"{prefix} n° {n:03d}",
            slug=f"{prefix.lower()}-{n:03d}",
            kind=PointKind.MAIN,
            commune=commune,
            postal_code=commune.postal_code_list[0],
            latitude=latitude,
            longitude=longitude,
            geo_precision=GeoPrecision.EXACT,
            is_published=True,
        )
        for n, (latitude, longitude) in enumerate(positions)
    ]
    for point in points:
        point.sync_derived_fields(structure.name)
    return ReceptionPoint.objects.bulk_create(points)


def week_fields(slots, name="week"):
    """The fields of the back office's week of hours (structures/admin_week.py) for `slots`
    (weekday, opens, closes[, weeks[, note]]), as a browser would post them: three ranges a day."""
    data, used = {}, {}
    for weekday, opens, closes, *rest in slots:
        index = used.get(weekday, 0)
        used[weekday] = index + 1
        data[f"{name}_{weekday}_{index}_range"] = f"{opens} – {closes}"
        data[f"{name}_{weekday}_{index}_weeks"] = rest[0] if rest else "weekly"
        data[f"{name}_{weekday}_{index}_note"] = rest[1] if len(rest) > 1 else ""
    for weekday in range(7):
        for index in range(used.get(weekday, 0), max(3, used.get(weekday, 0) + 1)):
            data[f"{name}_{weekday}_{index}_range"] = ""
            data[f"{name}_{weekday}_{index}_weeks"] = "weekly"
            data[f"{name}_{weekday}_{index}_note"] = ""
        if weekday not in used:
            data[f"{name}_{weekday}_closed"] = "on"
    return data

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from structures.enums import LabelStatus, PointKind
from structures.geo import great_circle_km
from structures.models import Commune, Network, ReceptionPoint, Structure
from tests.structures.factories import (
    ClosureFactory,
    OpeningHoursFactory,
    ReceptionPointFactory,
    StructureFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(error):
    return [message for messages in error.value.message_dict.values() for message in messages]


class TestDatabaseConstraints:
    @pytest.mark.parametrize(("field", "value"), [("latitude", 91.0), ("latitude", -91.0), ("longitude", 181.0)])
    def test_point_coordinates_must_be_in_range(self, field, value):
        with pytest.raises(IntegrityError):
            ReceptionPointFactory(**{field: value})

    def test_point_needs_a_reception_mode(self):
        with pytest.raises(IntegrityError):
            ReceptionPointFactory(on_site=False, by_phone=False, by_video=False)

    def test_on_site_point_needs_walk_in_or_appointment(self):
        with pytest.raises(IntegrityError):
            ReceptionPointFactory(on_site=True, walk_in=False, by_appointment=False)

    def test_point_slug_is_unique(self):
        ReceptionPointFactory(slug="cio-de-vienne")
        with pytest.raises(IntegrityError):
            ReceptionPointFactory(slug="cio-de-vienne")

    def test_structure_slug_is_unique(self):
        StructureFactory(slug="mission-locale-de-lyon")
        with pytest.raises(IntegrityError):
            StructureFactory(slug="mission-locale-de-lyon")

    # (12:00, 9:00) closes before it opens; (22:00, 2:00) would cross midnight: both refused.
    @pytest.mark.parametrize(
        ("opens", "closes"), [(time(12, 0), time(9, 0)), (time(9, 0), time(9, 0)), (time(22, 0), time(2, 0))]
    )
    def test_opening_slot_opens_before_it_closes(self, opens, closes):
        with pytest.raises(IntegrityError):
            OpeningHoursFactory(opens=opens, closes=closes)

    def test_weekday_must_exist(self):
        with pytest.raises(IntegrityError):
            OpeningHoursFactory(weekday=7)

    def test_closure_ends_after_it_starts(self):
        with pytest.raises(IntegrityError):
            ClosureFactory(starts_on=date(2027, 1, 2), ends_on=date(2027, 1, 1))

    def test_exceptional_hours_need_both_times(self):
        with pytest.raises(IntegrityError):
            ClosureFactory(opens=time(9, 0), closes=None)

    def test_label_ends_after_it_starts(self):
        with pytest.raises(IntegrityError):
            StructureFactory(
                network_slug="cidff",
                label_status=LabelStatus.GRANTED,
                label_start=date(2026, 1, 1),
                label_end=date(2025, 12, 31),
            )

    def test_commune_coordinates_in_range(self):
        commune = Commune.objects.get(insee_code="42218")
        commune.latitude = 100
        with pytest.raises(IntegrityError):
            commune.save()


class TestReceptionPointClean:
    def test_valid_point_passes(self):
        point = ReceptionPointFactory.build(
            structure=StructureFactory(), commune=Commune.objects.get(insee_code="42218"), postal_code="42100"
        )
        point.full_clean()

    def test_postal_code_must_belong_to_the_commune(self):
        point = ReceptionPointFactory.build(structure=StructureFactory(), postal_code="69001")
        with pytest.raises(ValidationError) as error:
            point.full_clean()
        assert "Le code postal 69001 ne correspond pas à la commune Saint-Étienne" in messages_of(error)[0]
        assert "42000, 42100, 42230" in messages_of(error)[0]

    def test_point_outside_the_region_is_refused(self):
        # Paris, Notre-Dame.
        point = ReceptionPointFactory.build(structure=StructureFactory(), latitude=48.853, longitude=2.3499)
        with pytest.raises(ValidationError) as error:
            point.full_clean()
        assert "Cette position est en dehors de la région Auvergne-Rhône-Alpes." in messages_of(error)

    def test_point_far_from_its_commune_is_refused(self):
        # Lyon's coordinates for a point said to be in Saint-Étienne (about 50 km away).
        point = ReceptionPointFactory.build(structure=StructureFactory(), latitude=45.764, longitude=4.8357)
        with pytest.raises(ValidationError) as error:
            point.full_clean()
        assert any("vérifiez la commune ou les coordonnées" in message for message in messages_of(error))

    def test_permanence_needs_a_host(self):
        point = ReceptionPointFactory.build(structure=StructureFactory(), kind=PointKind.PERMANENCE)
        with pytest.raises(ValidationError) as error:
            point.full_clean()
        assert "Indiquez où se tient la permanence (structure ou lieu qui l'accueille)." in messages_of(error)

    def test_permanence_hosted_in_a_town_hall_passes(self):
        point = ReceptionPointFactory.build(
            structure=StructureFactory(), kind=PointKind.PERMANENCE, host_name="Mairie de Saint-Étienne"
        )
        point.full_clean()

    def test_invalid_phone_number_is_refused_in_french(self):
        point = ReceptionPointFactory.build(structure=StructureFactory(), phone="12 34")
        with pytest.raises(ValidationError) as error:
            point.full_clean()
        assert error.value.message_dict["phone"] == [
            "Ce numéro de téléphone n'est pas un numéro français valide (ex. : 04 72 00 00 00)."
        ]

    def test_search_text_is_filled_on_save(self):
        point = ReceptionPointFactory(name="CIO de Saint-Étienne", structure__name="Académie de Lyon — CIO")
        assert ReceptionPoint.objects.get(pk=point.pk).search_text == "cio de saint etienne academie de lyon cio"

    def test_renaming_a_structure_writes_its_points_search_text_again(self):
        point = ReceptionPointFactory(name="Accueil de Firminy", structure__name="Maison de l'emploi")
        other = ReceptionPointFactory(name="Accueil de Roanne", structure__name="Espace métiers")
        structure = Structure.objects.get(pk=point.structure_id)
        structure.name = "Cité des métiers Loire Sud"
        structure.save()
        assert ReceptionPoint.objects.get(pk=point.pk).search_text == "accueil de firminy cite des metiers loire sud"
        assert ReceptionPoint.objects.get(pk=other.pk).search_text == "accueil de roanne espace metiers"
        # Found by the new name, no longer by the old one.
        assert list(ReceptionPoint.objects.matching(["cite", "metiers"])) == [point]
        assert not ReceptionPoint.objects.matching(["maison", "emploi"]).exists()


class TestStructureClean:
    def test_circle_three_structure_needs_a_label_status(self):
        structure = StructureFactory.build(network=Network.objects.get(slug="cidff"))
        with pytest.raises(ValidationError) as error:
            structure.full_clean()
        assert "Une structure du cercle 3 doit avoir un statut de label régional." in messages_of(error)

    def test_granted_label_needs_dates(self):
        structure = StructureFactory.build(network=Network.objects.get(slug="mife"), label_status=LabelStatus.GRANTED)
        with pytest.raises(ValidationError) as error:
            structure.full_clean()
        assert error.value.messages == [
            "Une structure labellisée doit avoir une date d'attribution et une date de fin de label."
        ]

    def test_label_end_before_its_start_is_explained(self):
        structure = StructureFactory.build(
            network=Network.objects.get(slug="cidff"),
            label_status=LabelStatus.GRANTED,
            label_start=date(2026, 6, 1),
            label_end=date(2026, 5, 31),
        )
        with pytest.raises(ValidationError) as error:
            structure.full_clean()
        assert error.value.message_dict == {
            "label_end": ["La fin du label doit venir après la date de son attribution."]
        }

    def test_only_circle_three_is_labelled(self):
        structure = StructureFactory.build(network=Network.objects.get(slug="cio"), label_status=LabelStatus.GRANTED)
        with pytest.raises(ValidationError) as error:
            structure.full_clean()
        assert "Seules les structures du cercle 3 sont labellisées par la Région." in messages_of(error)


class TestPublishedQuerysets:
    def test_published_structures(self):
        visible = {
            StructureFactory(network_slug="cio"),
            StructureFactory(labelled=True),
        }
        StructureFactory(unpublished=True)
        StructureFactory(label_expired=True)
        StructureFactory(network_slug="mife", label_status=LabelStatus.WITHDRAWN)
        StructureFactory(
            network_slug="cidff",
            label_status=LabelStatus.GRANTED,
            label_start=timezone.localdate() + timedelta(days=10),
            label_end=timezone.localdate() + timedelta(days=1000),
        )
        assert set(Structure.objects.published()) == visible

    def test_label_is_in_force_on_its_last_day(self):
        structure = StructureFactory(
            labelled=True, label_end=timezone.localdate(), label_start=timezone.localdate() - timedelta(days=1)
        )
        assert list(Structure.objects.published()) == [structure]

    def test_published_points(self):
        visible = ReceptionPointFactory()
        ReceptionPointFactory(is_published=False)
        ReceptionPointFactory(structure=StructureFactory(unpublished=True))
        ReceptionPointFactory(structure=StructureFactory(label_expired=True))
        assert list(ReceptionPoint.objects.published()) == [visible]


@pytest.mark.parametrize(
    ("a", "b", "expected_km"),
    [
        # Lyon (Bellecour) to Saint-Étienne (Hôtel de ville): about 50 km as the crow flies.
        ((45.7578, 4.8320), (45.4397, 4.3872), 49.5),
        # One degree of latitude: about 111.2 km.
        ((45.0, 4.0), (46.0, 4.0), 111.2),
        ((45.0, 4.0), (45.0, 4.0), 0.0),
    ],
)
def test_great_circle_km(a, b, expected_km):
    assert great_circle_km(*a, *b) == pytest.approx(expected_km, abs=0.5)

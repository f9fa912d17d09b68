import csv
import hashlib
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from structures.demo.builder import (
    DILA_2019_CSV,
    FRANCE_TRAVAIL_CSV,
    MISSIONS_LOCALES_CSV,
    agency_label,
    tidy_case,
)
from structures.demo.writer import load_demo_data
from structures.enums import Circle, GeoPrecision, LabelStatus, Recurrence
from structures.geo import great_circle_km
from structures.imports.dila import first_phone
from structures.models import (
    Closure,
    Commune,
    OpeningHours,
    ReceptionPoint,
    Structure,
)
from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo_data()


def fingerprint():
    """A digest of everything the demo data set contains, independent of primary keys."""
    digest = hashlib.sha256()
    for row in Structure.objects.order_by("slug").values_list(
        "slug", "name", "network__slug", "label_status", "label_start", "label_end", "phone", "email",
        "last_verified_on", "source", "source_date", "website",
    ):  # fmt: skip
        digest.update(repr(row).encode())
    for row in ReceptionPoint.objects.order_by("slug").values_list(
        "slug", "structure__slug", "name", "kind", "commune_id", "postal_code", "latitude", "longitude",
        "address", "phone", "walk_in", "by_appointment", "by_phone", "by_video", "accessibility",
        "is_published", "host_name",
    ):  # fmt: skip
        digest.update(repr(row).encode())
    for row in OpeningHours.objects.order_by("point__slug", "weekday", "opens").values_list(
        "point__slug", "weekday", "opens", "closes", "note"
    ):
        digest.update(repr(row).encode())
    for relation in ("publics__slug", "levels__level", "competence_departments__code", "competence_communes__pk"):
        for row in Structure.objects.order_by("slug", relation).values_list("slug", relation):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_counts_at_the_real_scale_of_the_spro(demo):
    assert Structure.objects.count() == 544
    assert 1100 <= ReceptionPoint.objects.count() <= 1200
    circles = set(Structure.objects.values_list("network__circle", flat=True))
    assert circles == {Circle.STATE, Circle.CEP_AND_CHAMBERS, Circle.LABELLED}
    assert ReceptionPoint.objects.filter(structure__network__slug="mission-locale").count() > 550
    assert ReceptionPoint.objects.filter(kind="permanence", structure__network__slug="mission-locale").count() > 300
    per_department = dict(
        ReceptionPoint.objects.values_list("commune__department")
        .annotate(n=Count("pk"))
        .values_list("commune__department", "n")
    )
    assert len(per_department) == 12
    # The most populous departments have the most points (Rhône, Isère), the least populous the fewest.
    assert per_department["69"] > per_department["38"] > per_department["15"]


def test_every_departmental_network_is_in_every_department(demo):
    for network in ("cio", "cap-emploi", "cma", "cidff", "france-travail", "mission-locale", "info-jeunes"):
        departments = set(
            ReceptionPoint.objects.filter(structure__network__slug=network).values_list(
                "commune__department", flat=True
            )
        )
        assert len(departments) == 12, network


def test_labelled_structures_of_circle_three(demo):
    labelled = Structure.objects.filter(network__circle=Circle.LABELLED)
    assert labelled.count() == 28
    assert set(labelled.values_list("label_status", flat=True)) == {LabelStatus.GRANTED}
    today = timezone.localdate()
    expired = labelled.filter(label_end__lt=today)
    assert expired.exists()
    assert not Structure.objects.published().filter(pk__in=expired).exists()
    belleville = labelled.get(name__contains="Belleville-en-Beaujolais")
    assert belleville.points.get().commune_id == "69019"


def test_real_missions_locales_are_used_with_their_source(demo):
    with open(MISSIONS_LOCALES_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missions = Structure.objects.filter(network__slug="mission-locale")
    assert missions.count() == len(rows) == 61
    for row in rows:
        code = row["source_id"].removeprefix("imilo:")
        structure = missions.get(source__contains=code)
        main = structure.points.get(kind="main")
        assert main.commune_id == row["insee_code"]
    # Every commune of the region (but Lyon's arrondissements) depends on exactly one Mission Locale.
    # Every commune of the region has exactly one competent Mission Locale: each covers whole
    # intercommunalities, and each intercommunality goes to one of them.
    communes = set(Commune.objects.filter(kind="commune").values_list("pk", flat=True))
    covering = Counter()
    for mission in missions.prefetch_related("competence_epcis"):
        assert mission.area_communes().exists(), mission.name
        covering.update(mission.area_communes().values_list("pk", flat=True))
    assert set(covering) == communes
    assert set(covering.values()) == {1}
    for insee in ("38544", "15014", "74010", "43157", "01173", "69123"):
        competent = Structure.objects.published().filter(network__slug="mission-locale").competent_for(insee)
        assert competent.count() == 1, insee


def test_real_france_travail_agencies_keep_their_address(demo):
    with open(FRANCE_TRAVAIL_CSV, encoding="utf-8", newline="") as handle:
        rows = {row["source_id"]: row for row in csv.DictReader(handle)}
    agencies = ReceptionPoint.objects.filter(structure__network__slug="france-travail", kind="main")
    assert agencies.count() == len(rows) == 94
    for point in agencies:
        row = next(r for code, r in rows.items() if code in point.source)
        assert point.geo_precision == GeoPrecision.EXACT
        assert (point.latitude, point.longitude) == (float(row["latitude"]), float(row["longitude"]))
        assert point.address.lower() == row["address"].lower()
    assert ReceptionPoint.objects.filter(name="Relais France Travail de Chamonix-Mont-Blanc").exists()


def test_every_demo_record_is_flagged_and_says_its_source(demo):
    assert not Structure.objects.filter(is_demo=False).exists()
    assert not ReceptionPoint.objects.filter(is_demo=False).exists()
    assert not Structure.objects.filter(source="").exists()
    assert not ReceptionPoint.objects.filter(source="").exists()


def test_synthetic_places_have_no_invented_address_and_fictional_contacts(demo):
    invented = ReceptionPoint.objects.filter(source_date__isnull=True)
    synthetic = invented.exclude(structure__network__slug="france-travail", kind="main")
    assert not synthetic.exclude(address="").exists()
    assert not synthetic.exclude(geo_precision=GeoPrecision.COMMUNE).exists()
    # ARCEP reserves 04 65 71 xx xx for works of fiction; .example is reserved by RFC 2606.
    assert not invented.exclude(phone__startswith="04 65 71 ").exists()
    assert not Structure.objects.exclude(email="").exclude(email__endswith="@demo.example").exists()


def test_every_demo_record_passes_model_validation(demo):
    # Unique fields and Meta constraints are the database's own checks, which these rows passed when
    # they were inserted; full_clean() checks the rest (fields, validators, clean()).
    for structure in Structure.objects.select_related("network"):
        structure.full_clean(validate_unique=False, validate_constraints=False)
    for point in ReceptionPoint.objects.select_related("commune", "structure"):
        point.full_clean(validate_unique=False, validate_constraints=False)
        distance = great_circle_km(point.latitude, point.longitude, point.commune.latitude, point.commune.longitude)
        assert distance < 5, point.name
    for hours in OpeningHours.objects.all():
        hours.full_clean(validate_unique=False, validate_constraints=False)
    for closure in Closure.objects.all():
        closure.full_clean(validate_unique=False, validate_constraints=False)


def test_hours_are_realistic(demo):
    invented = ReceptionPoint.objects.filter(source_date__isnull=True)
    assert OpeningHours.objects.filter(point__in=invented).count() > 3 * invented.count()
    assert OpeningHours.objects.exclude(note="").exists()
    assert OpeningHours.objects.filter(recurrence=Recurrence.FIRST_AND_THIRD).exists()
    assert OpeningHours.objects.filter(recurrence=Recurrence.SECOND_AND_FOURTH).exists()
    two_slots_a_day = (
        OpeningHours.objects.values("point", "weekday").annotate(slots=Count("pk")).filter(slots__gte=2).count()
    )
    # Most invented places close for lunch.
    assert two_slots_a_day > invented.count() / 2
    assert Closure.objects.filter(opens__isnull=True).exists()
    assert Closure.objects.filter(opens__isnull=False).exists()


def test_the_data_set_is_deterministic_and_idempotent():
    load_demo_data()
    first = fingerprint()
    counts = (Structure.objects.count(), ReceptionPoint.objects.count(), OpeningHours.objects.count())
    load_demo_data()
    assert fingerprint() == first
    assert (Structure.objects.count(), ReceptionPoint.objects.count(), OpeningHours.objects.count()) == counts


def test_reloading_never_touches_real_records():
    real = ReceptionPointFactory(structure__is_demo=False, is_demo=False)
    load_demo_data()
    load_demo_data()
    assert ReceptionPoint.objects.filter(pk=real.pk, structure=real.structure).exists()


@pytest.mark.slow
def test_scale_multiplies_the_points():
    load_demo_data(scale=1)
    base = ReceptionPoint.objects.count()
    load_demo_data(scale=3)
    assert ReceptionPoint.objects.count() == 3 * base
    assert Structure.objects.count() == 544
    copy = ReceptionPoint.objects.filter(slug__endswith="-charge-3").first()
    assert copy is not None
    assert copy.opening_hours.exists()


def test_command_if_empty_leaves_a_filled_database_alone():
    real = ReceptionPointFactory(structure__is_demo=False, is_demo=False)
    call_command("load_demo_data", "--if-empty")
    assert list(Structure.objects.all()) == [real.structure]


def test_command_refuses_a_bad_scale():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--scale doit être un entier supérieur ou égal à 1"):
        call_command("load_demo_data", "--scale", "0")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MISSION LOCALE NORD ISERE", "Mission Locale Nord Isere"),
        ("mission locale du livradois-forez", "Mission Locale du Livradois-Forez"),
        ("Mission Locale de Grenoble", "Mission Locale de Grenoble"),
        ("33 RUE NORMANDIE NIEMEN", "33 rue Normandie Niemen"),
        ("ML TASSIN LA DEMI LUNE", "ML Tassin la Demi Lune"),
    ],
)
def test_tidy_case(raw, expected):
    assert tidy_case(raw) == expected


@pytest.mark.parametrize(
    ("source", "insee_code", "expected"),
    [
        ("ST FLOUR", "15187", "Saint-Flour"),
        ("BOURG EN BRESSE PARME", "01053", "Bourg-en-Bresse Parme"),
        ("SAINT MARTIN D HERES", "38421", "Saint-Martin-d'Hères"),
        ("TOURNON", "07324", "Tournon"),
    ],
)
def test_agency_label(source, insee_code, expected):
    from structures.demo.writer import gazetteer_places

    place = next(p for p in gazetteer_places() if p.insee_code == insee_code)
    assert agency_label(source, place) == expected


# --- The real records of the State's directory (2019) -------------------------------------------

# Per network, as counted in fixtures/README.md.
REAL_2019 = {
    "mission-locale": 113, "info-jeunes": 93, "cio": 49, "cci": 20, "cma": 13, "chambre-agriculture": 12,
    "cidff": 12, "scuio": 8, "apec": 4,
}  # fmt: skip


def test_the_real_2019_records_replace_invented_ones(demo):
    real = ReceptionPoint.objects.filter(source_date="2019-10-22")
    per_network = Counter(real.values_list("structure__network__slug", flat=True))
    assert per_network == REAL_2019
    # Where the directory has them, no invented CIO, chamber, CIDFF or Apec centre is left.
    for network in ("cio", "cci", "cma", "chambre-agriculture", "cidff", "apec"):
        invented = ReceptionPoint.objects.filter(structure__network__slug=network, source_date__isnull=True)
        assert not invented.exclude(kind="permanence").exists(), network
    # The totals stay at the SPRO's real scale.
    assert Structure.objects.count() == 544
    assert 1100 <= ReceptionPoint.objects.count() <= 1200


def test_a_real_record_is_as_published_with_its_source_and_no_invented_hours(demo):
    with open(DILA_2019_CSV, encoding="utf-8", newline="") as handle:
        rows = {row["dila_id"]: row for row in csv.DictReader(handle)}
    real = ReceptionPoint.objects.filter(source_date__isnull=False).select_related("commune")
    assert real.count() == len(rows) == 324
    assert not OpeningHours.objects.filter(point__in=real).exists()
    assert not Closure.objects.filter(point__in=real).exists()
    for point in real:
        row = rows[point.source.split("réf. ")[1].split(".")[0]]
        assert point.address == row["address"].strip()
        assert (point.latitude, point.longitude) == (point.commune.latitude, point.commune.longitude)
        assert point.geo_precision == GeoPrecision.COMMUNE
        assert point.last_verified_on is None
        assert point.is_demo
        assert not point.is_fictional
        assert point.provenance.endswith("données de 2019, non vérifiées depuis.")
    valence = real.get(source__contains="apec-26362-01")
    # Published as « 08 09 36 12 12 / Numéro gris : service gratuit + prix d'un appel… »; a special-rate
    # number is written « 0 809 » (ARCEP's rule, as phonenumbers formats it).
    assert valence.phone == "0 809 36 12 12"
    # The Bureau information jeunesse of Pierre-Bénite (69152), a commune merged in 2024.
    pierre_benite = real.get(source__contains="cij-69152-01")
    assert pierre_benite.commune_id == "69149"


def test_the_sites_of_a_mission_locale_join_the_one_competent_for_their_commune(demo):
    sites = ReceptionPoint.objects.filter(structure__network__slug="mission-locale", source_date__isnull=False)
    assert sites.count() == 113
    for site in sites.select_related("commune", "structure"):
        competent = Structure.objects.filter(network__slug="mission-locale").competent_for(site.commune)
        assert list(competent) == [site.structure], site.name


@pytest.mark.parametrize(
    ("published", "phone"),
    [
        ("08 09 36 12 12 / Numéro gris : service gratuit + prix d’un appel", "0809361212"),
        ("04 76 84 47 77", "0476844777"),
        ("04.73.35.07.00", "0473350700"),
        ("", ""),
    ],
)
def test_the_phone_of_a_record_is_the_number_without_the_sentence_after_it(published, phone):
    assert first_phone(published) == phone

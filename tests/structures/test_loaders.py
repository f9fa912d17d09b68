import csv

import pytest

from structures import reference
from structures.enums import Circle
from structures.loaders import COMMUNES_CSV, GazetteerError, load_communes, load_reference_data
from structures.models import Commune, Department, Network, Public, ServiceLevel

pytestmark = pytest.mark.django_db


def counts():
    return {model.__name__: model.objects.count() for model in (Department, Network, Public, ServiceLevel, Commune)}


def test_reference_data_is_loaded_with_the_region():
    assert list(Department.objects.values_list("code", flat=True)) == [
        "01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74",
    ]  # fmt: skip
    assert set(Network.objects.values_list("circle", flat=True)) == {1, 2, 3}
    assert set(Public.objects.values_list("slug", flat=True)) >= {
        "tout-public", "jeunes-16-25", "scolaires", "etudiants", "demandeurs-emploi", "salaries-prive",
        "independants", "cadres", "agents-publics", "handicap", "femmes-familles",
    }  # fmt: skip
    assert list(ServiceLevel.objects.values_list("level", "name")) == [
        (1, "Accueil et information"),
        (2, "Conseil et accompagnement personnalisé"),
    ]


@pytest.mark.parametrize(
    ("slug", "circle"),
    [
        ("cio", Circle.STATE),
        ("scuio", Circle.STATE),
        ("info-jeunes", Circle.STATE),
        ("france-travail", Circle.CEP_AND_CHAMBERS),
        ("cap-emploi", Circle.CEP_AND_CHAMBERS),
        ("apec", Circle.CEP_AND_CHAMBERS),
        ("mission-locale", Circle.CEP_AND_CHAMBERS),
        ("avenir-actifs", Circle.CEP_AND_CHAMBERS),
        ("cma", Circle.CEP_AND_CHAMBERS),
        ("cci", Circle.CEP_AND_CHAMBERS),
        ("chambre-agriculture", Circle.CEP_AND_CHAMBERS),
        ("mife", Circle.LABELLED),
        ("cidff", Circle.LABELLED),
    ],
)
def test_networks_belong_to_their_circle(slug, circle):
    network = Network.objects.get(slug=slug)
    assert network.circle == circle
    assert network.audience


def test_loaders_run_twice_give_the_same_counts():
    before = counts()
    load_reference_data()
    reports = load_communes()
    assert counts() == before
    assert reports.created == 0
    assert before["Department"] == 12
    assert before["Network"] == len(reference.NETWORKS)


def test_loader_restores_an_edited_reference_row():
    Network.objects.filter(slug="cio").update(circle=Circle.LABELLED)
    Commune.objects.filter(insee_code="42218").update(name="Saint-Etienne sans accent")
    load_reference_data()
    load_communes()
    assert Network.objects.get(slug="cio").circle == Circle.STATE
    commune = Commune.objects.get(insee_code="42218")
    assert (commune.name, commune.search_name) == ("Saint-Étienne", "saint etienne")


def test_every_commune_of_the_file_is_loaded():
    with open(COMMUNES_CSV, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 4000
    assert Commune.objects.count() == len(rows)
    assert set(Commune.objects.values_list("insee_code", flat=True)) == {row["insee_code"] for row in rows}


@pytest.mark.parametrize(
    ("insee_code", "name", "department", "postal_codes"),
    [
        ("42218", "Saint-Étienne", "42", ["42000", "42100", "42230"]),
        ("69019", "Belleville-en-Beaujolais", "69", ["69220"]),
        ("43157", "Le Puy-en-Velay", "43", ["43000"]),
        ("01001", "L'Abergement-Clémenciat", "01", ["01400"]),
        ("63113", "Clermont-Ferrand", "63", ["63000", "63100"]),
        ("69123", "Lyon", "69", [f"6900{n}" for n in range(1, 10)]),
    ],
)
def test_gazetteer_spot_checks(insee_code, name, department, postal_codes):
    commune = Commune.objects.get(insee_code=insee_code)
    assert (commune.name, commune.department_id, commune.postal_code_list) == (name, department, postal_codes)
    assert 44.1 < commune.latitude < 46.9
    assert 2.0 < commune.longitude < 7.2
    assert commune.population > 0


def test_saint_etienne_coordinates():
    commune = Commune.objects.get(insee_code="42218")
    assert (commune.latitude, commune.longitude) == pytest.approx((45.4241, 4.36647))


def test_each_department_has_its_communes():
    # Figures of the INSEE Code officiel géographique 2026 (communes, without Lyon's arrondissements).
    expected = {"01": 391, "03": 317, "07": 335, "15": 250, "26": 362, "38": 512,
                "42": 320, "43": 257, "63": 463, "69": 266, "73": 273, "74": 279}  # fmt: skip
    for code, count in expected.items():
        assert Commune.objects.filter(department_id=code, kind="commune").count() == count, code


def write_csv(path, rows):
    header = "insee_code,name,department_code,postal_codes,latitude,longitude,population,kind,coord_source\n"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("99999,Nulle-Part,99,99000,45.0,4.0,10,commune,x\n", "Ligne 3 : département inconnu « 99 »."),
        ("99999,Paris,69,75001,48.85,2.35,10,commune,x\n", "Ligne 3 : position hors de la région"),
        ("99999,Sans-Code,69,,45.0,4.0,10,commune,x\n", "Ligne 3 : codes postaux invalides"),
        ("99999,Virgule,69,69000,45,5,4.0,10,commune\n", "Ligne 3 : valeur numérique invalide"),
    ],
)
def test_bad_gazetteer_file_saves_nothing(tmp_path, bad_row, message):
    good_row = "99998,Bonne-Ligne,69,69000,45.0,4.8,10,commune,x\n"
    path = write_csv(tmp_path / "communes.csv", [good_row, bad_row])
    before = Commune.objects.count()
    with pytest.raises(GazetteerError) as error:
        load_communes(path)
    assert str(error.value).startswith(message)
    assert Commune.objects.count() == before

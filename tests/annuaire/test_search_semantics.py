"""What a person types → which place the search uses. Expected places are facts of the gazetteer."""

import pytest

from annuaire.places import resolve
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ("saint etienne", "commune", "42218"),
        ("St-Étienne", "commune", "42218"),
        ("ST ETIENNE", "commune", "42218"),
        ("Saint-Étienne", "commune", "42218"),
        ("st etienne ", "commune", "42218"),
        ("42000", "commune", "42218"),
        ("42100", "commune", "42218"),
        ("le puy en velay", "commune", "43157"),
        ("Le Puy-en-Velay", "commune", "43157"),
        ("LE PUY", "commune", "43157"),
        ("69", "departement", "69"),
        ("01", "departement", "01"),
        ("Rhône", "departement", "69"),
        ("rhone", "departement", "69"),
        ("haute savoie", "departement", "74"),
        ("Puy-de-Dôme", "departement", "63"),
        ("ain", "departement", "01"),
        ("lyon", "commune", "69123"),
        ("69003", "commune", "69383"),
        ("grenoble", "commune", "38185"),
        ("38100", "commune", "38185"),
        ("clermont ferrand", "commune", "63113"),
        # A village is called exactly « Clermont » (Haute-Savoie, 474 inhabitants): Clermont-Ferrand,
        # 300 times larger, is what people mean; the village is offered (test_search_understanding).
        ("clermont", "commune", "63113"),
        ("clermont fer", "commune", "63113"),
        ("Vaulx en Velin", "commune", "69256"),
        ("VENISSIEUX", "commune", "69259"),
        ("ste foy les lyon", "commune", "69202"),
        ("Sainte Foy", "commune", "69202"),
        ("st julien en genevois", "commune", "74243"),
        ("saint julien", "commune", "69215"),
        ("saint priest", "commune", "69290"),
        ("69220", "commune", "69019"),
        ("belleville en beaujolais", "commune", "69019"),
        ("l'abergement clémenciat", "commune", "01001"),
        ("chamonix", "commune", "74056"),
        ("bourg", "commune", "01053"),
        ("le teil", "commune", "07319"),
        # As the suggestions write them: the postal code tells homonyms apart.
        ("Saint-Priest (07000)", "commune", "07288"),
        ("Saint-Priest (69800)", "commune", "69290"),
        ("saint priest 07000", "commune", "07288"),
        # The postal code names one arrondissement: that one rather than the whole city.
        ("Lyon (69003)", "commune", "69383"),
    ],
)
def test_query_resolves_to_the_expected_place(query, kind, expected):
    place = resolve(query).place
    assert place.kind == kind
    assert (place.insee_code if kind == "commune" else place.department) == expected


def test_department_is_searched_from_its_prefecture():
    place = resolve("42").place
    assert (place.name, place.latitude, place.longitude) == ("Loire", 45.4241, 4.36647)


@pytest.mark.parametrize(
    ("query", "ambiguous", "includes"),
    [
        # 26 communes start with « Saint-Julien »; one is called exactly that.
        ("saint julien", False, "74243"),
        # Two communes are called Saint-Priest (Ardèche and Rhône): the more populous is chosen.
        ("saint priest", True, "07288"),
        ("bourg", True, "01054"),
        ("clermont", True, "74078"),
    ],
)
def test_other_matching_communes_are_offered(query, ambiguous, includes):
    resolution = resolve(query)
    assert resolution.ambiguous is ambiguous
    assert includes in [candidate.insee_code for candidate in resolution.candidates]


def test_saint_julien_offers_the_other_communes_of_that_name():
    resolution = resolve("saint julien")
    assert len(resolution.candidates) == 12
    # Communes and former communes (« Saint-Julien-… (commune de …) ») of that name.
    assert all(candidate.label.startswith("Saint-Julien") for candidate in resolution.candidates)


def test_postal_code_shared_by_several_communes_offers_them_all():
    resolution = resolve("69220")
    assert {c.insee_code for c in resolution.candidates} >= {"69036", "69045", "69242"}
    assert all(candidate.postal_code == "69220" for candidate in resolution.candidates)


def test_a_network_and_a_town_are_read_as_a_filter_and_a_place():
    resolution = resolve("mission locale de lyon")
    assert resolution.network == "mission-locale"
    assert resolution.place.insee_code == "69123"


def test_structure_name_is_searched_in_names():
    structure = StructureFactory(name="Maison de l'emploi Arve Faucigny")
    ReceptionPointFactory(structure=structure, name="Maison de l'emploi — accueil principal")
    resolution = resolve("maison emploi arve")
    assert resolution.place is None
    assert resolution.name_words == ["maison", "emploi", "arve"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("75", "Le département « 75 » n'est pas en Auvergne-Rhône-Alpes."),
        ("75001", "Paris (Paris) est en Île-de-France : cet annuaire couvre la région Auvergne-Rhône-Alpes."),
    ],
)
def test_places_outside_the_region_get_a_french_message(query, message):
    assert resolve(query).message == message


def test_a_word_inside_a_commune_name_offers_the_commune():
    resolution = resolve("etienne")
    assert resolution.place is None
    assert resolution.candidates[0].insee_code == "42218"

"""What people really type, and the place or network the search must understand.

The expected answers are facts of the data files (fixtures/communes-ara.csv,
fixtures/communes-deleguees-associees-ara.csv, fixtures/communes-hors-region.csv), written here
by hand; the queries are of the kinds people type on a phone. Each category reports its share.
"""

import pytest

from annuaire.places import resolve

pytestmark = pytest.mark.django_db

# (query, expected commune INSEE code)
TYPOS = [
    ("vilefranche sur saone", "69264"),
    ("villefranche sur saonne", "69264"),
    ("grenobl", "38185"),
    ("grneoble", "38185"),
    ("annonnay", "07010"),
    ("anonay", "07010"),
    ("valance", "26362"),
    ("montbrisson", "42147"),
    ("clermont ferand", "63113"),
    ("st etiene", "42218"),
    ("saint ettienne", "42218"),
    ("chamberi", "73065"),
    ("anecy", "74010"),
    ("annnecy", "74010"),
    ("roane", "42187"),
    ("montlusson", "03185"),
    ("aurilac", "15014"),
    ("le puy en veley", "43157"),
    ("bourg en bress", "01053"),
    ("oyonax", "01283"),
    ("villeurbane", "69266"),
    ("venisieux", "69259"),
    ("thonon les bain", "74281"),
    ("anemasse", "74012"),
    ("albertvile", "73011"),
    ("romans sur isre", "26281"),
    ("montelimard", "26198"),
    ("voirron", "38563"),
    ("bourgoin jalieu", "38053"),
    ("tarrare", "69243"),
    ("isoire", "63178"),
    ("yssingeau", "43268"),
    ("echirolle", "38151"),
    ("sallanche", "74256"),
    ("rumily", "74225"),
]

FORMER_COMMUNES = [
    ("Lancrans", "01033"),
    ("Bâgé-la-Ville", "01025"),
    ("Arbignieu", "01015"),
    ("Bellegarde-sur-Valserine", "01033"),
    ("Seynod", "74010"),
    ("pringy", "74010"),
    ("Annecy-le-Vieux", "74010"),
    ("Cran-Gevrier", "74010"),
    ("Arzay", "38479"),
    ("Givarlais", "03158"),
    ("Cras-sur-Reyssouze", "01130"),
    ("Hauteville-Lompnes", "01185"),
    ("Saint-Girod", "73010"),
    ("Cours-la-Ville", "69066"),
    ("Lompnieu", "01036"),
    ("Mont-de-Lans", "38253"),
    ("Pierre-Bénite", "69149"),
    ("Calvinet", "15027"),
    ("Débats-Rivière-d'Orpra", "42084"),
    ("Amions", "42268"),
    ("Mardore", "69248"),
    ("Chalmazel", "42039"),
    ("Saint-Jean-de-Belleville", "73257"),
    ("Nuelles", "69208"),
    ("Salins les Thermes", "73284"),
    ("oullins", "69149"),
    ("Thezillieu", "01185"),
]

DISTRICTS_AND_POSTAL_FORMS = [
    ("Lyon 1er", "69381"),
    ("lyon 2e", "69382"),
    ("Lyon 3ème", "69383"),
    ("lyon 04", "69384"),
    ("lyon5", "69385"),
    ("Lyon 6 eme", "69386"),
    ("lyon 7eme arrondissement", "69387"),
    ("Lyon 8e arrondissement", "69388"),
    ("LYON 9EME", "69389"),
    ("69008 Lyon", "69388"),
    ("Lyon 69009", "69389"),
    ("69007", "69387"),
    ("63000 Clermont-Ferrand", "63113"),
    ("38000 Grenoble", "38185"),
    ("42100 saint etienne", "42218"),
    ("73000 Chambéry", "73065"),
    ("Villeurbanne 69100", "69266"),
    ("26000", "26362"),
]

CEDEX_FORMS = [
    ("42007 Saint-Étienne Cedex 1", "42218"),
    ("38043 Grenoble Cedex 9", "38185"),
    ("63033 Clermont-Ferrand cedex 1", "63113"),
    ("73011 CHAMBERY CEDEX", "73065"),
    ("26009 VALENCE CEDEX", "26362"),
    ("74041 annecy cedex", "74010"),
    ("69422 Lyon Cedex 03", "69123"),
    ("03017 Moulins cedex", "03190"),
]

# (query, expected department code)
CEDEX_WITHOUT_COMMUNE = [("38043 cedex", "38"), ("01012 CEDEX", "01"), ("42028 cedex 1", "42")]

DEPARTMENTS = [
    ("dept 38", "38"),
    ("département 42", "42"),
    ("Haute Loire (43)", "43"),
    ("Puy de Dome", "63"),
    ("haute-savoie", "74"),
    ("isere", "38"),
    ("ardeche", "07"),
    ("drome", "26"),
    ("Cantal", "15"),
    ("allier", "03"),
    ("savoie", "73"),
    ("Loire", "42"),
    ("dpt 69", "69"),
    ("departement de la Loire", "42"),
    ("(63)", "63"),
    ("ain (01)", "01"),
    ("Rhône 69", "69"),
]

# (query, network, expected commune code or department code)
NETWORKS_AND_PLACES = [
    ("pole emploi annecy", "france-travail", "74010"),
    ("pôle emploi Montélimar", "france-travail", "26198"),
    ("France Travail Villeurbanne", "france-travail", "69266"),
    ("anpe roanne", "france-travail", "42187"),
    ("PIJ Roanne", "info-jeunes", "42187"),
    ("bij bourg en bresse", "info-jeunes", "01053"),
    ("info jeunes valence", "info-jeunes", "26362"),
    ("crij lyon", "info-jeunes", "69123"),
    ("ml vienne", "mission-locale", "38544"),
    ("mission locale grenoble", "mission-locale", "38185"),
    ("Mission Locale d'Oyonnax", "mission-locale", "01283"),
    ("cio chambery", "cio", "73065"),
    ("CIO de Vichy", "cio", "03310"),
    ("scuio saint etienne", "scuio", "42218"),
    ("université grenoble", "scuio", "38185"),
    ("apec lyon", "apec", "69123"),
    ("CIBC clermont ferrand", "avenir-actifs", "63113"),
    ("avenir actifs aurillac", "avenir-actifs", "15014"),
    ("cidff annonay", "cidff", "07010"),
    ("mife moulins", "mife", "03190"),
    ("cma isère", "cma", "38"),
    ("chambre des métiers 42", "cma", "42"),
    ("CCI Haute-Savoie", "cci", "74"),
    ("chambre d'agriculture drome", "chambre-agriculture", "26"),
    ("cap emploi 63", "cap-emploi", "63"),
    ("cap emploi puy de dome", "cap-emploi", "63"),
    ("mision locale valance", "mission-locale", "26362"),
]

# Addresses and sentences: (query, network or "", expected commune code)
FREE_TEXT = [
    ("5 avenue Jean Jaurès Valence", "", "26362"),
    ("une mission locale vers Annonay", "mission-locale", "07010"),
    ("je cherche un cio près de Roanne", "cio", "42187"),
    ("12 rue de la République 69002 Lyon", "", "69382"),
    ("3 place Carnot 42000 Saint-Étienne", "", "42218"),
    ("orientation à Vichy", "", "03310"),
    ("conseil emploi Aurillac", "", "15014"),
    ("15 bd Gambetta 38000 Grenoble", "", "38185"),
    ("près de Bourg-en-Bresse", "", "01053"),
    ("aide orientation thonon les bains", "", "74281"),
    ("route de Lyon 38300 Bourgoin-Jallieu", "", "38053"),
    ("centre ville chambéry", "", "73065"),
    ("je voudrais un rendez vous à Montluçon", "", "03185"),
    ("pole emploi rue de la gare annemasse", "france-travail", "74012"),
    ("trouver une mission locale à vienne svp", "mission-locale", "38544"),
    ("Quel CIO pour Riom ?", "cio", "63300"),
]

# Homonyms, prefixes and articles: (query, expected first commune, a commune also offered or "")
HOMONYMS = [
    ("clermont", "63113", "74078"),
    ("Pouzin", "07181", ""),
    ("teil", "07319", ""),
    ("bourget du lac", "73051", ""),
    ("chambon sur lignon", "43051", ""),
    ("tour du pin", "38509", ""),
    ("la tour du pin", "38509", ""),
    ("le chambon", "42044", "43051"),
    ("saint priest", "69290", "07288"),
    ("vienne", "38544", ""),
]

# (query, region named in the answer)
OUTSIDE = [
    ("Paris", "Île-de-France"),
    ("75011", "Île-de-France"),
    ("Marseille", "Provence-Alpes-Côte d'Azur"),
    ("13001", "Provence-Alpes-Côte d'Azur"),
    ("Bordeaux", "Nouvelle-Aquitaine"),
    ("Lille", "Hauts-de-France"),
    ("Dijon", "Bourgogne-Franche-Comté"),
    ("Mâcon", "Bourgogne-Franche-Comté"),
    ("Nîmes", "Occitanie"),
    ("mission locale toulouse", "Occitanie"),
]


def commune_code(place):
    return place.insee_code if place and place.kind == "commune" else None


@pytest.mark.parametrize(("query", "expected"), TYPOS + FORMER_COMMUNES + DISTRICTS_AND_POSTAL_FORMS + CEDEX_FORMS)
def test_communes_are_found_whatever_the_spelling(query, expected):
    resolution = resolve(query)
    assert commune_code(resolution.place) == expected, resolution


@pytest.mark.parametrize(("query", "expected"), DEPARTMENTS + CEDEX_WITHOUT_COMMUNE)
def test_departments_are_found_in_their_usual_forms(query, expected):
    place = resolve(query).place
    assert (place.kind, place.department) == ("departement", expected)


@pytest.mark.parametrize(("query", "network", "expected"), NETWORKS_AND_PLACES)
def test_network_words_become_the_filter_and_the_rest_the_place(query, network, expected):
    resolution = resolve(query)
    assert resolution.network == network
    place = resolution.place
    assert (place.insee_code if place.kind == "commune" else place.department) == expected


@pytest.mark.parametrize(("query", "network", "expected"), FREE_TEXT)
def test_addresses_and_sentences_yield_their_commune(query, network, expected):
    resolution = resolve(query)
    assert resolution.network == network
    assert commune_code(resolution.place) == expected, resolution


@pytest.mark.parametrize(("query", "expected", "offered"), HOMONYMS)
def test_homonyms_lead_to_the_likeliest_and_offer_the_others(query, expected, offered):
    resolution = resolve(query)
    assert commune_code(resolution.place) == expected
    if offered:
        assert offered in [candidate.insee_code for candidate in resolution.candidates]


@pytest.mark.parametrize(("query", "region"), OUTSIDE)
def test_places_outside_the_region_are_answered_honestly(query, region):
    resolution = resolve(query)
    assert resolution.place is None
    assert resolution.outside.region == region
    assert "cet annuaire couvre la région Auvergne-Rhône-Alpes" in resolution.message


def test_a_former_commune_says_which_commune_it_belongs_to_now():
    resolution = resolve("Lancrans")
    assert resolution.place.label == "Lancrans (commune de Valserhône, 01200)"
    assert resolution.understood == ["Lancrans fait partie de la commune de Valserhône depuis la fusion des communes."]
    assert resolve("Cran-Gevrier").place.label.startswith("Cran-Gevrier (commune d'Annecy,")


def test_a_corrected_spelling_is_said():
    assert resolve("grenobl").understood == ["Nous avons compris « Grenoble »."]


def test_a_cedex_code_says_what_was_understood():
    resolution = resolve("38043 cedex")
    assert resolution.understood[0].startswith(
        "Le code 38043 est un code CEDEX : nous avons cherché dans l'Isère (38)."
    )


def test_the_table_is_large_enough():
    total = sum(
        map(
            len,
            [
                TYPOS,
                FORMER_COMMUNES,
                DISTRICTS_AND_POSTAL_FORMS,
                CEDEX_FORMS,
                CEDEX_WITHOUT_COMMUNE,
                DEPARTMENTS,
                NETWORKS_AND_PLACES,
                FREE_TEXT,
                HOMONYMS,
                OUTSIDE,
            ],
        )
    )
    assert total >= 150


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("x" * 500, 400, "Votre recherche est trop longue (100 caractères au plus)."),
        ("lyon\x00", 400, "Le caractère nul n’est pas autorisé."),
        ("😀🎓", 200, "Nous n'avons pas reconnu de commune dans « 😀🎓 »."),
        ("?!…;:", 200, "Nous n'avons pas reconnu de commune dans « ?!…;: »."),
        ("zzzzqqqq", 200, "Trois questions pour savoir quelle structure peut vous aider"),
    ],
)
def test_bad_input_gets_a_french_answer_never_an_error(client, query, status, message):
    for url in ("/recherche/", "/api/v1/lieux", "/api/v1/communes", "/carte/lieux.geojson", "/quelle-structure/"):
        response = client.get(url, {"q": query})
        assert response.status_code in (200, 400), url
    response = client.get("/recherche/", {"q": query})
    assert response.status_code == status
    assert message in " ".join(response.content.decode().split())


def test_nothing_recognised_offers_choices_and_ways_out(client):
    html = " ".join(client.get("/recherche/", {"q": "anncy le vieu"}).content.decode().split())
    assert "Annecy" in html


def test_the_json_says_what_was_understood(client):
    answer = client.get("/api/v1/lieux", {"q": "ml vienne"}).json()
    assert answer["network"] == "mission-locale"
    assert answer["place"]["insee_code"] == "38544"
    outside = client.get("/api/v1/lieux", {"q": "Marseille"}).json()
    assert outside["outside_region"] == {
        "name": "Marseille",
        "department": "Bouches-du-Rhône",
        "region": "Provence-Alpes-Côte d'Azur",
    }
    assert outside["results"] == []
    assert client.get("/api/v1/lieux", {"q": "grenobl"}).json()["understood"] == ["Nous avons compris « Grenoble »."]


def test_the_outside_region_page_names_the_region_and_the_national_services(client):
    response = client.get("/recherche/", {"q": "Bordeaux"})
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Bordeaux n'est pas en Auvergne-Rhône-Alpes" in html
    assert "est en Nouvelle-Aquitaine" in html
    assert "https://www.francetravail.fr/" in html


def test_removing_the_filters_keeps_the_place_the_position_and_the_radius(client):
    html = client.get(
        "/recherche/", {"q": "Saint-Priest", "commune": "07288", "rayon": "50", "public": "cadres", "sans_rdv": "1"}
    ).content.decode()
    assert 'href="/recherche/?q=Saint-Priest&amp;commune=07288&amp;rayon=50"' in html
    position = client.get("/recherche/", {"lat": "45.5", "lon": "4.9", "rayon": "10", "niveau": "2"}).content.decode()
    assert 'href="/recherche/?lat=45.5&amp;lon=4.9&amp;rayon=10"' in position


@pytest.mark.parametrize("value", ["yes", "2", "vrai"])
def test_an_invalid_checkbox_value_is_refused_in_french(client, value):
    response = client.get("/recherche/", {"q": "lyon", "ouvert": value})
    assert response.status_code == 400
    assert f"Valeur inconnue pour « Ouvert maintenant » : « {value} »" in response.content.decode()
    assert client.get("/api/v1/lieux", {"q": "lyon", "ouvert": value}).status_code == 400


def test_a_city_elsewhere_that_begins_a_commune_of_the_region_is_named_honestly():
    resolution = resolve("Nantes")
    assert resolution.place.insee_code == "38273"
    assert resolution.understood[0].startswith(
        "Nantes (Loire-Atlantique) est dans les Pays de la Loire, hors de la région"
    )
    assert "Strasbourg (Bas-Rhin) est dans le Grand Est" in resolve("Strasbourg").message

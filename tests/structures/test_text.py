import pytest

from structures.reference import DEPARTMENT_OF, DEPARTMENT_WITH_ARTICLE
from structures.text import a, de, de_la, near, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("saint etienne", "saint etienne"),
        ("St-Étienne", "saint etienne"),
        ("ST ETIENNE", "saint etienne"),
        ("Ste-Foy-lès-Lyon", "sainte foy les lyon"),
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("Le Puy-en-Velay", "le puy en velay"),
        ("  Bourg   en  Bresse ", "bourg en bresse"),
        ("Œuvre — Cœur", "oeuvre coeur"),
        ("Vaulx-en-Velin (69120)", "vaulx en velin 69120"),
        ("Stella", "stella"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


# How French puts a name after « de », « à » and « près de »: written by hand, one line per case,
# after the Lexique des règles typographiques de l'Imprimerie nationale (articles of place names).
# (name, after « de », after « à »)
NAMES = [
    # No article, a consonant.
    ("Lyon", "de Lyon", "à Lyon"),
    ("Vienne", "de Vienne", "à Vienne"),
    ("Saint-Étienne", "de Saint-Étienne", "à Saint-Étienne"),
    ("Lescheraines", "de Lescheraines", "à Lescheraines"),
    ("Lac-des-Rouges-Truites", "de Lac-des-Rouges-Truites", "à Lac-des-Rouges-Truites"),
    # A vowel, accented or not.
    ("Annecy", "d'Annecy", "à Annecy"),
    ("Aurillac", "d'Aurillac", "à Aurillac"),
    ("Écully", "d'Écully", "à Écully"),
    ("Évian-les-Bains", "d'Évian-les-Bains", "à Évian-les-Bains"),
    ("Oyonnax", "d'Oyonnax", "à Oyonnax"),
    ("Ugine", "d'Ugine", "à Ugine"),
    ("Issoire", "d'Issoire", "à Issoire"),
    ("Avenir Actifs", "d'Avenir Actifs", "à Avenir Actifs"),
    # Y: a vowel before a consonant, a consonant before a vowel.
    ("Yssingeaux", "d'Yssingeaux", "à Yssingeaux"),
    ("Yzeure", "d'Yzeure", "à Yzeure"),
    ("Ytrac", "d'Ytrac", "à Ytrac"),
    ("Yenne", "de Yenne", "à Yenne"),
    ("Yolet", "de Yolet", "à Yolet"),
    # H: mute in most names, « aspiré » in Haut(e) and a few words.
    ("Heyrieux", "d'Heyrieux", "à Heyrieux"),
    ("Huez", "d'Huez", "à Huez"),
    ("Hauterives", "d'Hauterives", "à Hauterives"),
    ("Hostun", "d'Hostun", "à Hostun"),
    ("Haute-Rivoire", "de Haute-Rivoire", "à Haute-Rivoire"),
    ("Haut Valromey", "de Haut Valromey", "à Haut Valromey"),
    ("Hérisson", "de Hérisson", "à Hérisson"),
    # The article of the name.
    ("Le Puy-en-Velay", "du Puy-en-Velay", "au Puy-en-Velay"),
    ("Le Chambon-sur-Lignon", "du Chambon-sur-Lignon", "au Chambon-sur-Lignon"),
    ("Les Abrets en Dauphiné", "des Abrets en Dauphiné", "aux Abrets en Dauphiné"),
    ("Les Deux Alpes", "des Deux Alpes", "aux Deux Alpes"),
    # « La » and « L' » of a name keep their capital (French typography: « de La Rochelle »).
    ("La Tour-du-Pin", "de La Tour-du-Pin", "à La Tour-du-Pin"),
    ("La Voulte-sur-Rhône", "de La Voulte-sur-Rhône", "à La Voulte-sur-Rhône"),
    ("L'Isle-d'Abeau", "de L'Isle-d'Abeau", "à L'Isle-d'Abeau"),
    ("L'Abergement-Clémenciat", "de L'Abergement-Clémenciat", "à L'Abergement-Clémenciat"),
    ("L’Arbresle", "de L’Arbresle", "à L’Arbresle"),
    # Departments, given with their article.
    ("l'Ain", "de l'Ain", "à l'Ain"),
    ("le Cantal", "du Cantal", "au Cantal"),
    ("la Haute-Loire", "de la Haute-Loire", "à la Haute-Loire"),
    ("le Puy-de-Dôme", "du Puy-de-Dôme", "au Puy-de-Dôme"),
]


@pytest.mark.parametrize(("name", "after_de", "after_a"), NAMES)
def test_names_after_de_and_a(name, after_de, after_a):
    assert de(name) == after_de
    assert a(name) == after_a
    assert near(name) == f"près {after_de}"


@pytest.mark.parametrize(
    ("code", "in_sentence", "of"),
    [
        ("01", "l'Ain", "de l'Ain"),
        ("03", "l'Allier", "de l'Allier"),
        ("07", "l'Ardèche", "de l'Ardèche"),
        ("15", "le Cantal", "du Cantal"),
        ("26", "la Drôme", "de la Drôme"),
        ("38", "l'Isère", "de l'Isère"),
        ("42", "la Loire", "de la Loire"),
        ("43", "la Haute-Loire", "de la Haute-Loire"),
        ("63", "le Puy-de-Dôme", "du Puy-de-Dôme"),
        ("69", "le Rhône", "du Rhône"),
        ("73", "la Savoie", "de la Savoie"),
        ("74", "la Haute-Savoie", "de la Haute-Savoie"),
    ],
)
def test_departments_with_their_article(code, in_sentence, of):
    assert DEPARTMENT_WITH_ARTICLE[code] == in_sentence
    assert DEPARTMENT_OF[code] == of


@pytest.mark.parametrize(
    ("name", "after_de"),
    [
        # A common noun first: its article, elided before a vowel.
        ("Mission Locale de Lyon", "de la Mission Locale de Lyon"),
        ("ML Nord Ardèche", "de la ML Nord Ardèche"),
        (
            "Centre d’information et d’orientation (CIO) - Vienne",
            "du Centre d’information et d’orientation (CIO) - Vienne",
        ),
        ("CIO de Vienne", "du CIO de Vienne"),
        ("Point information jeunesse - Belley", "du Point information jeunesse - Belley"),
        ("Chambre de métiers et de l'artisanat (CMA) - Ain", "de la Chambre de métiers et de l'artisanat (CMA) - Ain"),
        ("Espace 2m - ML Roanne", "de l'Espace 2m - ML Roanne"),
        (
            "Association pour l'emploi des cadres (Apec) de Valence",
            "de l'Association pour l'emploi des cadres (Apec) de Valence",
        ),
        ("Université de Savoie", "de l'Université de Savoie"),
        ("Apec Auvergne-Rhône-Alpes", "de l'Apec Auvergne-Rhône-Alpes"),
        ("Siège MLJ - Aix-les-Bains", "du Siège MLJ - Aix-les-Bains"),
        (
            "Ville de Belleville-en-Beaujolais — Point information emploi",
            "de la Ville de Belleville-en-Beaujolais — Point information emploi",
        ),
        # A proper name: no article.
        ("France Travail Ambérieu-en-Bugey", "de France Travail Ambérieu-en-Bugey"),
        ("Cap Emploi Ain", "de Cap Emploi Ain"),
        (
            "Avenir Jeunes Mission Locale du Bassin Montluçonnais",
            "d'Avenir Jeunes Mission Locale du Bassin Montluçonnais",
        ),
        ("Pôle emploi Vienne", "de Pôle emploi Vienne"),
        # A place: as de() writes it.
        ("Le Puy-en-Velay", "du Puy-en-Velay"),
        ("Annecy", "d'Annecy"),
    ],
)
def test_names_of_structures_and_places_after_de(name, after_de):
    assert de_la(name) == after_de

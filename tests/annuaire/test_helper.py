"""« Quelle structure pour moi ? »: the rules, every path of the form, and that nothing is kept."""

import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annuaire.helper import NEEDS, QUESTIONS, RULES, recommend
from tests.page_text import page_text
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db
URL = "/quelle-structure/"


def answers(situation, age="26-49", besoin="informer"):
    """The answers of a person; several situations are joined by « + » (« salarie-prive+handicap »)."""
    return {"situation": frozenset(situation.split("+")), "age": age, "besoin": besoin}


def params(situation, age="26-49", besoin="informer"):
    """The same answers as they travel in the address."""
    return {"situation": situation.split("+"), "age": age, "besoin": besoin}


# (answers, networks expected, in the order of the rules)
RULE_CASES = [
    (answers("eleve", "moins-de-16"), ["cio", "info-jeunes"]),
    (answers("etudiant", "16-25"), ["scuio", "info-jeunes"]),
    (answers("jeune-sorti-ecole", "16-25"), ["mission-locale", "info-jeunes"]),
    (answers("demandeur-emploi", "16-25", "emploi"), ["mission-locale", "info-jeunes", "france-travail"]),
    (answers("demandeur-emploi", "50-et-plus", "emploi"), ["france-travail"]),
    (answers("salarie-prive", "26-49", "reconversion"), ["avenir-actifs"]),
    (answers("interimaire", "26-49", "formation"), ["avenir-actifs"]),
    (answers("independant", "50-et-plus", "projet"), ["avenir-actifs"]),
    (answers("salarie-prive", "26-49", "emploi"), ["france-travail", "avenir-actifs"]),
    (answers("interimaire", "16-25", "emploi"), ["mission-locale", "info-jeunes", "france-travail", "avenir-actifs"]),
    (answers("salarie-prive+handicap", "26-49", "reconversion"), ["avenir-actifs", "cap-emploi"]),
    (answers("salarie-prive+handicap", "50-et-plus", "emploi"), ["france-travail", "avenir-actifs", "cap-emploi"]),
    (answers("etudiant+demandeur-emploi", "16-25", "emploi"), ["scuio", "info-jeunes", "france-travail"]),
    (answers("agent-public+handicap", "26-49", "reconversion"), ["cap-emploi", ""]),
    (answers("autre+handicap", "26-49", "informer"), ["cap-emploi"]),
    (answers("cadre", "26-49", "reconversion"), ["apec"]),
    (answers("handicap", "26-49", "emploi"), ["cap-emploi"]),
    (answers("agent-public", "26-49", "reconversion"), [""]),
    (answers("independant", "26-49", "entreprise"), ["cma", "cci", "chambre-agriculture"]),
    (answers("autre", "50-et-plus", "informer"), ["mife", "cio"]),
    (answers("eleve", "16-25", "entreprise"), ["cio", "info-jeunes", "cma", "cci", "chambre-agriculture"]),
]


@pytest.mark.parametrize(("situation", "expected"), RULE_CASES)
def test_rules(situation, expected):
    assert [recommendation.network for recommendation in recommend(situation)] == expected


def test_every_rule_is_tested():
    tested = {rule.name for rule in RULES for case, _ in RULE_CASES if rule.applies(case)}
    assert tested == {rule.name for rule in RULES}


def test_public_sector_employees_are_told_about_their_employers_cep():
    [recommendation] = recommend(answers("agent-public"))
    assert "conseil en évolution professionnelle auprès de leur employeur" in recommendation.reason


def page(client, params):
    response = client.get(URL, params)
    return response, unescape(response.content.decode())


def back_link(html):
    match = re.search(r'<a href="([^"]+)">Revenir à la question précédente</a>', html)
    return unescape(match.group(1)) if match else None


@pytest.mark.parametrize(("step", "question"), list(enumerate(QUESTIONS, 1)))
def test_every_answer_leads_forward_and_back_without_javascript(client, step, question):
    name, text, choices = question
    earlier = {q[0]: q[2][0][0] for q in QUESTIONS[: step - 1]}
    response, html = page(client, {**earlier, "etape": step})
    assert text in html
    for value, _ in choices:
        response, html = page(client, {**earlier, name: value, "etape": step + 1})
        assert response.status_code == 200
        if step < len(QUESTIONS):
            assert QUESTIONS[step][1] in html
            back = back_link(html)
            assert back is not None
            response, html = page(client, dict(re.findall(r"([^?&=]+)=([^&]*)", back.split("?", 1)[1])))
            assert text in html
            assert re.search(rf'value="{value}"[^>]*\schecked', html), value
        else:
            assert "Les structures qui peuvent vous aider" in html


def test_result_answers_can_each_be_changed(client):
    response, html = page(client, {**params("cadre"), "etape": 4})
    for step, (_, question, _) in enumerate(QUESTIONS, 1):
        assert f"etape={step}" in html
        assert f"la réponse à « {question} »" in html


def test_a_skipped_question_is_asked_again_in_french(client):
    response, html = page(client, {"situation": "eleve", "etape": 3})
    assert "Choisissez une réponse pour continuer." in html
    assert QUESTIONS[1][1] in html


@pytest.mark.parametrize(
    "params", [{"situation": "astronaute"}, {"age": "999"}, {"besoin": "x", "situation": "eleve"}, {"etape": "9"}]
)
def test_unknown_answers_get_a_french_message(client, params):
    response, html = page(client, params)
    assert response.status_code == 400
    assert "inconnue" in html


def test_result_shows_the_nearest_places_of_the_recommended_networks(client):
    mission = StructureFactory(name="Mission Locale de test", network_slug="mission-locale")
    ReceptionPointFactory(structure=mission, name="Mission Locale — Firminy", commune_insee="42095")
    ReceptionPointFactory(name="CIO de Saint-Étienne", commune_insee="42218", structure__network_slug="cio")
    response, html = page(client, {**params("jeune-sorti-ecole", "16-25", "emploi"), "etape": 4, "q": "42000"})
    assert "Mission Locale — Firminy" in html
    assert "à 7,6 km" in html
    assert "/recherche/?q=42000&reseau=mission-locale&rayon=50" in html
    assert "CIO de Saint-Étienne" not in html


def test_nothing_is_stored_and_no_cookie_is_set(client):
    ReceptionPointFactory(commune_insee="42218", structure__network_slug="mission-locale")
    walk = [
        {},
        {"situation": "jeune-sorti-ecole", "etape": 2},
        {"situation": "jeune-sorti-ecole", "age": "16-25", "etape": 3},
        {"situation": "jeune-sorti-ecole", "age": "16-25", "besoin": NEEDS[0][0], "etape": 4},
        {"situation": "jeune-sorti-ecole", "age": "16-25", "besoin": NEEDS[0][0], "etape": 4, "q": "42000"},
    ]
    with CaptureQueriesContext(connection) as queries:
        for params in walk:
            response = client.get(URL, params)
            assert response.status_code == 200
            assert not response.cookies
    # « (SELECT … ) UNION (SELECT … ) » on PostgreSQL: read-only too.
    statements = [query["sql"].lstrip("( \n").split()[0].upper() for query in queries.captured_queries]
    assert statements
    assert set(statements) <= {"SELECT"}


def test_a_person_can_give_several_situations_without_javascript(client):
    """A disabled employee need not choose between « salarié » and « handicap »."""
    response, html = page(client, {"etape": 1})
    assert re.search(r'<input type="checkbox"\s+name="situation"\s+id="reponse-handicap"', html)
    assert "Cochez tout ce qui vous correspond" in html
    response, html = page(client, {"situation": ["salarie-prive", "handicap"], "etape": 2})
    assert QUESTIONS[1][1] in html
    # Both answers travel on to the next question…
    kept = re.findall(r'<input type="hidden" name="situation" value="([^"]+)">', html)
    assert kept == ["salarie-prive", "handicap"]
    # …and come back ticked.
    response, html = page(client, parse_qs(back_link(html).split("?", 1)[1]))
    assert re.search(r'value="salarie-prive"[^>]*\schecked', html)
    assert re.search(r'value="handicap"[^>]*\schecked', html)
    response, html = page(client, {**params("salarie-prive+handicap", "26-49", "reconversion"), "etape": 4})
    text = page_text(response)
    assert "Je suis salarié d'une entreprise ou d'une association ; Je suis en situation de handicap — modifier" in text
    assert text.index("Avenir Actifs") < text.index("Cap Emploi")
    # The address form keeps every answer.
    form = html[html.index('id="titre-ou"') :]
    assert re.findall(r'name="situation" value="([^"]+)"', form) == ["salarie-prive", "handicap"]


def test_far_from_every_fitting_place_phone_and_video_come_first(client):
    """In the Cantal, the nearest Cap emploi is in Clermont-Ferrand: its advice by phone comes first."""
    cantal = StructureFactory(name="Cap emploi du Cantal", network_slug="cap-emploi")
    cantal.competence_departments.set(["15"])
    ReceptionPointFactory(
        structure=cantal, name="Cap emploi — Clermont-Ferrand", commune_insee="63113", phone="04 65 71 00 15",
        by_phone=True,
    )  # fmt: skip
    response, html = page(client, {**params("handicap", "26-49", "emploi"), "etape": 4, "q": "Aurillac"})
    text = page_text(response)
    block = text[text.index("Cap Emploi accompagne") :]
    assert re.search(r"Le lieu le plus proche est à \d+,\d km\. Sans vous déplacer", block)
    assert block.index("Sans vous déplacer") < block.index("Les lieux les plus proches")
    assert "Cap emploi du Cantal — 04 65 71 00 15" in block
    assert 'href="tel:+33465710015"' in html


def test_near_a_fitting_place_no_remote_notice(client):
    ReceptionPointFactory(
        name="Cap emploi — Saint-Étienne", commune_insee="42218", structure__network_slug="cap-emploi"
    )
    response, html = page(client, {**params("handicap", "26-49", "emploi"), "etape": 4, "q": "42000"})
    assert "Cap emploi — Saint-Étienne" in html
    assert "Sans vous déplacer" not in html


def test_a_public_agent_gets_the_employer_s_advice_and_nearby_places(client):
    cio = StructureFactory(name="CIO de test", network_slug="cio", levels=[1, 2])
    ReceptionPointFactory(name="CIO de Saint-Étienne", commune_insee="42218", structure=cio)
    response, html = page(client, {**params("agent-public", "26-49", "reconversion"), "etape": 4, "q": "42000"})
    text = page_text(response)
    block = text[text.index("Le conseil en évolution professionnelle de votre employeur") :]
    assert "conseiller mobilité-carrière" in block
    assert block.index("Les lieux les plus proches") < block.index("CIO de Saint-Étienne")
    assert "/recherche/?q=42000&niveau=1&rayon=50" in html

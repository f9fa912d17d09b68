"""« Quelle structure pour moi ? »: a few anonymous questions, and the networks that fit, with why.

The rules are one table (RULES), read top to bottom: every rule that applies adds its networks and
its reason. Nothing is stored: the answers travel in the address of the page.
"""

from dataclasses import dataclass

from structures.reference import LEVEL_NAMES

SITUATIONS = [
    ("eleve", "Je suis collégien ou lycéen"),
    ("etudiant", "Je suis étudiant"),
    ("jeune-sorti-ecole", "J'ai quitté l'école ou mes études"),
    ("demandeur-emploi", "Je cherche un emploi"),
    ("salarie-prive", "Je suis salarié d'une entreprise ou d'une association"),
    ("interimaire", "Je suis intérimaire"),
    ("independant", "Je suis indépendant, artisan, commerçant, auto-entrepreneur"),
    ("agent-public", "Je travaille dans la fonction publique"),
    ("cadre", "Je suis cadre, ou jeune diplômé bac + 3 ou plus"),
    ("handicap", "Je suis en situation de handicap"),
    ("autre", "Autre situation"),
]
AGES = [
    ("moins-de-16", "Moins de 16 ans"),
    ("16-25", "De 16 à 25 ans"),
    ("26-49", "De 26 à 49 ans"),
    ("50-et-plus", "50 ans ou plus"),
]
NEEDS = [
    ("informer", "M'informer sur les métiers et les formations"),
    ("projet", "Être aidé pour construire mon projet"),
    ("reconversion", "Changer de métier"),
    ("formation", "Reprendre une formation"),
    ("emploi", "Trouver un emploi"),
    ("entreprise", "Créer ou reprendre une entreprise"),
]
QUESTIONS = [
    ("situation", "Quelle est votre situation ?", SITUATIONS),
    ("age", "Quel âge avez-vous ?", AGES),
    ("besoin", "De quoi avez-vous besoin ?", NEEDS),
]
WORKING = {"salarie-prive", "interimaire", "independant"}
IN_SCHOOL = {"eleve", "etudiant"}


@dataclass(frozen=True)
class Rule:
    """When `applies(answers)` is true, recommend `networks` (slugs) for `reason`."""

    name: str
    applies: object
    networks: tuple
    reason: str
    level: int = 2


RULES = [
    Rule(
        "élève → CIO",
        lambda a: a["situation"] == "eleve",
        ("cio",),
        "Au CIO, des psychologues de l'Éducation nationale conseillent les élèves et leurs parents sur "
        "les études et les métiers. Le psychologue de l'Éducation nationale de votre établissement "
        "vous reçoit aussi.",
    ),
    Rule(
        "étudiant → SCUIO",
        lambda a: a["situation"] == "etudiant",
        ("scuio",),
        "Le service d'orientation de votre université vous aide à choisir, changer de formation ou "
        "préparer votre insertion professionnelle.",
    ),
    Rule(
        "moins de 26 ans sorti de l'école → Mission Locale",
        lambda a: a["age"] == "16-25" and a["situation"] not in IN_SCHOOL,
        ("mission-locale",),
        "Vous avez entre 16 et 25 ans et vous n'êtes plus à l'école : la Mission Locale de votre commune "
        "vous accompagne pour l'emploi, la formation, le logement, la santé et la mobilité.",
    ),
    Rule(
        "jeune → Info Jeunes pour s'informer",
        lambda a: a["age"] in ("moins-de-16", "16-25"),
        ("info-jeunes",),
        "Les structures Info Jeunes vous informent sans rendez-vous et de façon anonyme sur les métiers, "
        "les formations, les jobs et la vie quotidienne.",
        level=1,
    ),
    Rule(
        "demandeur d'emploi → France Travail",
        lambda a: a["situation"] == "demandeur-emploi",
        ("france-travail",),
        "France Travail vous accompagne dans votre recherche d'emploi, votre indemnisation et vos projets "
        "de formation.",
    ),
    Rule(
        "salarié du privé, intérimaire ou indépendant qui veut évoluer → Avenir Actifs (CEP)",
        lambda a: a["situation"] in WORKING and a["besoin"] in ("projet", "reconversion", "formation", "informer"),
        ("avenir-actifs",),
        "Salarié du privé, intérimaire ou indépendant : le conseil en évolution professionnelle (CEP) "
        "d'Avenir Actifs est gratuit et confidentiel, pour faire le point, changer de métier ou vous former.",
    ),
    Rule(
        "cadre → Apec",
        lambda a: a["situation"] == "cadre",
        ("apec",),
        "L'Apec conseille les cadres et les jeunes diplômés : évolution professionnelle, recherche d'emploi, mobilité.",
    ),
    Rule(
        "personne en situation de handicap → Cap Emploi",
        lambda a: a["situation"] == "handicap",
        ("cap-emploi",),
        "Cap Emploi accompagne les personnes en situation de handicap vers l'emploi et dans leur "
        "évolution professionnelle.",
    ),
    Rule(
        "agent public → le CEP de son employeur",
        lambda a: a["situation"] == "agent-public",
        (),
        "Les agents publics bénéficient du conseil en évolution professionnelle auprès de leur employeur : "
        "adressez-vous au service des ressources humaines ou au conseiller mobilité-carrière de votre "
        "administration. Un lieu du SPRO peut vous donner une première information.",
    ),
    Rule(
        "projet d'entreprise → les chambres consulaires",
        lambda a: a["besoin"] == "entreprise",
        ("cma", "cci", "chambre-agriculture"),
        "Pour créer ou reprendre une entreprise : la chambre de métiers et de l'artisanat (artisanat), "
        "la chambre de commerce et d'industrie (commerce, industrie, services) ou la chambre "
        "d'agriculture (installation agricole).",
        level=1,
    ),
    Rule(
        "adulte sans autre piste → MIFE et CIO",
        lambda a: a["situation"] == "autre" and a["age"] in ("26-49", "50-et-plus"),
        ("mife", "cio"),
        "Les MIFE et les CIO informent tous les publics sur la formation, l'emploi et les métiers.",
        level=1,
    ),
]

FIRST_LEVEL = (
    "Quelle que soit votre situation, tout lieu du Service public régional de l'orientation vous "
    "accueille gratuitement pour une première information et vous oriente vers la bonne structure."
)


@dataclass(frozen=True)
class Recommendation:
    network: str
    reason: str
    level: int

    @property
    def level_name(self):
        return LEVEL_NAMES[self.level]


def recommend(answers):
    """The networks that fit the answers, in the order of the rules, each once, with its reason."""
    recommendations, seen = [], set()
    for rule in RULES:
        if rule.applies(answers):
            if not rule.networks:
                recommendations.append(Recommendation("", rule.reason, rule.level))
            for network in rule.networks:
                if network not in seen:
                    seen.add(network)
                    recommendations.append(Recommendation(network, rule.reason, rule.level))
    return recommendations

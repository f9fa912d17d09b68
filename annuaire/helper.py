"""« Quelle structure pour moi ? »: a few anonymous questions, and the networks that fit, with why.

The rules are one table (RULES), read top to bottom: every rule that applies adds its networks and
its reason. A person may give several situations (salaried and disabled, student and looking for a
job): every rule that fits one of them applies. Nothing is stored: the answers travel in the
address of the page.
"""

from dataclasses import dataclass, field

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
# Questions that take several answers (checkboxes); the others take one.
SEVERAL = {"situation": "Cochez tout ce qui vous correspond : par exemple salarié et en situation de handicap."}
WORKING = {"salarie-prive", "interimaire", "independant"}
IN_SCHOOL = {"eleve", "etudiant"}
CHANGE = ("projet", "reconversion", "formation", "informer")
# Beyond this distance to the nearest fitting place, advice by phone or video comes first.
FAR_KM = 30


@dataclass(frozen=True)
class Rule:
    """When `applies(answers)` is true, recommend `networks` (slugs) for `reason`. `answers` holds
    the situations as a set. A rule with no network may name its advice (`title`) and search nearby
    places with `places` (search parameters)."""

    name: str
    applies: object
    networks: tuple
    reason: str
    level: int = 2
    title: str = ""
    places: dict = field(default_factory=dict)


RULES = [
    Rule(
        "élève → CIO",
        lambda a: "eleve" in a["situation"],
        ("cio",),
        "Au CIO, des psychologues de l'Éducation nationale conseillent les élèves et leurs parents sur "
        "les études et les métiers. Le psychologue de l'Éducation nationale de votre établissement "
        "vous reçoit aussi.",
    ),
    Rule(
        "étudiant → SCUIO",
        lambda a: "etudiant" in a["situation"],
        ("scuio",),
        "Le service d'orientation de votre université vous aide à choisir, changer de formation ou "
        "préparer votre insertion professionnelle.",
    ),
    Rule(
        "moins de 26 ans sorti de l'école → Mission Locale",
        lambda a: a["age"] == "16-25" and not a["situation"] & IN_SCHOOL,
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
        lambda a: "demandeur-emploi" in a["situation"],
        ("france-travail",),
        "France Travail vous accompagne dans votre recherche d'emploi, votre indemnisation et vos projets "
        "de formation.",
    ),
    Rule(
        "salarié, intérimaire ou indépendant qui cherche un emploi → France Travail",
        lambda a: bool(a["situation"] & WORKING) and a["besoin"] == "emploi",
        ("france-travail",),
        "Vous avez un emploi et vous en cherchez un autre : vous pouvez vous inscrire à France Travail, "
        "qui publie les offres, vous aide à préparer vos candidatures et peut financer une formation.",
    ),
    Rule(
        "salarié du privé, intérimaire ou indépendant qui veut évoluer → Avenir Actifs (CEP)",
        lambda a: bool(a["situation"] & WORKING) and a["besoin"] in (*CHANGE, "emploi"),
        ("avenir-actifs",),
        "Salarié du privé, intérimaire ou indépendant : le conseil en évolution professionnelle (CEP) "
        "d'Avenir Actifs est gratuit et confidentiel, pour faire le point, changer de métier ou vous former, "
        "sans en parler à votre employeur.",
    ),
    Rule(
        "cadre → Apec",
        lambda a: "cadre" in a["situation"],
        ("apec",),
        "L'Apec conseille les cadres et les jeunes diplômés : évolution professionnelle, recherche d'emploi, mobilité.",
    ),
    Rule(
        "personne en situation de handicap → Cap Emploi",
        lambda a: "handicap" in a["situation"],
        ("cap-emploi",),
        "Cap Emploi accompagne les personnes en situation de handicap vers l'emploi, pour garder leur "
        "emploi (aménagement du poste) et dans leur évolution professionnelle.",
    ),
    Rule(
        "agent public → le CEP de son employeur, et une première information près de chez soi",
        lambda a: "agent-public" in a["situation"],
        (),
        "Les agents publics bénéficient du conseil en évolution professionnelle auprès de leur employeur : "
        "adressez-vous au service des ressources humaines ou au conseiller mobilité-carrière de votre "
        "administration. Pour une première information sur les métiers et les formations, les lieux du "
        "SPRO vous reçoivent aussi.",
        level=1,
        title="Le conseil en évolution professionnelle de votre employeur",
        places={"niveau": "1"},
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
        lambda a: a["situation"] == {"autre"} and a["age"] in ("26-49", "50-et-plus"),
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
    title: str = ""
    places: dict = field(default_factory=dict)

    @property
    def level_name(self):
        return LEVEL_NAMES[self.level]


def recommend(answers):
    """The networks that fit the answers, in the order of the rules, each once, with its reason."""
    recommendations, seen = [], set()
    for rule in RULES:
        if rule.applies(answers):
            if not rule.networks:
                recommendations.append(Recommendation("", rule.reason, rule.level, rule.title, rule.places))
            for network in rule.networks:
                if network not in seen:
                    seen.add(network)
                    recommendations.append(Recommendation(network, rule.reason, rule.level))
    return recommendations

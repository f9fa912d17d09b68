"""Reference vocabularies of the SPRO, loaded idempotently by `manage.py load_reference_data`.

Slugs are stable identifiers used in URLs, filters and open data: never rename one.
"""

from structures.enums import Circle
from structures.text import de, with_article

# (code, name, INSEE code of the prefecture)
DEPARTMENTS = [
    ("01", "Ain", "01053"),
    ("03", "Allier", "03190"),
    ("07", "Ardèche", "07186"),
    ("15", "Cantal", "15014"),
    ("26", "Drôme", "26362"),
    ("38", "Isère", "38185"),
    ("42", "Loire", "42218"),
    ("43", "Haute-Loire", "43157"),
    ("63", "Puy-de-Dôme", "63113"),
    ("69", "Rhône", "69123"),
    ("73", "Savoie", "73065"),
    ("74", "Haute-Savoie", "74010"),
]
DEPARTMENT_NAMES = {code: name for code, name, _ in DEPARTMENTS}
PREFECTURES = {code: prefecture for code, _, prefecture in DEPARTMENTS}
# Grammatical gender of each department's name: « le Cantal », « la Drôme » (« l'Ain » either way).
DEPARTMENT_GENDERS = {
    "01": "m",
    "03": "m",
    "07": "f",
    "15": "m",
    "26": "f",
    "38": "f",
    "42": "f",
    "43": "f",
    "63": "m",
    "69": "m",
    "73": "f",
    "74": "f",
}
# « l'Ain », « le Cantal », « la Haute-Loire »: a department's name in a sentence.
DEPARTMENT_WITH_ARTICLE = {code: with_article(name, DEPARTMENT_GENDERS[code]) for code, name, _ in DEPARTMENTS}
# « de l'Ain », « du Rhône », « de la Loire »…
DEPARTMENT_OF = {code: de(name) for code, name in DEPARTMENT_WITH_ARTICLE.items()}

SERVICE_LEVELS = [
    {
        "slug": "niveau-1",
        "level": 1,
        "name": "Accueil et information",
        "description": (
            "Un premier accueil gratuit, sans condition : on vous informe sur les métiers, les formations, "
            "l'emploi et on vous oriente vers la structure qui pourra vous accompagner."
        ),
    },
    {
        "slug": "niveau-2",
        "level": 2,
        "name": "Conseil et accompagnement personnalisé",
        "description": (
            "Un conseiller vous reçoit pour construire avec vous votre projet professionnel, "
            "y compris le conseil en évolution professionnelle (CEP) pour les actifs."
        ),
    },
]
# The name of each level of service, the one wording of the pages, the filters and the helper.
LEVEL_NAMES = {level["level"]: level["name"] for level in SERVICE_LEVELS}

PUBLICS = [
    ("tout-public", "Tout public", "Toute personne, quel que soit son âge ou sa situation."),
    ("jeunes-16-25", "Jeunes de 16 à 25 ans", "Jeunes de 16 à 25 ans sortis du système scolaire."),
    ("scolaires", "Collégiens et lycéens", "Élèves du collège et du lycée, et leurs parents."),
    ("etudiants", "Étudiants", "Étudiants et futurs étudiants de l'enseignement supérieur."),
    ("demandeurs-emploi", "Demandeurs d'emploi", "Personnes qui cherchent un emploi, inscrites ou non."),
    ("salaries-prive", "Salariés du privé", "Salariés du secteur privé, y compris intérimaires."),
    ("independants", "Travailleurs indépendants", "Artisans, commerçants, professions libérales, auto-entrepreneurs."),
    ("cadres", "Cadres", "Cadres et jeunes diplômés de niveau bac + 3 ou plus."),
    ("agents-publics", "Agents publics", "Fonctionnaires et contractuels des trois fonctions publiques."),
    ("handicap", "Personnes en situation de handicap", "Personnes en situation de handicap, reconnues ou non."),
    ("femmes-familles", "Femmes et familles", "Femmes, familles, parents isolés, victimes de violences."),
]

# (slug, name, short name, circle, who it serves, national website)
# The networks that divide the region between their structures (structures.enums.Territory): the
# others receive anyone. Loaded onto each network, where staff may change it.
NETWORK_TERRITORIES = {
    "mission-locale": "commune",
    "cio": "commune",
    "france-travail": "commune",
    "cap-emploi": "departement",
    "avenir-actifs": "departement",
    "cma": "departement",
    "cci": "departement",
    "chambre-agriculture": "departement",
}
NETWORKS = [
    (
        "cio",
        "Centre d'information et d'orientation (CIO)",
        "CIO",
        Circle.STATE,
        "Élèves, étudiants, parents et jeunes sortis de l'école : information sur les études, "
        "les diplômes et les métiers, et conseil en orientation par des psychologues de l'Éducation nationale.",
        "https://www.education.gouv.fr/les-centres-d-information-et-d-orientation-cio-3088",
    ),
    (
        "scuio",
        "Service universitaire d'information et d'orientation (SCUIO)",
        "SCUIO",
        Circle.STATE,
        "Lycéens, étudiants et adultes qui reprennent des études : choix d'une formation à l'université, "
        "réorientation, insertion professionnelle.",
        "",
    ),
    (
        "info-jeunes",
        "Info Jeunes",
        "Info Jeunes",
        Circle.STATE,
        "Tous les jeunes, sans rendez-vous et de façon anonyme : métiers, formations, jobs, logement, "
        "mobilité, santé, engagement.",
        "https://www.infojeunes.fr/",
    ),
    (
        "france-travail",
        "France Travail",
        "France Travail",
        Circle.CEP_AND_CHAMBERS,
        "Demandeurs d'emploi et personnes qui cherchent un emploi : inscription, indemnisation, "
        "conseil, formation et conseil en évolution professionnelle.",
        "https://www.francetravail.fr/",
    ),
    (
        "cap-emploi",
        "Cap Emploi",
        "Cap Emploi",
        Circle.CEP_AND_CHAMBERS,
        "Personnes en situation de handicap : recherche d'emploi, maintien dans l'emploi, "
        "conseil en évolution professionnelle.",
        "https://www.capemploi.info/",
    ),
    (
        "apec",
        "Association pour l'emploi des cadres (Apec)",
        "Apec",
        Circle.CEP_AND_CHAMBERS,
        "Cadres et jeunes diplômés (bac + 3 et plus) : conseil en évolution professionnelle, "
        "recherche d'emploi, mobilité.",
        "https://www.apec.fr/",
    ),
    (
        "mission-locale",
        "Mission Locale",
        "Mission Locale",
        Circle.CEP_AND_CHAMBERS,
        "Jeunes de 16 à 25 ans sortis de l'école : emploi, formation, logement, santé, mobilité, "
        "conseil en évolution professionnelle. Chaque commune dépend d'une Mission Locale.",
        "https://www.unml.info/",
    ),
    (
        "avenir-actifs",
        "Avenir Actifs (CIBC)",
        "Avenir Actifs",
        Circle.CEP_AND_CHAMBERS,
        "Salariés du secteur privé, intérimaires et travailleurs indépendants : conseil en évolution "
        "professionnelle (CEP) gratuit pour changer de métier, se former ou faire le point.",
        "https://www.mon-cep.org/",
    ),
    (
        "cma",
        "Chambre de métiers et de l'artisanat",
        "CMA",
        Circle.CEP_AND_CHAMBERS,
        "Futurs artisans, apprentis et entreprises artisanales : métiers de l'artisanat, apprentissage, "
        "création et reprise d'entreprise.",
        "https://www.artisanat.fr/",
    ),
    (
        "cci",
        "Chambre de commerce et d'industrie",
        "CCI",
        Circle.CEP_AND_CHAMBERS,
        "Porteurs de projet, apprentis et entreprises du commerce, de l'industrie et des services : "
        "création d'entreprise, apprentissage, formation.",
        "https://www.cci.fr/",
    ),
    (
        "chambre-agriculture",
        "Chambre d'agriculture",
        "Chambre d'agriculture",
        Circle.CEP_AND_CHAMBERS,
        "Personnes qui veulent travailler dans l'agriculture ou s'installer comme agriculteur : "
        "métiers, formations, installation.",
        "https://chambres-agriculture.fr/",
    ),
    (
        "mife",
        "Maison de l'information sur la formation et l'emploi (MIFE)",
        "MIFE",
        Circle.LABELLED,
        "Tout public, en particulier les adultes : information sur la formation, l'emploi, "
        "la validation des acquis et le bilan de compétences.",
        "",
    ),
    (
        "cidff",
        "Centre d'information sur les droits des femmes et des familles (CIDFF)",
        "CIDFF",
        Circle.LABELLED,
        "Femmes et familles : accès aux droits, emploi, formation, création d'activité, "
        "accompagnement vers l'autonomie.",
        "https://fncidff.info/",
    ),
    (
        "association",
        "Association labellisée",
        "Association",
        Circle.LABELLED,
        "Associations d'insertion, d'éducation populaire ou de quartier labellisées par la Région "
        "pour informer et orienter leur public.",
        "",
    ),
    (
        "collectivite",
        "Commune ou collectivité labellisée",
        "Collectivité",
        Circle.LABELLED,
        "Services emploi et points information de communes et d'intercommunalités, labellisés "
        "par la Région pour accueillir et informer les habitants.",
        "",
    ),
]

# What people write for each network, current and former names, acronyms (normalised as
# structures.text.normalize does): the search reads them as the network filter (annuaire/places/).
NETWORK_ALIASES = {
    "cio": ["cio", "centre d information et d orientation", "centre information orientation"],
    "scuio": [
        "scuio",
        "suio",
        "scuio ip",
        "service universitaire d information et d orientation",
        "universite",
        "fac",
        "orientation universitaire",
    ],
    "info-jeunes": [
        "info jeunes",
        "information jeunesse",
        "bij",
        "pij",
        "crij",
        "bureau information jeunesse",
        "point information jeunesse",
        "point info jeunes",
    ],
    "france-travail": ["france travail", "pole emploi", "pe", "anpe", "agence pour l emploi"],
    "cap-emploi": ["cap emploi"],
    "apec": ["apec", "association pour l emploi des cadres"],
    "mission-locale": ["mission locale", "missions locales", "ml", "mlj"],
    "avenir-actifs": ["avenir actifs", "cibc", "cep", "conseil en evolution professionnelle"],
    "cma": [
        "cma",
        "chambre des metiers",
        "chambre de metiers",
        "chambre des metiers et de l artisanat",
        "chambre de metiers et de l artisanat",
    ],
    "cci": ["cci", "chambre de commerce", "chambre de commerce et d industrie"],
    "chambre-agriculture": ["chambre d agriculture", "chambre agriculture", "chambre de l agriculture"],
    "mife": ["mife", "maison de l information sur la formation et l emploi"],
    "cidff": ["cidff", "droits des femmes"],
}

# What each circle of the SPRO means, in plain words, for the public pages.
CIRCLE_EXPLANATIONS = {
    Circle.STATE: "Un service public de l'État, gratuit, qui informe et oriente sur les études et les métiers.",
    Circle.CEP_AND_CHAMBERS: (
        "Un service public de l'emploi ou une chambre consulaire (métiers, commerce, agriculture). "
        "Certains proposent le conseil en évolution professionnelle (CEP) : un accompagnement gratuit "
        "pour faire le point sur son métier et ses projets."
    ),
    Circle.LABELLED: (
        "Une structure locale (association, collectivité…) choisie par la Région Auvergne-Rhône-Alpes "
        "après un appel à candidatures, et labellisée pour une durée limitée."
    ),
}

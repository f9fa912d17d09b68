"""The directory in the national data·inclusion schema (« schéma de l'offre d'insertion », v1).

Structures are the SPRO member structures. Services are the SPRO levels of service, one per
published reception point and level, so that each service has the address, hours and reception
modes of the place where it is given. Every value of a reference list comes from the schema's own
lists (https://gip-inclusion.github.io/data-inclusion-schema/); the tests validate the whole
export against the schema's pydantic models and its JSON Schema.

    structures(absolute)  # absolute: turns a path of the site into a full address
"""

from datetime import UTC

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from annuaire.search import open_data_rows
from structures import reference
from structures.models import ReceptionPoint, Structure
from structures.osm_hours import osm_opening_hours
from structures.validators import parse_french_phone

SOURCE = "spro-ara"
NAME_MAX_LENGTH = 150

# Our networks → the schema's « réseaux porteurs » (a network without a match gets none).
NETWORKS = {
    "france-travail": "france-travail",
    "cap-emploi": "cap-emploi-reseau-cheops",
    "mission-locale": "mission-locale",
    "info-jeunes": "reseau-information-jeunesse",
    "cma": "chambres-consulaires",
    "cci": "chambres-consulaires",
    "chambre-agriculture": "chambres-consulaires",
    "cidff": "cidff",
}
# Our publics → the schema's publics. « tout-public » is exclusive there.
PUBLICS = {
    "tout-public": ["tous-publics"],
    "jeunes-16-25": ["jeunes"],
    "scolaires": ["jeunes"],
    "etudiants": ["etudiants"],
    "demandeurs-emploi": ["demandeurs-emploi"],
    "salaries-prive": ["actifs"],
    "independants": ["actifs"],
    "cadres": ["actifs"],
    "agents-publics": ["actifs"],
    "handicap": ["personnes-en-situation-de-handicap"],
    "femmes-familles": ["femmes", "familles"],
}
# The SPRO levels of service as services: name, type and themes of the schema.
LEVELS = {
    1: {
        "nom": "Accueil et information sur les métiers, les formations et l'emploi",
        "type": "information",
        "thematiques": [
            "choisir-un-metier--connaitre-les-opportunites-demploi",
            "choisir-un-metier--decouvrir-un-metier-ou-un-secteur-dactivite",
            "se-former--trouver-sa-formation",
        ],
    },
    2: {
        "nom": "Conseil en orientation et accompagnement personnalisé",
        "type": "accompagnement",
        "thematiques": [
            "choisir-un-metier--confirmer-son-choix-de-metier",
            "choisir-un-metier--identifier-ses-points-forts-et-ses-competences",
            "se-former--monter-son-dossier-de-formation",
            "se-former--trouver-sa-formation",
        ],
    },
}
LEVEL_DESCRIPTIONS = {level["level"]: level["description"] for level in reference.SERVICE_LEVELS}
FEES_DETAILS = "Service public gratuit, ouvert à toute personne qui en a besoin."


def identifier(slug):
    return f"{SOURCE}--{slug}"


def e164(phone):
    number = parse_french_phone(phone) if phone else None
    return f"+{number.country_code}{number.national_number}" if number else None


def day_of_change(moment):
    """The schema wants a date not in the future: the UTC date never is, whatever the server's zone."""
    return moment.astimezone(UTC).date().isoformat()


def short_name(name):
    if len(name) <= NAME_MAX_LENGTH:
        return name
    return name[: NAME_MAX_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def text_or_none(value, minimum=5):
    return value if value and len(value) >= minimum else None


def place_fields(point, today):
    return {
        "commune": point.commune.name,
        "code_postal": point.postal_code,
        "code_insee": point.commune_id,
        "adresse": point.address or None,
        "complement_adresse": point.address_complement or None,
        "longitude": point.longitude,
        "latitude": point.latitude,
        "horaires_accueil": osm_opening_hours(point.opening_hours.all(), point.closures.all(), today),
    }


def published_points():
    return open_data_rows(ReceptionPoint.objects.published())


def structures(absolute):
    """Every published structure, with the address and hours of its main place."""
    today = timezone.localdate()
    main_first = published_points().order_by("structure_id", "kind", "pk")
    rows = (
        Structure.objects.published()
        .select_related("network")
        .prefetch_related(Prefetch("points", queryset=main_first, to_attr="public_points"))
        .order_by("pk")
    )
    for structure in rows.iterator(chunk_size=500):
        main = next((point for point in structure.public_points if point.kind == "main"), None)
        main = main or (structure.public_points[0] if structure.public_points else None)
        network = NETWORKS.get(structure.network.slug)
        yield {
            "source": SOURCE,
            "id": identifier(structure.slug),
            "nom": short_name(structure.name),
            "date_maj": day_of_change(structure.updated_at),
            "description": text_or_none(structure.description),
            "lien_source": absolute(reverse("annuaire:structure", args=[structure.slug])),
            "siret": structure.siret if len(structure.siret) == 14 and structure.siret.isdigit() else None,
            "telephone": e164(structure.phone) or (e164(main.phone) if main else None),
            "courriel": structure.email or (main.email if main and main.email else None),
            "site_web": structure.website or None,
            "accessibilite_lieu": None,
            "reseaux_porteurs": [network] if network else None,
            **(place_fields(main, today) if main else {}),
        }


def eligible_area(structure, point):
    """Competence communes, else competence departments, else the point's department."""
    communes = sorted(commune.insee_code for commune in structure.competence_communes.all())
    departments = sorted(department.code for department in structure.competence_departments.all())
    return communes or departments or [point.commune.department_id]


def service_publics(publics):
    slugs = {slug for public in publics for slug in PUBLICS[public.slug]}
    return ["tous-publics"] if "tous-publics" in slugs else sorted(slugs)


def services(absolute):
    """One service per published point and level of service it offers (level 1 at least: every
    SPRO place gives a first level of information)."""
    today = timezone.localdate()
    rows = published_points().prefetch_related("structure__competence_communes", "structure__competence_departments")
    for point in rows.order_by("pk").iterator(chunk_size=500):
        structure = point.structure
        publics = list(point.publics.all()) or list(structure.publics.all())
        levels = sorted({level.level for level in (list(point.levels.all()) or list(structure.levels.all()))} | {1})
        modes = (["en-presentiel"] if point.on_site else []) + (
            ["a-distance"] if point.by_phone or point.by_video else []
        )
        mobilisation = (
            (["envoyer-un-courriel"] if point.email else [])
            + (["se-presenter"] if point.on_site and point.walk_in else [])
            + (["telephoner"] if point.phone else [])
        )
        for level in levels:
            service = LEVELS[level]
            yield {
                "source": SOURCE,
                "structure_id": identifier(structure.slug),
                "id": identifier(f"{point.slug}--niveau-{level}"),
                "nom": service["nom"],
                "description": LEVEL_DESCRIPTIONS[level],
                "lien_source": absolute(reverse("annuaire:point", args=[point.slug])),
                "date_maj": day_of_change(point.updated_at),
                "type": service["type"],
                "thematiques": service["thematiques"],
                "frais": "gratuit",
                "frais_precisions": FEES_DETAILS,
                "publics": service_publics(publics) or ["tous-publics"],
                "publics_precisions": ", ".join(public.name for public in publics) or None,
                "telephone": e164(point.phone),
                "courriel": point.email or None,
                "modes_accueil": modes,
                "zone_eligibilite": eligible_area(structure, point),
                "modes_mobilisation": mobilisation or None,
                "mobilisable_par": ["professionnels", "usagers"],
                "mobilisation_precisions": point.appointment_details or None,
                **place_fields(point, today),
            }


def publics_table():
    """(our public's name, the schema's values) for the documentation page."""
    return [(name, PUBLICS[slug]) for slug, name, _ in reference.PUBLICS]


def networks_table():
    return [(network[1], NETWORKS.get(network[0])) for network in reference.NETWORKS]

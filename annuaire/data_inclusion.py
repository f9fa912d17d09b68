"""The directory in the national data·inclusion schema (« schéma de l'offre d'insertion », v1).

Structures are the SPRO member structures. Services are the SPRO levels of service, one per
published reception point and level, so that each service has the address, hours and reception
modes of the place where it is given. Every value of a reference list comes from the schema's own
lists (https://gip-inclusion.github.io/data-inclusion-schema/); the tests validate the whole
export against the schema's pydantic models and its JSON Schema.

    structures(absolute)  # absolute: turns a path of the site into a full address
"""

from dataclasses import dataclass, replace
from datetime import UTC
from operator import attrgetter

from django.db.models import Case, OuterRef, Subquery, Value, When

from annuaire.shapes.directory import opening_hours
from annuaire.shapes.fields import Shape, address, context, listing, number, page_address, text
from annuaire.shapes.records import AREA, point_records
from structures import reference
from structures.enums import PointKind
from structures.models import ReceptionPoint, Structure, effective
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


DATE_MAJ = text(
    "date_maj",
    "Date de dernière modification.",
    get=lambda record, context: day_of_change(record.updated_at),
    format="date",
)


def page(name):
    return lambda record, context: page_address(context, name, record.slug)


PLACE = Shape(
    "Adresse et horaires d'un lieu.",
    text("commune", "Commune.", "commune.name"),
    text("code_postal", "Code postal.", "postal_code"),
    text("code_insee", "Code INSEE de la commune.", "commune_id"),
    text("adresse", "Numéro et voie.", "address", nullable=True),
    text("complement_adresse", "Complément d'adresse.", "address_complement", nullable=True),
    number("longitude", "Longitude (WGS 84)."),
    number("latitude", "Latitude (WGS 84)."),
    text("horaires_accueil", "Horaires au format opening_hours d'OpenStreetMap.", get=opening_hours, nullable=True),
)


@dataclass(frozen=True)
class StructureRow:
    structure: Structure
    main: ReceptionPoint | None  # its main place, else its first published one


def structure_field(field):
    return replace(field, get=lambda row, context, get=field.get: get(row.structure, context))


def presentation(structure, context):
    return text_or_none(structure.description)


def point_phone(point, context):
    return e164(point.phone)


def structure_phone(row, context):
    return e164(row.structure.phone) or (e164(row.main.phone) if row.main else None)


def structure_email(row, context):
    return row.structure.email or (row.main.email if row.main and row.main.email else None)


def valid_siret(structure, context):
    return structure.siret if len(structure.siret) == 14 and structure.siret.isdigit() else None


def carrier_networks(structure, context):
    network = NETWORKS.get(structure.network.slug)
    return [network] if network else None


STRUCTURE = Shape(
    "Une structure au schéma data·inclusion v1, avec l'adresse et les horaires de son lieu principal.",
    *map(
        structure_field,
        [
            text("source", "Producteur des données.", get=lambda structure, context: SOURCE),
            text("id", "Identifiant.", get=lambda structure, context: identifier(structure.slug)),
            text("nom", "Nom.", get=lambda structure, context: short_name(structure.name)),
            DATE_MAJ,
            text("description", "Présentation.", get=presentation, nullable=True),
            address("lien_source", "Page publique de la structure.", page("annuaire:structure")),
            text("siret", "Numéro SIRET.", get=valid_siret, nullable=True),
        ],
    ),
    text("telephone", "Téléphone (format international).", get=structure_phone, nullable=True),
    text("courriel", "Adresse électronique.", get=structure_email, nullable=True),
    structure_field(text("site_web", "Site internet.", "website", nullable=True)),
    text("accessibilite_lieu", "Accessibilité du lieu (non renseignée).", get=lambda row, context: None, nullable=True),
    structure_field(listing("reseaux_porteurs", "Réseaux porteurs.", carrier_networks, nullable=True)),
    *PLACE.of(attrgetter("main"), lambda row: row.main is not None).fields,
)


@dataclass(frozen=True)
class ServiceRow:
    """One level of service given at one place."""

    point: ReceptionPoint
    level: int
    publics: list


def point_field(field):
    return replace(field, get=lambda row, context, get=field.get: get(row.point, context))


def eligible_area(point, context):
    """The structure's area of competence as the schema's codes: departments, intercommunalities
    (SIREN) and communes (INSEE); with communes taken out, every commune of the area; without an
    area, the point's department."""
    key = ("area", point.structure_id)
    if key not in context.memo:
        context.memo[key] = structure_area(point.structure)
    return context.memo[key] or [point.commune.department_id]


def structure_area(structure):
    """The area's codes (read once per structure and export: all its points share it)."""
    if structure.excluded_communes.all():
        # The structure's own rule, in SQL (the structure may be a record: an instance by its id reads it).
        return sorted(Structure(pk=structure.id).area_communes().values_list("insee_code", flat=True))
    area = sorted(department.code for department in structure.competence_departments.all())
    area += sorted(epci.code for epci in structure.competence_epcis.all())
    area += sorted(commune.insee_code for commune in structure.competence_communes.all())
    return area


def service_publics(publics):
    slugs = {slug for public in publics for slug in PUBLICS[public.slug]}
    return ["tous-publics"] if "tous-publics" in slugs else sorted(slugs)


def reception_modes(point, context):
    return (["en-presentiel"] if point.on_site else []) + (["a-distance"] if point.by_phone or point.by_video else [])


def mobilisation(point, context):
    modes = (
        (["envoyer-un-courriel"] if point.email else [])
        + (["se-presenter"] if point.on_site and point.walk_in else [])
        + (["telephoner"] if point.phone else [])
    )
    return modes or None


def level_value(key):
    return lambda row, context: LEVELS[row.level][key]


SERVICE = Shape(
    "Un service au schéma data·inclusion v1 : un niveau de service donné dans un lieu.",
    text("source", "Producteur des données.", get=lambda row, context: SOURCE),
    text("structure_id", "Identifiant de la structure.", get=lambda row, context: identifier(row.point.structure.slug)),
    text("id", "Identifiant.", get=lambda row, context: identifier(f"{row.point.slug}--niveau-{row.level}")),
    text("nom", "Nom du service.", get=level_value("nom")),
    text("description", "Description du service.", get=lambda row, context: LEVEL_DESCRIPTIONS[row.level]),
    point_field(address("lien_source", "Page publique du lieu.", page("annuaire:point"))),
    point_field(DATE_MAJ),
    text("type", "Type de service.", get=level_value("type")),
    listing("thematiques", "Thématiques.", level_value("thematiques")),
    text("frais", "Frais.", get=lambda row, context: "gratuit"),
    text("frais_precisions", "Précisions sur les frais.", get=lambda row, context: FEES_DETAILS),
    listing("publics", "Publics.", lambda row, context: service_publics(row.publics) or ["tous-publics"]),
    text(
        "publics_precisions",
        "Publics accueillis, en toutes lettres.",
        get=lambda row, context: ", ".join(public.name for public in row.publics) or None,
        nullable=True,
    ),  # fmt: skip
    point_field(text("telephone", "Téléphone (format international).", get=point_phone, nullable=True)),
    point_field(text("courriel", "Adresse électronique.", "email", nullable=True)),
    point_field(listing("modes_accueil", "Modes d'accueil.", reception_modes)),
    point_field(listing("zone_eligibilite", "Zone d'éligibilité (codes INSEE ou de départements).", eligible_area)),
    point_field(listing("modes_mobilisation", "Comment mobiliser le service.", mobilisation, nullable=True)),
    listing("mobilisable_par", "Qui peut mobiliser le service.", lambda row, context: ["professionnels", "usagers"]),
    point_field(text("mobilisation_precisions", "Comment prendre rendez-vous.", "appointment_details", nullable=True)),
    *map(point_field, PLACE.fields),
)


def published_points():
    return ReceptionPoint.objects.published()


def structures(absolute):
    """Every published structure, with the address and hours of its main place (else of its first
    published place)."""
    shape_context = context(absolute=absolute)
    main_first = (
        published_points()
        .filter(structure=OuterRef("pk"))
        .order_by(Case(When(kind=PointKind.MAIN, then=Value(0)), default=Value(1)), "kind", "pk")
    )
    rows = Structure.objects.published().annotate(main_id=Subquery(main_first.values("pk")[:1])).order_by("pk")
    mains = {point.id: point for point in point_records(published_points().filter(pk__in=rows.values("main_id")))}
    for structure in rows.select_related("network").iterator(chunk_size=500):
        yield STRUCTURE.serialize(StructureRow(structure, mains.get(structure.main_id)), shape_context)


def services(absolute):
    """One service per published point and level of service it offers (level 1 at least: every
    SPRO place gives a first level of information)."""
    shape_context = context(absolute=absolute)
    for point in point_records(published_points().order_by("pk"), structure_relations=AREA):
        yield from point_services(point, shape_context)


def point_services(point, shape_context):
    """The services of one point (read with its structure's area), one per level."""
    publics = effective(point.publics.all(), point.structure.publics.all())
    levels = {level.level for level in effective(point.levels.all(), point.structure.levels.all())} | {1}
    for level in sorted(levels):
        yield SERVICE.serialize(ServiceRow(point, level, publics), shape_context)


def publics_table():
    """(our public's name, the schema's values) for the documentation page."""
    return [(name, PUBLICS[slug]) for slug, name, _ in reference.PUBLICS]


def networks_table():
    return [(network[1], NETWORKS.get(network[0])) for network in reference.NETWORKS]

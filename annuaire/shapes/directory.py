"""The open-data shapes of reception points, structures, networks and places.

Field names are English and stable: reusers build on them, so a field is never renamed or given
another meaning in /api/v1/ (a new field may be added). Identifiers are the slugs, the same as in
the public pages' addresses and in the back office's import files. Every shape is flat enough to
be a CSV row: lists become comma-separated values there (annuaire.opendata.CSV_LIST_SEPARATOR).

A point is serialized with its structure, network, commune, hours and vocabularies prefetched
(ReceptionPoint.objects.for_open_data()); a structure with `published_points` annotated.
"""

from operator import attrgetter

from annuaire.shapes.fields import (
    Shape,
    absolute,
    address,
    boolean,
    day,
    integer,
    link,
    listing,
    moment,
    number,
    related,
    text,
)
from structures import reference
from structures.enums import Accessibility, Circle, GeoPrecision, PointKind
from structures.hours import osm_opening_hours
from structures.models import effective
from structures.validators import INSEE_CODE_PATTERN

PUBLIC_SLUGS = [slug for slug, _, _ in reference.PUBLICS]
NETWORK_SLUGS = [network[0] for network in reference.NETWORKS]
DEPARTMENT_CODES = [code for code, _, _ in reference.DEPARTMENTS]
LEVELS = list(reference.LEVEL_NAMES)


def point_url(request, slug):
    return absolute(request, "annuaire:point", slug)


def host_name(point, context):
    host = point.host_structure.name if point.host_structure_id and point.host_structure else point.host_name
    return host or None


def point_publics(point, context):
    return sorted(public.slug for public in effective(point.publics.all(), point.structure.publics.all()))


def point_levels(point, context):
    return sorted(level.level for level in effective(point.levels.all(), point.structure.levels.all()))


def opening_hours(point, context):
    return osm_opening_hours(point.opening_hours.all(), point.closures.all(), context.today)


def short_name(network):
    return network.short_name or network.name


LAST_VERIFIED = "Date de la dernière vérification de la fiche."
UPDATED = "Date et heure de la dernière modification."
IS_DEMO = (
    "Fiche du jeu de démonstration, pas une donnée officielle : inventée quand source_date est vide, sinon reprise "
    "d'une source publique datée, jamais vérifiée depuis."
)
SOURCE = "Source de la donnée."
SOURCE_DATE = "Date à laquelle la source a publié ces informations (par exemple 2019-01-01 pour l'export de 2019 de l'Annuaire de l'administration)."
SERVICE_LEVELS = "Niveaux de service : 1 accueil et information, 2 conseil et accompagnement."

POINT = Shape(
    "Un lieu d'accueil publié.",
    text("id", "Identifiant stable du lieu (celui de l'adresse de sa page).", "slug"),
    text("name", "Nom du lieu."),
    text("kind", "Type de lieu.", enum=PointKind.values),
    text("structure_id", "Identifiant de la structure.", "structure.slug"),
    text("structure_name", "Nom de la structure.", "structure.name"),
    text("network_id", "Identifiant du réseau.", "structure.network.slug", enum=NETWORK_SLUGS),
    text("network_name", "Nom du réseau.", "structure.network.name"),
    text("network_short_name", "Nom court du réseau.", get=lambda point, context: short_name(point.structure.network)),
    integer("circle", "Cercle du SPRO (1, 2 ou 3).", "structure.network.circle", enum=Circle.values),
    text("host_name", "Pour une permanence : qui l'accueille.", get=host_name, nullable=True),
    text("address", "Numéro et voie.", nullable=True),
    text("address_complement", "Complément d'adresse.", nullable=True),
    text("postal_code", "Code postal.", pattern=r"^\d{5}$"),
    text("commune", "Commune.", "commune.name"),
    text("insee_code", "Code INSEE de la commune.", "commune_id", pattern=INSEE_CODE_PATTERN),
    text("department_code", "Code du département.", "commune.department_id", enum=DEPARTMENT_CODES),
    number("latitude", "Latitude (WGS 84).", minimum=-90, maximum=90),
    number("longitude", "Longitude (WGS 84).", minimum=-180, maximum=180),
    text(
        "position_precision",
        "« exact » : position du lieu ; « commune » : centre de la commune.",
        "geo_precision",
        enum=GeoPrecision.values,
    ),
    text("phone", "Téléphone.", nullable=True),
    text("email", "Adresse électronique.", nullable=True),
    boolean("on_site", "Accueil sur place."),
    boolean("walk_in", "Accueil sans rendez-vous."),
    boolean("by_appointment", "Accueil sur rendez-vous."),
    text("appointment_details", "Comment prendre rendez-vous.", nullable=True),
    boolean("by_phone", "Entretien par téléphone."),
    boolean("by_video", "Entretien en visioconférence."),
    text("accessibility", "Accessibilité en fauteuil roulant.", enum=Accessibility.values),
    text("accessibility_details", "Précisions sur l'accessibilité.", nullable=True),
    listing(
        "publics", "Publics accueillis (ceux du lieu, sinon ceux de sa structure).", point_publics, enum=PUBLIC_SLUGS
    ),  # fmt: skip
    listing("service_levels", SERVICE_LEVELS, point_levels, item="integer", enum=LEVELS),
    text(
        "opening_hours",
        "Horaires au format opening_hours d'OpenStreetMap (jours fériés et fermetures compris).",
        get=opening_hours,
        nullable=True,
    ),
    day("last_verified_on", LAST_VERIFIED),
    moment("updated_at", UPDATED),
    boolean("is_demo", IS_DEMO),
    text("source", SOURCE, nullable=True),
    day("source_date", SOURCE_DATE),
    link("url", "Page publique du lieu.", "annuaire:point"),
)
POINT_RESULT = POINT.with_fields(
    number(
        "distance_km",
        "Distance au lieu cherché, en km (null sans lieu).",
        get=lambda point, context: context.distance(point),
        nullable=True,
    ),
    boolean(
        "competent_for_place",
        "Vrai si la structure du lieu est compétente pour la commune cherchée (sa Mission Locale, son CIO, "
        "son agence France Travail…), faux si son réseau a des secteurs et qu'elle couvre d'autres communes, "
        "null sans commune ou pour un réseau sans secteurs.",
        get=lambda point, context: context.competence.of(point) if context.competence else None,
        nullable=True,
    ),
    description="",
)
# GeoJSON: the position is the geometry, the other fields the properties.
POINT_PROPERTIES = POINT.without("latitude", "longitude", description="")


def point_feature(point, context):
    return {
        "type": "Feature",
        "id": point.slug,
        "geometry": {"type": "Point", "coordinates": [point.longitude, point.latitude]},
        "properties": POINT_PROPERTIES.serialize(point, context),
    }


def label_valid_until(structure, context):
    return structure.label_end.isoformat() if structure.network.circle == Circle.LABELLED and structure.label_end else None  # fmt: skip


STRUCTURE = Shape(
    "Une structure membre publiée.",
    text("id", "Identifiant stable de la structure.", "slug"),
    text("name", "Nom."),
    text("network_id", "Identifiant du réseau.", "network.slug", enum=NETWORK_SLUGS),
    text("network_name", "Nom du réseau.", "network.name"),
    integer("circle", "Cercle du SPRO.", "network.circle", enum=Circle.values),
    text("description", "Présentation.", nullable=True),
    text("siret", "Numéro SIRET.", nullable=True),
    text("website", "Site internet.", nullable=True, format="uri"),
    text("phone", "Téléphone.", nullable=True),
    text("email", "Adresse électronique.", nullable=True),
    related("publics", "Publics accueillis.", "publics", "slug", enum=PUBLIC_SLUGS),
    related("service_levels", SERVICE_LEVELS, "levels", "level", item="integer", enum=LEVELS),
    related(
        "competence_departments", "Départements de compétence.", "competence_departments", "code", enum=DEPARTMENT_CODES
    ),  # fmt: skip
    related(
        "competence_communes",
        "Communes de compétence (codes INSEE).",
        "competence_communes",
        "insee_code",
        pattern=INSEE_CODE_PATTERN,
    ),  # fmt: skip
    text(
        "label_valid_until",
        "Cercle 3 : fin de validité du label régional.",
        get=label_valid_until,
        nullable=True,
        format="date",
    ),
    integer("points_count", "Nombre de lieux d'accueil publiés.", "published_points", minimum=0),
    day("last_verified_on", LAST_VERIFIED),
    moment("updated_at", UPDATED),
    boolean("is_demo", IS_DEMO),
    text("source", SOURCE, nullable=True),
    day("source_date", SOURCE_DATE),
    link("url", "Page publique de la structure.", "annuaire:structure"),
    link("points_url", "Ses lieux d'accueil dans l'API.", "annuaire:api-points", "structure"),
)

NETWORK = Shape(
    "Un réseau du SPRO.",
    text("id", "Identifiant stable du réseau.", "slug", enum=NETWORK_SLUGS),
    text("name", "Nom."),
    text("short_name", "Nom court.", get=lambda network, context: short_name(network)),
    integer("circle", "Cercle du SPRO.", enum=Circle.values),
    text("circle_label", "Le cercle en toutes lettres.", get=lambda network, context: network.get_circle_display()),
    text("audience", "Qui est accueilli."),
    text("website", "Site national.", nullable=True, format="uri"),
    integer(
        "structures_count",
        "Nombre de structures publiées.",
        get=lambda network, context: context.structures_counts.get(network.pk, 0),
        minimum=0,
    ),
    link("url", "Page publique du réseau.", "annuaire:network"),
    link("structures_url", "Ses structures dans l'API.", "annuaire:api-structures", "reseau"),
)

# The place a search is made around (annuaire.places.Place), and a commune suggested for the box.
PLACE = Shape(
    "Le lieu autour duquel on cherche.",
    text("kind", "Type de lieu cherché.", enum=["commune", "departement", "position"]),
    text("name", "Nom."),
    text("insee_code", "Code INSEE (commune).", get=lambda place, context: place.insee_code, nullable=True),
    text("department", "Code du département.", get=lambda place, context: place.department, nullable=True),
    number("latitude", "Latitude du point de référence."),
    number("longitude", "Longitude du point de référence."),
)
COMMUNE = PLACE.with_fields(text("label", "Nom affiché, avec le code postal."), description="")
OUTSIDE_PLACE = Shape(
    "Commune d'une autre région : l'annuaire couvre Auvergne-Rhône-Alpes.",
    text("name", "Commune."),
    text("department", "Département."),
    text("region", "Région."),
)


def _point(read):
    return lambda competent, context: read(competent.point) if competent.point else None


# A structure competent for a commune and its nearest place (annuaire.competence.CompetentPlace).
COMPETENT_PLACE = Shape(
    "Une structure compétente pour la commune, et son lieu d'accueil publié le plus proche.",
    text("network_id", "Identifiant du réseau.", "network.slug", enum=NETWORK_SLUGS),
    text("network_name", "Nom du réseau.", "network.name"),
    text(
        "territory",
        "Secteurs du réseau : « commune » (communes ou intercommunalités), « departement ».",
        "network.territory",
        enum=["commune", "departement"],
    ),
    text("structure_id", "Identifiant de la structure.", "structure.slug"),
    text("structure_name", "Nom de la structure.", "structure.name"),
    text("phone", "Téléphone (du lieu, sinon de la structure).", nullable=True),
    address(
        "structure_url",
        "Page publique de la structure.",
        lambda competent, context: absolute(context.request, "annuaire:structure", competent.structure.slug),
    ),
    text(
        "point_id",
        "Identifiant du lieu le plus proche (null sans lieu publié).",
        get=_point(attrgetter("slug")),
        nullable=True,
    ),  # fmt: skip
    text("point_name", "Nom de ce lieu.", get=_point(attrgetter("name")), nullable=True),
    address(
        "point_url",
        "Page publique de ce lieu.",
        lambda competent, context: point_url(context.request, competent.point.slug) if competent.point else None,
        nullable=True,
    ),
    number(
        "distance_km",
        "Distance de ce lieu au centre de la commune, en km.",
        get=lambda competent, context: round(competent.distance_km, 2) if competent.point else None,
        nullable=True,
    ),
    text(
        "opening_hours",
        "Horaires de ce lieu au format opening_hours d'OpenStreetMap.",
        get=lambda competent, context: opening_hours(competent.point, context) if competent.point else None,
        nullable=True,
    ),
)

"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json.

Written from the same vocabularies as the filters and the serializers, so that the allowed values
cannot drift from the code; the tests validate it (openapi-spec-validator), validate every
answer against it, and send it thousands of generated requests (schemathesis).
"""

from annuaire.filters import LEVEL_CHOICES, RECEPTION_MODES
from annuaire.forms import RADIUS_CHOICES
from annuaire.opendata import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SEPARATORS
from structures import reference
from structures.enums import Accessibility, Circle, GeoPrecision, PointKind
from structures.validators import INSEE_CODE_PATTERN

LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def string(description, nullable=False, **extra):
    return {"type": ["string", "null"] if nullable else "string", "description": description, **extra}


def integer(description, nullable=False, **extra):
    return {"type": ["integer", "null"] if nullable else "integer", "description": description, **extra}


def number(description, nullable=False, **extra):
    return {"type": ["number", "null"] if nullable else "number", "description": description, **extra}


def boolean(description):
    return {"type": "boolean", "description": description}


def strings(description, **items):
    return {"type": "array", "description": description, "items": {"type": "string", **items}}


def closed(properties, description=""):
    """An object whose fields are all present (null when unknown) and all documented."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


PUBLIC_SLUGS = [slug for slug, _, _ in reference.PUBLICS]
NETWORK_SLUGS = [network[0] for network in reference.NETWORKS]
DEPARTMENT_CODES = [code for code, _, _ in reference.DEPARTMENTS]

POINT = {
    "id": string("Identifiant stable du lieu (celui de l'adresse de sa page)."),
    "name": string("Nom du lieu."),
    "kind": string("Type de lieu.", enum=PointKind.values),
    "structure_id": string("Identifiant de la structure."),
    "structure_name": string("Nom de la structure."),
    "network_id": string("Identifiant du réseau.", enum=NETWORK_SLUGS),
    "network_name": string("Nom du réseau."),
    "network_short_name": string("Nom court du réseau."),
    "circle": integer("Cercle du SPRO (1, 2 ou 3).", enum=Circle.values),
    "host_name": string("Pour une permanence : qui l'accueille.", nullable=True),
    "address": string("Numéro et voie.", nullable=True),
    "address_complement": string("Complément d'adresse.", nullable=True),
    "postal_code": string("Code postal.", pattern=r"^\d{5}$"),
    "commune": string("Commune."),
    "insee_code": string("Code INSEE de la commune.", pattern=INSEE_CODE_PATTERN),
    "department_code": string("Code du département.", enum=DEPARTMENT_CODES),
    "latitude": number("Latitude (WGS 84).", minimum=-90, maximum=90),
    "longitude": number("Longitude (WGS 84).", minimum=-180, maximum=180),
    "position_precision": string(
        "« exact » : position du lieu ; « commune » : centre de la commune.", enum=GeoPrecision.values
    ),
    "phone": string("Téléphone.", nullable=True),
    "email": string("Adresse électronique.", nullable=True),
    "on_site": boolean("Accueil sur place."),
    "walk_in": boolean("Accueil sans rendez-vous."),
    "by_appointment": boolean("Accueil sur rendez-vous."),
    "appointment_details": string("Comment prendre rendez-vous.", nullable=True),
    "by_phone": boolean("Entretien par téléphone."),
    "by_video": boolean("Entretien en visioconférence."),
    "accessibility": string("Accessibilité en fauteuil roulant.", enum=Accessibility.values),
    "accessibility_details": string("Précisions sur l'accessibilité.", nullable=True),
    "publics": strings("Publics accueillis (ceux du lieu, sinon ceux de sa structure).", enum=PUBLIC_SLUGS),
    "service_levels": {
        "type": "array",
        "description": "Niveaux de service : 1 accueil et information, 2 conseil et accompagnement.",
        "items": {"type": "integer", "enum": [1, 2]},
    },
    "opening_hours": string(
        "Horaires au format opening_hours d'OpenStreetMap (jours fériés et fermetures compris).", nullable=True
    ),
    "last_verified_on": string("Date de la dernière vérification de la fiche.", nullable=True, format="date"),
    "updated_at": string("Date et heure de la dernière modification.", format="date-time"),
    "is_demo": boolean("Donnée de démonstration (fictive), pas une donnée officielle."),
    "source": string("Source de la donnée.", nullable=True),
    "url": string("Page publique du lieu.", format="uri"),
}
STRUCTURE = {
    "id": string("Identifiant stable de la structure."),
    "name": string("Nom."),
    "network_id": string("Identifiant du réseau.", enum=NETWORK_SLUGS),
    "network_name": string("Nom du réseau."),
    "circle": integer("Cercle du SPRO.", enum=Circle.values),
    "description": string("Présentation.", nullable=True),
    "siret": string("Numéro SIRET.", nullable=True),
    "website": string("Site internet.", nullable=True, format="uri"),
    "phone": string("Téléphone.", nullable=True),
    "email": string("Adresse électronique.", nullable=True),
    "publics": strings("Publics accueillis.", enum=PUBLIC_SLUGS),
    "service_levels": POINT["service_levels"],
    "competence_departments": strings("Départements de compétence.", enum=DEPARTMENT_CODES),
    "competence_communes": strings("Communes de compétence (codes INSEE).", pattern=INSEE_CODE_PATTERN),
    "label_valid_until": string("Cercle 3 : fin de validité du label régional.", nullable=True, format="date"),
    "points_count": integer("Nombre de lieux d'accueil publiés.", minimum=0),
    "last_verified_on": POINT["last_verified_on"],
    "updated_at": POINT["updated_at"],
    "is_demo": POINT["is_demo"],
    "source": POINT["source"],
    "url": string("Page publique de la structure.", format="uri"),
    "points_url": string("Ses lieux d'accueil dans l'API.", format="uri"),
}
NETWORK = {
    "id": string("Identifiant stable du réseau.", enum=NETWORK_SLUGS),
    "name": string("Nom."),
    "short_name": string("Nom court."),
    "circle": integer("Cercle du SPRO.", enum=Circle.values),
    "circle_label": string("Le cercle en toutes lettres."),
    "audience": string("Qui est accueilli."),
    "website": string("Site national.", nullable=True, format="uri"),
    "structures_count": integer("Nombre de structures publiées.", minimum=0),
    "url": string("Page publique du réseau.", format="uri"),
    "structures_url": string("Ses structures dans l'API.", format="uri"),
}
PLACE = {
    "kind": string("Type de lieu cherché.", enum=["commune", "departement", "position"]),
    "name": string("Nom."),
    "insee_code": string("Code INSEE (commune).", nullable=True),
    "department": string("Code du département.", nullable=True),
    "latitude": number("Latitude du point de référence."),
    "longitude": number("Longitude du point de référence."),
}
NEXT = string("Adresse de la page suivante, absente (null) sur la dernière.", nullable=True, format="uri")

SCHEMAS = {
    "Point": closed(POINT, "Un lieu d'accueil publié."),
    "PointResult": closed(
        POINT | {"distance_km": number("Distance au lieu cherché, en km (null sans lieu).", nullable=True)}
    ),
    "Place": closed(PLACE, "Le lieu autour duquel on cherche."),
    "Commune": closed(PLACE | {"label": string("Nom affiché, avec le code postal.")}),
    "PointPage": closed(
        {
            "place": {"oneOf": [ref("Place"), {"type": "null"}]},
            "candidates": {"type": "array", "items": ref("Place"), "description": "Autres lieux possibles."},
            "radius_km": integer("Rayon de recherche (null sans lieu ou pour un département).", nullable=True),
            "count": integer("Nombre de résultats (plafonné à 200 autour d'un lieu).", minimum=0),
            "count_capped": boolean("Vrai si le nombre de résultats a été plafonné."),
            "next": NEXT,
            "results": {"type": "array", "items": ref("PointResult")},
            "understood": strings("Comment la recherche a été comprise, quand elle n'a pas été lue telle quelle."),
            "network": string("Réseau nommé dans les mots de la recherche, appliqué comme filtre.", nullable=True),
            "outside_region": {
                "oneOf": [
                    closed(
                        {
                            "name": string("Commune."),
                            "department": string("Département."),
                            "region": string("Région."),
                        },
                        "Commune d'une autre région : l'annuaire couvre Auvergne-Rhône-Alpes.",
                    ),
                    {"type": "null"},
                ]
            },
            "unresolved": boolean("Vrai si aucune commune n'a été reconnue avec certitude : voir candidates."),
        }
    ),
    "Structure": closed(STRUCTURE, "Une structure membre publiée."),
    "StructurePage": closed(
        {
            "count": integer("Nombre de structures.", minimum=0),
            "next": NEXT,
            "results": {"type": "array", "items": ref("Structure")},
        }
    ),
    "Network": closed(NETWORK, "Un réseau du SPRO."),
    "NetworkList": closed(
        {"count": integer("Nombre de réseaux.", minimum=0), "results": {"type": "array", "items": ref("Network")}}
    ),
    "Feature": closed(
        {
            "type": {"const": "Feature"},
            "id": string("Identifiant du lieu."),
            "geometry": closed(
                {
                    "type": {"const": "Point"},
                    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                }
            ),
            "properties": closed({key: value for key, value in POINT.items() if key not in ("latitude", "longitude")}),
        }
    ),
    "FeatureCollection": closed(
        {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": ref("Feature")}}
    ),
    "DataInclusionStructures": {
        "type": "array",
        "description": "Structures au schéma data·inclusion v1 (voir externalDocs).",
        "items": {"type": "object", "required": ["source", "id", "nom", "date_maj"]},
    },
    "DataInclusionServices": {
        "type": "array",
        "description": "Services au schéma data·inclusion v1 : un par lieu et niveau de service.",
        "items": {"type": "object", "required": ["source", "structure_id", "id", "nom", "description", "date_maj"]},
    },
    "CommuneList": closed({"results": {"type": "array", "items": ref("Commune")}}),
    "CommuneError": closed({"error": string("Ce qui ne va pas, en français.")}),
    "Error": closed(
        {
            "error": string("Ce qui ne va pas, en français."),
            "errors": strings("Chaque problème séparément."),
        }
    ),
}


def query(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def flag(name, description):
    return query(name, f"{description} : « 1 » pour ne garder que ces lieux.", {"type": "string", "enum": ["1"]})


PARAMETERS = {
    "q": query("q", "Commune, code postal, département ou nom de structure.", {"type": "string", "maxLength": 100}),
    "commune": query(
        "commune", "Code INSEE d'une commune de la région.", {"type": "string", "pattern": INSEE_CODE_PATTERN}
    ),
    "lat": query("lat", "Latitude d'une position (avec lon).", {"type": "number", "minimum": -90, "maximum": 90}),
    "lon": query("lon", "Longitude d'une position (avec lat).", {"type": "number", "minimum": -180, "maximum": 180}),
    "rayon": query(
        "rayon",
        "Rayon autour du lieu, en km (20 par défaut).",
        {"type": "integer", "enum": [r for r, _ in RADIUS_CHOICES]},
    ),
    "page": query("page", "Page des résultats autour d'un lieu.", {"type": "integer", "minimum": 1, "maximum": 10000}),
    "departement": query("departement", "Code du département.", {"type": "string", "enum": DEPARTMENT_CODES}),
    "public": query("public", "Public accueilli.", {"type": "string", "enum": PUBLIC_SLUGS}),
    "niveau": query("niveau", "Niveau de service.", {"type": "string", "enum": [value for value, _ in LEVEL_CHOICES]}),
    "cercle": query("cercle", "Cercle du SPRO.", {"type": "string", "enum": [str(value) for value in Circle.values]}),
    "reseau": query("reseau", "Identifiant du réseau.", {"type": "string", "enum": NETWORK_SLUGS}),
    "type": query("type", "Type de lieu.", {"type": "string", "enum": PointKind.values}),
    "mode": query("mode", "Mode d'accueil.", {"type": "string", "enum": [value for value, _ in RECEPTION_MODES]}),
    "structure": query("structure", "Identifiant d'une structure.", {"type": "string", "maxLength": 220}),
    "sans_rdv": flag("sans_rdv", "Accueil sans rendez-vous"),
    "accessible": flag("accessible", "Accessible en fauteuil roulant"),
    "ouvert": flag("ouvert", "Ouvert maintenant (heure de Paris)"),
    "curseur": query(
        "curseur", "Où reprendre : à prendre dans le lien « next ».", {"type": "string", "maxLength": 100}
    ),
    "par_page": query(
        "par_page",
        f"Nombre d'éléments par page ({DEFAULT_PAGE_SIZE} par défaut).",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
    ),
    "separateur": query(
        "separateur", "Séparateur des colonnes (virgule par défaut).", {"type": "string", "enum": list(SEPARATORS)}
    ),
    "nom": query("q", "Mots du nom de la structure.", {"type": "string", "maxLength": 100}),
}
POINT_FILTERS = ["departement", "public", "niveau", "cercle", "reseau", "type", "mode", "structure", "sans_rdv", "accessible", "ouvert"]  # fmt: skip
WHERE = ["q", "commune", "lat", "lon", "rayon"]
STRUCTURE_FILTERS = ["nom", "departement", "public", "niveau", "cercle", "reseau"]

CACHE_HEADERS = {
    "ETag": {"description": "Version de la réponse (requêtes conditionnelles).", "schema": {"type": "string"}},
    "Cache-Control": {"description": "Durée de réutilisation.", "schema": {"type": "string"}},
}


def params(*names):
    return [{"$ref": f"#/components/parameters/{name}"} for name in names]


def ok(description, media, schema):
    return {"description": description, "headers": CACHE_HEADERS, "content": {media: {"schema": schema}}}


def operation(operation_id, summary, parameters, success, errors=(400,)):
    responses = {"200": success, "304": {"description": "Inchangé depuis la version que vous avez (ETag)."}}
    if 400 in errors:
        responses["400"] = {
            "description": "Paramètre invalide.",
            "content": {"application/json": {"schema": ref("Error")}},
        }
    if 404 in errors:
        responses["404"] = {
            "description": "Inconnu ou non publié.",
            "content": {"application/json": {"schema": ref("Error")}},
        }
    responses["429"] = {
        "description": "Trop de requêtes : attendre le délai indiqué par Retry-After.",
        "headers": {"Retry-After": {"schema": {"type": "string"}}},
        "content": {"application/json": {"schema": ref("Error")}},
    }
    return {"get": {"operationId": operation_id, "summary": summary, "parameters": parameters, "responses": responses}}


CSV = {"type": "string", "description": "CSV en UTF-8 avec BOM, une ligne d'en-tête : les champs du JSON."}
SLUG = [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}}]


def openapi_document(request):
    base = request.build_absolute_uri("/api/v1")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Annuaire du SPRO Auvergne-Rhône-Alpes",
            "version": "1.0.0",
            "description": (
                "Les lieux d'accueil, structures et réseaux du Service public régional de l'orientation en "
                "Auvergne-Rhône-Alpes, publiés en données ouvertes. Seules les données publiées sont exposées. "
                "Documentation en français : /donnees/."
            ),
            "license": LICENCE,
        },
        "servers": [{"url": base}],
        "externalDocs": {"description": "Documentation et exemples", "url": request.build_absolute_uri("/donnees/")},
        "paths": {
            "/lieux": operation(
                "listPoints",
                "Lieux d'accueil : autour d'un lieu (par distance, 20 par page) ou liste complète (curseur)",
                params(*WHERE, "page", *POINT_FILTERS, "curseur", "par_page"),
                ok("Une page de lieux.", "application/json", ref("PointPage")),
            ),
            "/lieux.geojson": operation(
                "exportPointsGeoJSON",
                "Tous les lieux qui répondent aux filtres, en GeoJSON, en une réponse",
                params(*WHERE, *POINT_FILTERS),
                ok("Les lieux.", "application/geo+json", ref("FeatureCollection")),
            ),
            "/lieux.csv": operation(
                "exportPointsCSV",
                "Tous les lieux qui répondent aux filtres, en CSV",
                params(*WHERE, *POINT_FILTERS, "separateur"),
                ok("Les lieux.", "text/csv", CSV),
            ),
            "/lieux/{slug}": operation(
                "getPoint",
                "Un lieu d'accueil",
                SLUG,
                ok("Le lieu.", "application/json", ref("Point")),
                errors=(404,),
            ),
            "/structures": operation(
                "listStructures",
                "Structures membres (curseur)",
                params(*STRUCTURE_FILTERS, "curseur", "par_page"),
                ok("Une page de structures.", "application/json", ref("StructurePage")),
            ),
            "/structures.csv": operation(
                "exportStructuresCSV",
                "Toutes les structures qui répondent aux filtres, en CSV",
                params(*STRUCTURE_FILTERS, "separateur"),
                ok("Les structures.", "text/csv", CSV),
            ),
            "/structures/{slug}": operation(
                "getStructure",
                "Une structure",
                SLUG,
                ok("La structure.", "application/json", ref("Structure")),
                errors=(404,),
            ),
            "/reseaux": operation(
                "listNetworks",
                "Les réseaux du SPRO",
                [],
                ok("Les réseaux.", "application/json", ref("NetworkList")),
                (),
            ),
            "/data-inclusion/structures.json": operation(
                "dataInclusionStructures",
                "Structures au schéma national data·inclusion",
                [],
                ok("Les structures.", "application/json", ref("DataInclusionStructures")),
                (),
            ),
            "/data-inclusion/services.json": operation(
                "dataInclusionServices",
                "Services au schéma national data·inclusion",
                [],
                ok("Les services.", "application/json", ref("DataInclusionServices")),
                (),
            ),
            "/communes": {
                "get": {
                    "operationId": "suggestCommunes",
                    "summary": "Communes de la région dont le nom commence comme q, ou la commune d'un code INSEE",
                    "parameters": [
                        query("q", "Début du nom (2 lettres au moins).", {"type": "string", "maxLength": 100}),
                        query("code", "Code INSEE.", {"type": "string", "maxLength": 5}),
                    ],
                    "responses": {
                        "200": {
                            "description": "Les communes (12 au plus).",
                            "content": {"application/json": {"schema": ref("CommuneList")}},
                        },
                        "404": {
                            "description": "Aucune commune de la région n'a ce code.",
                            "content": {"application/json": {"schema": ref("CommuneError")}},
                        },
                    },
                }
            },
            "/openapi.json": operation(
                "openapi", "Cette description", [], ok("OpenAPI 3.1.", "application/json", {"type": "object"}), ()
            ),
        },
        "components": {"schemas": SCHEMAS, "parameters": PARAMETERS},
    }


# --- The same description, for the French documentation page (/donnees/) ---------------------------

TYPE_LABELS = {
    "string": "texte",
    "integer": "nombre entier",
    "number": "nombre",
    "boolean": "vrai / faux",
    "array": "liste",
}
LIST_LABELS = {"string": "liste de textes", "integer": "liste de nombres entiers", "number": "liste de nombres"}


def _type_label(schema):
    kinds = schema.get("type", "string")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    main = next(kind for kind in kinds if kind != "null")
    label = TYPE_LABELS[main]
    if main == "array":
        label = LIST_LABELS[schema["items"].get("type", "string")]
    if schema.get("format") == "date":
        label = "date (AAAA-MM-JJ)"
    elif schema.get("format") == "date-time":
        label = "date et heure (ISO 8601)"
    elif schema.get("format") == "uri":
        label = "adresse web"
    return label, "null" in kinds


def field_rows(properties):
    """(name, type, may be empty, description, allowed values) for each field of a shape."""
    rows = []
    for name, schema in properties.items():
        label, nullable = _type_label(schema)
        values = schema.get("enum") or schema.get("items", {}).get("enum") or []
        rows.append((name, label, nullable, schema["description"], [str(value) for value in values]))
    return rows


def parameter_rows(names):
    rows = []
    for name in names:
        parameter = PARAMETERS[name]
        values = parameter["schema"].get("enum", [])
        rows.append((parameter["name"], parameter["description"], [str(value) for value in values]))
    return rows


def documentation():
    return {
        "point_fields": field_rows(POINT),
        "structure_fields": field_rows(STRUCTURE),
        "network_fields": field_rows(NETWORK),
        "point_parameters": parameter_rows([*WHERE, "page", *POINT_FILTERS, "curseur", "par_page", "separateur"]),
        "structure_parameters": parameter_rows([*STRUCTURE_FILTERS, "curseur", "par_page", "separateur"]),
    }

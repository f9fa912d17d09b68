"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json.

Written from the declarations of the shapes (annuaire.shapes) and of the parameters (the forms
and filter sets that validate them), so that it cannot drift from the answers; the tests validate it (openapi-spec-validator), validate every
answer against it, and send it thousands of generated requests (schemathesis).
"""

from annuaire import data_inclusion
from annuaire.mapping import MAP_POINT_LIMIT
from annuaire.shapes import directory, parameters
from structures.validators import INSEE_CODE_PATTERN

LICENCE = {
    "name": "Licence Ouverte / Open Licence 2.0 (Etalab)",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


NEXT = {
    "type": ["string", "null"],
    "description": "Adresse de la page suivante, absente (null) sur la dernière.",
    "format": "uri",
}
MESSAGE = {"type": "string", "description": "Ce qui ne va pas, en français."}


def closed(properties, description="", required=None):
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties if required is None else required),
        "additionalProperties": False,
    }


BBOX = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4}


def array_of(name, description=None):
    schema = {"type": "array", "items": ref(name)}
    return schema | ({"description": description} if description else {})


SCHEMAS = {
    "Point": directory.POINT.schema(),
    "PointResult": directory.POINT_RESULT.schema(),
    "Place": directory.PLACE.schema(),
    "Commune": directory.COMMUNE.schema(),
    "PointPage": closed(
        {
            "place": {"oneOf": [ref("Place"), {"type": "null"}]},
            "candidates": array_of("Place", "Autres lieux possibles."),
            "radius_km": {
                "type": ["integer", "null"],
                "description": "Rayon de recherche (null sans lieu ou pour un département).",
            },
            "count": {
                "type": "integer",
                "description": "Nombre de résultats (plafonné à 200 autour d'un lieu).",
                "minimum": 0,
            },  # fmt: skip
            "count_capped": {"type": "boolean", "description": "Vrai si le nombre de résultats a été plafonné."},
            "next": NEXT,
            "results": array_of("PointResult"),
            "understood": {
                "type": "array",
                "description": "Comment la recherche a été comprise, quand elle n'a pas été lue telle quelle.",
                "items": {"type": "string"},
            },
            "network": {
                "type": ["string", "null"],
                "description": "Réseau nommé dans les mots de la recherche, appliqué comme filtre.",
            },
            "outside_region": {"oneOf": [directory.OUTSIDE_PLACE.schema(), {"type": "null"}]},
            "unresolved": {
                "type": "boolean",
                "description": "Vrai si aucune commune n'a été reconnue avec certitude : voir candidates.",
            },
        }
    ),
    "Structure": directory.STRUCTURE.schema(),
    "StructurePage": closed(
        {
            "count": {"type": "integer", "description": "Nombre de structures.", "minimum": 0},
            "next": NEXT,
            "results": array_of("Structure"),
        }
    ),
    "Network": directory.NETWORK.schema(),
    "NetworkList": closed(
        {
            "count": {"type": "integer", "description": "Nombre de réseaux.", "minimum": 0},
            "results": array_of("Network"),
        }
    ),
    "Feature": closed(
        {
            "type": {"const": "Feature"},
            "id": {"type": "string", "description": "Identifiant du lieu."},
            "geometry": closed(
                {
                    "type": {"const": "Point"},
                    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                }
            ),
            "properties": directory.POINT_PROPERTIES.schema(),
        }
    ),
    "Cluster": closed(
        {
            "type": {"const": "Feature"},
            "geometry": closed(
                {
                    "type": {"const": "Point"},
                    "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                }
            ),
            "bbox": BBOX | {"description": "Étendue des lieux regroupés : ouest, sud, est, nord."},
            "properties": closed(
                {
                    "cluster": {"const": True},
                    "point_count": {"type": "integer", "minimum": 2, "description": "Nombre de lieux regroupés."},
                }
            ),
        }
    ),
    "FeatureCollection": closed(
        {
            "type": {"const": "FeatureCollection"},
            "bbox": BBOX
            | {"description": "Étendue des lieux de la réponse (avec bbox ou zoom) : ouest, sud, est, nord."},
            "features": {
                "type": "array",
                "items": {"oneOf": [ref("Feature"), ref("Cluster")]},
                "description": f"Les lieux ; avec zoom et plus de {MAP_POINT_LIMIT} lieux, des regroupements (Cluster) et les lieux seuls dans leur carreau.",
            },
        },
        required=("type", "features"),
    ),
    "DataInclusionStructure": data_inclusion.STRUCTURE.schema(),
    "DataInclusionStructures": array_of(
        "DataInclusionStructure", "Structures au schéma data·inclusion v1 (voir externalDocs)."
    ),  # fmt: skip
    "DataInclusionService": data_inclusion.SERVICE.schema(),
    "DataInclusionServices": array_of(
        "DataInclusionService", "Services au schéma data·inclusion v1 : un par lieu et niveau de service."
    ),  # fmt: skip
    "CommuneList": closed({"results": array_of("Commune")}),
    "CompetentPlace": directory.COMPETENT_PLACE.schema(),
    "CommuneCompetences": closed(
        {
            "commune": ref("Place"),
            "results": array_of("CompetentPlace", "Réseau par réseau, les structures compétentes."),
        }
    ),
    "CommuneError": closed({"error": MESSAGE}),
    "Error": closed(
        {
            "error": MESSAGE,
            "errors": {"type": "array", "description": "Chaque problème séparément.", "items": {"type": "string"}},
        }
    ),
}


def query(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


CACHE_HEADERS = {
    "ETag": {"description": "Version de la réponse (requêtes conditionnelles).", "schema": {"type": "string"}},
    "Cache-Control": {"description": "Durée de réutilisation.", "schema": {"type": "string"}},
}


def answer(description, schema, media="application/json"):
    return {"description": description, "content": {media: {"schema": schema}}}


ERRORS = {
    400: answer("Paramètre invalide.", ref("Error")),
    404: answer("Inconnu ou non publié.", ref("Error")),
}
TOO_MANY = answer("Trop de requêtes : attendre le délai indiqué par Retry-After.", ref("Error")) | {
    "headers": {"Retry-After": {"schema": {"type": "string"}}}
}
NOT_MODIFIED = {"description": "Inchangé depuis la version que vous avez (ETag)."}


def operation(operation_id, summary, parameters, description, media, schema, errors=(400,)):
    responses = {"200": answer(description, schema, media) | {"headers": CACHE_HEADERS}, "304": NOT_MODIFIED}
    responses |= {str(status): ERRORS[status] for status in errors}
    responses["429"] = TOO_MANY
    return {"get": {"operationId": operation_id, "summary": summary, "parameters": parameters, "responses": responses}}


CSV = {"type": "string", "description": "CSV en UTF-8 avec BOM, une ligne d'en-tête : les champs du JSON."}
SLUG = [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}}]
INSEE = [{"name": "insee_code", "in": "path", "required": True, "schema": {"type": "string", "pattern": INSEE_CODE_PATTERN}}]  # fmt: skip
JSON, GEOJSON, TEXT_CSV = "application/json", "application/geo+json", "text/csv"
POINT_PAGE = parameters.openapi_parameters(*parameters.POINT_PAGE)
POINT_CSV = parameters.openapi_parameters(*parameters.POINT_EXPORT, parameters.CSV)
POINT_GEOJSON = parameters.openapi_parameters(*parameters.POINT_GEOJSON)
STRUCTURE_PAGE = parameters.openapi_parameters(*parameters.STRUCTURE_PAGE)
STRUCTURE_CSV = parameters.openapi_parameters(*parameters.STRUCTURE_EXPORT, parameters.CSV)
# path: operation id, summary, parameters, the answer (description, media type, schema), errors.
OPERATIONS = {
    "/lieux": ("listPoints", "Lieux d'accueil : autour d'un lieu (par distance, 20 par page) ou liste complète (curseur)", POINT_PAGE, "Une page de lieux.", JSON, ref("PointPage")),
    "/lieux.geojson": ("exportPointsGeoJSON", f"Les lieux qui répondent aux filtres, en GeoJSON, en une réponse ; avec bbox et zoom, ceux d'un rectangle, regroupés au-delà de {MAP_POINT_LIMIT}", POINT_GEOJSON, "Les lieux.", GEOJSON, ref("FeatureCollection")),
    "/lieux.csv": ("exportPointsCSV", "Tous les lieux qui répondent aux filtres, en CSV", POINT_CSV, "Les lieux.", TEXT_CSV, CSV),
    "/lieux/{slug}": ("getPoint", "Un lieu d'accueil", SLUG, "Le lieu.", JSON, ref("Point"), (404,)),
    "/structures": ("listStructures", "Structures membres (curseur)", STRUCTURE_PAGE, "Une page de structures.", JSON, ref("StructurePage")),
    "/structures.csv": ("exportStructuresCSV", "Toutes les structures qui répondent aux filtres, en CSV", STRUCTURE_CSV, "Les structures.", TEXT_CSV, CSV),
    "/structures/{slug}": ("getStructure", "Une structure", SLUG, "La structure.", JSON, ref("Structure"), (404,)),
    "/communes/{insee_code}/competences": ("communeCompetences", "Qui est compétent pour une commune : réseau par réseau, la structure et son lieu le plus proche", INSEE, "Les structures compétentes.", JSON, ref("CommuneCompetences"), (404,)),
    "/reseaux": ("listNetworks", "Les réseaux du SPRO", [], "Les réseaux.", JSON, ref("NetworkList"), ()),
    "/data-inclusion/structures.json": ("dataInclusionStructures", "Structures au schéma national data·inclusion", [], "Les structures.", JSON, ref("DataInclusionStructures"), ()),
    "/data-inclusion/services.json": ("dataInclusionServices", "Services au schéma national data·inclusion", [], "Les services.", JSON, ref("DataInclusionServices"), ()),
}  # fmt: skip
COMMUNES = {
    "get": {
        "operationId": "suggestCommunes",
        "summary": "Communes de la région dont le nom commence comme q, ou la commune d'un code INSEE",
        "parameters": [
            query("q", "Début du nom (2 lettres au moins).", {"type": "string", "maxLength": 100}),
            query("code", "Code INSEE.", {"type": "string", "maxLength": 5}),
        ],
        "responses": {
            "200": answer("Les communes (12 au plus).", ref("CommuneList")),
            "404": answer("Aucune commune de la région n'a ce code.", ref("CommuneError")),
        },
    }
}


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
        "paths": {path: operation(*description) for path, description in OPERATIONS.items()}
        | {
            "/communes": COMMUNES,
            "/openapi.json": operation(
                "openapi", "Cette description", [], "OpenAPI 3.1.", JSON, {"type": "object"}, ()
            ),
        },
        "components": {"schemas": SCHEMAS},
    }


# --- The same description, for the French documentation page (/donnees/) ---------------------------


def documentation():
    return {
        "point_fields": directory.POINT.documentation(),
        "structure_fields": directory.STRUCTURE.documentation(),
        "network_fields": directory.NETWORK.documentation(),
        "point_parameters": parameters.documentation(*parameters.POINT_PAGE, parameters.CSV),
        "structure_parameters": parameters.documentation(*parameters.STRUCTURE_PAGE, parameters.CSV),
        "map_parameters": parameters.documentation(parameters.MAP),
        "map_point_limit": MAP_POINT_LIMIT,
    }

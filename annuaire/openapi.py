"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json.

Written from the declarations of the shapes (annuaire.shapes) and of the parameters (the forms
and filter sets that validate them), so that it cannot drift from the answers; the tests validate it (openapi-spec-validator), validate every
answer against it, and send it thousands of generated requests (schemathesis).
"""

from annuaire import data_inclusion
from annuaire.shapes import directory, parameters

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


def closed(properties, description=""):
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


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
    "FeatureCollection": closed({"type": {"const": "FeatureCollection"}, "features": array_of("Feature")}),
    "DataInclusionStructure": data_inclusion.STRUCTURE.schema(),
    "DataInclusionStructures": array_of(
        "DataInclusionStructure", "Structures au schéma data·inclusion v1 (voir externalDocs)."
    ),  # fmt: skip
    "DataInclusionService": data_inclusion.SERVICE.schema(),
    "DataInclusionServices": array_of(
        "DataInclusionService", "Services au schéma data·inclusion v1 : un par lieu et niveau de service."
    ),  # fmt: skip
    "CommuneList": closed({"results": array_of("Commune")}),
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
                parameters.openapi_parameters(*parameters.POINT_PAGE),
                ok("Une page de lieux.", "application/json", ref("PointPage")),
            ),
            "/lieux.geojson": operation(
                "exportPointsGeoJSON",
                "Tous les lieux qui répondent aux filtres, en GeoJSON, en une réponse",
                parameters.openapi_parameters(*parameters.POINT_EXPORT),
                ok("Les lieux.", "application/geo+json", ref("FeatureCollection")),
            ),
            "/lieux.csv": operation(
                "exportPointsCSV",
                "Tous les lieux qui répondent aux filtres, en CSV",
                parameters.openapi_parameters(*parameters.POINT_EXPORT, parameters.CSV),
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
                parameters.openapi_parameters(*parameters.STRUCTURE_PAGE),
                ok("Une page de structures.", "application/json", ref("StructurePage")),
            ),
            "/structures.csv": operation(
                "exportStructuresCSV",
                "Toutes les structures qui répondent aux filtres, en CSV",
                parameters.openapi_parameters(*parameters.STRUCTURE_EXPORT, parameters.CSV),
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
    }

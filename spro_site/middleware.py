"""Middleware of the whole site: refusing the HTTP methods it does not use, and answering a
database outage quickly and honestly."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_MESSAGE = (
    "Le service est momentanément indisponible. Réessayez dans un instant : les informations de "
    "l'annuaire seront de nouveau là dans quelques minutes au plus."
)


class AllowedMethodsMiddleware:
    """TRACE, PUT, PATCH, DELETE, CONNECT…: 405 with the list of allowed methods, before any view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached, a 503 with Retry-After: the French page (written
    without the database: no layout context) or, under /api/, JSON like every API answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            # Raised by a middleware (sessions, authentication): views' errors come below.
            return self.unavailable(request, error)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self.unavailable(request, exception)
        return None

    def unavailable(self, request, error):
        logger.error("Base de données indisponible : %s", error)
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": UNAVAILABLE_MESSAGE, "errors": [UNAVAILABLE_MESSAGE]},
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response

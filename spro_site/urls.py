from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views import defaults

from annuaire import api
from structures.dashboard import dashboard

admin.site.site_header = "Annuaire SPRO — administration"
admin.site.site_title = "Administration de l'annuaire SPRO"
admin.site.index_title = "Gestion de l'annuaire"
admin.site.index_template = "admin/spro_index.html"

urlpatterns = [
    path(f"{settings.ADMIN_URL}tableau-de-bord/", admin.site.admin_view(dashboard), name="admin-dashboard"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("annuaire.urls")),
]


def page_not_found(request, exception):
    """The site's 404 page; under /api/, a JSON answer like every other of the API."""
    if request.path.startswith("/api/"):
        return api.not_found(request, exception)
    return defaults.page_not_found(request, exception)


handler404 = page_not_found

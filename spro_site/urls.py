from django.contrib import admin
from django.urls import include, path

from structures.dashboard import dashboard

admin.site.site_header = "Annuaire SPRO — administration"
admin.site.site_title = "Administration de l'annuaire SPRO"
admin.site.index_title = "Gestion de l'annuaire"
admin.site.index_template = "admin/spro_index.html"

urlpatterns = [
    path("admin/tableau-de-bord/", admin.site.admin_view(dashboard), name="admin-dashboard"),
    path("admin/", admin.site.urls),
    path("", include("annuaire.urls")),
]

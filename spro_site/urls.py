from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Annuaire SPRO — administration"
admin.site.site_title = "Administration de l'annuaire SPRO"
admin.site.index_title = "Gestion de l'annuaire"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("annuaire.urls")),
]

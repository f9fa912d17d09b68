"""List filters of the back office, in French; the queries themselves are QuerySet methods."""

from django.contrib import admin

from structures.enums import Circle
from structures.models import stale_q


class LabelFilter(admin.SimpleListFilter):
    title = "label régional"
    parameter_name = "label"

    def lookups(self, request, model_admin):
        return [
            ("valide", "En cours de validité"),
            ("expire-bientot", "Expire dans les 60 jours"),
            ("expire", "Expiré ou retiré"),
            ("sans-objet", "Sans objet (cercles 1 et 2)"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "valide":
                return queryset.label_valid()
            case "expire-bientot":
                return queryset.label_expiring()
            case "expire":
                return queryset.label_expired()
            case "sans-objet":
                return queryset.exclude(network__circle=Circle.LABELLED)
        return queryset


class StaleFilter(admin.SimpleListFilter):
    title = "vérification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("ancienne", "Non vérifié depuis plus de 12 mois"), ("recente", "Vérifié dans les 12 derniers mois")]

    def queryset(self, request, queryset):
        if self.value() == "ancienne":
            return queryset.filter(stale_q())
        if self.value() == "recente":
            return queryset.exclude(stale_q())
        return queryset


class CompletenessFilter(admin.SimpleListFilter):
    title = "complétude"
    parameter_name = "completude"

    def lookups(self, request, model_admin):
        return [
            ("incomplet", "Incomplet (un des manques ci-dessous)"),
            ("sans-telephone", "Sans téléphone"),
            ("sans-horaires", "Sans horaires"),
            ("sans-accessibilite", "Accessibilité non renseignée"),
            ("position-commune", "Position au centre de la commune"),
        ]

    def queryset(self, request, queryset):
        methods = {
            "incomplet": "incomplete",
            "sans-telephone": "without_phone",
            "sans-horaires": "without_hours",
            "sans-accessibilite": "without_accessibility",
            "position-commune": "commune_precision",
        }
        method = methods.get(self.value())
        return getattr(queryset, method)() if method else queryset

"""List filters of the back office, in French; the queries themselves are QuerySet methods."""

from django.contrib import admin


class QuerySetMethodFilter(admin.SimpleListFilter):
    """A list filter whose every choice is a QuerySet method: (value in the address, label, method)."""

    options = []

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _ in self.options]

    def queryset(self, request, queryset):
        method = {value: method for value, _, method in self.options}.get(self.value())
        return getattr(queryset, method)() if method else queryset


class LabelFilter(QuerySetMethodFilter):
    title = "label régional"
    parameter_name = "label"
    options = [
        ("valide", "En cours de validité", "label_valid"),
        ("expire-bientot", "Expire dans les 60 jours", "label_expiring"),
        ("expire", "Expiré ou retiré", "label_expired"),
        ("sans-objet", "Sans objet (cercles 1 et 2)", "not_labelled"),
    ]


class StaleFilter(QuerySetMethodFilter):
    title = "vérification"
    parameter_name = "verification"
    options = [
        ("ancienne", "Non vérifié depuis plus de 12 mois", "stale"),
        ("recente", "Vérifié dans les 12 derniers mois", "recently_verified"),
    ]


# Why a point is in the verification queue (structures/dashboard.py): (value in the address, label,
# ReceptionPointQuerySet method).
QUEUE_REASONS = [
    ("source", "Modifié à la source depuis sa vérification", "changed_at_source"),
    ("jamais", "Jamais vérifié", "never_verified"),
    ("plus-d-un-an", "Vérifié il y a plus d'un an", "verified_long_ago"),
]


class PointVerificationFilter(StaleFilter):
    options = [*StaleFilter.options, *QUEUE_REASONS]


class CompletenessFilter(QuerySetMethodFilter):
    title = "complétude"
    parameter_name = "completude"
    options = [
        ("incomplet", "Incomplet (un des manques ci-dessous)", "incomplete"),
        ("sans-telephone", "Sans téléphone", "without_phone"),
        ("sans-horaires", "Sans horaires", "without_hours"),
        ("sans-accessibilite", "Accessibilité non renseignée", "without_accessibility"),
        ("position-commune", "Position au centre de la commune", "commune_precision"),
    ]

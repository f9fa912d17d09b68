from django.apps import AppConfig


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "Structures et lieux d'accueil"

    def ready(self):
        from structures import signals  # noqa: F401

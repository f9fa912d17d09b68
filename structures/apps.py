from django.apps import AppConfig
from django.db.models.signals import post_migrate


def apply_roles(sender, **kwargs):
    """After every `migrate`, the groups get exactly the permissions of structures.roles (the
    permissions of every app were created just before, by django.contrib.auth)."""
    from structures.roles import ensure_roles

    ensure_roles()


class StructuresConfig(AppConfig):
    name = "structures"
    verbose_name = "Structures et lieux d'accueil"

    def ready(self):
        from structures import signals  # noqa: F401

        post_migrate.connect(apply_roles, sender=self, dispatch_uid="structures-apply-roles")

"""The roles of the back office, created by a migration (structures/migrations/0006_roles.py).

- Administrateurs Région: everything, including user accounts.
- Éditeurs Région: create, change and delete structures, points, hours, closures and reports;
  no access to user accounts.
- Partenaires (lecture seule): see everything in the directory, change nothing.
"""

ADMINISTRATORS = "Administrateurs Région"
EDITORS = "Éditeurs Région"
READERS = "Partenaires (lecture seule)"

DIRECTORY_MODELS = [
    "department",
    "commune",
    "public",
    "servicelevel",
    "network",
    "structure",
    "receptionpoint",
    "openinghours",
    "closure",
    "errorreport",
]
USER_MODELS = [("auth", "user"), ("auth", "group")]


def role_permissions():
    """{group name: [(app_label, codename), ...]}"""
    directory_all = [
        ("structures", f"{action}_{model}")
        for model in DIRECTORY_MODELS
        for action in ("add", "change", "delete", "view")
    ]
    directory_view = [("structures", f"view_{model}") for model in DIRECTORY_MODELS]
    users_all = [
        (app, f"{action}_{model}") for app, model in USER_MODELS for action in ("add", "change", "delete", "view")
    ]
    return {ADMINISTRATORS: directory_all + users_all, EDITORS: directory_all, READERS: directory_view}


def ensure_roles():
    """Create the three groups with their permissions if missing (the migration does it once;
    tests that empty the database call this again)."""
    from django.contrib.auth.models import Group, Permission

    for name, permissions in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in permissions]
        )

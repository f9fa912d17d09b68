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


def ensure_roles(group_model=None, permission_model=None):
    """Create the three groups with their permissions if missing. The migration passes its
    historical models; tests that empty the database call it again with the real ones."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model
        from django.contrib.auth.models import Permission as permission_model

    for name, permissions in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(
            [
                permission_model.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in permissions
            ]
        )

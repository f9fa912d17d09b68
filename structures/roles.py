"""The roles of the back office and what each may do: one table, applied to the groups after every
`migrate` (structures.apps) and shown in the README (« Rôles de l'administration »).

- Administrateurs Région: the whole directory, the reference vocabularies (without deleting them),
  the accounts (without their roles: see structures/admin_accounts.py) and the login lockouts.
- Éditeurs Région: create and correct structures, points, hours, closures; handle error reports;
  import and export. They delete points, hours and closures, never a structure, and only read the
  reference data.
- Partenaires (lecture seule): read and export the directory, change nothing.

Only a superuser deletes reference data, and only a superuser gives roles (groups, staff and
superuser flags). Import and export are permissions of their own (« import_structure »…), checked
by django-import-export (IMPORT_EXPORT_*_PERMISSION_CODE in the settings).
"""

ADMINISTRATORS = "Administrateurs Région"
EDITORS = "Éditeurs Région"
READERS = "Partenaires (lecture seule)"
ROLES = [ADMINISTRATORS, EDITORS, READERS]

ALL = "view add change delete"
EDIT = "view add change"
FULL_IO = "view add change delete import export"

# (app label, model): {role: actions}. A role not named has no access to the model.
PERMISSION_TABLE = {
    ("structures", "structure"): {
        ADMINISTRATORS: FULL_IO,
        EDITORS: "view add change import export",
        READERS: "view export",
    },
    ("structures", "receptionpoint"): {ADMINISTRATORS: FULL_IO, EDITORS: FULL_IO, READERS: "view export"},
    ("structures", "openinghours"): {ADMINISTRATORS: FULL_IO, EDITORS: FULL_IO, READERS: "view export"},
    ("structures", "closure"): {ADMINISTRATORS: ALL, EDITORS: ALL, READERS: "view"},
    ("structures", "errorreport"): {ADMINISTRATORS: "view change delete", EDITORS: "view change", READERS: "view"},
    # Who is told of the reports of which departments: set with the accounts (structures/admin_accounts.py).
    ("structures", "staffprofile"): {ADMINISTRATORS: "view add change delete"},
    ("structures", "network"): {ADMINISTRATORS: EDIT, EDITORS: "view", READERS: "view"},
    ("structures", "public"): {ADMINISTRATORS: EDIT, EDITORS: "view", READERS: "view"},
    ("structures", "servicelevel"): {ADMINISTRATORS: EDIT, EDITORS: "view", READERS: "view"},
    ("structures", "department"): {ADMINISTRATORS: "view change", EDITORS: "view", READERS: "view"},
    ("structures", "commune"): {ADMINISTRATORS: "view change", EDITORS: "view", READERS: "view"},
    ("auth", "user"): {ADMINISTRATORS: EDIT},
    ("auth", "group"): {ADMINISTRATORS: "view"},
    # Deleting a lockout record unlocks the account (structures/admin_accounts.py).
    ("axes", "accessattempt"): {ADMINISTRATORS: "view delete"},
}


def role_permissions():
    """{group name: [(app_label, codename), ...]}"""
    permissions = {role: [] for role in ROLES}
    for (app_label, model), roles in PERMISSION_TABLE.items():
        for role, actions in roles.items():
            permissions[role] += [(app_label, f"{action}_{model}") for action in actions.split()]
    return permissions


def ensure_roles(group_model=None, permission_model=None):
    """Create the three groups if missing and give each exactly the permissions of the table."""
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

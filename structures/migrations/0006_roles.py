from django.contrib.auth.management import create_permissions
from django.db import migrations

from structures.roles import role_permissions


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations: create them now for these apps.
    for app_label in ("auth", "structures"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # the migration registry's configs are stubs
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in permissions
            ]
        )


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=role_permissions()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("structures", "0005_history"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]

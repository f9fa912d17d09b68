from django.contrib.auth.management import create_permissions
from django.db import migrations

from structures.roles import ensure_roles, role_permissions


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations: create them now for these apps.
    for app_label in ("auth", "structures"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True  # the migration registry's configs are stubs
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def delete_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=role_permissions()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("structures", "0005_history"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]

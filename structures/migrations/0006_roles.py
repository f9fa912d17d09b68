from django.db import migrations

# The roles were first created here. Their permissions now come from one table
# (structures/roles.py), applied after every `migrate` by structures.apps, so that a change of
# the table needs no new migration; this step is kept, empty, for the databases that ran it.


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("structures", "0005_history"),
    ]

    operations = []

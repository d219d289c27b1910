"""The clerk roles as groups; their permissions are (re)granted after each migrate (casework.roles)."""

from django.db import migrations

ROLES = ["registrar", "officer", "commission_secretary", "head", "administrator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0002_history_append_only_trigger"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, remove_groups)]

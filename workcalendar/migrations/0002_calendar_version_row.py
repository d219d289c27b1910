from django.db import migrations


def create_version_row(apps, schema_editor):
    CalendarVersion = apps.get_model("workcalendar", "CalendarVersion")
    CalendarVersion.objects.using(schema_editor.connection.alias).get_or_create(pk=1, defaults={"number": 0})


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(create_version_row, migrations.RunPython.noop)]

# Replayed bodies must be byte-identical; PostgreSQL's jsonb reorders keys, so the body is kept as text.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0005_api_clients_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="idempotencyrecord",
            name="response_body",
            field=models.TextField(blank=True, default=""),
        ),
    ]

"""On PostgreSQL, the transition history refuses UPDATE and DELETE in SQL as well as in the ORM.

TRUNCATE is left to database privileges (the application's role should not own the table in
production); test-database flushes use it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION casework_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'casework_transitionlog is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER casework_transitionlog_append_only
    BEFORE UPDATE OR DELETE ON casework_transitionlog
    FOR EACH ROW EXECUTE FUNCTION casework_history_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS casework_transitionlog_append_only ON casework_transitionlog;
DROP FUNCTION IF EXISTS casework_history_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]

"""Make the event log append-only in the database itself.

The model refuses updates too, but a trigger also stops raw SQL, bulk updates
and admin mistakes. TRUNCATE (used by test teardown) is not row-level and is
unaffected.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION jobs_jobevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'jobs_jobevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER jobs_jobevent_append_only
    BEFORE UPDATE OR DELETE ON jobs_jobevent
    FOR EACH ROW EXECUTE FUNCTION jobs_jobevent_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS jobs_jobevent_append_only ON jobs_jobevent;
DROP FUNCTION IF EXISTS jobs_jobevent_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

"""The event log stays append-only, except for the retention purge: a DELETE
passes when the transaction set `beacon.events_purge` to `on` (SET LOCAL),
which only jobs/services/retention.py does, for jobs whose retention policy
gives their events an end. UPDATE is always refused."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION jobs_jobevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('beacon.events_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'jobs_jobevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
CREATE OR REPLACE FUNCTION jobs_jobevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'jobs_jobevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("jobs", "0013_retention_policies")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]

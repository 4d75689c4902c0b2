"""The audit log and its checkpoints, append-only in the database itself.

Like jobs_jobevent's trigger (jobs/migrations/0002), but the log is chained
after the insert (tenants/audit.py), so the trigger lets through exactly one
kind of UPDATE: setting `seq`, `prev_hash` and `row_hash` on a row that has
none yet, changing nothing else. A row is inserted without them. DELETE is
refused unless the transaction set `beacon.audit_purge` to `on` (SET LOCAL,
the retention purge only). Checkpoints are never updated or deleted.
TRUNCATE (test teardown) is not row-level and is unaffected.
"""

import django.utils.timezone
from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION tenants_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq IS NOT NULL OR NEW.prev_hash <> '' OR NEW.row_hash <> '' THEN
            RAISE EXCEPTION 'tenants_auditlog rows are inserted unchained; the chainer sets seq and hashes';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF current_setting('beacon.audit_purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'tenants_auditlog is append-only (DELETE refused)';
    END IF;
    IF OLD.seq IS NULL AND OLD.prev_hash = '' AND OLD.row_hash = ''
       AND NEW.seq IS NOT NULL AND length(NEW.prev_hash) = 64 AND length(NEW.row_hash) = 64
       AND (to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'row_hash'])
           = (to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'row_hash']) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'tenants_auditlog is append-only (UPDATE refused)';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tenants_auditlog_append_only
    BEFORE INSERT OR UPDATE OR DELETE ON tenants_auditlog
    FOR EACH ROW EXECUTE FUNCTION tenants_auditlog_append_only();

CREATE OR REPLACE FUNCTION tenants_auditcheckpoint_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'tenants_auditcheckpoint is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER tenants_auditcheckpoint_append_only
    BEFORE UPDATE OR DELETE ON tenants_auditcheckpoint
    FOR EACH ROW EXECUTE FUNCTION tenants_auditcheckpoint_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tenants_auditcheckpoint_append_only ON tenants_auditcheckpoint;
DROP FUNCTION IF EXISTS tenants_auditcheckpoint_append_only();
DROP TRIGGER IF EXISTS tenants_auditlog_append_only ON tenants_auditlog;
DROP FUNCTION IF EXISTS tenants_auditlog_append_only();
"""

ACTIONS = [("create", "Create"), ("update", "Update"), ("delete", "Delete")]


class Migration(migrations.Migration):
    dependencies = [("tenants", "0005_customer_tier_security_reviewer")]

    operations = [
        migrations.CreateModel(
            name="AuditLog",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("kind", models.CharField(choices=[("request", "Request"), ("change", "Change")], max_length=8)),
                ("actor", models.CharField(blank=True, max_length=200)),
                ("method", models.CharField(blank=True, max_length=10)),
                ("route", models.CharField(blank=True, max_length=300)),
                ("status_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("organization_id", models.UUIDField(blank=True, null=True)),
                ("project_id", models.UUIDField(blank=True, null=True)),
                ("api_key_id", models.UUIDField(blank=True, null=True)),
                ("api_key_prefix", models.CharField(blank=True, max_length=16)),
                ("role", models.CharField(blank=True, max_length=10)),
                ("client_ip", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=256)),
                ("correlation_id", models.CharField(blank=True, max_length=64)),
                ("latency_ms", models.PositiveIntegerField(blank=True, null=True)),
                ("body_sha256", models.CharField(blank=True, max_length=64)),
                ("object_model", models.CharField(blank=True, max_length=100)),
                ("object_pk", models.CharField(blank=True, max_length=64)),
                ("action", models.CharField(blank=True, choices=ACTIONS, max_length=8)),
                ("before_hash", models.CharField(blank=True, max_length=64)),
                ("after_hash", models.CharField(blank=True, max_length=64)),
                ("seq", models.BigIntegerField(blank=True, editable=False, null=True)),
                ("prev_hash", models.CharField(blank=True, editable=False, max_length=64)),
                ("row_hash", models.CharField(blank=True, editable=False, max_length=64)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organization_id", "-created_at"], name="auditlog_org_time"),
                    models.Index(fields=["created_at"], name="auditlog_time"),
                    models.Index(condition=models.Q(("seq__isnull", True)), fields=["id"], name="auditlog_unchained"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("seq__isnull", False)), fields=("seq",), name="auditlog_seq_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("seq", models.BigIntegerField(unique=True)),
                ("row_hash", models.CharField(max_length=64)),
                ("purged_rows", models.PositiveIntegerField()),
                ("cutoff", models.DateTimeField()),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]

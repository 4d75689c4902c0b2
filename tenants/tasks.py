"""Beat tasks of the audit log: thin, the work is in tenants/audit/."""

from celery import shared_task

from tenants.audit import audit_chain, audit_purge


@shared_task(name="tenants.audit_chain")
def audit_chain_task() -> int:
    """Chain the rows written since the last run (the pending window)."""
    return audit_chain()


# A first purge after a long retention may delete millions of rows, in batches
# of 10,000 that each commit: a longer limit than the default lets it finish,
# and a run cut short still keeps the batches it committed.
@shared_task(name="tenants.audit_purge", soft_time_limit=300, time_limit=330)
def audit_purge_task() -> int:
    """Purge rows older than BEACON_AUDIT_RETENTION_DAYS, leaving a checkpoint."""
    return audit_purge()

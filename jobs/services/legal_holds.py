"""Legal holds: placing, lifting, and what they keep.

A hold covers an organization, a project or one job. `unheld` is the filter
every purge and tier move applies to the rows it would drop, so a hold is
enforced in one place: whatever a hold covers is never thinned, purged or
moved while the hold is active. Placing and lifting are audited twice: the
API request lands in the audit log like every request, and the hold row
itself records who placed and lifted it, and when.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jobs.models import Job, LegalHold
from tenants.models import Organization, Project


class HoldRejected(ValueError):
    """The hold asked for cannot be placed (a project or job of another
    organization, or both given)."""


def unheld(prefix: str = "") -> Q:
    """Rows whose job no active hold covers; `prefix` leads from the rows to
    the job ("job__" from a JobResult, "" on Job itself). A job's own
    `legal_hold` flag (kept by the two services below) counts too."""
    active = LegalHold.objects.filter(lifted_at__isnull=True)
    whole = active.filter(project__isnull=True, job__isnull=True).values("organization_id")
    projects = active.filter(project__isnull=False).values("project_id")
    jobs = active.filter(job__isnull=False).values("job_id")
    return ~(
        Q(**{f"{prefix}organization_id__in": whole})
        | Q(**{f"{prefix}project_id__in": projects})
        | Q(**{f"{prefix}id__in": jobs})
    ) & Q(**{f"{prefix}legal_hold": False})


def job_is_held(job: Job) -> bool:
    return not Job.objects.filter(unheld(), pk=job.pk).exists()


def legal_hold_place(
    *,
    organization: Organization,
    reason: str,
    placed_by: str,
    project: Project | None = None,
    job: Job | None = None,
) -> LegalHold:
    if project is not None and job is not None:
        raise HoldRejected("a hold covers an organization, one project or one job: not a project and a job")
    if project is not None and project.organization_id != organization.id:
        raise HoldRejected("that project belongs to another organization")
    if job is not None and job.organization_id != organization.id:
        raise HoldRejected("that job belongs to another organization")
    with transaction.atomic():
        hold = LegalHold.objects.create(
            organization=organization, project=project, job=job, reason=reason, placed_by=placed_by
        )
        if job is not None:
            Job.objects.filter(pk=job.pk).update(legal_hold=True)
    return hold


def legal_hold_lift(*, hold: LegalHold, lifted_by: str) -> LegalHold:
    """Lift an active hold (a lifted one stays as it was)."""
    with transaction.atomic():
        updated = LegalHold.objects.filter(pk=hold.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now(), lifted_by=lifted_by
        )
        if updated and hold.job_id is not None:
            still = LegalHold.objects.filter(job_id=hold.job_id, lifted_at__isnull=True).exists()
            Job.objects.filter(pk=hold.job_id).update(legal_hold=still)
    hold.refresh_from_db()
    return hold


def legal_hold_representation(hold: LegalHold) -> dict[str, Any]:
    return {
        "id": str(hold.id),
        "scope": hold.scope,
        "projectId": str(hold.project_id) if hold.project_id else None,
        "jobId": str(hold.job_id) if hold.job_id else None,
        "reason": hold.reason,
        "placedBy": hold.placed_by,
        "placedAt": hold.placed_at.isoformat(),
        "liftedBy": hold.lifted_by or None,
        "liftedAt": hold.lifted_at.isoformat() if hold.lifted_at else None,
        "active": hold.lifted_at is None,
    }

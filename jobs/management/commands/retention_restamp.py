"""Apply the retention policies now in force to jobs that already ended
(a job keeps the terms it ended under otherwise):

    manage.py retention_restamp [--org SLUG]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from jobs.models import TERMINAL_STATUSES, Job
from jobs.services.retention_policies import retention_stamp

FIELDS = ["raw_purge_at", "result_purge_at", "webhook_payload_purge_at", "events_purge_at", "model_calls_purge_at"]


class Command(BaseCommand):
    help = "Stamp ended jobs again with the retention policies now in force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="only this organization's jobs (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = Job.objects.filter(status__in=list(TERMINAL_STATUSES), finished_at__isnull=False)
        if options["org"]:
            jobs = jobs.filter(organization__slug=options["org"])
        count = 0
        batch: list[Job] = []
        for job in jobs.only("id", "organization_id", "task_kind", "customer_tier", "finished_at").iterator(2000):
            retention_stamp(job)
            batch.append(job)
            if len(batch) == 2000:
                count += self._save(batch)
                batch = []
        count += self._save(batch)
        self.stdout.write(f"{count} job(s) stamped")

    @staticmethod
    def _save(batch: list[Job]) -> int:
        with transaction.atomic():
            Job.objects.bulk_update(batch, FIELDS)
        return len(batch)
